/**
 * Bucket codecs: random days round-trip, in-place appends equal a full encode, lookups at or
 * before a slot agree with decoding, and re-gridding to a finer rate keeps every value.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ByteWriter } from './varint';
import { appendCounter, counterAtOrBefore, decodeCounter, emptyCounterDay, encodeCounter, regridCounter, FLAG } from './counter-bucket';
import { appendStat, decodeStat, emptyStatDay, encodeStat, gridValue, isSealed, readStat, sealStat, setStat, statQuantum, statSlotCount, thinToHourly, type StatDay } from './stat-bucket';

let seed = 7;
const rnd = () => { seed = (seed * 1103515245 + 12345) % 2 ** 31; return seed / 2 ** 31; };

function randomCounterDay(rateMin: number) {
  const d = emptyCounterDay(rateMin, rnd() < 0.5, rnd() < 0.5 ? 0 : 1234.5);
  const n = d.values.length;
  const from = Math.floor(rnd() * n / 2), to = from + Math.floor(rnd() * (n - from));
  const kind = rnd();
  let v = Math.floor(rnd() * 1e9);
  for (let i = from; i <= to && i < n; i++) {
    if (rnd() < 0.1) continue;
    v += kind < 0.25 ? 0 : kind < 0.5 ? Math.floor(rnd() * 20_000) : kind < 0.75 ? Math.round(rnd() * 1e6) / 1000 : rnd() * 1e3;
    d.values[i] = v;
    if (rnd() < 0.05) d.flags[i] = FLAG.ESTIMATED | FLAG.HELD;
    if (rnd() < 0.02) d.offsets.set(i, -rnd() * 1e6);
    if (rnd() < 0.02) d.raw.set(i, rnd() * 1e6);
  }
  return d;
}

test('counter days round-trip (dense, sparse, int, milli, float, zero increments)', () => {
  for (let k = 0; k < 300; k++) {
    const d = randomCounterDay([1, 5, 15, 60][k % 4]);
    const back = decodeCounter(encodeCounter(d));
    assert.equal(back.rateMin, d.rateMin);
    d.values.forEach((v, i) => {
      if (Number.isNaN(v)) assert.ok(Number.isNaN(back.values[i]));
      else assert.ok(Math.abs(back.values[i] - v) < 1e-6 * Math.max(1, Math.abs(v)), `slot ${i}: ${back.values[i]} vs ${v}`);
    });
    assert.deepEqual([...back.flags], [...d.flags]);
    assert.deepEqual([...back.offsets].sort(), [...d.offsets].sort());
    assert.deepEqual([...back.raw].sort(), [...d.raw].sort());
    if (d.hasRaw) assert.equal(back.offset0, d.offset0);
  }
});

test('counterAtOrBefore agrees with the decoded day', () => {
  for (let k = 0; k < 100; k++) {
    const d = randomCounterDay(15);
    const bytes = encodeCounter(d);
    let last = NaN;
    for (let i = 0; i < 96; i++) {
      if (!Number.isNaN(d.values[i])) last = d.values[i];
      const got = counterAtOrBefore(bytes, i);
      if (Number.isNaN(last)) assert.ok(Number.isNaN(got));
      else assert.ok(Math.abs(got - last) < 1e-6 * Math.max(1, Math.abs(last)));
    }
  }
});

test('appending the next slot in place equals encoding the whole day', () => {
  const d = emptyCounterDay(15, true);
  d.values[0] = 1_000_000;
  const w = new ByteWriter(16);
  const first = encodeCounter(d);
  w.ensure(first.length); w.buf.set(first); w.len = first.length;
  for (let i = 1; i < 96; i++) {
    const v = d.values[i - 1] + (i % 7) * 113;
    assert.ok(appendCounter(w, i, v));
    d.values[i] = v;
  }
  assert.deepEqual([...w.bytes()], [...encodeCounter(d)]);
  assert.equal(appendCounter(w, 95, 1), false, 'not the next slot');
  assert.ok(w.len < 96 * 2 + 30, `a typical day fits in ${w.len} bytes`);
});

test('a non-integer increment does not fit an integer day: the caller re-encodes', () => {
  const d = emptyCounterDay(15, false);
  d.values[0] = 10; d.values[1] = 12;
  const w = new ByteWriter(64);
  const b = encodeCounter(d); w.buf.set(b); w.len = b.length;
  assert.equal(appendCounter(w, 2, 12.5), false);
});

test('re-gridding to a finer rate keeps values at their instants', () => {
  const d = randomCounterDay(15);
  const fine = regridCounter(d, 5);
  d.values.forEach((v, i) => assert.ok(Object.is(fine.values[i * 3], v)));
  assert.ok(Number.isNaN(fine.values[1]));
});

test('statistics round-trip at the register resolution, appends included', () => {
  const d = emptyStatDay(15, 0.01);
  const w = new ByteWriter(16);
  for (let i = 0; i < 96; i++) {
    const avg = 230 + Math.sin(i / 5) * 3, min = avg - 1.234, max = avg + 2.345;
    if (i === 0) { setStat(d, 0, avg, min, max); const b = encodeStat(d); w.ensure(b.length); w.buf.set(b); w.len = b.length; continue; }
    assert.ok(appendStat(w, i, 0.01, avg, min, max));
    setStat(d, i, avg, min, max);
  }
  assert.deepEqual([...w.bytes()], [...encodeStat(d)]);
  const back = decodeStat(w.bytes());
  for (let i = 0; i < 96; i++) {
    assert.equal(back.avg[i], d.avg[i]);
    assert.ok(back.min[i] <= back.avg[i] && back.avg[i] <= back.max[i]);
    assert.ok(Math.abs(back.avg[i] * 0.01 - (230 + Math.sin(i / 5) * 3)) <= 0.005 + 1e-9);
  }
  assert.ok(w.len < 96 * 6, `${w.len} bytes for a day of avg/min/max`);
});

test('appends after gaps (a stopped daemon, a silent device) give the bytes a full encode gives', () => {
  let seed = 7;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  for (let run = 0; run < 50; run++) {
    const d = emptyStatDay(15, 1, 1, run % 2 === 1);
    const w = new ByteWriter(8);
    const empty = encodeStat(d); w.ensure(empty.length); w.buf.set(empty); w.len = empty.length;
    let slot = Math.floor(rnd() * 10);
    while (slot < 96) {
      const avg = Math.round(rnd() * 2000 - 500), min = avg - Math.floor(rnd() * 50), max = avg + Math.floor(rnd() * 50);
      assert.ok(appendStat(w, slot, 1, avg, min, max), `run ${run} slot ${slot}`);
      setStat(d, slot, avg, min, max);
      assert.deepEqual([...w.bytes()], [...encodeStat(d)], `run ${run} after slot ${slot}`);
      slot += rnd() < 0.8 ? 1 : 2 + Math.floor(rnd() * 20);
    }
    // not after the last slot, another quantum, a slot past the day: the slow path
    const last = d.avg.findLastIndex((a) => !Number.isNaN(a));
    const before = [...w.bytes()];
    assert.equal(appendStat(w, last, 1, 1, 1, 1), false);
    if (last > 0) assert.equal(appendStat(w, last - 1, 1, 1, 1, 1), false);
    if (last < 95) assert.equal(appendStat(w, last + 1, 0.1, 1, 1, 1), false);
    assert.equal(appendStat(w, 96, 1, 1, 1, 1), false);
    assert.deepEqual([...w.bytes()], before, 'a refused append changes nothing');
    const back = decodeStat(w.bytes());
    const same = (x: number, y: number) => x === y || (Number.isNaN(x) && Number.isNaN(y));
    d.avg.forEach((a, i) => assert.ok(same(back.avg[i], a) && same(back.min[i], d.min[i]) && same(back.max[i], d.max[i]), `run ${run} slot ${i}`));
  }
});

test('thinning to hourly: mean of averages, min of minima, max of maxima', () => {
  const d = emptyStatDay(15, 1);
  for (let i = 0; i < 8; i++) setStat(d, i, 10 + i, 5 + i, 20 + i);
  const h = thinToHourly(d);
  assert.equal(h.rateMin, 60);
  assert.deepEqual([h.avg[0], h.min[0], h.max[0]], [12 /* 11.5 rounded */, 5, 23]);
  assert.deepEqual([h.avg[1], h.min[1], h.max[1]], [16 /* 15.5 */, 9, 27]);
  assert.ok(Number.isNaN(h.avg[2]));
});

