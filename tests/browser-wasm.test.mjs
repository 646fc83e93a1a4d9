// The wasm module loads and generates in headless Chromium, with the same output as in Node.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { serve } from './support/static-server.mjs';
import { launch } from './support/browser.mjs';
import { generate, readExample, root } from './support/wasm.mjs';

const PAGE = `<!doctype html><meta charset="utf-8"><title>wasm check</title>
<script type="module">
  import init, { generate, version } from '/pkg/wasm/smartspec_data_migration_generator.js';
  try {
    await init();
    const report = await (await fetch('/examples/run-123/summary.json')).text();
    const out = generate(report, 'PostgreSQL');
    const mysql = generate(JSON.parse(report), 'MySQL');
    let error = null;
    try { generate('{"run_id": "x", "diffs": [{"id": "D1", "kind": "missing_column", "object": {"table": "t"}, "expected": {"name": "c", "type": "int; x"}}]}'); }
    catch (e) { error = { message: e.message, code: e.code, path: e.path, isError: e instanceof Error }; }
    window.__result = { version: version(), out, mysql, error };
  } catch (e) { window.__result = { failed: String(e && e.stack || e) }; }
</script>`;

test('the wasm module loads and generates in headless Chromium', async (t) => {
  const browser = await launch(t);
  if (!browser) return;
  const server = await serve(root, { extra: { '/check.html': { type: 'text/html', body: PAGE } } });
  try {
    const page = await browser.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(`${server.url}/check.html`);
    await page.waitForFunction(() => window.__result, null, { timeout: 30_000 });
    const r = await page.evaluate(() => window.__result);
    assert.equal(r.failed, undefined, r.failed);
    assert.deepEqual(errors, []);
    assert.equal(r.version, '6.1.0');
    const node = generate(readExample('run-123'), 'PostgreSQL');
    assert.deepEqual(r.out, node, 'Chromium and Node give the same result');
    assert.match(r.out.files[0].content, /ADD COLUMN IF NOT EXISTS "last_login_at" TIMESTAMP WITH TIME ZONE;/);
    assert.equal(r.mysql.dialect, 'MySQL');
    assert.match(r.mysql.files[0].content, /ADD COLUMN `last_login_at` TIMESTAMP\(6\) NULL/);
    assert.deepEqual(r.error, {
      message: r.error.message, code: 'invalid_type', path: '$.diffs[0].expected.type', isError: true,
    });
    assert.ok(server.requests.every((p) => ['/check.html', '/favicon.ico', '/examples/run-123/summary.json'].includes(p) || p.startsWith('/pkg/wasm/')),
      `unexpected requests: ${server.requests}`);
  } finally {
    await browser.close();
    await server.close();
  }
});
