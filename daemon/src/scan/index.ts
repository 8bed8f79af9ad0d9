/**
 * @module scan
 * Bus scan (CAT-3): probes a gateway's address range for the identity registers of the
 * catalogue's models, above the background refresh but below sample ticks, live reads and
 * commands, with progress and cancel.
 *
 * Speed (a 1–247 scan of a 19200 baud line in ≤ 20 s instead of 247 full timeouts, ~77 s): on an
 * RS485 line a probe does not wait the whole response timeout. Its reply must *start* within
 * `probeReplyStartMs`: t3.5, the slave's turnaround budget, the probe reply's own wire time (the
 * reply of a one-register read is 7 bytes, and USB adapters and the simulator hand bytes over in
 * chunks) and a margin for the host's latency. An address that stays silent is empty after one
 * probe. An address that answered anything unclear (CRC error, stray bytes) is probed again in
 * a second pass with the full timeout and the configured retries; so is the address probed just
 * before bytes that answered no request, as they may be its late reply (a slave slower than the
 * budget, or a host that was busy).
 * Through a Modbus TCP gateway the gateway's own RS485 timeout rules, so probes keep the
 * gateway's timeout.
 * Proposals are listed by address, then position (concentrator inputs in order).
 */
import type { ModelDef, ScanFound, ScanState } from '@ews/shared';
import type { Catalog } from '../catalog/index';
import type { GatewayManager } from '../gateways/index';
import { readRequestPdu, parseReadResponsePdu, ModbusError, frameTimeMs, t35Ms, type LineSettings, type RequestOptions } from '../modbus/index';
import { DomainError } from '../util/errors';
import { systemClock, type Clock } from '../util/clock';
import type { Logger } from '../util/log';
import { silentLogger } from '../util/log';

export type ScanErrorCode = 'gateway-off' | 'not-found' | 'busy';
export class ScanError extends DomainError<ScanErrorCode> {}

export type { ScanFound, ScanState };

/** Slave turnaround a probe waits for (Legrand sheets: 20 ms inter-frame delay; typical slaves 5–45 ms). */
export const PROBE_TURNAROUND_MS = 20;
/** Host latency on top (USB-serial latency timer, event-loop timers). */
export const PROBE_MARGIN_MS = 8;
/** Bytes of the reply to a one-register read: unit, function, byte count, 2 data bytes, CRC. */
const PROBE_REPLY_BYTES = 7;

/**
 * The silence a probe allows after its request has left before the reply must have started
 * (`RequestOptions.replyStartMs`): t3.5 + turnaround + the probe reply's wire time + margin.
 * 19200 8E1: 2.0 + 20 + 4.0 + 8 ≈ 35 ms (the request’s own 4.6 ms come on top).
 */
export function probeReplyStartMs(line: LineSettings, turnaroundMs = PROBE_TURNAROUND_MS, marginMs = PROBE_MARGIN_MS): number {
  return Math.ceil(t35Ms(line) + turnaroundMs + frameTimeMs(line, PROBE_REPLY_BYTES) + marginMs);
}

interface Probe { fn: 3 | 4; address: number; value: number; model: ModelDef; position?: number }

type Outcome = 'empty' | 'noisy' | 'present';

const byPlace = (a: ScanFound, b: ScanFound) => a.address - b.address || (a.position ?? 0) - (b.position ?? 0);

interface Running extends ScanState {
  abort: AbortController;
  startedMs: number;
  endedMs?: number;
}

export class Scanner {
  private scans = new Map<string, Running>();
  private seq = 0;

  constructor(
    private readonly gateways: GatewayManager, private readonly catalog: Catalog, private readonly log: Logger = silentLogger,
    private readonly clock: Clock = systemClock,
  ) {}

  private probes(): { direct: Probe[]; positional: Probe[] } {
    const direct: Probe[] = [];
    const positional: Probe[] = [];
    for (const m of this.catalog.models) {
      if (!m.identity) continue;
      if (m.positions) {
        for (let p = 1; p <= m.positions.count; p++) {
          positional.push({ fn: m.identity.fn, address: m.identity.address + (p - 1) * m.positions.stride, value: m.identity.value, model: m, position: p });
        }
      } else direct.push({ fn: m.identity.fn, address: m.identity.address, value: m.identity.value, model: m });
    }
    return { direct, positional };
  }