test('sealed statistics round-trip exactly: dense, sparse, spread, negative, huge, odd quanta, empty', () => {
  let seed = 7;
  const rnd = () => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed / 2147483648; };
  const cases: Array<[string, StatDay]> = [];
  const make = (name: string, rate: number, q: number, fill: (d: StatDay, i: number) => void) => {
    const d = emptyStatDay(rate, q);
    for (let i = 0; i < d.avg.length; i++) fill(d, i);
    cases.push([name, d]);
  };
  make('dense, read once per slot', 15, 0.1, (d, i) => setStat(d, i, 230 + rnd() * 4, NaN, NaN));
  make('sparse with spread', 15, 1, (d, i) => { if (rnd() < 0.6) { const a = 5000 * rnd() - 2500; setStat(d, i, a, a - rnd() * 300, a + rnd() * 900); } });
  make('huge values and jumps', 5, 1, (d, i) => { const a = (i % 7 === 0 ? 2 ** 49 : -(2 ** 40)) * rnd(); assert.ok(setStat(d, i, a, a - 2 ** 45 * rnd(), a + 3)); });
  make('a quantum that is not a power of ten', 60, 0.25, (d, i) => setStat(d, i, 12 + rnd(), 11, 14));
  make('one minute, constant', 1, 0.01, (d, i) => setStat(d, i, 49.99, 49.99, 49.99));
  make('spread around a level (moving-mean predictor of min and max)', 15, 0.01, (d, i) => { const a = 50 + (rnd() - 0.5) * 0.02; setStat(d, i, a, a - 0.04 - rnd() * 0.01, a + 0.04 + rnd() * 0.01); });
  make('empty', 15, 0.1, () => {});
  make('one slot', 15, 0.1, (d, i) => { if (i === 40) setStat(d, i, 1, 0.5, 2); });
  let load = 8000;
  make('a load moving inside its slots (range layout)', 15, 1, (d, i) => {
    const next = load + (rnd() - 0.5) * 2000, lo = Math.min(load, next) - rnd() * 300, hi = Math.max(load, next) + rnd() * 300;
    setStat(d, i, (load + next) / 2, lo, hi);
    load = next;
  });
  make('ranges of 0, 1 and 2 quanta', 15, 1, (d, i) => { const r = i % 3; setStat(d, i, 100 + (i % 5), 100 + (i % 5) - (i % 2) * Math.min(r, 1), 100 + (i % 5) + r - (i % 2) * Math.min(r, 1)); });
  for (const [name, d, format] of cases.flatMap(([n, d]) => ([5, 4, 3] as const).map((f) => [`${n} (format ${f})`, d, f] as const))) {
    const sealed = sealStat(d, format);
    assert.ok(isSealed(sealed), name);
    const back = decodeStat(sealed);
    assert.equal(back.rateMin, d.rateMin, name);
    assert.equal(back.quantum, d.quantum, name);
    assert.equal(statSlotCount(sealed), d.avg.filter((a) => !Number.isNaN(a)).length, name);
    for (const k of ['avg', 'min', 'max'] as const) assert.deepEqual([...back[k]], [...d[k]], `${name}: ${k}`);
  }
  const level = cases.find(([name]) => name.startsWith('spread around a level'))![1];
  assert.equal(sealStat(level, 3)[3] & 48, 48, 'min and max against their moving mean');
  const moving = cases.find(([name]) => name.startsWith('a load moving'))![1];
  assert.equal(sealStat(moving, 4)[3] & 64, 64, 'range layout');
  assert.equal(sealStat(moving)[1] & 64, 64, 'range layout (format 5)');
  assert.ok(sealStat(moving, 4).length < sealStat(moving, 3).length, `${sealStat(moving, 4).length} vs ${sealStat(moving, 3).length} bytes`);
  assert.ok(sealStat(moving).length <= sealStat(moving, 4).length - 3, 'the compact header: rate and days in one byte, no first slot and count, parameters as nibbles');
  const [, read] = cases[0];
  assert.ok(sealStat(read).length < 96 * 1.2, `${sealStat(read).length} bytes for a day of 0.1 V read once per slot`);
});

