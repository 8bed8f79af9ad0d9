/**
 * The forward migration of statistics (format 2): a store written in the format before (register
 * resolution, every bucket in the appendable layout, no format key) opens with its series'
 * quanta coarsened to the unit's resolution, its past days sealed, the open day still
 * appendable, the values read back at the new resolution, and ingest going on from there.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabases } from '../db';
import { SeriesRegistry, statSeriesName } from './series';
import { decodeStat, emptyStatDay, encodeStat, isSealed, sealStat, setStat, statDays, SEALED5_MAGIC, STAT_MAGIC } from './stat-bucket';
import { bucketKey, hourlyBlockDay, HOURLY_BLOCK_DAYS, keyDay } from './keys';
import { STAT_FORMAT, STAT_FORMAT_KEY } from './migrate';
import { HistoryStore } from './store';
import type { IngestRegister } from './ingest';

const MIN = 60_000, DAY = 86_400_000;
const DAY0 = Date.UTC(2026, 2, 1) / DAY;
const volts = (d: number, i: number) => Math.round((229 + ((d * 97 + i * 31) % 400) / 100) * 100) / 100;

/** A store as older code left it: one statistic series of device 1 and the latest slot (and format). */
function oldSeries(h: ReturnType<typeof openDatabases>['history'], key: string, unit: string, quantum: number, latestSlotMs: number, format?: number): number {
  const registry = new SeriesRegistry(h.meta);
  let id = 0;
  h.root.transactionSync(() => {
    id = registry.ensure({ name: statSeriesName(1, key), kind: 'statistic', scope: 'device:1', key, unit, quantum }).id;
    h.meta.putSync('latestSlotMs', latestSlotMs);
    if (format !== undefined) h.meta.putSync(STAT_FORMAT_KEY, format);
  });
  return id;
}

/** Writes what the code before format 2 wrote: series at quantum 0.01 V, open-layout buckets. */
function writeOldStore(dir: string): void {
  const dbs = openDatabases(dir);
  const h = dbs.history;
  const id = oldSeries(h, 'voltageL1V', 'V', 0.01, (DAY0 + 3) * DAY + 10 * 15 * MIN);
  h.statsRoot.transactionSync(() => {
    for (let d = 0; d < 4; d++) {
      const day = emptyStatDay(15, 0.01);
      for (let i = 0; i < (d === 3 ? 11 : 96); i++) setStat(day, i, volts(d, i), volts(d, i) - 0.37, volts(d, i) + 1.04);
      (d === 0 ? h.statsHourly : h.stats).putSync(bucketKey(DAY0 + d, id), Uint8Array.from(encodeStat(day)));
    }
  });
  void dbs.close();
}

