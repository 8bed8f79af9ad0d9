/**
 * A real SMTP server for tests (smtp-server, implicit TLS on an ephemeral port, a self-signed
 * certificate made by openssl); each message received is parsed (mailparser) with its attachments.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SMTPServer } from 'smtp-server';
import { simpleParser, type ParsedMail } from 'mailparser';

export interface ReceivedMail { from: string; to: string[]; raw: string; parsed: ParsedMail }

export interface TestSmtp {
  port: number;
  /** The certificate (PEM) the daemon must trust (`smtpTrustedCaPem`). */
  cert: string;
  received: ReceivedMail[];
  /** Stops it (pass the same port to `start` to bring it back). */
  stop(): Promise<void>;
  start(port?: number): Promise<void>;
  close(): Promise<void>;
}

export const SMTP_USER = 'box@example.com';
export const SMTP_PASSWORD = 's3cret';

export async function startTestSmtp(): Promise<TestSmtp> {
  const dir = mkdtempSync(join(tmpdir(), 'ews-smtp-'));
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'),
    '-days', '2', '-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost'], { stdio: 'ignore' });
  const key = readFileSync(join(dir, 'key.pem'), 'utf8');
  const cert = readFileSync(join(dir, 'cert.pem'), 'utf8');
  const received: ReceivedMail[] = [];
  let server: SMTPServer | undefined;
  const self: TestSmtp = {
    port: 0, cert, received,
    async start(port = 0) {
      const s = new SMTPServer({
        secure: true, key, cert, authMethods: ['PLAIN', 'LOGIN'], logger: false, disabledCommands: ['STARTTLS'],
        onAuth(auth, _session, cb) {
          if (auth.username === SMTP_USER && auth.password === SMTP_PASSWORD) cb(null, { user: auth.username });
          else cb(new Error('Bad username or password (ews test server)'));
        },
        onData(stream, session, cb) {
          const chunks: Buffer[] = [];
          stream.on('data', (c: Buffer) => chunks.push(c));
          stream.on('end', () => {
            const raw = Buffer.concat(chunks);
            void simpleParser(raw).then((parsed) => {
              received.push({ from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '', to: session.envelope.rcptTo.map((r) => r.address), raw: raw.toString('utf8'), parsed });
              cb();
            }, (err: Error) => cb(err));
          });
        },
      });
      await new Promise<void>((resolve, reject) => { s.once('error', reject); s.listen(port, '127.0.0.1', () => resolve()); });
      server = s;
      self.port = (s.server.address() as { port: number }).port;
    },
    stop: () => new Promise<void>((resolve) => { const s = server; server = undefined; if (!s) resolve(); else s.close(() => resolve()); }),
    async close() { await self.stop(); rmSync(dir, { recursive: true, force: true }); },
  };
  await self.start();
  return self;
}

/** The e-mail settings for the test server. */
export const smtpSettings = (smtp: TestSmtp) => JSON.stringify({ sender: SMTP_USER, user: SMTP_USER, password: SMTP_PASSWORD, server: '127.0.0.1', port: smtp.port, security: 'ssl' });