test('format 4: a load-dependent quantity is sealed at 0.1 % of the bucket\'s peak (1-2-5 steps), within half a quantum, and sealing again keeps it', () => {
  const week = emptyStatDay(60, 1, 7, true);
  for (let i = 0; i < week.avg.length; i++) { const a = 15_000 + 5000 * Math.sin(i / 4); setStat(week, i, a, a - 800 * ((i * 37) % 11) / 10, a + 900 * ((i * 53) % 7) / 6); }
  const back = decodeStat(sealStat(week, 4));
  assert.equal(back.quantum, 20, 'peak ≈ 20.9 kW');
  assert.equal(back.relative, true);
  assert.equal(back.avg.length, 7 * 24);
  for (const k of ['avg', 'min', 'max'] as const) week[k].forEach((v, i) => assert.ok(Math.abs(back[k][i] * 20 - v) <= 10, `${k} ${i}`));
  assert.deepEqual(sealStat(back, 4), sealStat(decodeStat(sealStat(back, 4)), 4), 'stable');
  // small loads keep their quantum (1 W up to a 2.5 kW peak); other units are never coarsened
  const small = emptyStatDay(15, 1, 1, true);
  setStat(small, 3, 2400, 2300, 2490);
  assert.equal(decodeStat(sealStat(small, 4)).quantum, 1);
  const volts = emptyStatDay(15, 0.1);
  setStat(volts, 3, 230, 228, 233);
  assert.equal(decodeStat(sealStat(volts, 4)).quantum, 0.1);
});

