/**
 * pnpm demo — a living EWS without hardware (BEY-4): the simulated installation on a simulated
 * RS485 line and behind a simulated IP gateway, and the real daemon serving the web app.
 * EWS_PORT (8080) and EWS_DATA_DIR (./data) override; EWS_SIM_RTU_PORT (15020) and
 * EWS_SIM_GATEWAY_PORT (15502) move the simulator; EWS_DEMO_MONTHS (13) is the history generated
 * on a fresh data folder.
 */
import { startDemo } from './demo/harness';

const port = Number(process.env.EWS_PORT ?? 8080);
const demo = await startDemo({
  port,
  ...(process.env.EWS_DATA_DIR ? { dataDir: process.env.EWS_DATA_DIR } : {}),
  simRtuPort: Number(process.env.EWS_SIM_RTU_PORT ?? 15020),
  simGatewayPort: Number(process.env.EWS_SIM_GATEWAY_PORT ?? 15502),
  backfillMonths: Number(process.env.EWS_DEMO_MONTHS ?? 13),
  costs: true,
  inheritLogs: true,
});
console.log(`\nEWS demo running at ${demo.url}\n  log in with PIN 99999, then PUK 00000 9999 00000 (administrator)\n  data folder: ${demo.dataDir}\n  Ctrl+C stops it.\n`);
let stopping = false;
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.on(sig, () => {
    if (stopping) return;
    stopping = true;
    demo.stop().then(() => process.exit(0), () => process.exit(1));
  });
}
