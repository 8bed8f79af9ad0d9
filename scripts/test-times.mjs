// A node:test reporter: after the run, each test file's wall time (slowest first) with its
// slowest test, then one plain closing line "N passed, N failed, N skipped".
// scripts/run-tests.mjs adds it next to the usual reporter; EWS_TEST_TIMES_TOP=n lists only the n slowest files.
import { relative } from 'node:path';

const seconds = (ms) => `${(ms / 1000).toFixed(1).padStart(6)} s`;

export default async function* times(source) {
  const root = process.cwd();
  /** file → its wall time, its top-level tests, its failures */
  const files = new Map();
  const counts = { passed: 0, failed: 0, skipped: 0 };
  const entry = (file) => {
    let f = files.get(file);
    if (!f) files.set(file, (f = { ms: 0, tests: [], failed: 0, fileFailed: false }));
    return f;
  };
  for await (const { type, data: d } of source) {
    if (!d?.file || (type !== 'test:pass' && type !== 'test:fail' && type !== 'test:complete')) continue;
    const f = entry(d.file);
    if (d.name === d.file && d.nesting === 0) {
      // the file itself (its process): its duration, and a failure of its own (timeout, crash)
      if (type === 'test:complete') f.ms = d.details?.duration_ms ?? 0;
      if (type === 'test:fail') f.fileFailed = true;
      continue;
    }
    if (type === 'test:complete') continue;
    if (d.nesting === 0) f.tests.push({ name: d.name, ms: d.details?.duration_ms ?? 0 });
    if (d.details?.type === 'suite') continue;
    if (d.skip !== undefined || d.todo !== undefined) counts.skipped += 1;
    else if (type === 'test:pass') counts.passed += 1;
    else { counts.failed += 1; f.failed += 1; }
  }
  for (const f of files.values()) if (f.fileFailed && f.failed === 0) { counts.failed += 1; f.failed = 1; }
  const top = Number(process.env.EWS_TEST_TIMES_TOP ?? 0) || Infinity;
  const rows = [...files].sort((a, b) => b[1].ms - a[1].ms);
  let out = `\nwall time per test file, slowest first (files may run side by side):\n`;
  for (const [file, f] of rows.slice(0, top)) {
    const slowest = [...f.tests].sort((a, b) => b.ms - a.ms)[0];
    out += `${seconds(f.ms)}  ${relative(root, file).padEnd(42)} ${String(f.tests.length).padStart(3)} test${f.tests.length === 1 ? ' ' : 's'}`
      + `${slowest && f.tests.length > 1 ? `, slowest ${seconds(slowest.ms).trim()}: ${slowest.name.slice(0, 60)}` : ''}${f.failed ? `  ${f.failed} FAILED` : ''}\n`;
  }
  if (rows.length > top) out += `  … and ${rows.length - top} faster files\n`;
  out += `${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped\n`;
  yield out;
}
