/**
 * The layering of DESIGN.md, checked by dependency-cruiser (`pnpm lint`, the first step of
 * `pnpm test`). Each rule names the boundary it keeps; its comment says why and what is exempt.
 *
 * Vocabulary:
 * - a *capability* is a folder daemon/src/<name>/ (modbus, poll, store, energy, costs, api…);
 *   its index.ts is its only public face;
 * - daemon/src/util/ is the shared utility layer (clock, log, events, DomainError): anyone in
 *   the daemon may import any of its files, and it imports no capability;
 * - daemon/src/{main,daemon,runtime,index}.ts are composition roots: they wire capabilities
 *   together, through their faces;
 * - tests (`*.test.ts`, daemon/test/**, the testkits) are white-box: they may open a
 *   capability's files, but must keep the other boundaries (no HTTP, bytes, DOM mix-ups).
 *
 * Paths are relative to the repository root, as dependency-cruiser reports them.
 *
 * Known violations, listed in .dependency-cruiser-known-violations.json and counted (not failed)
 * by `pnpm lint` (`--ignore-known`): scripts/bench/store.ts serves the consumption routes of
 * daemon/src/api/ by themselves (consumption.ts, errors.ts) to time them over HTTP; api/ is
 * being rewritten around the typed contract, which should give the bench a face to use. Remove
 * an entry when its import goes (`npx depcruise --config .dependency-cruiser.cjs --output-type
 * baseline shared daemon web scripts > .dependency-cruiser-known-violations.json`).
 *
 * scripts/layering.test.ts plants a violation of each rule and checks that the tool names it.
 */
