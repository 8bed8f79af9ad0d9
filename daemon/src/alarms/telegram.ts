/**
 * @module alarms/telegram
 * Telegram (NOTE-2): the bot's name, token (write-only, never logged) and a password; the bot
 * reads its messages by long polling (`getUpdates`) and lists the people who send it the
 * password, each enabled or disabled; messages go out with `sendMessage` (through the outbox,
 * except "Test", which answers at once). The Bot API's base URL is a setting.
 */
import type { Database } from 'lmdb';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import {
  telegramSettingsInputSchema, type TelegramPerson, type TelegramSettingsInput, type TelegramSettingsView, type TelegramTestResult,
} from '@ews/shared';
import { sleep, type Clock } from '../util/clock';
import { silentLogger, type Logger } from '../util/log';
import { compareText } from '../util/compare';

export interface StoredTelegramSettings {
  enabled: boolean;
  botName: string;
  token: string;
  password: string;
  apiUrl: string;
}

export const DEFAULT_TELEGRAM_SETTINGS: StoredTelegramSettings = { enabled: true, botName: '', token: '', password: '', apiUrl: 'https://api.telegram.org' };

export class TelegramError extends Error {
  constructor(readonly code: 'not-configured' | 'not-found', message: string, readonly field?: string) { super(message); }
}

export interface TelegramOptions {
  clock: Clock;
  log?: Logger;
  /** getUpdates' long-polling timeout (default 25 s; tests use 1). */
  pollTimeoutS?: number;
  /** Pause after a failed poll, doubling up to the ceiling (defaults 5 s and 5 min). */
  retryMinMs?: number;
  retryMaxMs?: number;
  /** Once a person joins, the bot answers (through `reply`, normally the outbox). */
  reply?: (chatId: string, text: string) => void;
}

interface BotUpdate {
  update_id: number;
  message?: { text?: string; chat: { id: number; type?: string; first_name?: string; last_name?: string; title?: string; username?: string }; from?: { first_name?: string; last_name?: string; username?: string } };
}
interface BotAnswer<T> { ok: boolean; result?: T; description?: string; error_code?: number }

const SETTINGS_KEY = 'telegram';
const OFFSET_KEY = 'telegram-offset';
const PERSON_PREFIX = 'tg:';
const REQUEST_TIMEOUT_MS = 15_000;

export class Telegram {
  private settingsCache: StoredTelegramSettings;
  private readonly log: Logger;
  private abort: AbortController | undefined;
  private loop: Promise<void> | undefined;
  private state: TelegramSettingsView['state'] = 'off';
  private lastError: string | undefined;

  constructor(private readonly db: Database<unknown, string>, private readonly opts: TelegramOptions) {
    this.log = opts.log ?? silentLogger;
    this.settingsCache = { ...DEFAULT_TELEGRAM_SETTINGS, ...(db.get(SETTINGS_KEY) as Partial<StoredTelegramSettings> | undefined) };
  }

  view(): TelegramSettingsView {
    const { token, ...rest } = this.settingsCache;
    return { ...rest, tokenSet: token !== '', state: this.state, ...(this.lastError ? { lastError: this.lastError } : {}) };
  }

  async setSettings(input: TelegramSettingsInput): Promise<TelegramSettingsView> {
    const v = telegramSettingsInputSchema.parse(input);
    const next: StoredTelegramSettings = { enabled: v.enabled, botName: v.botName, token: v.token ?? this.settingsCache.token, password: v.password, apiUrl: v.apiUrl.replace(/\/+$/, '') };
    const newBot = next.token !== this.settingsCache.token || next.apiUrl !== this.settingsCache.apiUrl;
    await this.db.transaction(() => {
      void this.db.put(SETTINGS_KEY, next);
      if (newBot) void this.db.remove(OFFSET_KEY); // another bot: its own update ids
    });
    this.settingsCache = next;
    await this.restart();
    return this.view();
  }

  configured(): boolean { return this.settingsCache.token !== ''; }

  people(): TelegramPerson[] {
    return [...this.db.getRange({ start: PERSON_PREFIX, end: `${PERSON_PREFIX}~` })].map((e) => e.value as TelegramPerson)
      .sort((a, b) => compareText(a.joinedAt, b.joinedAt));
  }