test('a store written before format 2 is migrated at open: coarser quanta, sealed past days, same values at the new resolution', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ews-migrate-'));
  try {
    writeOldStore(dir);
    await new Promise((r) => setTimeout(r, 50));
    const dbs = openDatabases(dir);
    const store = new HistoryStore({ dbs: dbs.history, sampleIntervalMs: 15 * MIN });
    assert.deepEqual(store.migration, { from: 1, to: STAT_FORMAT, buckets: 4 });
    assert.equal(dbs.history.meta.get(STAT_FORMAT_KEY), STAT_FORMAT);
    const s = store.statisticSeries(1, 'voltageL1V')!;
    assert.equal(s.quantum, 0.1);
    for (let d = 0; d < 3; d++) assert.ok(isSealed(dbs.history[d === 0 ? 'statsHourly' : 'stats'].getBinary(bucketKey(d === 0 ? hourlyBlockDay(DAY0) : DAY0 + d, s.id))!), `day ${d} sealed`);
    assert.equal(dbs.history.stats.getBinary(bucketKey(DAY0 + 3, s.id))![0], STAT_MAGIC, 'the open day stays appendable');
    const slots = store.statistics(1, 'voltageL1V', DAY0 * DAY, (DAY0 + 4) * DAY);
    assert.equal(slots.length, 24 + 96 * 2 + 11);
    for (const x of slots) {
      const d = Math.floor(x.slotMs / DAY) - DAY0, i = (x.slotMs % DAY) / (15 * MIN);
      if (d === 0) continue; // thinned to hourly (see the format 3 test)
      // stored at 0.01 V before, requantized to 0.1 V
      const r = (v: number) => Math.round(Math.round(Math.round(v / 0.01) * 0.01 / 0.1) * 0.1 * 1e9) / 1e9;
      assert.deepEqual([x.avg, x.min, x.max], [r(volts(d, i)), r(volts(d, i) - 0.37), r(volts(d, i) + 1.04)], `day ${d} slot ${i}`);
    }
    // ingest goes on in the open day at the new resolution, and reopening does not migrate again
    const regs: IngestRegister[] = [{ key: 'voltageL1V', type: 'u32', scale: 0.01, unit: 'V', statistic: true }];
    store.ingest({ slotMs: (DAY0 + 3) * DAY + 11 * 15 * MIN, readings: [{ deviceId: 1, ok: true, values: { voltageL1V: { value: 231.26 } } }] }, () => regs);
    const last = store.statistics(1, 'voltageL1V', (DAY0 + 3) * DAY + 11 * 15 * MIN, (DAY0 + 4) * DAY);
    assert.deepEqual(last.map((x) => x.avg), [231.3]);
    store.close();
    await dbs.close();
    const again = openDatabases(dir);
    const reopened = new HistoryStore({ dbs: again.history, sampleIntervalMs: 15 * MIN });
    assert.equal(reopened.migration, undefined);
    assert.equal(reopened.statistics(1, 'voltageL1V', DAY0 * DAY, (DAY0 + 4) * DAY).length, 24 + 96 * 2 + 12);
    reopened.close();
    await again.close();
  } finally { rmSync(dir, { recursive: true, force: true }); }
});

test('past days are sealed by the retention rings once the day is over', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ews-seal-'));
  try {
    const dbs = openDatabases(dir);
    const store = new HistoryStore({ dbs: dbs.history, sampleIntervalMs: 15 * MIN });
    assert.equal(store.migration, undefined, 'a new store has nothing to migrate');
    assert.equal(dbs.history.meta.get(STAT_FORMAT_KEY), STAT_FORMAT);
    const regs: IngestRegister[] = [{ key: 'p', type: 's32', scale: 1, unit: 'W', statistic: true }];
    for (let k = 0; k < 96 * 2 + 3; k++) store.ingest({ slotMs: DAY0 * DAY + k * 15 * MIN, readings: [{ deviceId: 1, ok: true, values: { p: { value: 1000 + ((k * 37) % 200) } } }] }, () => regs);
    const id = store.statisticSeries(1, 'p')!.id;
    assert.ok(isSealed(dbs.history.stats.getBinary(bucketKey(DAY0, id))!));
    assert.ok(isSealed(dbs.history.stats.getBinary(bucketKey(DAY0 + 1, id))!));
    assert.equal(dbs.history.stats.getBinary(bucketKey(DAY0 + 2, id))![0], STAT_MAGIC);
    // power is read on its companded grid (within 0.355 % of each reading plus a watt), sealed or not
    const got = store.statistics(1, 'p', DAY0 * DAY, (DAY0 + 3) * DAY).map((x) => x.avg);
    assert.equal(got.length, 96 * 2 + 3);
    got.forEach((a, k) => {
      const want = 1000 + ((k * 37) % 200);
      assert.ok(Math.abs(a - want) <= 0.00355 * want + 1.01, `slot ${k}: ${a} for ${want}`);
    });
    store.close();
    await dbs.close();
  } finally { rmSync(dir, { recursive: true, force: true }); }
});

const watts = (d: number, h: number) => 18_000 + 1500 * Math.sin((d * 24 + h) / 5) + ((d * 13 + h * 7) % 11);