const TEST = '(\\.test\\.tsx?$|^daemon/test/|/testkit\\.ts$)';
const CAPABILITY_FILE = '^daemon/src/[^/]+/';
const CAPABILITY_FACE = ['^daemon/src/[^/]+/index\\.ts$', '^daemon/src/util/'];
/** An npm package, as resolved (node_modules/<name>/… or pnpm's node_modules/.pnpm/…/node_modules/<name>/…). */
const npm = (names) => `(^|/)node_modules/(${names})/`;
const SOCKETS_AND_SERIAL = [`^(node:)?(net|dgram)$`, npm('serialport|@serialport/[^/]+|modbus-serial')];
const HTTP = npm('hono|@hono/[^/]+');

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'capability-face',
      severity: 'error',
      comment:
        'A capability folder daemon/src/<name>/ is imported from outside only through its index.ts ' +
        '(DESIGN.md: "Each capability folder has an index.ts that is its only public face"). ' +
        'Export what is needed from that index. daemon/src/util/ is the shared utility layer and exempt; ' +
        'tests are white-box and exempt.',
      from: { path: '^daemon/src/([^/]+)/', pathNot: TEST },
      to: { path: CAPABILITY_FILE, pathNot: [...CAPABILITY_FACE, '^daemon/src/$1/'] },
    },
    {
      name: 'capability-face',
      severity: 'error',
      comment:
        'The same, for the composition roots, scripts/ and web/: a capability is reached through its index.ts.',
      from: { pathNot: ['^daemon/src/[^/]+/', TEST] },
      to: { path: CAPABILITY_FILE, pathNot: CAPABILITY_FACE },
    },
    {
      name: 'util-is-a-leaf',
      severity: 'error',
      comment: 'daemon/src/util/ is below every capability: it imports none of them (nor the composition roots).',
      from: { path: '^daemon/src/util/' },
      to: { path: '^daemon/src/', pathNot: '^daemon/src/util/' },
    },
    {
      name: 'http-only-in-api',
      severity: 'error',
      comment:
        'daemon/src/api/ is the only place that knows HTTP (hono, @hono/*); it also serves the app on ' +
        "node:http (api/http/node-server's serve(), which the composition root daemon.ts calls).",
      from: { path: '^daemon/', pathNot: '^daemon/src/api/' },
      to: { path: HTTP },
    },
    {
      name: 'bytes-only-in-modbus',
      severity: 'error',
      comment:
        'daemon/src/modbus/ is the only place that knows sockets and serial bytes (node:net, node:dgram, ' +
        'serialport, modbus-serial). scripts/sim (the simulator) and scripts/demo (the demo, which probes its ports) ' +
        'stand in for the hardware and are exempt. Type-only imports (e.g. ' +
        "node:net's AddressInfo) carry no bytes and are allowed. files/ftp binds the FTP port itself (the FTP " +
        'protocol library is loaded with the first connection); it reads no bus bytes.',
      from: { pathNot: ['^daemon/src/modbus/', '^scripts/sim/', '^scripts/demo/', '^daemon/src/files/ftp\\.ts$'] },
      to: { path: SOCKETS_AND_SERIAL, dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'scripts-use-daemon-face',
      severity: 'error',
      comment:
        'scripts/ use the daemon through its package face (@ews/daemon, daemon/src/index.ts) and @ews/shared, ' +
        'never daemon/src internals by relative path. Export what a script needs from daemon/src/index.ts.',
      from: { path: '^scripts/' },
      to: { path: '^daemon/', pathNot: '^daemon/src/index\\.ts$' },
    },
    {
      name: 'scripts-import-daemon-by-name',
      severity: 'error',
      comment: "scripts/ import the daemon as '@ews/daemon', not by a relative path to daemon/src/index.ts.",
      from: { path: '^scripts/' },
      to: { path: '^daemon/', dependencyTypes: ['local'] },
    },
    {
      name: 'shared-is-portable',
      severity: 'error',
      comment: '@ews/shared runs in the browser and in the daemon: no node:* modules (its tests run in node and are exempt).',
      from: { path: '^shared/', pathNot: TEST },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'shared-is-the-bottom',
      severity: 'error',
      comment: '@ews/shared is the contract both sides import: it imports nothing from daemon/, web/ or scripts/.',
      from: { path: '^shared/' },
      to: { path: '^(daemon|web|scripts)/' },
    },
    {
      name: 'web-is-browser',
      severity: 'error',
      comment:
        'The SPA runs in the browser: no node:* modules. Exempt: web/e2e (playwright, runs in node), ' +
        "the build configs (web/*.config.ts) and the SPA's unit tests (node:test).",
      from: { path: '^web/', pathNot: ['^web/e2e/', '^web/[^/]+\\.config\\.ts$', TEST] },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'web-not-daemon',
      severity: 'error',
      comment:
        'web/ talks to the daemon over HTTP with the types of @ews/shared: it imports nothing from daemon/ ' +
        '(the browser tests start a daemon through scripts/demo/harness).',
      from: { path: '^web/' },
      to: { path: '^daemon/' },
    },
    {
      name: 'daemon-not-web-or-scripts',
      severity: 'error',
      comment: 'The daemon does not import the SPA or the scripts (its integration tests may use the simulator in scripts/sim).',
      from: { path: '^daemon/', pathNot: TEST },
      to: { path: '^(web|scripts)/' },
    },
    {
      name: 'shared-by-name',
      severity: 'error',
      comment: "The contract is imported as '@ews/shared' (its index), not by a relative path into shared/src.",
      from: { pathNot: '^shared/' },
      to: { path: '^shared/', dependencyTypes: ['local'] },
    },
    {
      name: 'no-module-cycles',
      severity: 'error',
      comment: 'Each arrow of DESIGN.md goes one way: no import cycle between modules of the daemon.',
      from: { path: '^daemon/src/' },
      to: { circular: true },
    },
    {
      name: 'no-capability-folder-cycles',
      severity: 'error',
      comment: 'No cycle between capability folders of daemon/src, counted folder by folder.',
      scope: 'folder',
      from: { path: '^daemon/src/[^/]+' },
      to: { circular: true },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      comment: 'An import that resolves to nothing: a typo, or a package missing from package.json.',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // node_modules are reached (rules look at them) but not followed; built output is ignored.
    exclude: { path: '^(daemon|web)/dist/' },
    // Type-only imports count too (DESIGN.md's arrows hold for types as well as values).
    tsPreCompilationDeps: true,
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      mainFields: ['module', 'main', 'types', 'typings'],
    },
    // Workspace packages are symlinks in node_modules: report their real path (daemon/src/index.ts).
    preserveSymlinks: false,
  },
};