  enabledPeople(): TelegramPerson[] { return this.people().filter((p) => p.enabled); }

  async setPerson(chatId: string, enabled: boolean): Promise<TelegramPerson> {
    const p = this.db.get(PERSON_PREFIX + chatId) as TelegramPerson | undefined;
    if (!p) throw new TelegramError('not-found', `no person with chat id ${chatId}`, 'chatId');
    const next = { ...p, enabled };
    await this.db.put(PERSON_PREFIX + chatId, next);
    this.log.info(enabled ? 'telegram person enabled' : 'telegram person disabled', { chatId, name: p.name });
    return next;
  }

  async removePerson(chatId: string): Promise<void> {
    if (!this.db.get(PERSON_PREFIX + chatId)) throw new TelegramError('not-found', `no person with chat id ${chatId}`, 'chatId');
    await this.db.remove(PERSON_PREFIX + chatId);
  }

  /** Sends one message now; rejects with the Bot API's description. */
  async send(chatId: string, text: string): Promise<void> {
    if (!this.configured()) throw new TelegramError('not-configured', 'the bot token is not set', 'token');
    await this.call('sendMessage', { chat_id: chatId, text: text.slice(0, 4096) }, REQUEST_TIMEOUT_MS);
  }

  /** NOTE-2 "Test": a message to every enabled person; the Bot API's error verbatim when one fails. */
  async test(): Promise<TelegramTestResult> {
    if (!this.configured()) return { ok: false, sent: 0, error: 'the bot token is not set' };
    const people = this.enabledPeople();
    if (people.length === 0) return { ok: false, sent: 0, error: 'nobody is enabled: send the password to the bot, then enable the person' };
    let sent = 0;
    const errors: string[] = [];
    for (const p of people) {
      try {
        await this.send(p.chatId, 'This test message from your Energy Web Server shows that its Telegram settings work.');
        sent++;
      } catch (err) {
        errors.push(`${p.name}: ${this.errorText(err)}`);
      }
    }
    return errors.length ? { ok: false, sent, error: errors.join('; ') } : { ok: true, sent };
  }

  start(): void { void this.restart(); }

  async stop(): Promise<void> {
    this.abort?.abort();
    this.abort = undefined;
    await this.loop;
    this.loop = undefined;
  }

  private async restart(): Promise<void> {
    await this.stop();
    const s = this.settingsCache;
    if (!s.enabled || s.token === '') { this.state = 'off'; this.lastError = undefined; return; }
    const abort = new AbortController();
    this.abort = abort;
    this.state = 'polling';
    this.lastError = undefined;
    this.loop = this.poll(abort.signal).catch((err: unknown) => { this.log.error('telegram polling stopped', { error: this.errorText(err) }); });
  }

  /** Long polling: one getUpdates at a time; the offset is kept so a restart reads nothing twice. */
  private async poll(signal: AbortSignal): Promise<void> {
    const timeoutS = this.opts.pollTimeoutS ?? 25;
    const minMs = this.opts.retryMinMs ?? 5000, maxMs = this.opts.retryMaxMs ?? 300_000;
    let failures = 0;
    this.log.info('telegram polling', { bot: this.settingsCache.botName });
    while (!signal.aborted) {
      try {
        const offset = (this.db.get(OFFSET_KEY) as number | undefined) ?? 0;
        const updates = await this.call<BotUpdate[]>('getUpdates', { offset, timeout: timeoutS, allowed_updates: ['message'] }, timeoutS * 1000 + REQUEST_TIMEOUT_MS, signal);
        if (failures) this.log.info('telegram polling works again', { failures });
        failures = 0;
        this.state = 'polling';
        this.lastError = undefined;
        for (const u of updates) {
          await this.onUpdate(u);
          await this.db.put(OFFSET_KEY, u.update_id + 1);
        }
      } catch (err) {
        if (signal.aborted) return;
        failures++;
        this.state = 'error';
        this.lastError = this.errorText(err);
        const waitMs = Math.min(maxMs, minMs * 2 ** Math.min(16, failures - 1));
        this.log.warn('telegram polling failed, will retry', { error: this.lastError, retryInMs: waitMs });
        await sleep(this.opts.clock, waitMs, signal);
      }
    }
  }

