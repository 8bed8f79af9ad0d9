/**
 * @module commands
 * Commands on the bus (DEV-2, DEV-3): a breaker's or EMS relay's open / close / reset, an
 * output switched on or off, an output's configuration written. Every write is one bus job at
 * command priority (ahead of live reads, ticks and scans), sent once (a repeated switching
 * command could act twice), then the device is read back until it shows what was asked or the
 * confirmation time runs out. Each command is written to the audit trail with its outcome.
 */
import {
  deviceAddressLabel, positionOffset, resolveRegisters,
  type CommandKind, type CommandResult, type DeviceConfig, type ModelDef, type OutputConfig, type ResolvedRegister,
} from '@ews/shared';
import type { Catalog } from '../catalog/index';
import type { ConfigStore } from '../config/index';
import type { Poller } from '../poll/index';
import {
  decodeRegister, parseReadResponsePdu, readRequestPdu, writeMultipleRequestPdu, writeSingleRequestPdu, isModbusError, ModbusError,
  type BusQueue,
} from '../modbus/index';
import { DomainError } from '../util/errors';
import { sleep, systemClock, type Clock } from '../util/clock';
import { silentLogger, type Logger } from '../util/log';

export type CommandErrorCode = 'not-found' | 'unsupported';
export class CommandError extends DomainError<CommandErrorCode> {
  constructor(code: CommandErrorCode, message: string, readonly field: string) { super(code, message); }
}

export interface CommandsOptions {
  config: ConfigStore;
  catalog: Catalog;
  gateways: { bus(gatewayId: string): BusQueue | undefined };
  poller: Poller;
  clock?: Clock;
  log?: Logger;
  /** How long the device may take to show the new state (a motor operator takes seconds). */
  confirmTimeoutMs?: number;
  /** Pause between read-backs. */
  confirmIntervalMs?: number;
}

interface Write { address: number; values: number[] }

export class Commands {
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly confirmTimeoutMs: number;
  private readonly confirmIntervalMs: number;

  constructor(private readonly opts: CommandsOptions) {
    this.clock = opts.clock ?? systemClock;
    this.log = opts.log ?? silentLogger;
    this.confirmTimeoutMs = opts.confirmTimeoutMs ?? 3000;
    this.confirmIntervalMs = opts.confirmIntervalMs ?? 200;
  }

  /** DEV-2: open / close / reset, confirmed by the state register the model names. */
  async switchDevice(id: number, kind: CommandKind, user: string): Promise<CommandResult> {
    const { d, model, regs } = this.target(id);
    const cmd = model.commands.find((c) => c.kind === kind);
    if (!cmd) throw new CommandError('unsupported', `${model.label} offers no ${kind} command`, 'kind');
    const state = regs.find((r) => r.key === cmd.expect.register)!;
    const result = await this.execute(d, [{ address: cmd.address + positionOffset(model, d.position), values: [cmd.value] }],
      async (bus) => this.readState(bus, d, state), (s) => s === cmd.expect.state);
    await this.audit(user, `${cmd.label} "${d.name}" (${this.where(d, model)})`, result);
    return strip(result, 'state');
  }

  /** DEV-3: switches output n on or off. */
  async setOutput(id: number, n: number, on: boolean, user: string): Promise<CommandResult> {
    const { d, model, regs } = this.target(id);
    const reg = this.outputRegister(d, model, regs, n, 'State');
    const want = on ? 'on' : 'off';
    const raw = rawOf(reg, want);
    const result = await this.execute(d, [{ address: reg.address, values: [raw] }], async (bus) => this.readState(bus, d, reg), (s) => s === want);
    await this.audit(user, `Output ${n}${d.labels[reg.key] ? ` "${d.labels[reg.key]}"` : ''} of "${d.name}" (${this.where(d, model)}) switched ${want}`, result);
    return strip(result, 'state');
  }

  /** DEV-3 "Write": normal state, mode and ON time of output n, read back. */
  async configureOutput(id: number, n: number, config: OutputConfig, user: string): Promise<CommandResult> {
    const { d, model, regs } = this.target(id);
    const normal = this.outputRegister(d, model, regs, n, 'NormalState');
    const mode = this.outputRegister(d, model, regs, n, 'ModeState');
    const onTime = this.outputRegister(d, model, regs, n, 'OnTimeS');
    const raws = [rawOf(normal, config.normalState), rawOf(mode, config.mode), Math.round(config.onTimeS / onTime.scale)];
    const rows = [normal, mode, onTime];
    const contiguous = normal.address + 1 === mode.address && mode.address + 1 === onTime.address;
    const writes: Write[] = contiguous ? [{ address: normal.address, values: raws }] : rows.map((r, i) => ({ address: r.address, values: [raws[i]] }));
    const result = await this.execute(d, writes, async (bus) => {
      const [ns, md, ot] = await Promise.all(rows.map((r) => this.readRaw(bus, d, r)));
      return { normalState: normal.states?.[String(ns)] ?? String(ns), mode: mode.states?.[String(md)] ?? String(md), onTimeS: ot * onTime.scale } as OutputConfig;
    }, (c) => c.normalState === config.normalState && c.mode === config.mode && c.onTimeS === config.onTimeS);
    await this.audit(user, `Output ${n} of "${d.name}" (${this.where(d, model)}) configured ${config.normalState}, ${config.mode}, ON time ${config.onTimeS} s`, result);
    return strip(result, 'config');
  }