test('format 5: a load-dependent quantity is companded: within 0.355 % of each reading plus its quantum, at its quantum, tidy digits, stable, smaller; an open day reads as it will be sealed', () => {
  let seed = 11;
  const rnd = () => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed / 2147483648; };
  // a week of an office meter with PV behind it: imports at night, exports at midday (crossing zero)
  const week = emptyStatDay(60, 1, 7, true);
  for (let i = 0; i < week.avg.length; i++) {
    const h = i % 24, load = (h >= 7 && h < 18 ? 11_000 : 2500) * (1 + 0.12 * (rnd() - 0.5)), pv = h >= 10 && h < 15 ? 14_000 * (0.6 + 0.4 * rnd()) : 0;
    const a = load - pv;
    setStat(week, i, a, a - 1500 * rnd(), a + 1500 * rnd());
  }
  const sealed = sealStat(week);
  assert.equal(sealed[1] & 128, 128, 'companded');
  const back = decodeStat(sealed);
  assert.equal(back.relative, true);
  assert.equal(back.compandStep, 1, 'on the grid of the series\' quantum');
  for (const k of ['avg', 'min', 'max'] as const) {
    week[k].forEach((v, i) => {
      const got = back[k][i] * back.quantum, err = Math.abs(got - v), abs = Math.abs(v);
      assert.ok(err <= 0.00355 * abs + 1.01, `${k} ${i}: ${got} for ${v} (${((100 * err) / abs).toFixed(3)} %)`);
      // no digit finer than its quantum (1 W) or a hundredth of the value's own step (0.7 % of it above 143 W)
      const pow = Math.max(1, 10 ** Math.floor(Math.log10(0.00007 * abs)));
      assert.ok(Math.abs(got / pow - Math.round(got / pow)) < 1e-6, `${k} ${i}: ${got} in steps of ${pow}`);
    });
  }
  back.avg.forEach((a, i) => assert.ok(back.min[i] <= a && a <= back.max[i], `order at ${i}`));
  assert.deepEqual([...sealStat(back)], [...sealed], 'sealing the decoded bucket again gives the same bytes');
  assert.ok(sealed.length < sealStat(week, 4).length, `${sealed.length} vs ${sealStat(week, 4).length} bytes (format 4)`);
  // a small load is on the same grid (its step about its quantum); other units are never companded
  const small = emptyStatDay(15, 1, 1, true);
  setStat(small, 3, 120, 100, 130);
  assert.equal(sealStat(small)[1] & 128, 128);
  assert.ok(Math.abs(decodeStat(sealStat(small)).avg[3] * decodeStat(sealStat(small)).quantum - 120) <= 0.0035 * 120 + 1);
  const volts = emptyStatDay(15, 0.1);
  setStat(volts, 3, 230, 228, 233);
  assert.equal(sealStat(volts)[1] & 128, 0);
  assert.equal(decodeStat(sealStat(volts)).quantum, 0.1);
  // an open day reads on the grid it will be sealed on: the values do not change when it is sealed
  const open = emptyStatDay(15, 1, 1, true);
  for (let i = 0; i < 96; i++) { const a = 8000 + 3000 * Math.sin(i / 9) + 97 * rnd(); setStat(open, i, a, a - 400 * rnd(), a + 400 * rnd()); }
  const before = readStat(encodeStat(open)), after = readStat(sealStat(open));
  assert.equal(before.quantum, after.quantum);
  for (const k of ['avg', 'min', 'max'] as const) assert.deepEqual([...before[k]], [...after[k]], k);
  // thinned to hourly, an hour's min and max stay what the day showed
  const hourly = decodeStat(sealStat(thinToHourly(after)));
  for (let h = 0; h < 24; h++) {
    assert.equal(hourly.min[h] * hourly.quantum, Math.min(...after.min.slice(h * 4, h * 4 + 4)) * after.quantum);
    assert.equal(hourly.max[h] * hourly.quantum, Math.max(...after.max.slice(h * 4, h * 4 + 4)) * after.quantum);
  }
});