  private async onUpdate(u: BotUpdate): Promise<void> {
    const m = u.message;
    const password = this.settingsCache.password;
    if (!m?.text || password === '' || m.text.trim() !== password) return;
    const chatId = String(m.chat.id);
    const existing = this.db.get(PERSON_PREFIX + chatId) as TelegramPerson | undefined;
    if (existing) return;
    const who = m.from ?? m.chat;
    const name = [who.first_name, who.last_name].filter(Boolean).join(' ') || m.chat.title || who.username || chatId;
    const person: TelegramPerson = { chatId, name, ...(who.username ? { username: who.username } : {}), enabled: true, joinedAt: new Date(this.opts.clock.now()).toISOString() };
    await this.db.put(PERSON_PREFIX + chatId, person);
    this.log.info('telegram person joined', { chatId, name });
    this.opts.reply?.(chatId, `Hello ${name}: this Energy Web Server will send you its alerts here.`);
  }

  private async call<T>(method: string, body: Record<string, unknown>, timeoutMs: number, signal?: AbortSignal): Promise<T> {
    // The URL holds the token: it is never logged nor put in an error.
    const url = `${this.settingsCache.apiUrl}/bot${this.settingsCache.token}/${method}`;
    const res = await postJson(url, JSON.stringify(body), timeoutMs, signal);
    const text = res.text;
    let answer: BotAnswer<T>;
    try { answer = JSON.parse(text) as BotAnswer<T>; } catch { throw new Error(`Bot API ${method}: HTTP ${res.status}, not JSON`); }
    if (!answer.ok) throw new Error(answer.description ? `${answer.error_code ?? res.status} ${answer.description}` : `Bot API ${method}: HTTP ${res.status}`);
    return answer.result as T;
  }

  /** An error's text with the token scrubbed out, whatever produced it. */
  errorText(err: unknown): string {
    const e = err as { message?: string };
    let text = e?.message ?? String(err);
    if ((err as { name?: string })?.name === 'TimeoutError') text = 'the Bot API did not answer in time';
    const token = this.settingsCache.token;
    return token ? text.split(token).join('[token]') : text;
  }
}

/** The Bot API's answers are small; a larger one is refused rather than held. */
const MAX_ANSWER_BYTES = 4 * 1024 * 1024;

/**
 * POSTs a JSON body and reads the answer, with node:http(s): the daemon does not use Node's
 * `fetch`, which needs undici (6–10 MB more resident memory) and WebAssembly (its HTTP parser),
 * which the daemon runs without (`--lite-mode`, daemon/src/runtime.ts).
 * Rejects with a `TimeoutError` after `timeoutMs` in all, or with the signal's reason.
 */
function postJson(url: string, body: string, timeoutMs: number, signal?: AbortSignal): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    let u: URL;
    try { u = new URL(url); } catch { reject(new Error('the Bot API URL is not a URL')); return; }
    const send = u.protocol === 'https:' ? httpsRequest : u.protocol === 'http:' ? httpRequest : undefined;
    if (!send) { reject(new Error(`the Bot API URL must be http or https, not ${u.protocol}`)); return; }
    let settled = false;
    const finish = (err: Error | null, answer?: { status: number; text: string }) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      if (err) { req.destroy(); reject(err); } else resolve(answer!);
    };
    const onAbort = () => finish(signal!.reason instanceof Error ? signal!.reason : new Error('aborted'));
    const req = send(u, { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res: IncomingMessage) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        size += c.length;
        if (size > MAX_ANSWER_BYTES) finish(new Error('the Bot API answer is too large'));
        else chunks.push(c);
      });
      res.on('end', () => finish(null, { status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', (err) => finish(err));
    });
    const timer = setTimeout(() => finish(Object.assign(new Error('timeout'), { name: 'TimeoutError' })), timeoutMs);
    if (signal?.aborted) { onAbort(); return; }
    signal?.addEventListener('abort', onAbort, { once: true });
    req.on('error', (err) => finish(err));
    req.end(body);
  });
}