  private target(id: number): { d: DeviceConfig; model: ModelDef; regs: ResolvedRegister[] } {
    const d = this.opts.config.device(id);
    if (!d) throw new CommandError('not-found', `no device ${id}`, 'id');
    const model = this.opts.catalog.get(d.family, d.model);
    if (!model || !model.capabilities.includes('command')) throw new CommandError('unsupported', `${model?.label ?? d.model} takes no commands`, 'id');
    return { d, model, regs: resolveRegisters(model, d.position) };
  }

  private outputRegister(d: DeviceConfig, model: ModelDef, regs: ResolvedRegister[], n: number, suffix: string): ResolvedRegister {
    const reg = regs.find((r) => r.key === `output${n}${suffix}`);
    if (!reg?.writable) {
      const count = regs.filter((r) => /^output\d+State$/.test(r.key) && r.writable).length;
      throw new CommandError('unsupported', count ? `${model.label} has outputs 1 to ${count}` : `${model.label} has no outputs`, 'n');
    }
    return reg;
  }

  private where(d: DeviceConfig, model: ModelDef): string {
    return `address ${deviceAddressLabel(d, model.parameters.includes('module'))} on ${d.gatewayId}`;
  }

  private async execute<T>(d: DeviceConfig, writes: Write[], readBack: (bus: BusQueue) => Promise<T>, done: (v: T) => boolean): Promise<Omit<CommandResult, 'state' | 'config'> & { readBack?: T }> {
    const at = () => new Date(this.clock.now()).toISOString();
    const bus = this.opts.gateways.bus(d.gatewayId);
    if (!bus) return { outcome: 'failed', detail: `gateway ${d.gatewayId} is off or not connected`, at: at() };
    try {
      for (const w of writes) {
        const pdu = w.values.length === 1 ? writeSingleRequestPdu(w.address, w.values[0]) : writeMultipleRequestPdu(w.address, w.values);
        await bus.run('command', (t) => t.request(d.address, pdu, { retries: 0 }));
      }
    } catch (err) {
      const refused = isModbusError(err) && err.code === 'exception';
      this.log.warn('command write failed', { deviceId: d.id, err });
      return { outcome: refused ? 'refused' : 'failed', detail: (err as Error).message, at: at() };
    }
    let last: T | undefined;
    let lastErr: unknown;
    const end = this.clock.monotonicMs() + this.confirmTimeoutMs;
    for (;;) {
      try {
        last = await readBack(bus);
        lastErr = undefined;
        if (done(last)) break;
      } catch (err) { lastErr = err; }
      if (this.clock.monotonicMs() >= end) break;
      await sleep(this.clock, this.confirmIntervalMs);
    }
    // the device pages show the new state as soon as the answer arrives
    await this.opts.poller.liveRead(d.id, { force: true }).catch(() => undefined);
    if (last !== undefined && done(last)) return { outcome: 'confirmed', readBack: last, at: at() };
    return {
      outcome: 'not-confirmed', at: at(),
      ...(last !== undefined ? { readBack: last } : {}),
      detail: lastErr ? `written, but reading it back failed: ${(lastErr as Error).message}` : `written, but the device still reads ${JSON.stringify(last)}`,
    };
  }

  private async readRaw(bus: BusQueue, d: DeviceConfig, reg: ResolvedRegister): Promise<number> {
    const pdu = await bus.run('command', (t) => t.request(d.address, readRequestPdu(reg.fn, reg.address, reg.words)));
    const parsed = parseReadResponsePdu(pdu, reg.fn, reg.words);
    if (parsed.kind !== 'registers') throw new ModbusError('garbage', 'unexpected answer to a read-back');
    return decodeRegister(parsed.words, 0, reg.type);
  }

  private async readState(bus: BusQueue, d: DeviceConfig, reg: ResolvedRegister): Promise<string> {
    const raw = await this.readRaw(bus, d, reg);
    return reg.states?.[String(raw)] ?? `unknown (${raw})`;
  }

  private async audit(user: string, action: string, r: { outcome: string; detail?: string }): Promise<void> {
    try {
      await this.opts.config.record(user, `${action}: ${r.outcome}${r.detail ? ` (${r.detail})` : ''}`);
    } catch (err) {
      this.log.error('audit entry not written', { action, err });
    }
  }
}

function rawOf(reg: ResolvedRegister, name: string): number {
  const hit = Object.entries(reg.states ?? {}).find(([, n]) => n === name);
  if (!hit) throw new CommandError('unsupported', `${reg.label ?? reg.key} has no state ${name}`, 'body');
  return Number(hit[0]);
}

function strip<T>(r: Omit<CommandResult, 'state' | 'config'> & { readBack?: T }, as: 'state' | 'config'): CommandResult {
  const { readBack, ...rest } = r;
  return { ...rest, ...(readBack !== undefined ? { [as]: readBack } : {}) } as CommandResult;
}
