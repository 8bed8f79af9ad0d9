/**
 * First load on the wire (BEY-5): Chromium with an empty cache opens the SPA served by the
 * real daemon; the bytes of JS and CSS actually transferred (CDP Network.loadingFinished
 * encodedDataLength: compressed body plus headers) stay ≤ 80 KB. A reload then revalidates
 * index.html (304) and takes the hashed assets from the cache without asking.
 * Run the web build first: `cd web && npx tsup`, and the daemon's (`pnpm --filter ./daemon build`).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { e2eEnvironment } from './browser';

const BUDGET_BYTES = 80 * 1024;

const env = e2eEnvironment('ews-e2e-wire-', { seed: false });

interface Loaded { url: string; type: string; status: number; encoding: string; cacheControl: string; wireBytes: number }

test('first load: JS + CSS on the wire ≤ 80 KB, brotli, hashed assets immutable; a reload asks only for index.html', { timeout: 60_000 }, async () => {
  const context = await env.browser.newContext();
  try {
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.setCacheDisabled', { cacheDisabled: false });
    const seen = new Map<string, Loaded>();
    const finished = new Set<string>();
    cdp.on('Network.responseReceived', (e) => {
      const h = Object.fromEntries(Object.entries(e.response.headers).map(([k, v]) => [k.toLowerCase(), String(v)]));
      seen.set(e.requestId, {
        url: e.response.url, type: e.type, status: e.response.status, encoding: h['content-encoding'] ?? '', cacheControl: h['cache-control'] ?? '',
        wireBytes: 0,
      });
    });
    // The status on the wire (responseReceived shows a revalidated response as its cached 200).
    const wireStatus = new Map<string, number>();
    cdp.on('Network.responseReceivedExtraInfo', (e) => { wireStatus.set(e.requestId, e.statusCode); });
    cdp.on('Network.loadingFinished', (e) => {
      const r = seen.get(e.requestId);
      if (r) r.wireBytes = e.encodedDataLength;
      finished.add(e.requestId);
    });
    const rows = () => [...seen.entries()].filter(([id]) => finished.has(id)).map(([id, r]) => ({ ...r, wireStatus: wireStatus.get(id) }));

    await page.goto(env.demo.url, { waitUntil: 'networkidle' });
    await page.waitForSelector('#login-pin');
    const first = rows();
    const assets = first.filter((r) => r.type === 'Script' || r.type === 'Stylesheet');
    const wire = assets.reduce((sum, r) => sum + r.wireBytes, 0);
    console.log(JSON.stringify({
      figure: 'first-load-wire', jsCssKB: +(wire / 1024).toFixed(1), budgetKB: BUDGET_BYTES / 1024,
      files: assets.map((r) => ({ file: new URL(r.url).pathname, encoding: r.encoding, kb: +(r.wireBytes / 1024).toFixed(1) })),
    }));
    assert.ok(assets.some((r) => r.type === 'Script') && assets.some((r) => r.type === 'Stylesheet'), JSON.stringify(first));
    for (const r of assets) {
      assert.equal(r.encoding, 'br', `${r.url} is sent brotli-compressed`);
      assert.equal(r.cacheControl, 'public, max-age=31536000, immutable', r.url);
    }
    assert.equal(first.find((r) => r.type === 'Document')?.cacheControl, 'no-cache');
    assert.ok(wire <= BUDGET_BYTES, `JS + CSS on the wire: ${wire} B > ${BUDGET_BYTES} B`);

    // Reload: index.html is revalidated (304), the hashed assets come from the cache unasked.
    seen.clear();
    finished.clear();
    wireStatus.clear();
    await page.reload({ waitUntil: 'networkidle' });
    await page.waitForSelector('#login-pin');
    const again = rows();
    const doc = again.find((r) => r.type === 'Document');
    assert.equal(doc?.wireStatus, 304, JSON.stringify(again));
    const reloadedAssets = again.filter((r) => r.type === 'Script' || r.type === 'Stylesheet');
    assert.ok(reloadedAssets.length > 0, JSON.stringify(again));
    for (const r of reloadedAssets) assert.ok(r.wireStatus === undefined && r.wireBytes === 0, `${r.url} came from the cache: ${JSON.stringify(r)}`);
    console.log(JSON.stringify({ figure: 'reload-wire', bytes: again.reduce((s, r) => s + r.wireBytes, 0) }));
  } finally {
    await context.close();
  }
});
