import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { parsePosixTz, zoneOffsets, ZONEINFO_DIR } from './zoneinfo';

const H = 3600;
const at = (iso: string) => Date.parse(iso) / 1000;

test('POSIX footers: European, southern-hemisphere, negative DST (Dublin), half-hour DST, negative rule times, no DST', () => {
  const paris = parsePosixTz('CET-1CEST,M3.5.0,M10.5.0/3');
  assert.equal(paris(at('2031-03-30T00:59:59Z')), H);
  assert.equal(paris(at('2031-03-30T01:00:00Z')), 2 * H); // last Sunday of March, 02:00 CET
  assert.equal(paris(at('2031-10-26T00:59:59Z')), 2 * H);
  assert.equal(paris(at('2031-10-26T01:00:00Z')), H); // last Sunday of October, 03:00 CEST
  const sydney = parsePosixTz('AEST-10AEDT,M10.1.0,M4.1.0/3');
  assert.equal(sydney(at('2040-01-15T00:00:00Z')), 11 * H);
  assert.equal(sydney(at('2040-07-15T00:00:00Z')), 10 * H);
  const dublin = parsePosixTz('IST-1GMT0,M10.5.0,M3.5.0/1');
  assert.equal(dublin(at('2040-01-15T12:00:00Z')), 0);
  assert.equal(dublin(at('2040-07-15T12:00:00Z')), H);
  const lordHowe = parsePosixTz('<+1030>-10:30<+11>-11,M10.1.0,M4.1.0');
  assert.equal(lordHowe(at('2040-01-15T00:00:00Z')), 11 * H);
  assert.equal(lordHowe(at('2040-07-15T00:00:00Z')), 10.5 * H);
  const nuuk = parsePosixTz('<-02>2<-01>,M3.5.0/-1,M10.5.0/0');
  assert.equal(nuuk(at('2040-03-25T00:59:59Z')), -2 * H); // Saturday 22:59 local, the day before the last Sunday
  assert.equal(nuuk(at('2040-03-25T01:00:00Z')), -H); // DST starts at 23:00 on the Saturday (-1 h of Sunday)
  assert.equal(parsePosixTz('<+0545>-5:45')(at('2050-01-01T00:00:00Z')), 5.75 * H);
  assert.throws(() => parsePosixTz('X1'), /bad TZ name/);
});

test('zone names that are not IANA-shaped never reach the file system', () => {
  for (const tz of ['../../etc/passwd', '/etc/passwd', 'Europe/../../../etc/passwd', 'Europe/Paris\0', '']) assert.equal(zoneOffsets(tz), undefined, tz);
});

test('offsets from the tz database equal ICU\'s (Intl) for every zone, 1990-2090', { skip: existsSync(`${ZONEINFO_DIR}/Europe/Paris`) ? false : `no tz database in ${ZONEINFO_DIR}` }, () => {
  let seed = 12345;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const from = at('1990-01-01T00:00:00Z'); const to = at('2090-01-01T00:00:00Z');
  const mismatches: string[] = [];
  let checked = 0;
  for (const tz of Intl.supportedValuesOf('timeZone')) {
    const zone = zoneOffsets(tz);
    if (!zone) continue; // a zone ICU knows and this tzdata does not (or the reverse): Intl answers for it
    const f = new Intl.DateTimeFormat('en-US', { timeZone: tz, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
    for (let k = 0; k < 150; k++) {
      const s = Math.floor(from + random() * (to - from));
      const p: Record<string, number> = {};
      for (const x of f.formatToParts(new Date(s * 1000))) p[x.type] = Number(x.value);
      const icu = Date.UTC(p.year, p.month - 1, p.day, p.hour % 24, p.minute, p.second) / 1000 - s;
      checked++;
      if (icu !== zone(s)) mismatches.push(`${tz} ${new Date(s * 1000).toISOString()} icu ${icu} tzdb ${zone(s)}`);
    }
  }
  assert.ok(checked > 10_000, `only ${checked} instants checked`);
  // Releases of ICU's and Debian's tz data may differ by a zone's recent history; allow a handful.
  assert.ok(mismatches.length <= 5, mismatches.slice(0, 10).join('\n'));
});