  start(gatewayId: string, range: { from?: number; to?: number; timeoutMs?: number } = {}): ScanState {
    const bus = this.gateways.bus(gatewayId);
    if (!bus) throw new ScanError('gateway-off', `gateway ${gatewayId} is off or has no open link`);
    if ([...this.scans.values()].some((s) => s.gatewayId === gatewayId && s.state === 'running')) throw new ScanError('busy', 'a scan of this gateway is already running');
    const from = range.from ?? 1;
    const to = range.to ?? 247;
    const id = `scan-${++this.seq}`;
    const abort = new AbortController();
    const line = this.gateways.line(gatewayId);
    const replyStartMs = line ? probeReplyStartMs(line) : null;
    const scan: Running = {
      id, gatewayId, state: 'running', from, to, done: 0, total: to - from + 1, found: [], elapsedMs: 0, probeReplyStartMs: replyStartMs,
      retried: 0, abort, startedMs: this.clock.monotonicMs(),
    };
    this.scans.set(id, scan);
    const { direct, positional } = this.probes();
    const locations = [...new Map(direct.map((p) => [`${p.fn}:${p.address}`, p])).values()];
    const found = (f: ScanFound) => { scan.found.push(f); scan.found.sort(byPlace); };

    /** First pass: a short wait for the reply to start, no retry. Second pass: the bus's timeout and retries. */
    const optionsFor = (pass: 1 | 2): RequestOptions => ({
      ...(pass === 1 ? { retries: 0, ...(replyStartMs !== null ? { replyStartMs } : {}) } : {}),
      ...(range.timeoutMs ? { timeoutMs: range.timeoutMs } : {}),
    });
    /** The transport's stray-byte count after our last transaction (RTU), and after a probe's first one. */
    let stray = 0;
    let strayAtFirst = 0;
    const read = (unit: number, p: { fn: 3 | 4; address: number }, opts: RequestOptions) => bus.run('scan', async (t) => {
      try { return await t.request(unit, readRequestPdu(p.fn, p.address, 1), opts); } finally { stray = t.strayBytes ?? 0; }
    }, abort.signal)
      .then((pdu) => { const r = parseReadResponsePdu(pdu, p.fn, 1); return r.kind === 'registers' ? r.words[0] : undefined; });

    /** Probes one address; proposals go to `found` only when the address is settled ('present'). */
    const probe = async (unit: number, pass: 1 | 2): Promise<Outcome> => {
      const opts = optionsFor(pass);
      const proposals: ScanFound[] = [];
      let answered = false;
      let matched = false;
      let first = true;
      for (const loc of locations) {
        try {
          const value = await read(unit, loc, opts).finally(() => { if (first) { strayAtFirst = stray; first = false; } });
          answered = true;
          const m = direct.find((p) => p.fn === loc.fn && p.address === loc.address && p.value === value);
          if (m) { proposals.push({ address: unit, family: m.model.family, model: m.model.model, label: m.model.label }); matched = true; break; }
        } catch (err) {
          if (!(err instanceof ModbusError)) throw err;
          if (err.code === 'cancelled') return 'empty';
          if (err.code === 'exception') { answered = true; continue; }
          if (answered) continue; // a register this device does not serve
          // silence: nobody at this address; anything else heard: worth a second, patient look
          return err.code === 'timeout' ? 'empty' : 'noisy';
        }
      }
      if (!answered) return 'empty';
      // Positions behind the address: concentrator inputs and EMS modules when no model matched,
      // inputs built into the meter when one did. One read per location, in position order.
      const hosts = matched ? ['meter'] : ['concentrator', 'interface', 'meter'];
      const wanted = positional.filter((p) => hosts.includes(p.model.positions?.host ?? 'concentrator'));
      for (const loc of new Map(wanted.map((p) => [`${p.fn}:${p.address}`, p])).values()) {
        if (abort.signal.aborted) break;
        try {
          const value = await read(unit, loc, opts);
          const p = wanted.find((x) => x.fn === loc.fn && x.address === loc.address && x.value === value);
          if (p) proposals.push({ address: unit, position: p.position, family: p.model.family, model: p.model.model, label: p.model.label });
        } catch { /* input or module not present */ }
      }
      for (const f of proposals) found(f);
      return 'present';
    };

    const run = async () => {
      // `done` counts settled addresses: one left for the second pass is not done yet
      const again = new Set<number>();
      let previous: { unit: number; outcome: Outcome } | undefined;
      for (let unit = from; unit <= to && !abort.signal.aborted; unit++) {
        const strayBefore = stray;
        const outcome = await probe(unit, 1);
        if (outcome === 'noisy') again.add(unit);
        else scan.done++;
        // Bytes heard after the previous address's probe had given up (between transactions, or
        // in this probe's window) may be its late reply: that address gets the patient look too.
        // (only what came before this probe's first answer: later bytes may be its own late replies)
        const heard = outcome === 'noisy' || strayAtFirst > strayBefore;
        if (heard && previous?.outcome === 'empty' && previous.unit === unit - 1 && !again.has(unit - 1)) { again.add(unit - 1); scan.done--; }
        previous = { unit, outcome };
      }
      scan.retried = again.size;
      for (const unit of [...again].sort((a, b) => a - b)) {
        if (abort.signal.aborted) break;
        await probe(unit, 2);
        scan.done++;
      }
      scan.endedMs = this.clock.monotonicMs();
      scan.state = abort.signal.aborted ? 'cancelled' : 'done';
      this.log.info('scan finished', {
        gatewayId, found: scan.found.length, state: scan.state, elapsedMs: Math.round(scan.endedMs - scan.startedMs), retried: again.size, replyStartMs,
      });
    };
    run().catch((err) => {
      scan.endedMs = this.clock.monotonicMs();
      scan.state = 'failed';
      scan.error = (err as Error).message;
    });
    return this.view(scan);
  }

  /** Scans of a gateway (or all), newest first: a page left and reopened finds its scan again. */
  list(gatewayId?: string): ScanState[] {
    return [...this.scans.values()].filter((s) => !gatewayId || s.gatewayId === gatewayId).reverse().map((s) => this.view(s));
  }

  get(id: string): ScanState {
    const s = this.scans.get(id);
    if (!s) throw new ScanError('not-found', `no scan ${id}`);
    return this.view(s);
  }

  cancel(id: string): ScanState {
    const s = this.scans.get(id);
    if (!s) throw new ScanError('not-found', `no scan ${id}`);
    s.abort.abort();
    return this.view(s);
  }

  private view(s: Running): ScanState {
    const { abort: _a, startedMs, endedMs, ...rest } = s;
    return { ...rest, found: [...rest.found], elapsedMs: Math.round((endedMs ?? this.clock.monotonicMs()) - startedMs) };
  }
}
