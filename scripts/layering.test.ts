/**
 * `pnpm lint` (dependency-cruiser with .dependency-cruiser.cjs) must fail on a layering
 * violation. Plants a small tree shaped like the repository in a temporary folder — files that
 * break each rule beside files that keep them — runs the real tool with the real config there,
 * and checks which rules it names for which file.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const config = join(root, '.dependency-cruiser.cjs');
/** The CLI `pnpm lint` runs (a devDependency of the root). */
const cli = join(root, 'node_modules', 'dependency-cruiser', 'bin', 'dependency-cruise.mjs');

/** Files of the planted tree: path → source. */
const tree: Record<string, string> = {
  // Stand-ins for the npm packages the rules name.
  'node_modules/hono/package.json': '{ "name": "hono", "main": "index.js" }\n',
  'node_modules/hono/index.js': 'export const Hono = 1;\n',
  'node_modules/serialport/package.json': '{ "name": "serialport", "main": "index.js" }\n',
  'node_modules/serialport/index.js': 'export const SerialPort = 1;\n',
  'daemon/src/api/index.ts': "import { Hono } from 'hono';\nexport const api = Hono;\n",
  'daemon/src/modbus/serial-link.ts': "import { SerialPort } from 'serialport';\nexport const serial = SerialPort;\n",
  // Capabilities with their faces, used correctly.
  'daemon/src/modbus/index.ts': "export { TcpLink } from './tcp-link';\n",
  'daemon/src/modbus/tcp-link.ts': "import net from 'node:net';\nexport class TcpLink { socket?: net.Socket }\n",
  'daemon/src/energy/index.ts': 'export const energy = 1;\n',
  'daemon/src/costs/index.ts': "import { energy } from '../energy/index';\nexport const costs = energy + 1;\n",
  'daemon/src/util/log.ts': 'export const log = () => {};\n',
  'daemon/src/poll/index.ts': "import { log } from '../util/log';\nimport { TcpLink } from '../modbus/index';\nexport const poll = [log, TcpLink];\n",
  'daemon/src/store/db.ts': 'export const db = 1;\n',
  'daemon/src/store/index.ts': "export { db } from './db';\n",
  'daemon/src/index.ts': "export { db } from './store/index';\n",
  // A composition root may read node:net's types (no bytes), tests are white-box, the simulator owns sockets.
  'daemon/src/daemon.ts': "import type { AddressInfo } from 'node:net';\nimport { poll } from './poll/index';\nexport type A = AddressInfo;\nexport const d = poll;\n",
  'daemon/test/link.test.ts': "import { TcpLink } from '../src/modbus/tcp-link';\nexport const t = TcpLink;\n",
  'scripts/sim/server.ts': "import net from 'node:net';\nexport const s = net.createServer;\n",

  // Violations.
  'daemon/src/api/structure.ts': "import { TcpLink } from '../modbus/tcp-link';\nexport const s = TcpLink;\n",
  'daemon/src/poll/probe.ts': "import net from 'node:net';\nexport const p = net.connect;\n",
  'daemon/src/poll/serial.ts': "import { SerialPort } from 'serialport';\nexport const p = SerialPort;\n",
  'daemon/src/energy/http.ts': "import { Hono } from 'hono';\nexport const h = Hono;\n",
  'daemon/src/util/bad.ts': "import { energy } from '../energy/index';\nexport const b = energy;\n",
  'daemon/src/energy/loop.ts': "import { costs } from '../costs/index';\nexport const l = costs;\n",
  'scripts/bench/store.ts': "import { db } from '../../daemon/src/store/db';\nexport const b = db;\n",
  'shared/src/units.ts': "import { readFileSync } from 'node:fs';\nexport const u = readFileSync;\n",
  'web/src/pages/page.ts': "import { join } from 'node:path';\nimport { db } from '../../../daemon/src/index';\nexport const w = [join, db];\n",
  'web/src/pages/units.ts': "import { u } from '../../../shared/src/units';\nexport const x = u;\n",
};

/** [rule, from] pairs the tool must report, and nothing else. */
const expected: Array<[string, string]> = [
  ['capability-face', 'daemon/src/api/structure.ts'],
  ['bytes-only-in-modbus', 'daemon/src/poll/probe.ts'],
  ['bytes-only-in-modbus', 'daemon/src/poll/serial.ts'],
  ['http-only-in-api', 'daemon/src/energy/http.ts'],
  ['util-is-a-leaf', 'daemon/src/util/bad.ts'],
  ['no-capability-folder-cycles', 'daemon/src/costs'],
  ['no-capability-folder-cycles', 'daemon/src/energy'],
  ['capability-face', 'scripts/bench/store.ts'],
  ['scripts-use-daemon-face', 'scripts/bench/store.ts'],
  ['scripts-import-daemon-by-name', 'scripts/bench/store.ts'],
  ['shared-is-portable', 'shared/src/units.ts'],
  ['web-is-browser', 'web/src/pages/page.ts'],
  ['web-not-daemon', 'web/src/pages/page.ts'],
  ['shared-by-name', 'web/src/pages/units.ts'],
];

test('the layering lint names each planted violation and passes the rest', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ews-layering-'));
  try {
    for (const [path, source] of Object.entries(tree)) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), source);
    }
    // What `pnpm lint` runs, in the planted tree.
    const r = spawnSync(process.execPath, [cli, '--config', config, '--no-cache', '--output-type', 'err', 'daemon', 'scripts', 'shared', 'web'], { cwd: dir, encoding: 'utf8' });
    assert.notEqual(r.status, 0, `the tool fails:\n${r.stdout}${r.stderr}`);
    assert.equal(r.stderr.trim(), '', 'no configuration or resolution error');
    // Lines such as `  error capability-face: daemon/src/api/structure.ts → daemon/src/modbus/tcp-link.ts`
    const got = [...new Set([...r.stdout.matchAll(/^\s*error ([\w-]+): (\S+)/gm)].map((m) => `${m[1]} ${m[2]}`))].sort();
    assert.deepEqual(got, expected.map(([rule, from]) => `${rule} ${from}`).sort(), r.stdout);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the same tool and config pass the repository (known violations aside)', () => {
  const r = spawnSync(process.execPath, [cli, '--config', config, '--ignore-known', '--no-cache', '--output-type', 'err', 'shared', 'daemon', 'web', 'scripts'], { cwd: root, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stdout + r.stderr);
});
