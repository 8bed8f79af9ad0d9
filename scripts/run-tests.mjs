#!/usr/bin/env node
// Finds the test files (Node 20's `node --test` does not expand globs) and runs them with tsx.
// Usage: node scripts/run-tests.mjs unit|e2e [extra node --test flags]
import { readdirSync, existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const suites = {
  unit: { dirs: ['shared/src', 'daemon/src', 'daemon/test', 'scripts', 'web/src'], concurrency: 2, timeoutMs: 180_000 },
  e2e: { dirs: ['web/e2e'], concurrency: 1, timeoutMs: 300_000 },
};
const [name = 'unit', ...extra] = process.argv.slice(2);
const suite = suites[name];
if (!suite) { console.error(`unknown suite ${name} (unit | e2e)`); process.exit(2); }

function walk(dir) {
  const out = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.name === 'node_modules' || e.name === 'dist') continue;
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...walk(p));
    else if (/\.test\.tsx?$/.test(e.name)) out.push(p);
  }
  return out;
}
if (name === 'e2e') {
  const chromium = process.env.EWS_CHROMIUM ?? '/usr/bin/chromium';
  if (!existsSync(chromium)) {
    const msg = `Chromium not found at ${chromium}: install it (apt-get install -y chromium) or set EWS_CHROMIUM`;
    // CI must run the browser tests; a developer machine without Chromium skips them, loudly.
    if (process.env.CI) { console.error(msg); process.exit(1); }
    console.warn(`browser tests SKIPPED — ${msg}`);
    process.exit(0);
  }
}
const files = suite.dirs.flatMap((d) => walk(join(root, d))).map((f) => relative(root, f)).sort();
if (files.length === 0) { console.error('no test files found'); process.exit(1); }
// The usual reporter (spec on a terminal, TAP otherwise), and after it the time each file took
// (scripts/test-times.mjs, ending with the line "N passed, N failed, N skipped").
const reporters = extra.some((a) => a.startsWith('--test-reporter')) ? [] : [
  `--test-reporter=${process.stdout.isTTY ? 'spec' : 'tap'}`, '--test-reporter-destination=stdout',
  `--test-reporter=${join(root, 'scripts/test-times.mjs')}`, '--test-reporter-destination=stdout',
];
const args = ['--import', 'tsx', '--test', `--test-concurrency=${suite.concurrency}`, `--test-timeout=${suite.timeoutMs}`, ...reporters, ...extra, ...files];
const r = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit' });
process.exit(r.status ?? 1);
