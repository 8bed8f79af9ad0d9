/**
 * @module scan
 * Bus scan (CAT-3): probes a gateway's address range for the identity registers of the
 * catalogue's models, at the lowest bus priority, with progress and cancel. An address that
 * does not answer its first probe is empty (one timeout per empty address).
 */
import type { ModelDef, ScanFound, ScanState } from '@ews/shared';
import type { Catalog } from '../catalog/index';
import type { GatewayManager } from '../gateways/index';
import { readRequestPdu, parseReadResponsePdu } from '../modbus/index';
import { ModbusError } from '../modbus/index';
import { DomainError } from '../util/errors';
import type { Logger } from '../util/log';
import { silentLogger } from '../util/log';

export type ScanErrorCode = 'gateway-off' | 'not-found' | 'busy';
export class ScanError extends DomainError<ScanErrorCode> {}

export type { ScanFound, ScanState };

interface Probe { fn: 3 | 4; address: number; value: number; model: ModelDef; position?: number }

export class Scanner {
  private scans = new Map<string, ScanState & { abort: AbortController }>();
  private seq = 0;

  constructor(private readonly gateways: GatewayManager, private readonly catalog: Catalog, private readonly log: Logger = silentLogger) {}

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
    const scan = { id, gatewayId, state: 'running' as ScanState['state'], from, to, done: 0, total: to - from + 1, found: [] as ScanFound[], abort };
    this.scans.set(id, scan);
    const { direct, positional } = this.probes();
    const locations = [...new Map(direct.map((p) => [`${p.fn}:${p.address}`, p])).values()];
    const read = (unit: number, p: { fn: 3 | 4; address: number }) => bus.run('scan', (t) => t.request(unit, readRequestPdu(p.fn, p.address, 1), { retries: 0, ...(range.timeoutMs ? { timeoutMs: range.timeoutMs } : {}) }), abort.signal)
      .then((pdu) => { const r = parseReadResponsePdu(pdu, p.fn, 1); return r.kind === 'registers' ? r.words[0] : undefined; });
    const run = async () => {
      for (let unit = from; unit <= to && !abort.signal.aborted; unit++) {
        let answered = false;
        let matched = false;
        for (const loc of locations) {
          try {
            const value = await read(unit, loc);
            answered = true;
            const m = direct.find((p) => p.fn === loc.fn && p.address === loc.address && p.value === value);
            if (m) { scan.found.push({ address: unit, family: m.model.family, model: m.model.model, label: m.model.label }); matched = true; break; }
          } catch (err) {
            if (err instanceof ModbusError && err.code === 'exception') { answered = true; continue; }
            if (err instanceof ModbusError && err.code === 'cancelled') break;
            if (!answered) break; // nobody at this address
          }
        }
        // Positions behind the address: concentrator inputs and EMS modules when no model matched,
        // inputs built into the meter when one did. One read per location, matched against every model.
        if (answered) {
          const hosts = matched ? ['meter'] : ['concentrator', 'interface', 'meter'];
          const wanted = positional.filter((p) => hosts.includes(p.model.positions?.host ?? 'concentrator'));
          for (const loc of new Map(wanted.map((p) => [`${p.fn}:${p.address}`, p])).values()) {
            if (abort.signal.aborted) break;
            try {
              const value = await read(unit, loc);
              const p = wanted.find((x) => x.fn === loc.fn && x.address === loc.address && x.value === value);
              if (p) scan.found.push({ address: unit, position: p.position, family: p.model.family, model: p.model.model, label: p.model.label });
            } catch { /* input or module not present */ }
          }
        }
        scan.done++;
      }
      (scan as ScanState).state = abort.signal.aborted ? 'cancelled' : 'done';
      this.log.info('scan finished', { gatewayId, found: scan.found.length, state: scan.state });
    };
    run().catch((err) => { (scan as ScanState).state = 'failed'; (scan as ScanState).error = (err as Error).message; });
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

  private view(s: ScanState & { abort: AbortController }): ScanState {
    const { abort: _a, ...rest } = s;
    return { ...rest, found: [...rest.found] };
  }
}
