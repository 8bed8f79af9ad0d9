/**
 * Runs the demo installation as simulated hardware:
 *   node --import tsx scripts/sim/main.ts --rtu-tcp-port 15020 --gateway-port 15502 [--pty]
 *        [--line 19200,even,1 --turnaround-ms 5] [--time-scale 1] [--bad-supply sag|thd] [--describe]
 * The Local bus is served as RTU over TCP (the daemon's Local bus: tcp://127.0.0.1:<port>)
 * and/or on a pty; each IP-gateway bus as a Modbus TCP gateway (ports from --gateway-port up).
 * Ports default to EWS_SIM_RTU_PORT / EWS_SIM_GATEWAY_PORT, else 0: free ones, printed.
 */
import { parseArgs } from 'node:util';
import { loadCatalog, modbus } from '@ews/daemon';
import { buildSimBus, demoInstallation } from './installations';
import { startCarPark, demoCarParkSlots, type CarPark } from './carpark';
import { badSupplyWeek } from './supply';
import { createPtyPair, type PtyPair } from './pty';
import { serveRtuOverSerial, type SerialServerHandle } from './serve-rtu';
import { serveModbusTcp, serveRtuOverTcp, type TcpServerHandle } from './serve-tcp';
import { explainListen } from '../demo/ports';

function parseLine(text: string): modbus.LineSettings {
  const [baud, parity = 'even', stop = '1'] = text.split(',').map((s) => s.trim());
  const baudRate = Number(baud);
  if (!Number.isInteger(baudRate) || baudRate < 1200 || baudRate > 115200) throw new Error(`--line: bad baud rate ${baud}`);
  if (parity !== 'none' && parity !== 'even' && parity !== 'odd') throw new Error(`--line: parity must be none, even or odd`);
  if (stop !== '1' && stop !== '2') throw new Error('--line: stop bits must be 1 or 2');
  return { baudRate, parity, stopBits: stop === '2' ? 2 : 1 };
}

function intOption(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new Error(`--${name}: expected a non-negative number, got ${value}`);
  return n;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      'rtu-tcp-port': { type: 'string' },
      'gateway-port': { type: 'string' },
      host: { type: 'string', default: '127.0.0.1' },
      pty: { type: 'boolean', default: false },
      'pty-link': { type: 'string' },
      line: { type: 'string' },
      'turnaround-ms': { type: 'string' },
      'time-scale': { type: 'string' },
      'gateway-no-reply': { type: 'string', default: 'exception' },
      'gateway-timeout-ms': { type: 'string' },
      describe: { type: 'boolean', default: false },
      'bad-supply': { type: 'string' },
    },
  });
  const installation = demoInstallation();
  if (values.describe) { process.stdout.write(JSON.stringify(installation, null, 2) + '\n'); return; }
  const line = values.line ? parseLine(values.line) : undefined;
  const turnaroundMs = intOption(values['turnaround-ms'], 'turnaround-ms', line ? 5 : 0);
  const timeScale = intOption(values['time-scale'], 'time-scale', 1);
  const noReplyMode = values['gateway-no-reply'] === 'silence' ? 'silence' : 'exception';
  const host = values.host ?? '127.0.0.1';
  const rtuTcpPort = intOption(values['rtu-tcp-port'] ?? (process.env.EWS_SIM_RTU_PORT || undefined), 'rtu-tcp-port', 0);
  let gatewayPort = intOption(values['gateway-port'] ?? (process.env.EWS_SIM_GATEWAY_PORT || undefined), 'gateway-port', 0);

  // EQ-1: a week of bad supply from now on (voltage sags or THD at 9 %)
  const bad = values['bad-supply'];
  if (bad !== undefined && bad !== 'sag' && bad !== 'thd') throw new Error('--bad-supply: sag or thd');
  const supply = bad ? badSupplyWeek({ kind: bad }, Date.now()) : undefined;
  const catalog = loadCatalog();
  const servers: Array<TcpServerHandle | SerialServerHandle> = [];
  let pty: PtyPair | undefined;
  const log = (msg: string) => process.stdout.write(`[sim] ${msg}\n`);
  let carPark: CarPark | undefined;
  for (const bus of installation.buses) {
    let park: CarPark | undefined;
    const simBus = buildSimBus(catalog, bus, { timeScale, turnaroundMs, stationMeterBaseA: () => park?.baseLoadA() ?? [0, 0, 0], ...(supply ? { supply } : {}) });
    if (simBus.stations.length > 0 && !carPark) park = carPark = startCarPark(demoCarParkSlots(simBus.stations));
    const silent = bus.devices.filter((d) => d.simulated === false).map((d) => d.address);
    const what = `${bus.name}: addresses ${simBus.addresses().join(',')}${silent.length ? ` (configured, never answering: ${silent.join(',')})` : ''}`;
    if (bus.kind === 'local') {
      const s = await explainListen(rtuTcpPort, '--rtu-tcp-port or EWS_SIM_RTU_PORT', 'simulated RS485 line', () => serveRtuOverTcp(simBus, { port: rtuTcpPort, host, turnaroundMs, ...(line ? { line } : {}) }));
      servers.push(s);
      log(`RTU over TCP tcp://${s.host}:${s.port} — ${what}`);
      if (values.pty) {
        pty = await createPtyPair(values['pty-link'] ? { linkB: values['pty-link'], linkA: `${values['pty-link']}.sim` } : {});
        servers.push(await serveRtuOverSerial(simBus, pty.a, line ?? { baudRate: 19200, parity: 'even', stopBits: 1 }, { turnaroundMs, emulateWireTime: Boolean(line) }));
        log(`RTU on pty ${pty.b} (daemon side; sim on ${pty.a}) — ${what}`);
      }
    } else {
      const port = gatewayPort;
      const s = await explainListen(port, '--gateway-port or EWS_SIM_GATEWAY_PORT', `simulated gateway ${bus.name}`, () => serveModbusTcp(simBus, { port, host, noReplyMode, turnaroundMs, timeoutMs: intOption(values['gateway-timeout-ms'], 'gateway-timeout-ms', 300), ...(line ? { line } : {}) }));
      servers.push(s);
      log(`Modbus TCP gateway "${bus.name}" ${s.host}:${s.port} — ${what}`);
      if (gatewayPort !== 0) gatewayPort += 1;
    }
  }
  if (line) log(`line ${line.baudRate} ${line.parity} ${line.stopBits}, turnaround ${turnaroundMs} ms`);

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    carPark?.stop();
    log(`${signal}: stopping`);
    const force = setTimeout(() => process.exit(1), 3000);
    force.unref();
    Promise.all(servers.map((s) => s.close()))
      .then(() => pty?.close())
      .then(() => { clearTimeout(force); process.exit(0); })
      .catch(() => process.exit(1));
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((err: unknown) => {
  process.stderr.write(`[sim] ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