test('format 5: a value on its grid stays there (values from −50 kW to 50 kW at 1 W, 0.01 A, 5 W, 0.25 W)', () => {
  for (const q of [1, 0.01, 5, 0.25]) {
    for (let i = -20000; i <= 20000; i++) {
      const x = Math.sign(i) * (Math.abs(i) / 20000) ** 3 * 50_000 * q;
      const g = gridValue(x, q), again = gridValue(g, q);
      assert.equal(again, g, `q ${q}: ${x} → ${g} → ${again}`);
      assert.ok(Math.abs(g - x) <= 0.00355 * Math.abs(x) + 1.01 * q, `q ${q}: ${x} → ${g}`);
      assert.ok(Math.abs(g / q - Math.round(g / q)) < 1e-6, `q ${q}: ${g} is not a multiple of the quantum`);
    }
  }
});

test('the stored resolution is the unit\'s, or the register\'s when coarser', () => {
  assert.equal(statQuantum('V', 'u32', 0.01), 0.1);
  assert.equal(statQuantum('A', 'u32', 0.001), 0.01);
  assert.equal(statQuantum('W', 's32', 10), 10);
  assert.equal(statQuantum('', 's32', 0.001), 0.001);
  assert.equal(statQuantum('V', 'float32', 1), 0.1);
  assert.equal(statQuantum('m/s', 'float32', 1), 0.001);
  assert.equal(statQuantum('m/s', 'u16', 0.5), 0.5);
});
