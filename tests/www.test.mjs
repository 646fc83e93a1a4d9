// The static page in www/, served from a local server and driven in headless Chromium, plus its
// pure modules (tokenizer, ZIP writer) in Node.
//   scripts/build.sh && node --test tests/www.test.mjs
// The test runs scripts/build-www.sh itself (idempotent, fast), so www/pkg/ is always current.
// Screenshots go to tests/artifacts/ (git-ignored).

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';

import { serve } from './support/static-server.mjs';
import { launch } from './support/browser.mjs';
import { generate, readExample, root } from './support/wasm.mjs';
import { segment, tokenize } from '../www/sql.js';
import { crc32, zip } from '../www/zip.js';

const WWW = path.join(root, 'www');
const ARTIFACTS = path.join(root, 'tests', 'artifacts');
const BUILD_WWW = path.join(root, 'scripts', 'build-www.sh');
const CLI = path.join(root, 'pkg', 'bin', 'cli.js');
const REPORTS_ROOT = '.spec/reports/data-migration-generator';

const RUN123_FILE = 'V202401011200__add_last_login_at_to_users.sql';
const RUN123_SQL = 'ADD COLUMN IF NOT EXISTS "last_login_at" TIMESTAMP WITH TIME ZONE';
const SHOP_FILE = 'V202512131030__create_orders_drop_legacy_sessions_alter_users_and_1_more.sql';
const examplePath = (name) => path.join(root, 'examples', name, 'summary.json');

/** What the page passes to generate() for its default options (and allow-destructive). */
const pageOptions = (extra = {}) => ({ migrationTool: 'flyway', allowDestructive: false, ...extra });

function buildWww() {
  const r = spawnSync('bash', [BUILD_WWW], { cwd: root, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`scripts/build-www.sh failed:\n${r.stderr}`);
  return r;
}

// ---------------------------------------------------------------------------------------------
// The CLI, when the package has it: a fresh folder holding the report as summary.json.

const tempDirs = [];
function tempDir() {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'smartspec-www-')));
  tempDirs.push(dir);
  return dir;
}

/** Runs the CLI on `reportText` (saved as summary.json); returns the files of its report folder. */
function runCli(reportText, flags = []) {
  const dir = tempDir();
  fs.writeFileSync(path.join(dir, 'summary.json'), reportText);
  const r = spawnSync(process.execPath, [CLI, '--validation-report', 'summary.json', ...flags], {
    cwd: dir, encoding: 'utf8', timeout: 60_000,
  });
  assert.ok(r.status === 0 || r.status === 1, `the CLI failed (${r.status}): ${r.stderr}`);
  const base = path.join(dir, REPORTS_ROOT);
  const runs = fs.readdirSync(base);
  assert.equal(runs.length, 1, `one report folder expected: ${runs}`);
  const folder = path.join(base, runs[0]);
  const files = Object.fromEntries(fs.readdirSync(folder).map((f) => [f, fs.readFileSync(path.join(folder, f))]));
  return { runId: runs[0], files };
}

// ---------------------------------------------------------------------------------------------
// A small ZIP reader for checking the page's archives (stored entries only).

function unzip(buf) {
  const eocd = buf.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  assert.ok(eocd >= 0, 'end of central directory record');
  const count = buf.readUInt16LE(eocd + 10);
  let p = buf.readUInt32LE(eocd + 16);
  const entries = {};
  for (let i = 0; i < count; i++) {
    assert.equal(buf.readUInt32LE(p), 0x02014b50, 'central directory header');
    const method = buf.readUInt16LE(p + 10);
    const crc = buf.readUInt32LE(p + 16);
    const size = buf.readUInt32LE(p + 20);
    const nameLen = buf.readUInt16LE(p + 28);
    const extraLen = buf.readUInt16LE(p + 30);
    const commentLen = buf.readUInt16LE(p + 32);
    const local = buf.readUInt32LE(p + 42);
    const name = buf.subarray(p + 46, p + 46 + nameLen).toString('utf8');
    assert.equal(method, 0, 'stored');
    assert.equal(buf.readUInt32LE(local), 0x04034b50, 'local file header');
    const start = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
    const data = buf.subarray(start, start + size);
    assert.equal(zlib.crc32(data), crc, `CRC-32 of ${name}`);
    entries[name] = Buffer.from(data);
    p += 46 + nameLen + extraLen + commentLen;
  }
  return entries;
}

function unzipTool(buf) {
  const probe = spawnSync('unzip', ['-v'], { encoding: 'utf8' });
  if (probe.error) return null;
  const file = path.join(tempDir(), 'check.zip');
  fs.writeFileSync(file, buf);
  return spawnSync('unzip', ['-t', file], { encoding: 'utf8' });
}

