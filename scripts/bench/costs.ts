/**
 * Cost ledger benchmark (issue "Bill of consumptions"): the store of bench:store (255 meters at
 * 15 min, loads and groups), built with a peak/off-peak/weekend contract installed, then prints
 * JSON lines: the ledger's bytes per accounted slot, live ingest per tick with costs, cost query
 * latencies (`costs=1` work: consumption + cost per tariff), and the background recomputation of
 * the whole history after a rule change (wall time and slots per second). Progress to stderr.
 *
 *   pnpm bench:costs                 BENCH_DEVICES=255 BENCH_YEARS=2 BENCH_DIR=/tmp/x
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CostRule, Tariff } from '@ews/shared';
import { TariffSchedule, tariffBars, parseDate, periodBoundaries, type ProfileOf } from '@ews/daemon';
import { BENCH_TZ, benchQueries, benchSpec, buildBenchStore, liveIngest } from './store';

const ALL = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as CostRule['days'];
const TARIFFS: Tariff[] = [
  { id: 'peak', type: 'electricity', name: 'Peak', color: '#e4572e', prices: [{ price: 0.25, from: '2016-01-01' }, { price: 0.27, from: '2018-07-15' }] },
  { id: 'off', type: 'electricity', name: 'Off-peak', color: '#2e86ab', prices: [{ price: 0.2 }] },
  { id: 'weekend', type: 'electricity', name: 'Weekend', color: '#4caf50', prices: [{ price: 0.15 }] },
];
const rule = (r: Partial<CostRule> & { tariffId: string }): CostRule => ({ repeatEveryYear: false, timeFrom: '00:00', timeTo: '23:59', days: ALL, ...r });
const RULES_A: CostRule[] = [
  rule({ tariffId: 'weekend', days: ['sat', 'sun'] }),
  rule({ tariffId: 'peak', timeFrom: '06:00', timeTo: '21:59' }),
  rule({ tariffId: 'off', timeFrom: '22:00', timeTo: '05:59' }),
];
/** The change: peak hours move by 30 minutes (every weekday's profile changes). */
const RULES_B: CostRule[] = [RULES_A[0], rule({ tariffId: 'peak', timeFrom: '06:30', timeTo: '22:29' }), rule({ tariffId: 'off', timeFrom: '22:30', timeTo: '06:29' })];

const profiles = (rules: CostRule[]): ProfileOf => {
  const electricity = new TariffSchedule({ tariffIds: TARIFFS.map((t) => t.id), rules, timezone: BENCH_TZ });
  const none = new TariffSchedule({ tariffIds: [], rules: [], timezone: BENCH_TZ });
  return (kind) => (kind === 'electricity' ? electricity : none);
};

function percentile(sorted: number[], p: number): number { return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]; }
function timeIt(fn: () => unknown, runs: number): { p50Ms: number; p95Ms: number } {
  for (let i = 0; i < 5; i++) fn();
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) { const t = performance.now(); fn(); ms.push(performance.now() - t); }
  ms.sort((a, b) => a - b);
  const r = (x: number) => Math.round(x * 1000) / 1000;
  return { p50Ms: r(percentile(ms, 0.5)), p95Ms: r(percentile(ms, 0.95)) };
}

async function main(): Promise<void> {
  const devices = Number(process.env.BENCH_DEVICES ?? 255), years = Number(process.env.BENCH_YEARS ?? 2);
  const runs = Number(process.env.BENCH_RUNS ?? 100);
  const dir = process.env.BENCH_DIR ?? mkdtempSync(join(tmpdir(), 'ews-bench-costs-'));
  const log = (m: string) => process.stderr.write(`[bench:costs] ${m}\n`);
  const print = (o: object) => process.stdout.write(`${JSON.stringify(o)}\n`);
  const spec = benchSpec(devices, years);
  log(`building ${devices} meters × ${spec.days} days at 15 min with costs into ${dir}`);
  const b = buildBenchStore(join(dir, 'lmdb'), spec, log, { profiles: profiles(RULES_A) });
  await b.store.checkCosts();
  log(`built in ${(b.buildMs / 1000).toFixed(1)} s`);
  const tariffSeries = b.store.listSeries({ kind: 'tariff' }).length;
  const stats = b.dbs.history.tariffs.getStats() as { pageSize: number; treeBranchPageCount: number; treeLeafPageCount: number; overflowPages: number; entryCount: number };
  const bytes = stats.pageSize * (stats.treeBranchPageCount + stats.treeLeafPageCount + stats.overflowPages);
  const baseSeries = b.store.listSeries({ kind: 'counter', counter: 'activeEnergyImport' }).length;
  const slots = baseSeries * spec.days * 96;
  print({ metric: 'ledgerBytesPerSlot', value: Math.round((bytes / slots) * 100) / 100, bytes, baseSeries, tariffSeries, note: 'per slot of one counter series, all tariffs' });

  const bars = (q: { scope: string; period: 'day' | 'month' | 'year' | 'decade'; date: string; byLoad?: boolean }) => {
    const r = b.energy.consumption(q);
    return tariffBars(b.store, r.scope, r.counter, periodBoundaries(BENCH_TZ, q.period, parseDate(q.date)), TARIFFS, { timezone: BENCH_TZ, currency: 'EUR', consumption: r.series });
  };
  for (const qs of benchQueries(spec, runs)) {
    let i = 0;
    print({ metric: 'costQuery', name: qs[0].name, ...timeIt(() => bars(qs[i++ % qs.length]), runs) });
  }

  const live = liveIngest(b, 96);
  print({ metric: 'ingestMsPerTick', devices, withCosts: true, value: live.meanMs, p95Ms: live.p95Ms });

  // a rule change: every block of every series is recomputed in the background
  let maxGapMs = 0, last = performance.now();
  const timer = setInterval(() => { const now = performance.now(); maxGapMs = Math.max(maxGapMs, now - last); last = now; }, 5);
  const t0 = performance.now();
  await b.store.setProfiles(profiles(RULES_B), ['electricity']);
  const recomputeMs = performance.now() - t0;
  clearInterval(timer);
  print({
    metric: 'recompute', years, baseSeries, seconds: Math.round(recomputeMs / 100) / 10,
    slotsPerSecond: Math.round(slots / (recomputeMs / 1000)), maxEventLoopBlockMs: Math.round(maxGapMs),
    note: 'the whole history after a rule change; the event loop stays free between chunks',
  });
  await b.dbs.close();
  if (!process.env.BENCH_DIR) rmSync(dir, { recursive: true, force: true });
}

main().catch((err) => { console.error(err); process.exit(1); });