test('a format 2 store (one-day hourly buckets, power at 1 W) is migrated: weekly blocks, power companded', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ews-migrate3-'));
  const FIRST = hourlyBlockDay(DAY0) - 5; // 12 days over two blocks
  try {
    {
      const dbs = openDatabases(dir);
      const h = dbs.history;
      const id = oldSeries(h, 'activePowerW', 'W', 1, (FIRST + 14) * DAY, 2);
      h.statsRoot.transactionSync(() => {
        for (let d = 0; d < 12; d++) {
          const day = emptyStatDay(60, 1);
          for (let i = 0; i < 24; i++) setStat(day, i, watts(d, i), watts(d, i) - 900, watts(d, i) + 1200);
          h.statsHourly.putSync(bucketKey(FIRST + d, id), sealStat(day));
        }
        const day = emptyStatDay(15, 1);
        for (let i = 0; i < 96; i++) setStat(day, i, watts(12, i / 4), watts(12, i / 4) - 300, watts(12, i / 4) + 400);
        h.stats.putSync(bucketKey(FIRST + 12, id), sealStat(day));
      });
      await dbs.close();
    }
    const dbs = openDatabases(dir);
    const store = new HistoryStore({ dbs: dbs.history, sampleIntervalMs: 15 * MIN });
    assert.deepEqual(store.migration, { from: 2, to: STAT_FORMAT, buckets: 1 });
    const id = store.statisticSeries(1, 'activePowerW')!.id;
    const keys = [...dbs.history.statsHourly.getKeys({})] as number[];
    assert.deepEqual(keys.map(keyDay), [hourlyBlockDay(DAY0) - HOURLY_BLOCK_DAYS, hourlyBlockDay(DAY0)]);
    for (const k of keys) assert.equal(statDays(decodeStat(dbs.history.statsHourly.getBinary(k)!)), HOURLY_BLOCK_DAYS);
    // companded on the grid of the series' quantum (1 W)
    assert.equal(dbs.history.stats.getBinary(bucketKey(FIRST + 12, id))![1] & 128, 128, 'companded');
    assert.equal(decodeStat(dbs.history.stats.getBinary(bucketKey(FIRST + 12, id))!).compandStep, 1);
    for (const k of keys) assert.equal(decodeStat(dbs.history.statsHourly.getBinary(k)!).compandStep, 1);
    const slots = store.statistics(1, 'activePowerW', FIRST * DAY, (FIRST + 13) * DAY);
    assert.equal(slots.length, 12 * 24 + 96);
    const near = (got: number, want: number) => Math.abs(got - want) <= 0.00355 * Math.abs(want) + 1.01;
    for (const x of slots) {
      const d = Math.floor(x.slotMs / DAY) - FIRST, h = (x.slotMs % DAY) / (60 * MIN);
      const w = Math.round(watts(d, h));
      assert.ok(near(x.avg, w) && near(x.min, w - (d < 12 ? 900 : 300)) && near(x.max, w + (d < 12 ? 1200 : 400)), `day ${d} hour ${h}: ${JSON.stringify(x)}`);
      assert.equal(x.avg % 1, 0, 'no digit finer than a hundredth of the step (≈ 120 W at 17 kW)');
    }
    store.close();
    await dbs.close();
    const again = openDatabases(dir);
    const reopened = new HistoryStore({ dbs: again.history, sampleIntervalMs: 15 * MIN });
    assert.equal(reopened.migration, undefined);
    assert.equal(reopened.statistics(1, 'activePowerW', FIRST * DAY, (FIRST + 13) * DAY).length, 12 * 24 + 96);
    reopened.close();
    await again.close();
  } finally { rmSync(dir, { recursive: true, force: true }); }
});

