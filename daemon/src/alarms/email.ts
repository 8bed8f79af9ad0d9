/**
 * @module alarms/email
 * E-mail (NOTE-1): the sender's SMTP account (the password write-only, kept in LMDB), sending
 * through nodemailer, and the test message to the sender with the server's answer verbatim.
 */
import type { Database } from 'lmdb';
import { emailSettingsInputSchema, type CsvSettings, type EmailSettingsInput, type EmailSettingsView, type EmailTestResult } from '@ews/shared';
import { mailText } from './mail-text';

export interface StoredEmailSettings {
  sender: string;
  user: string;
  password: string;
  server: string;
  port: number;
  security: 'ssl' | 'starttls' | 'none';
}

export const DEFAULT_EMAIL_SETTINGS: StoredEmailSettings = {
  sender: '', user: '', password: '', server: '', port: 465, security: 'ssl',
};

export class EmailError extends Error {
  constructor(readonly code: 'not-configured', message: string, readonly field?: string) { super(message); }
}

export interface Attachment { filename: string; contentType: string; content: Buffer }
export interface MailMessage { to: string; subject: string; text: string; attachments?: Attachment[] }

/** The SMTP error as the server said it: nodemailer's message carries the server's reply line. */
export function smtpErrorText(err: unknown): string {
  const e = err as { message?: string; response?: string };
  const message = e?.message ?? String(err);
  return e?.response && !message.includes(e.response) ? `${message}: ${e.response}` : message;
}

export interface EmailOptions {
  /** Extra CA certificates (PEM) to trust, e.g. a company mail server's own CA. */
  trustedCaPem?: string;
  connectionTimeoutMs?: number;
  /** The box's default language (CSV settings), for the test message (SYS-3). */
  language?: () => CsvSettings['defaultLanguage'];
}

const SETTINGS_KEY = 'email';

export class Email {
  private settingsCache: StoredEmailSettings;

  constructor(private readonly db: Database<unknown, string>, private readonly opts: EmailOptions = {}) {
    const saved = db.get(SETTINGS_KEY) as Partial<StoredEmailSettings> | undefined;
    const { sender, user, password, server, port, security } = { ...DEFAULT_EMAIL_SETTINGS, ...saved };
    this.settingsCache = { sender, user, password, server, port, security };
  }

  stored(): StoredEmailSettings { return this.settingsCache; }

  view(): EmailSettingsView {
    const { password, ...rest } = this.settingsCache;
    return { ...rest, passwordSet: password !== '' };
  }

  async setSettings(input: EmailSettingsInput): Promise<EmailSettingsView> {
    const v = emailSettingsInputSchema.parse(input);
    const next: StoredEmailSettings = {
      sender: v.sender, user: v.user, password: v.password ?? this.settingsCache.password, server: v.server, port: v.port,
      security: v.security,
    };
    await this.db.put(SETTINGS_KEY, next);
    this.settingsCache = next;
    return this.view();
  }

  configured(): boolean { return this.settingsCache.sender !== '' && this.settingsCache.server !== ''; }

  /** Sends one message now; rejects with the SMTP error. */
  async send(m: MailMessage): Promise<void> {
    const s = this.settingsCache;
    if (!this.configured()) throw new EmailError('not-configured', 'the sender address and the SMTP server are not set', 'server');
    const timeoutMs = this.opts.connectionTimeoutMs ?? 15_000;
    // loaded on first use: nodemailer weighs ~3 MB of heap that a box without e-mail never needs
    const { default: nodemailer } = await import('nodemailer');
    const transport = nodemailer.createTransport({
      host: s.server, port: s.port,
      secure: s.security === 'ssl', requireTLS: s.security === 'starttls', ignoreTLS: s.security === 'none',
      ...(s.user ? { auth: { user: s.user, pass: s.password } } : {}),
      ...(this.opts.trustedCaPem ? { tls: { ca: [this.opts.trustedCaPem] } } : {}),
      connectionTimeout: timeoutMs, greetingTimeout: timeoutMs, socketTimeout: timeoutMs * 2,
    });
    try {
      await transport.sendMail({
        from: s.sender, to: m.to, subject: m.subject, text: m.text,
        ...(m.attachments?.length ? { attachments: m.attachments.map((a) => ({ filename: a.filename, contentType: a.contentType, content: Buffer.from(a.content) })) } : {}),
      });
    } finally {
      transport.close();
    }
  }

  /** NOTE-1 "Test": a message to the sender address; the server's error verbatim when it fails. */
  async test(): Promise<EmailTestResult> {
    try {
      await this.send({
        to: this.settingsCache.sender, subject: mailText(this.opts.language?.() ?? 'en').testSubject,
        text: mailText(this.opts.language?.() ?? 'en').testBody,
      });
      return { ok: true };
    } catch (err) {
      return { ok: false, error: smtpErrorText(err) };
    }
  }
}
