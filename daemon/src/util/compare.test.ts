/**
 * The daemon stays off ICU: `localeCompare`, `toLocale…String` and `Intl` formatters fault in
 * megabytes of the node executable's collation and locale data for the life of the process
 * (bench:memory). Sorting uses `compareText`; zones use energy/zoneinfo. The SPA formats for people.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compareText } from './compare';

const src = fileURLToPath(new URL('..', import.meta.url));
/** Where an ICU call is deliberate: the zone fallback for a zone with no tz-database file. */
const ALLOWED = new Set(['energy/calendar.ts']);

function* sources(dir: string, rel = ''): Iterable<string> {
  for (const d of readdirSync(dir, { withFileTypes: true })) {
    if (d.isDirectory()) yield* sources(join(dir, d.name), `${rel}${d.name}/`);
    else if (d.name.endsWith('.ts') && !d.name.endsWith('.test.ts')) yield `${rel}${d.name}`;
  }
}

test('no ICU collation or locale formatting in the daemon', () => {
  const offenders: string[] = [];
  for (const f of sources(src)) {
    if (ALLOWED.has(f)) continue;
    const text = readFileSync(join(src, f), 'utf8').replace(/^\s*(\/\/|\*).*$/gm, '');
    for (const m of text.matchAll(/\.localeCompare\(|\.toLocale\w*String\(|new Intl\.\w+/g)) offenders.push(`${f}: ${m[0]}`);
  }
  assert.deepEqual(offenders, []);
});

test('compareText orders case-insensitively, then by code unit', () => {
  assert.deepEqual(['b', 'A', 'a', 'B', 'activePowerW', 'currentL1A'].sort(compareText), ['A', 'a', 'activePowerW', 'B', 'b', 'currentL1A']);
});