for (const from of [3, 4] as const) {
  test(from === 3
    ? 'a format 3 store is migrated to format 5: every sealed bucket sealed again (compact header, range layout), voltage the same values, power companded within 0.355 % of each reading plus its quantum, fewer bytes'
    : 'a format 4 store opens as format 5 without rewriting a bucket: its sealed buckets read as they were, new days are sealed in format 5', async () => {
    const dir = mkdtempSync(join(tmpdir(), `ews-migrate${from}-`));
    const B0 = hourlyBlockDay(DAY0);
    let load = 9000;
    const day = emptyStatDay(15, 1, 1, true), block = emptyStatDay(60, 1, HOURLY_BLOCK_DAYS, true), vday = emptyStatDay(15, 0.1);
    for (const d of [day, block]) {
      for (let i = 0; i < d.avg.length; i++) {
        const next = load + ((i * 7919) % 2000) - 1000;
        setStat(d, i, (load + next) / 2, Math.min(load, next) - ((i * 31) % 300), Math.max(load, next) + ((i * 17) % 300));
        load = next;
      }
    }
    for (let i = 0; i < 96; i++) setStat(vday, i, volts(1, i), volts(1, i) - 1.3, volts(1, i) + 0.8);
    const old = [sealStat(block, from), sealStat(day, from), sealStat(vday, from)];
    try {
      let id = 0, vid = 0;
      {
        const dbs = openDatabases(dir);
        const h = dbs.history;
        id = oldSeries(h, 'activePowerW', 'W', 1, (B0 + HOURLY_BLOCK_DAYS + 2) * DAY, from);
        vid = new SeriesRegistry(h.meta).ensure({ name: statSeriesName(1, 'voltageL1V'), kind: 'statistic', scope: 'device:1', key: 'voltageL1V', unit: 'V', quantum: 0.1 }).id;
        h.statsRoot.transactionSync(() => {
          h.statsHourly.putSync(bucketKey(B0, id), old[0]);
          h.stats.putSync(bucketKey(B0 + HOURLY_BLOCK_DAYS, id), old[1]);
          h.stats.putSync(bucketKey(B0 + HOURLY_BLOCK_DAYS, vid), old[2]);
        });
        await dbs.close();
      }
      const dbs = openDatabases(dir);
      const store = new HistoryStore({ dbs: dbs.history, sampleIntervalMs: 15 * MIN });
      assert.deepEqual(store.migration, { from, to: STAT_FORMAT, buckets: from === 3 ? 3 : 0 });
      const now = [dbs.history.statsHourly.getBinary(bucketKey(B0, id))!, dbs.history.stats.getBinary(bucketKey(B0 + HOURLY_BLOCK_DAYS, id))!, dbs.history.stats.getBinary(bucketKey(B0 + HOURLY_BLOCK_DAYS, vid))!];
      if (from === 4) {
        now.forEach((bytes, j) => assert.deepEqual([...bytes], [...old[j]], 'not rewritten'));
        // a day sealed from now on is in format 5
        const regs: IngestRegister[] = [{ key: 'activePowerW', type: 's32', scale: 1, unit: 'W', statistic: true }];
        const next = (B0 + HOURLY_BLOCK_DAYS + 2) * DAY;
        for (let k = 0; k < 96 + 2; k++) store.ingest({ slotMs: next + k * 15 * MIN, readings: [{ deviceId: 1, ok: true, values: { activePowerW: { value: 9000 + 13 * k } } }] }, () => regs);
        const sealed = dbs.history.stats.getBinary(bucketKey(B0 + HOURLY_BLOCK_DAYS + 2, id))!;
        assert.equal(sealed[0], SEALED5_MAGIC);
        assert.equal(sealed[1] & 128, 128, 'companded');
        assert.equal(store.statistics(1, 'activePowerW', B0 * DAY, (B0 + HOURLY_BLOCK_DAYS + 1) * DAY).length, HOURLY_BLOCK_DAYS * 24 + 96);
        store.close();
        await dbs.close();
        return;
      }
      now.forEach((bytes, j) => {
        assert.equal(bytes[0], SEALED5_MAGIC, 'compact header');
        if (j < 2) assert.equal(bytes[1] & 64, 64, 'range layout');
        assert.equal(bytes[1] & 128, j < 2 ? 128 : 0, 'power companded, voltage not');
        assert.ok(bytes.length < old[j].length, `${bytes.length} < ${old[j].length} bytes`);
        const a = decodeStat(bytes), b = decodeStat(old[j]);
        for (const k of ['avg', 'min', 'max'] as const) {
          if (j === 2) assert.deepEqual([...a[k]], [...b[k]], k);
          else b[k].forEach((v, i) => { const want = v * b.quantum, got = a[k][i] * a.quantum; assert.ok(Math.abs(got - want) <= 0.00355 * Math.abs(want) + 1.01 * b.quantum, `${k} ${i}: ${got} for ${want}`); });
        }
      });
      assert.equal(store.statistics(1, 'activePowerW', B0 * DAY, (B0 + HOURLY_BLOCK_DAYS + 1) * DAY).length, HOURLY_BLOCK_DAYS * 24 + 96);
      store.close();
      await dbs.close();
    } finally { rmSync(dir, { recursive: true, force: true }); }
  });
}
