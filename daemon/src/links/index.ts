/**
 * @module links
 * DEV-4 link functionality: reads the link table of every F80BIM1 interface that has configured
 * EMS modules behind it (one bus job per interface, at live priority), and names both ends of
 * each link from the configuration. A link whose interface reports an error, or whose module
 * the web server does not know, is flagged. The last answer is kept for the devices' link icon.
 */
import { deviceAddressLabel, type Link, type LinkEnd, type LinksView, type ModelDef } from '@ews/shared';
import type { Catalog } from '../catalog/index';
import type { ConfigStore } from '../config/index';
import { parseReadResponsePdu, readRequestPdu, type BusQueue } from '../modbus/index';
import { systemClock, type Clock } from '../util/clock';
import { silentLogger, type Logger } from '../util/log';

export interface LinksOptions {
  config: ConfigStore;
  catalog: Catalog;
  gateways: { bus(gatewayId: string): BusQueue | undefined };
  clock?: Clock;
  log?: Logger;
}

/** Status codes of a link as the interface reports them (INFERRED, see the EMS catalogue files). */
const LINK_ERRORS: Record<number, string> = { 1: 'the action module does not answer', 2: 'the source module does not answer', 3: 'configuration mismatch' };

export class Links {
  private linked = new Set<number>();
  private readonly clock: Clock;
  private readonly log: Logger;

  constructor(private readonly opts: LinksOptions) {
    this.clock = opts.clock ?? systemClock;
    this.log = opts.log ?? silentLogger;
  }

  /** Devices that took part in a link at the last read. */
  isLinked(deviceId: number): boolean { return this.linked.has(deviceId); }

  async read(): Promise<LinksView> {
    const { config, catalog } = this.opts;
    const ems = config.devices().flatMap((d) => {
      const model = catalog.get(d.family, d.model);
      return model?.linkTable ? [{ d, model }] : [];
    });
    const interfaces = new Map<string, { gatewayId: string; address: number; table: NonNullable<ModelDef['linkTable']> }>();
    for (const { d, model } of ems) interfaces.set(`${d.gatewayId}:${d.address}`, { gatewayId: d.gatewayId, address: d.address, table: model.linkTable! });
    const links: Link[] = [];
    const unreadable: LinksView['unreadable'] = [];
    const linked = new Set<number>();
    for (const itf of interfaces.values()) {
      const gateway = config.gateway(itf.gatewayId);
      const bus = this.opts.gateways.bus(itf.gatewayId);
      if (!bus) { unreadable.push({ gatewayId: itf.gatewayId, address: itf.address, reason: 'the gateway is off or not connected' }); continue; }
      let words: ArrayLike<number>;
      try {
        const count = 1 + 3 * itf.table.maxLinks;
        const pdu = await bus.run('live', (t) => t.request(itf.address, readRequestPdu(itf.table.fn, itf.table.address, count)));
        const parsed = parseReadResponsePdu(pdu, itf.table.fn, count);
        if (parsed.kind !== 'registers') throw new Error('unexpected answer');
        words = parsed.words;
      } catch (err) {
        this.log.warn('link table not read', { gatewayId: itf.gatewayId, address: itf.address, err });
        unreadable.push({ gatewayId: itf.gatewayId, address: itf.address, reason: (err as Error).message });
        continue;
      }
      const end = (module: number): LinkEnd & { known: boolean } => {
        const hit = ems.find(({ d }) => d.gatewayId === itf.gatewayId && d.address === itf.address && (d.position ?? 1) === module);
        const base = { gatewayId: itf.gatewayId, gateway: gateway?.name ?? itf.gatewayId };
        if (!hit) return { ...base, deviceId: null, name: `module ${module}`, function: 'not configured', address: `${module}-${itf.address}`, known: false };
        return { ...base, deviceId: hit.d.id, name: hit.d.name, function: hit.model.label, address: deviceAddressLabel(hit.d, true), known: true };
      };
      const n = Math.min(words[0] ?? 0, itf.table.maxLinks);
      for (let i = 0; i < n; i++) {
        const [src, dst, status] = [words[1 + 3 * i]!, words[2 + 3 * i]!, words[3 + 3 * i]!];
        const { known: srcKnown, ...source } = end(src);
        const { known: dstKnown, ...target } = end(dst);
        const problems = [
          ...(status !== 0 ? [LINK_ERRORS[status] ?? `error code ${status}`] : []),
          ...(!srcKnown ? [`module ${source.address} is not configured in the web server`] : []),
          ...(!dstKnown ? [`module ${target.address} is not configured in the web server`] : []),
        ];
        for (const e of [source, target]) if (e.deviceId !== null) linked.add(e.deviceId);
        links.push({ source, target, ok: problems.length === 0, ...(problems.length ? { error: problems.join('; ') } : {}) });
      }
    }
    this.linked = linked;
    return { links, unreadable, at: new Date(this.clock.now()).toISOString() };
  }
}