after(() => {
  for (const dir of tempDirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

// ---------------------------------------------------------------------------------------------

describe('the page’s pure modules', () => {
  test('tokenize gives back every character and marks keywords, strings, names, comments and numbers', () => {
    const texts = [];
    for (const name of ['run-123', 'shop-mixed', 'results-only']) {
      for (const dialect of ['PostgreSQL', 'MySQL']) {
        const r = generate(readExample(name), dialect);
        for (const f of r.files) texts.push([f.content, dialect]);
        for (const s of r.statements) if (s.reverse_sql) texts.push([s.reverse_sql, dialect]);
      }
    }
    assert.ok(texts.length > 20);
    const odd = ["'unterminated", '"open', '`open', '/* open', '$a$ no end', "E'\\'x'", "'a\\'b' 'c'", '$$ \'inside $$ after',
      '1e', '.5', 'x.1', '@', '@@x', 'ünïcode 🙂 名前', '\u0000\u2028', ''];
    for (const s of odd) texts.push([s, 'PostgreSQL'], [s, 'MySQL']);
    for (const [text, dialect] of texts) {
      const tokens = tokenize(text, { dialect });
      assert.equal(tokens.map((t) => t.text).join(''), text, `lossless (${dialect}): ${text.slice(0, 60)}`);
      assert.ok(tokens.every((t) => t.text.length > 0));
    }

    const pg = tokenize(`-- c\nALTER TABLE "public"."us""ers" ADD COLUMN x VARCHAR(100) DEFAULT 'it''s' CHECK (n >= 0.5);`);
    const of = (type) => pg.filter((t) => t.type === type).map((t) => t.text);
    assert.deepEqual(of('comment'), ['-- c']);
    assert.deepEqual(of('keyword'), ['ALTER', 'TABLE', 'ADD', 'COLUMN', 'DEFAULT', 'CHECK']);
    assert.deepEqual(of('ident'), ['"public"', '"us""ers"']);
    assert.deepEqual(of('type'), ['VARCHAR']);
    assert.deepEqual(of('string'), ["'it''s'"]);
    assert.deepEqual(of('number'), ['100', '0.5']);

    const my = tokenize("SET @s = 'a\\'b `c`'; ALTER TABLE `t``x` MODIFY COLUMN `c` INT;", { dialect: 'MySQL' });
    assert.deepEqual(my.filter((t) => t.type === 'string').map((t) => t.text), ["'a\\'b `c`'"]);
    assert.deepEqual(my.filter((t) => t.type === 'ident').map((t) => t.text), ['`t``x`', '`c`']);
    assert.deepEqual(my.filter((t) => t.type === 'variable').map((t) => t.text), ['@s']);

    // A dollar-quoted body is tokenized as code, and a quote inside it stops at its end.
    const dq = tokenize("DO $x$ BEGIN RAISE 'open $x$; SELECT 1;");
    assert.deepEqual(dq.filter((t) => t.type === 'dollar').map((t) => t.text), ['$x$', '$x$']);
    assert.ok(dq.some((t) => t.type === 'keyword' && t.text === 'SELECT'), 'code after the closing tag');
  });

  test('segment splits a migration into its header and one block per statement', () => {
    for (const dialect of ['PostgreSQL', 'MySQL']) {
      const r = generate(readExample('shop-mixed'), dialect);
      const content = r.files[0].content;
      const segs = segment(content, r.statements);
      assert.ok(segs, dialect);
      assert.equal(segs.map((s) => s.text).join(''), content);
      const stmts = segs.filter((s) => s.kind === 'stmt');
      assert.equal(stmts.length, r.statements.length);
      stmts.forEach((s, i) => {
        assert.ok(s.text.startsWith(`-- [${r.statements[i].diff_id}] ${r.statements[i].operation} `), s.text.slice(0, 80));
        assert.ok(s.text.endsWith(r.statements[i].sql));
      });
      assert.equal(segs[0].kind, 'text');
      assert.match(segs[0].text, /^-- Generated by SmartSpec Data Migration Generator\n/);
    }
    assert.equal(segment('SELECT 1;\n', [{ sql: 'SELECT 2;' }]), null, 'a statement that is not there');
  });

  test('zip writes a store-only archive with CRC-32 that unzip reads back', () => {
    assert.equal(crc32(new TextEncoder().encode('123456789')), 0xcbf43926);
    const random = new Uint8Array(100_000).map((_, i) => (i * 7919 + (i >> 3)) & 0xff);
    assert.equal(crc32(random), zlib.crc32(random));
    const files = [
      { name: 'run/V1__x.sql', data: 'SELECT 1;\n' },
      { name: 'run/report.md', data: '# é – 名前\n' },
      { name: 'run/empty.txt', data: '' },
      { name: 'bytes.bin', data: random },
    ];
    const bytes = Buffer.from(zip(files));
    assert.deepEqual(Buffer.from(zip(files)), bytes, 'the same files give the same bytes');
    const back = unzip(bytes);
    assert.deepEqual(Object.keys(back), files.map((f) => f.name));
    assert.equal(back['run/report.md'].toString('utf8'), '# é – 名前\n');
    assert.deepEqual(new Uint8Array(back['bytes.bin']), random);
    const tool = unzipTool(bytes);
    if (tool) assert.equal(tool.status, 0, tool.stdout + tool.stderr);
    assert.throws(() => zip([{ name: '../x', data: '' }]), /not a relative file name/);
    assert.throws(() => zip([{ name: '/x', data: '' }]), /not a relative file name/);
  });

  test('build-www.sh is idempotent and copies only what the page needs', () => {
    buildWww();
    const list = (dir) => fs.readdirSync(dir, { recursive: true }).filter((f) => fs.statSync(path.join(dir, f)).isFile()).sort();
    const pkgFiles = list(path.join(WWW, 'pkg'));
    const mtimes = pkgFiles.map((f) => fs.statSync(path.join(WWW, 'pkg', f)).mtimeMs);
    const again = buildWww();
    assert.match(again.stderr, / 0 copied, 0 removed/);
    assert.deepEqual(pkgFiles.map((f) => fs.statSync(path.join(WWW, 'pkg', f)).mtimeMs), mtimes, 'nothing rewritten');
    assert.ok(pkgFiles.includes(path.join('wasm', 'smartspec_data_migration_generator.js')));
    assert.ok(pkgFiles.includes(path.join('wasm', 'smartspec_data_migration_generator_bg.wasm')));
    for (const f of pkgFiles) {
      assert.deepEqual(fs.readFileSync(path.join(WWW, 'pkg', f)), fs.readFileSync(path.join(root, 'pkg', f)), f);
      if (f.endsWith('.js')) assert.doesNotMatch(fs.readFileSync(path.join(WWW, 'pkg', f), 'utf8'), /from ['"]node:/, `${f} is browser-safe`);
    }
    // A stale file in www/pkg/ goes away.
    const stale = path.join(WWW, 'pkg', 'lib', 'stale.js');
    fs.mkdirSync(path.dirname(stale), { recursive: true });
    fs.writeFileSync(stale, '');
    assert.match(buildWww().stderr, / 1 removed/);
    assert.ok(!fs.existsSync(stale));
  });
});

// ---------------------------------------------------------------------------------------------

describe('the page in headless Chromium', () => {
  let server;
  let browser = null;
  const seen = []; // every URL any page asked for
  let pageErrors = []; // of the page in use

  before(async () => {
    buildWww();
    server = await serve(WWW);
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  /** A fresh page, loaded and ready; `done()` checks it stayed quiet and closes it. */
  async function openPage(t, { colorScheme = 'light', permissions = [], init = null } = {}) {
    if (!browser) browser = await launch(t);
    if (!browser) return null;
    const context = await browser.newContext({
      viewport: { width: 1280, height: 900 }, colorScheme, acceptDownloads: true, permissions,
    });
    t.after(() => context.close().catch(() => {}));
    if (init) await context.addInitScript(init);
    const page = await context.newPage();
    const errors = [];
    pageErrors = errors;
    const requests = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
    page.on('request', (r) => { requests.push(r.url()); seen.push(r.url()); });
    // File choosers are intercepted from the start, so none can open before a test waits for it.
    page.on('filechooser', () => {});
    await page.goto(`${server.url}/`);
    await page.waitForFunction(() => document.documentElement.dataset.ready === 'true', null, { timeout: 30_000 });
    const loaded = requests.length;
    return {
      page,
      context,
      async done() {
        assert.deepEqual(errors, [], 'no page errors');
        const later = requests.slice(loaded).filter((u) => !u.startsWith('blob:') && !u.startsWith('data:'));
        assert.deepEqual(later, [], 'no request once the page is loaded');
        await context.close();
      },
    };
  }

  const generation = (page) => page.$eval('#result', (e) => Number(e.dataset.generation));

  /** Runs `fn` and waits until the page has shown a new outcome; returns its status. */
  async function act(page, fn) {
    const g = await generation(page);
    await fn();
    try {
      await page.waitForFunction((n) => Number(document.querySelector('#result').dataset.generation) > n, g, { timeout: 15_000 });
    } catch (e) {
      throw new Error(`the page showed no new outcome (${e.message}); page errors: ${JSON.stringify(pageErrors)}`);
    }
    return page.$eval('#result', (e) => e.dataset.status);
  }

  const pick = (page, file) => act(page, () => page.setInputFiles('#file-input', file));

  /** Drops a file on the drop zone with real drag events; `data` is text or an array of bytes. */
  function drop(page, name, data, type = 'application/json') {
    return act(page, async () => {
      const accepted = await page.evaluate(({ name: n, data: d, type: ty }) => {
        const dt = new DataTransfer();
        dt.items.add(new File([typeof d === 'string' ? d : new Uint8Array(d)], n, { type: ty }));
        const zone = document.getElementById('drop-zone');
        const fire = (kind) => zone.dispatchEvent(new DragEvent(kind, { dataTransfer: dt, bubbles: true, cancelable: true }));
        fire('dragenter');
        const over = !fire('dragover'); // cancelled: the zone accepts the drop
        fire('drop');
        return over;
      }, { name, data, type });
      assert.ok(accepted, 'the drop zone accepts the dragged file');
    });
  }

  async function download(page, locator) {
    const [dl] = await Promise.all([page.waitForEvent('download'), locator.click()]);
    return { name: dl.suggestedFilename(), bytes: fs.readFileSync(await dl.path()) };
  }

  const text = (page, selector) => page.$eval(selector, (e) => e.textContent);

  test('run-123 from the file input: the preview, and a download equal to generate() and the CLI', async (t) => {
    const s = await openPage(t);
    if (!s) return;
    const { page } = s;
    assert.equal(await pick(page, examplePath('run-123')), 'generated');
    assert.equal((await text(page, '.file-name')).trim(), RUN123_FILE);
    const preview = await text(page, '#files .sql');
    assert.ok(preview.includes(RUN123_SQL), preview);
    assert.ok(await page.$$eval('.tok-keyword', (els) => els.some((e) => e.textContent === 'ALTER')));
    assert.ok(await page.$$eval('.tok-ident', (els) => els.some((e) => e.textContent === '"last_login_at"')));
    assert.ok(await page.$$eval('.tok-comment', (els) => els.some((e) => e.textContent === '-- [D001] add_column public.users.last_login_at')));
    assert.equal(await page.locator('.mark-blocked').count(), 0);
    assert.equal(await page.locator('.risk').count(), 0);
    assert.equal(await page.locator('#apply').isEnabled(), true);
    assert.match(await text(page, '#facts'), /run-123/);

    // The legend lists every risk code the generator has, by category.
    await page.click('#legend summary');
    const legend = await page.$$eval('#legend-body h3', (hs) => hs.map((h) => h.textContent));
    assert.deepEqual(legend, ['destructive', 'data-dependent', 'heavy']);
    const codes = await page.$$eval('#legend-body dt', (dts) => dts.map((d) => d.textContent).sort());
    const { riskCodes } = await import('../pkg/wasm/smartspec_data_migration_generator.js');
    assert.deepEqual(codes, riskCodes().map((c) => c.code).sort());

    const report = readExample('run-123');
    const expected = Buffer.from(generate(report, undefined, pageOptions()).files[0].content, 'utf8');
    const got = await download(page, page.locator('button.download'));
    assert.equal(got.name, RUN123_FILE);
    assert.notEqual(got.bytes[0], 0xef, 'no BOM');
    assert.deepEqual(got.bytes, expected, 'the download is what generate() gives in Node');
    if (fs.existsSync(CLI)) {
      const cli = runCli(report);
      assert.deepEqual(got.bytes, cli.files[RUN123_FILE], 'and what the CLI writes');
    }
    await s.done();
  });

  test('shop-mixed dropped: risk marks beside each statement, BLOCKED until destructive changes are allowed', async (t) => {
    const s = await openPage(t);
    if (!s) return;
    const { page } = s;
    const report = readExample('shop-mixed');
    assert.equal(await drop(page, 'summary.json', report), 'blocked');
    assert.equal((await text(page, '.file-name')).trim(), SHOP_FILE);

    const shown = () => page.$$eval('section.stmt', (els) => els.map((e) => ({
      diff: e.dataset.diffId,
      operation: e.dataset.operation,
      risks: [...e.querySelectorAll('.risk')].map((r) => `${r.dataset.code} ${r.querySelector('.risk-cat').textContent}`),
      blocked: Boolean(e.querySelector('.mark-blocked')),
      allowed: Boolean(e.querySelector('.mark-allowed')),
    })));
    const node = generate(report, undefined, pageOptions()).statements;
    const before = await shown();
    assert.deepEqual(before, node.map((st) => ({
      diff: st.diff_id,
      operation: st.operation,
      risks: st.risks.map((r) => `${r.code} ${r.category.replace(/_/g, '-')}`),
      blocked: st.blocked,
      allowed: false,
    })));
    const risky = Object.fromEntries(before.filter((b) => b.risks.length).map((b) => [b.operation, b]));
    assert.deepEqual(risky.drop_table.risks, ['drop-table destructive']);
    assert.deepEqual(risky.drop_column.risks, ['drop-column destructive']);
    assert.deepEqual(risky.alter_column_type.risks, ['narrowing-type-change destructive', 'table-rewrite heavy']);
    assert.deepEqual(risky.remove_enum_values.risks, ['enum-value-removal destructive']);
    assert.deepEqual(risky.add_column.risks, ['not-null-without-default data-dependent']);
    assert.deepEqual(risky.alter_column_nullability.risks, ['set-not-null data-dependent']);
    assert.deepEqual(before.filter((b) => b.blocked).map((b) => b.operation).sort(),
      ['alter_column_type', 'drop_column', 'drop_table', 'remove_enum_values']);
    assert.equal(await page.locator('.mark-blocked').count(), 4);
    assert.equal(await page.locator('.mark-blocked').first().textContent(), 'BLOCKED');
    assert.match(await text(page, '#message'), /4 destructive statements are BLOCKED/);
    assert.equal(await page.locator('#apply').isEnabled(), false, 'no apply while blocked');

    fs.mkdirSync(ARTIFACTS, { recursive: true });
    const clip = { x: 0, y: 0, width: 1280, height: 2000 };
    await page.screenshot({ path: path.join(ARTIFACTS, 'www-preview.png'), fullPage: true, clip });
    await page.emulateMedia({ colorScheme: 'dark' });
    assert.equal(await page.evaluate(() => matchMedia('(prefers-color-scheme: dark)').matches), true);
    await page.screenshot({ path: path.join(ARTIFACTS, 'www-preview-dark.png'), fullPage: true, clip });
    await page.emulateMedia({ colorScheme: 'light' });

    assert.equal(await act(page, () => page.check('#allow-destructive')), 'generated');
    const allowed = await shown();
    assert.ok(allowed.every((b) => !b.blocked));
    assert.equal(allowed.filter((b) => b.allowed).length, 4);
    assert.equal(await page.locator('#apply').isEnabled(), true);
    const got = await download(page, page.locator('button.download'));
    assert.equal(got.name, SHOP_FILE);
    const expected = generate(report, undefined, pageOptions({ allowDestructive: true })).files[0].content;
    assert.deepEqual(got.bytes, Buffer.from(expected, 'utf8'));

    // The review folder: the migration, report.md and summary.json as the CLI writes them.
    const review = await download(page, page.locator('#download-review'));
    assert.match(review.name, /^20251213-103000Z-3f9c2a.*\.zip$/);
    const entries = unzip(review.bytes);
    const runId = review.name.replace(/\.zip$/, '');
    assert.deepEqual(Object.keys(entries), [`${runId}/${SHOP_FILE}`, `${runId}/report.md`, `${runId}/summary.json`]);
    assert.deepEqual(entries[`${runId}/${SHOP_FILE}`], got.bytes);
    const summary = JSON.parse(entries[`${runId}/summary.json`]);
    assert.equal(summary.status, 'generated');
    assert.equal(summary.scope.allow_destructive, true);
    const tool = unzipTool(review.bytes);
    if (tool) assert.equal(tool.status, 0, tool.stdout + tool.stderr);
    if (fs.existsSync(CLI)) {
      const cli = runCli(report, ['--allow-destructive']);
      assert.equal(runId, cli.runId, 'the same run id as the CLI');
      for (const name of [SHOP_FILE, 'report.md', 'summary.json']) {
        assert.equal(entries[`${runId}/${name}`].toString('utf8'), cli.files[name].toString('utf8'), name);
      }
    }

    assert.equal(await act(page, () => page.uncheck('#allow-destructive')), 'blocked');
    assert.equal(await page.locator('.mark-blocked').count(), 4);
    await s.done();
  });

  test('options: MySQL quotes with backticks, a version override renames the file, a bad one is named', async (t) => {
    const s = await openPage(t);
    if (!s) return;
    const { page } = s;
    const report = readExample('run-123');
    assert.equal(await pick(page, examplePath('run-123')), 'generated');
    assert.match(await text(page, '#facts'), /PostgreSQL \(auto\)/);

    assert.equal(await act(page, () => page.selectOption('#dialect', 'MySQL')), 'generated');
    const mysql = await text(page, '#files .sql');
    assert.match(mysql, /ADD COLUMN `last_login_at` TIMESTAMP\(6\) NULL/);
    assert.ok(!mysql.includes('"last_login_at"'), 'no double-quoted names on MySQL');
    assert.match(await text(page, '#facts'), /MySQL \(chosen\)/);
    assert.match(await text(page, '#warnings'), /the report was made for PostgreSQL; generating for MySQL as asked/i);
    assert.match(await text(page, '#warnings'), /dialect_differs/);
    const got = await download(page, page.locator('button.download'));
    assert.deepEqual(got.bytes, Buffer.from(generate(report, 'MySQL', pageOptions()).files[0].content, 'utf8'));
    if (fs.existsSync(CLI)) {
      assert.deepEqual(got.bytes, runCli(report, ['--dialect', 'MySQL']).files[got.name]);
    }

    assert.equal(await act(page, () => page.selectOption('#dialect', '')), 'generated');
    assert.ok((await text(page, '#files .sql')).includes(RUN123_SQL));
    assert.equal(await page.locator('#warnings').isHidden(), true);

    assert.equal(await act(page, () => page.fill('#version', '2.1')), 'generated');
    assert.equal((await text(page, '.file-name')).trim(), 'V2.1__add_last_login_at_to_users.sql');
    assert.equal(await act(page, () => page.fill('#version', '2.x')), 'error');
    assert.equal(await text(page, '#error .error-code'), 'invalid_option');
    assert.match(await text(page, '#error'), /the Version override field/);
    assert.match(await text(page, '#error'), /must be digits separated by dots or underscores/);
    assert.equal(await page.getAttribute('#version', 'aria-invalid'), 'true');
    assert.equal(await page.locator('#files .file').count(), 0, 'no stale preview');
    assert.equal(await act(page, () => page.fill('#version', '')), 'generated');
    assert.equal(await page.getAttribute('#version', 'aria-invalid'), null);
    assert.equal((await text(page, '.file-name')).trim(), RUN123_FILE);

    assert.equal(await act(page, () => page.check('#name-from-spec')), 'generated');
    assert.equal((await text(page, '.file-name')).trim(), 'V202401011200__my_feature.sql');
    assert.equal(
      (await text(page, '.file-name')).trim(),
      generate(report, undefined, pageOptions({ nameFrom: 'spec_id' })).files[0].name,
    );
    assert.equal(await act(page, () => page.check('#name-from-changes')), 'generated');

    // The tool menu comes from data; every entry is one the generator accepts.
    const tools = await page.$$eval('#tool option', (os) => os.map((o) => o.value));
    assert.ok(tools.includes('flyway'));
    for (const tool of tools) generate(report, undefined, pageOptions({ migrationTool: tool }));
    assert.deepEqual(tools, ['flyway', 'liquibase', 'raw-sql']);
    const fileNames = () => page.$$eval('#files .file-name', (hs) => hs.map((h) => h.textContent.trim()));

    assert.equal(await act(page, () => page.selectOption('#tool', 'liquibase')), 'generated');
    assert.deepEqual(await fileNames(), ['202401011200__add_last_login_at_to_users.changelog.sql', 'Statements (1)']);
    assert.match(await text(page, '#files .sql'), /^--liquibase formatted sql\n/);
    assert.match(await text(page, '#files .sql'), /--rollback ALTER TABLE IF EXISTS "public"\."users" DROP COLUMN IF EXISTS "last_login_at";/);

    assert.equal(await act(page, () => page.selectOption('#tool', 'raw-sql')), 'generated');
    assert.deepEqual((await fileNames()).slice(0, 2), [
      '202401011200_add_last_login_at_to_users.up.sql', '202401011200_add_last_login_at_to_users.down.sql']);
    assert.equal(await page.locator('#download-all').isVisible(), true, 'several files: one archive');

    assert.equal(await act(page, () => page.selectOption('#tool', 'flyway')), 'generated');
    assert.equal(await act(page, () => page.check('#undo')), 'generated');
    assert.deepEqual((await fileNames()).slice(0, 2), [RUN123_FILE, RUN123_FILE.replace(/^V/, 'U')]);
    const undo = generate(report, undefined, pageOptions({ undo: true })).files[1];
    assert.ok((await page.$$eval('#files .sql', (ps) => ps.map((p) => p.textContent))).includes(undo.content));
    assert.equal(await act(page, () => page.uncheck('#undo')), 'generated');
    await s.done();
  });

  test('results-only: says why there is nothing to do', async (t) => {
    const s = await openPage(t);
    if (!s) return;
    const { page } = s;
    assert.equal(await drop(page, 'summary.json', readExample('results-only')), 'nothing_to_do');
    const nothing = await text(page, '#nothing');
    assert.match(nothing, /Nothing to do/);
    assert.match(nothing, /has no diffs\[\]/);
    assert.match(nothing, /1 finding\(s\) in results\[\]/);
    assert.equal(await page.locator('#files .file').count(), 0);
    assert.equal(await page.locator('#actions').isHidden(), true);
    assert.match(await text(page, '#warnings'), /report_format_missing/);
    await s.done();
  });

  test('bad input gets a clear message, and a good file afterwards works', async (t) => {
    const s = await openPage(t);
    if (!s) return;
    const { page } = s;
    const errorOf = async () => ({
      title: await text(page, '#error h3'),
      code: await text(page, '#error .error-code'),
      path: await page.$eval('#error', (e) => e.querySelector('.error-path')?.textContent ?? null),
      all: await text(page, '#error'),
    });

    assert.equal(await drop(page, 'notes.txt', 'this is not JSON', 'text/plain'), 'error');
    let e = await errorOf();
    assert.equal(e.title, 'This is not valid JSON');
    assert.equal(e.code, 'invalid_json');
    assert.match(e.all, /at line 1 column \d/);

    // A type that tries to inject SQL: refused, and the error names the JSON path.
    const evil = JSON.parse(readExample('run-123'));
    evil.diffs[0].expected.type = 'int; DROP TABLE x';
    assert.equal(await pick(page, { name: 'summary.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(evil)) }), 'error');
    e = await errorOf();
    assert.equal(e.code, 'invalid_type');
    assert.equal(e.path, '$.diffs[0].expected.type');
    assert.match(e.all, /Diff\s*D001/);
    assert.match(e.all, /"int; DROP TABLE x"/);
    assert.equal(await page.locator('#files .file').count(), 0);

    // Not a report: no run_id; an array; not UTF-8.
    const noRun = JSON.parse(readExample('run-123'));
    delete noRun.run_id;
    assert.equal(await drop(page, 'summary.json', JSON.stringify(noRun)), 'error');
    e = await errorOf();
    assert.equal(e.title, 'This does not look like a validation report');
    assert.equal(e.code, 'missing_field');
    assert.equal(e.path, '$.run_id');
    assert.equal(await drop(page, 'list.json', '[1, 2]'), 'error');
    assert.equal((await errorOf()).title, 'This is JSON, but not a validation report');
    assert.equal(await drop(page, 'latin1.json', [0x7b, 0x22, 0xe9, 0x22, 0x7d]), 'error');
    assert.equal((await errorOf()).code, 'not_utf8');

    // A huge file is refused before it is read.
    const huge = await act(page, () => page.evaluate(() => {
      window.__reads = 0;
      for (const m of ['arrayBuffer', 'text', 'stream', 'slice']) {
        const orig = Blob.prototype[m];
        Blob.prototype[m] = function (...a) { window.__reads++; return orig.apply(this, a); };
      }
      const orig = FileReader.prototype.readAsArrayBuffer;
      FileReader.prototype.readAsArrayBuffer = function (...a) { window.__reads++; return orig.apply(this, a); };
      const dt = new DataTransfer();
      dt.items.add(new File([new Uint8Array(65 * 1024 * 1024)], 'huge.json', { type: 'application/json' }));
      document.getElementById('drop-zone').dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
    }));
    assert.equal(huge, 'error');
    e = await errorOf();
    assert.equal(e.code, 'too_large');
    assert.match(e.all, /huge\.json is 65 MB; reports over 64 MB are refused, and this one was not read/);
    assert.equal(await page.evaluate(() => window.__reads), 0, 'the file was not read');

    // The page still works: a good file, dropped (here outside the drop zone, which reads it too).
    assert.equal(await act(page, () => page.evaluate((report) => {
      const dt = new DataTransfer();
      dt.items.add(new File([report], 'summary.json', { type: 'application/json' }));
      document.querySelector('.tagline').dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
    }, readExample('run-123'))), 'generated');
    assert.equal(await page.locator('#error').isHidden(), true);
    assert.equal((await text(page, '.file-name')).trim(), RUN123_FILE);

    // The paste box: a bad paste, then a good one.
    await page.fill('#paste', '{"run_id": ');
    assert.equal(await act(page, () => page.click('#paste-go')), 'error');
    assert.equal((await errorOf()).code, 'invalid_json');
    await page.fill('#paste', readExample('shop-mixed'));
    assert.equal(await act(page, () => page.click('#paste-go')), 'blocked');
    assert.match(await text(page, '#source'), /pasted text/);
    assert.equal((await text(page, '.file-name')).trim(), SHOP_FILE);
    await s.done();
  });

  test('keyboard alone: tab to the drop zone and every control; Enter opens the file picker', async (t) => {
    const s = await openPage(t);
    if (!s) return;
    const { page } = s;
    const focused = () => page.evaluate(() => {
      const a = document.activeElement;
      const style = getComputedStyle(a);
      return { id: a.id, cls: a.className, outline: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2 };
    });

    await page.keyboard.press('Tab');
    let f = await focused();
    assert.equal(f.id, 'drop-zone', 'the drop zone comes first');
    assert.ok(f.outline, 'the focus is visible');
    const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.keyboard.press('Enter')]);
    assert.equal(await act(page, () => chooser.setFiles(examplePath('shop-mixed'))), 'blocked');

    const order = [];
    for (let i = 0; i < 12; i++) {
      await page.keyboard.press('Tab');
      f = await focused();
      assert.ok(f.outline, `the focus on ${f.id || f.cls} is visible`);
      order.push(f.id || f.cls);
    }
    const review = (await page.locator('#download-review').isVisible()) ? ['download-review'] : [];
    const expected = ['paste', 'paste-go', 'dialect', 'tool', 'undo', 'concurrently', 'allow-destructive', 'version', 'name-from-changes',
      ...review, 'button primary download', 'button copy'];
    assert.deepEqual(order.slice(0, expected.length), expected, 'Apply to folder is skipped while blocked');

    // Allow destructive changes with the keyboard.
    await page.focus('#allow-destructive');
    assert.equal(await act(page, () => page.keyboard.press('Space')), 'generated');
    assert.equal(await page.locator('.mark-blocked').count(), 0);
    // The dialect menu with the arrow keys.
    await page.focus('#dialect');
    assert.equal(await act(page, () => page.keyboard.press('ArrowDown')), 'generated');
    assert.equal(await page.$eval('#dialect', (d) => d.value), 'PostgreSQL');
    assert.equal(await act(page, () => page.keyboard.press('ArrowDown')), 'generated');
    assert.equal(await page.$eval('#dialect', (d) => d.value), 'MySQL');
    assert.match(await text(page, '#files .sql'), /`orders`/);

    // Every control has a name.
    const unnamed = await page.$$eval('input, select, textarea, button, summary', (els) => els
      .filter((e) => !e.hidden && !e.closest('[hidden]'))
      .filter((e) => {
        const label = (e.labels && [...e.labels].map((l) => l.textContent).join(' ').trim())
          || e.getAttribute('aria-label') || (e.tagName === 'BUTTON' || e.tagName === 'SUMMARY' ? e.textContent.trim() : '');
        return !label;
      })
      .map((e) => e.outerHTML.slice(0, 80)));
    assert.deepEqual(unnamed, []);
    await s.done();
  });

  test('Apply to folder writes the migration, leaves an identical file alone, never overwrites a different one', async (t) => {
    // The folder picker cannot be driven headless; it is stood in for by a folder of the
    // origin-private file system, which has the same FileSystemDirectoryHandle interface.
    const s = await openPage(t, {
      init: () => {
        window.showDirectoryPicker = async () => (await navigator.storage.getDirectory())
          .getDirectoryHandle('migrations', { create: true });
      },
    });
    if (!s) return;
    const { page } = s;
    const content = generate(readExample('run-123'), undefined, pageOptions()).files[0].content;
    const readBack = () => page.evaluate(async (name) => {
      const dir = await (await navigator.storage.getDirectory()).getDirectoryHandle('migrations');
      return (await (await dir.getFileHandle(name)).getFile()).text();
    }, RUN123_FILE);
    const apply = async () => {
      await page.evaluate(() => {
        const box = document.getElementById('action-status');
        box.textContent = '';
        delete box.dataset.outcome;
      });
      await page.click('#apply');
      await page.waitForFunction(() => document.getElementById('action-status').dataset.outcome);
      return { outcome: await page.getAttribute('#action-status', 'data-outcome'), text: await text(page, '#action-status') };
    };

    assert.equal(await pick(page, examplePath('run-123')), 'generated');
    let r = await apply();
    assert.equal(r.outcome, 'written');
    assert.equal(r.text, `Wrote ${RUN123_FILE} into “migrations”.`);
    assert.equal(await readBack(), content);

    r = await apply();
    assert.equal(r.outcome, 'identical');
    assert.match(r.text, /already in “migrations” with the same content: left alone/);
    assert.equal(await readBack(), content);

    await page.evaluate(async (name) => {
      const dir = await (await navigator.storage.getDirectory()).getDirectoryHandle('migrations');
      const w = await (await dir.getFileHandle(name)).createWritable();
      await w.write('-- edited by hand\n');
      await w.close();
    }, RUN123_FILE);
    r = await apply();
    assert.equal(r.outcome, 'conflict');
    assert.match(r.text, /A different V202401011200__add_last_login_at_to_users\.sql is already in “migrations”: it was not overwritten\. Nothing was written/);
    assert.equal(await readBack(), '-- edited by hand\n', 'the different file is untouched');

    assert.equal(await pick(page, examplePath('shop-mixed')), 'blocked');
    assert.equal(await page.locator('#apply').isEnabled(), false);
    assert.match(await text(page, '#apply-hint'), /off while statements are blocked/);
    await s.done();
  });

  test('without the File System Access API, Apply to folder is off and says why', async (t) => {
    const s = await openPage(t, { init: () => { window.showDirectoryPicker = undefined; } });
    if (!s) return;
    const { page } = s;
    assert.equal(await pick(page, examplePath('run-123')), 'generated');
    assert.equal(await page.locator('#apply').isEnabled(), false);
    assert.match(await text(page, '#apply-hint'), /needs a browser with the File System Access API/);
    await s.done();
  });

  test('Copy puts the exact migration on the clipboard', async (t) => {
    const s = await openPage(t, { permissions: ['clipboard-read', 'clipboard-write'] });
    if (!s) return;
    const { page } = s;
    assert.equal(await pick(page, examplePath('shop-mixed')), 'blocked');
    await page.click('button.copy');
    await page.waitForFunction(() => /Copied/.test(document.getElementById('action-status').textContent));
    const clip = await page.evaluate(() => navigator.clipboard.readText());
    assert.equal(clip, generate(readExample('shop-mixed'), undefined, pageOptions()).files[0].content);
    await s.done();
  });

  test('works offline once loaded', async (t) => {
    const s = await openPage(t);
    if (!s) return;
    const { page, context } = s;
    await context.setOffline(true);
    assert.equal(await drop(page, 'summary.json', readExample('shop-mixed')), 'blocked');
    assert.equal(await act(page, () => page.selectOption('#dialect', 'MySQL')), 'blocked');
    const review = await download(page, page.locator('#download-review'));
    assert.equal(Object.keys(unzip(review.bytes)).length, 3);
    await context.setOffline(false);
    await s.done();
  });

  test('no request leaves the page’s own origin', (t) => {
    if (!browser) {
      t.skip('no browser ran');
      return;
    }
    const origin = new URL(server.url).origin;
    const outside = seen.filter((u) => !u.startsWith('blob:') && !u.startsWith('data:') && new URL(u).origin !== origin);
    assert.deepEqual(outside, []);
    assert.ok(seen.length > 0);
    // The server saw only the page's own files, each of which exists under www/.
    for (const p of server.requests) {
      const file = path.join(WWW, p === '/' ? 'index.html' : decodeURIComponent(p));
      assert.ok(fs.existsSync(file) && fs.statSync(file).isFile(), `requested ${p}, which is not a file of the page`);
    }
    assert.ok(server.requests.includes('/pkg/wasm/smartspec_data_migration_generator_bg.wasm'));
  });
});
