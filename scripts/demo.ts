/**
 * pnpm demo — a living EWS without hardware (BEY-4): the simulated installation on a simulated
 * RS485 line and behind a simulated IP gateway, and the real daemon serving the web app.
 * EWS_PORT (8080) and EWS_DATA_DIR (./data) override; the simulator takes free ports unless
 * EWS_SIM_RTU_PORT / EWS_SIM_GATEWAY_PORT say otherwise (the daemon is told the ports bound);
 * EWS_DEMO_MONTHS (13) is the history generated on a fresh data folder. A port that is taken is
 * a one-line error naming the variable to set, and exit code 1.
 */
import { startDemo } from './demo/harness';
import { PortError } from './demo/ports';

function portVar(name: string, fallback: number): number {
  const text = process.env[name];
  if (text === undefined || text === '') return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0 || n > 65535) {
    console.error(`demo: ${name}=${text} is not a port (0 to 65535)`);
    process.exit(1);
  }
  return n;
}

const demo = await startDemo({
  port: portVar('EWS_PORT', 8080),
  ...(process.env.EWS_DATA_DIR ? { dataDir: process.env.EWS_DATA_DIR } : {}),
  simRtuPort: portVar('EWS_SIM_RTU_PORT', 0),
  simGatewayPort: portVar('EWS_SIM_GATEWAY_PORT', 0),
  // HTTPS beside HTTP (a free port unless EWS_HTTPS_PORT says); HTTP stays open in the demo
  httpsPort: portVar('EWS_HTTPS_PORT', 0),
  keepHttpOpen: true,
  backfillMonths: Number(process.env.EWS_DEMO_MONTHS ?? 13),
  costs: true,
  inheritLogs: true,
}).catch((err: unknown) => {
  if (!(err instanceof PortError)) throw err;
  console.error(`demo: ${err.message}`);
  process.exit(1);
});
console.log(`\nEWS demo running at ${demo.url} and ${demo.httpsUrl} (self-signed certificate)\n  log in with PIN 99999, then PUK 00000 9999 00000 (administrator)\n  data folder: ${demo.dataDir}\n  simulator: RS485 line tcp://127.0.0.1:${demo.simPorts.localRtu}, gateways ${Object.values(demo.simPorts.gateways).join(', ')}\n  Ctrl+C stops it.\n`);
let stopping = false;
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.on(sig, () => {
    if (stopping) return;
    stopping = true;
    demo.stop().then(() => process.exit(0), () => process.exit(1));
  });
}
