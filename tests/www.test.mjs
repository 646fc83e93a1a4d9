// The static page in www/, served from a local server and driven in headless Chromium, plus its
// pure modules (tokenizer, blocks of the SQL view, warm-up report, ZIP writer) in Node.
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
import { reportText } from '../bench/reports.mjs';
import { segment, statementBounds, tokenize } from '../www/sql.js';
import { lineBlocks, lineCounts, statementBlocks, TEXT_BLOCK_LINES, utf8Length } from '../www/blocks.js';
import { warmReport } from '../www/warm.js';
import { crc32, dosDateTime, parseTimestamp, zip } from '../www/zip.js';

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
// A small ZIP reader for checking the page's archives (stored and deflated entries), written from
// the format's specification (APPNOTE.TXT), independent of www/zip.js.

function unzip(buf) {
  return Object.fromEntries(Object.entries(zipEntries(buf)).map(([name, e]) => [name, e.data]));
}

/** name -> {data, method, dosTime, dosDate, mtime (extended timestamp, seconds), compressed}. */
function zipEntries(buf) {
  const eocd = buf.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  assert.ok(eocd >= 0, 'end of central directory record');
  const count = buf.readUInt16LE(eocd + 10);
  let p = buf.readUInt32LE(eocd + 16);
  const entries = {};
  for (let i = 0; i < count; i++) {
    assert.equal(buf.readUInt32LE(p), 0x02014b50, 'central directory header');
    const method = buf.readUInt16LE(p + 10);
    const dosTime = buf.readUInt16LE(p + 12);
    const dosDate = buf.readUInt16LE(p + 14);
    const crc = buf.readUInt32LE(p + 16);
    const compressed = buf.readUInt32LE(p + 20);
    const size = buf.readUInt32LE(p + 24);
    const nameLen = buf.readUInt16LE(p + 28);
    const extraLen = buf.readUInt16LE(p + 30);
    const commentLen = buf.readUInt16LE(p + 32);
    const local = buf.readUInt32LE(p + 42);
    const name = buf.subarray(p + 46, p + 46 + nameLen).toString('utf8');
    let mtime = null;
    const extra = buf.subarray(p + 46 + nameLen, p + 46 + nameLen + extraLen);
    for (let e = 0; e + 4 <= extra.length;) {
      const id = extra.readUInt16LE(e);
      const len = extra.readUInt16LE(e + 2);
      if (id === 0x5455 && extra[e + 4] & 1) mtime = extra.readUInt32LE(e + 5);
      e += 4 + len;
    }
    assert.ok(method === 0 || method === 8, `${name}: stored or deflated (${method})`);
    assert.equal(buf.readUInt32LE(local), 0x04034b50, 'local file header');
    assert.equal(buf.readUInt16LE(local + 8), method, `${name}: the same method in both headers`);
    const start = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
    const raw = buf.subarray(start, start + compressed);
    const data = method === 8 ? zlib.inflateRawSync(raw) : Buffer.from(raw);
    assert.equal(data.length, size, `size of ${name}`);
    assert.equal(zlib.crc32(data), crc, `CRC-32 of ${name}`);
    entries[name] = { data, method, dosTime, dosDate, mtime, compressed };
    p += 46 + nameLen + extraLen + commentLen;
  }
  return entries;
}

/** `unzip -t` on the archive: it must pass (scripts/setup.sh test installs unzip). */
function unzipTest(buf) {
  const file = path.join(tempDir(), 'check.zip');
  fs.writeFileSync(file, buf);
  const r = spawnSync('unzip', ['-t', file], { encoding: 'utf8' });
  if (r.error && process.env.CI !== 'true') return null; // reported by the caller
  assert.ok(!r.error, `unzip is missing: scripts/setup.sh test installs it (${r.error?.message})`);
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /No errors detected/);
  return r;
}

/** The files `unzip` extracts from the archive: {relative path: bytes}. */
function unzipTool(buf) {
  const dir = tempDir();
  const file = path.join(dir, 'archive.zip');
  fs.writeFileSync(file, buf);
  const out = path.join(dir, 'out');
  const r = spawnSync('unzip', ['-q', file, '-d', out], { encoding: 'utf8' });
  if (r.error) return null;
  assert.equal(r.status, 0, r.stdout + r.stderr);
  const files = {};
  for (const f of fs.readdirSync(out, { recursive: true })) {
    const full = path.join(out, f);
    if (fs.statSync(full).isFile()) files[f.split(path.sep).join('/')] = fs.readFileSync(full);
  }
  return { files, mtime: (name) => fs.statSync(path.join(out, name)).mtime };
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

  test('the SQL view’s blocks: statements where segment() puts them, lines and UTF-8 sizes as counted otherwise', () => {
    const fixtures = path.join(root, 'tests', 'fixtures');
    const reports = [readExample('shop-mixed'), reportText(30, 'create'), warmReport(3)];
    for (const dialect of ['postgres', 'mysql']) {
      for (const c of fs.readdirSync(path.join(fixtures, dialect))) {
        const f = path.join(fixtures, dialect, c, 'summary.json');
        if (fs.existsSync(f)) reports.push(fs.readFileSync(f, 'utf8'));
      }
    }
    let placed = 0;
    let wide = 0;
    for (const report of reports) {
      for (const dialect of ['PostgreSQL', 'MySQL']) {
        for (const migrationTool of ['flyway', 'liquibase', 'raw-sql']) {
          let r;
          try {
            r = generate(report, dialect, { migrationTool, undo: true, allowDestructive: true });
          } catch {
            continue; // a report this dialect refuses
          }
          for (const file of r.files) {
            const text = file.content;
            assert.equal(utf8Length(text), Buffer.byteLength(text, 'utf8'), file.name);
            if (/[^\x00-\x7f]/.test(text)) wide++;
            const segs = segment(text, r.statements);
            const bounds = statementBounds(text, r.statements);
            assert.equal(bounds === null, segs === null);
            let blocks;
            if (segs) {
              placed++;
              blocks = statementBlocks(text, bounds);
              // What segment() shows: the header without its blank lines, then each statement.
              const want = [];
              let at = 0;
              for (const sg of segs) {
                if (sg.kind === 'stmt') want.push([at, at + sg.text.length, r.statements.indexOf(sg.stmt)]);
                else if (sg.kind === 'text' && sg.text.trim() !== '') want.push([at, at + sg.text.replace(/\n+$/, '').length, -1]);
                at += sg.text.length;
              }
              assert.deepEqual([...blocks.start].map((s, b) => [s, blocks.end[b], blocks.stmt[b]]), want, file.name);
            } else {
              blocks = lineBlocks(text);
              assert.equal([...blocks.start].map((s, b) => text.slice(s, blocks.end[b])).join(''), text, file.name);
              assert.ok([...blocks.start].every((s, b) => s === (b ? blocks.end[b - 1] : 0)), 'blocks follow each other');
            }
            const { lines, total } = lineCounts(text, blocks);
            assert.equal(total, text === '' ? 0 : text.replace(/\n$/, '').split('\n').length, file.name);
            [...blocks.start].forEach((s, b) => {
              assert.equal(lines[b], text.slice(s, blocks.end[b]).replace(/\n$/, '').split('\n').length, `${file.name} block ${b}`);
              if (blocks.stmt[b] < 0 && !segs) assert.ok(lines[b] <= TEXT_BLOCK_LINES);
            });
          }
        }
      }
    }
    assert.ok(placed > 50, `statements placed in ${placed} files`);
    assert.ok(wide > 0, 'files with characters beyond ASCII among them');
    for (const text of ['', 'a', 'a\n', '\n\n', 'é\u{1F600}\ud800€\n']) {
      assert.equal(utf8Length(text), Buffer.byteLength(text, 'utf8'), JSON.stringify(text));
      const { lines, total } = lineCounts(text, lineBlocks(text));
      assert.equal(total, text === '' ? 0 : text.replace(/\n$/, '').split('\n').length, JSON.stringify(text));
      assert.equal(lines.length, 1);
    }
  });

  test('the warm-up report is one generate() takes in both dialects, through the usual kinds of change', () => {
    for (const dialect of ['PostgreSQL', 'MySQL']) {
      const r = generate(warmReport(3), dialect, pageOptions());
      assert.equal(r.run_id, 'warm-up');
      const operations = new Set(r.statements.map((s) => s.operation));
      for (const op of ['create_table', 'add_foreign_key', 'create_index', 'add_column', 'alter_column_type', 'alter_column_nullability', 'drop_column']) {
        assert.ok(operations.has(op), `${dialect}: ${op}`);
      }
      assert.equal(r.statements.filter((s) => s.operation === 'create_table').length, 3);
      assert.ok(r.statements.some((s) => s.blocked), 'a blocked statement too');
      assert.ok(statementBounds(r.files[0].content, r.statements), 'its statements are placed in its file');
    }
    assert.equal(JSON.parse(warmReport(150)).diffs.length, 150 * 6);
  });

  test('zip deflates, dates entries from the report, gives the same bytes twice, and unzip reads it back', async () => {
    assert.equal(crc32(new TextEncoder().encode('123456789')), 0xcbf43926);
    const random = new Uint8Array(100_000).map((_, i) => (i * 7919 + (i >> 3)) & 0xff);
    assert.equal(crc32(random), zlib.crc32(random));
    const noise = Uint8Array.from(crypto.getRandomValues(new Uint8Array(4096)));
    const sql = generate(readExample('shop-mixed')).files[0].content.repeat(20);
    const files = [
      { name: 'run/V1__x.sql', data: sql },
      { name: 'run/report.md', data: '# é – 名前\n' },
      { name: 'run/empty.txt', data: '' },
      { name: 'bytes.bin', data: random },
      { name: 'noise.bin', data: noise },
    ];
    const date = parseTimestamp('2025-12-13T10:30:07Z');
    assert.equal(date, Date.UTC(2025, 11, 13, 10, 30, 7));
    const bytes = Buffer.from(await zip(files, { date }));
    assert.deepEqual(Buffer.from(await zip(files, { date })), bytes, 'the same files give the same bytes');
    const entries = zipEntries(bytes);
    assert.deepEqual(Object.keys(entries), files.map((f) => f.name));
    assert.equal(entries['run/report.md'].data.toString('utf8'), '# é – 名前\n');
    assert.equal(entries['run/V1__x.sql'].data.toString('utf8'), sql);
    assert.deepEqual(new Uint8Array(entries['bytes.bin'].data), random);
    assert.deepEqual(new Uint8Array(entries['noise.bin'].data), noise);
    assert.equal(entries['run/V1__x.sql'].method, 8, 'text is deflated');
    assert.ok(entries['run/V1__x.sql'].compressed * 10 < Buffer.byteLength(sql), 'and much smaller');
    assert.equal(entries['noise.bin'].method, 0, 'what deflate cannot shrink is stored');
    assert.equal(entries['run/empty.txt'].method, 0);
    for (const e of Object.values(entries)) {
      // DOS fields, read by hand: 2025-12-13 10:30:06 (two-second steps), and the exact UTC second.
      assert.equal(e.dosDate, ((2025 - 1980) << 9) | (12 << 5) | 13);
      assert.equal(e.dosTime, (10 << 11) | (30 << 5) | 3);
      assert.equal(e.mtime, date / 1000);
    }
    const tool = unzipTest(bytes);
    if (tool) {
      const out = unzipTool(bytes);
      assert.equal(out.files['run/V1__x.sql'].toString('utf8'), sql);
      assert.equal(out.mtime('run/V1__x.sql').getTime(), date, 'unzip dates the file from the extended timestamp');
    }
    // Without a date: 1980-01-01 00:00, the first a DOS date holds; a date outside 1980-2107 is refused.
    const plain = zipEntries(Buffer.from(await zip([{ name: 'a', data: 'x' }])));
    assert.equal(plain.a.dosDate, (1 << 5) | 1);
    assert.equal(plain.a.dosTime, 0);
    assert.equal(parseTimestamp('1970-01-01T00:00:00Z'), null);
    assert.equal(parseTimestamp('yesterday'), null);
    assert.equal(parseTimestamp('2024-01-01T12:00:00+02:00'), Date.UTC(2024, 0, 1, 10));
    assert.equal(dosDateTime(Date.UTC(2107, 11, 31, 23, 59, 59)).date, (127 << 9) | (12 << 5) | 31);
    await assert.rejects(zip([{ name: '../x', data: '' }]), /not a relative file name/);
    await assert.rejects(zip([{ name: '/x', data: '' }]), /not a relative file name/);
  });

  test('build-www.sh is idempotent and copies only what the page needs', () => {
    buildWww();
    const list = (dir) => fs.readdirSync(dir, { recursive: true }).filter((f) => fs.statSync(path.join(dir, f)).isFile()).sort();
    const pkgFiles = list(path.join(WWW, 'pkg')).filter((f) => f !== 'precache.js');
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
    // The service worker's list: every file of the page, and a version that is a hash of them.
    const precache = fs.readFileSync(path.join(WWW, 'pkg', 'precache.js'), 'utf8');
    const listed = [...precache.matchAll(/^ {4}'([^']+)',$/gm)].map((m) => m[1]);
    const own = fs.readdirSync(WWW).filter((f) => /\.(js|css|html)$/.test(f) && f !== 'sw.js');
    assert.deepEqual([...listed].sort(), [...own, ...pkgFiles.map((f) => `pkg/${f.split(path.sep).join('/')}`)].sort());
    const version = /version: '([0-9a-f]{16})'/.exec(precache)?.[1];
    assert.ok(version, precache);
    const touched = path.join(WWW, 'style.css');
    const css = fs.readFileSync(touched);
    try {
      fs.writeFileSync(touched, Buffer.concat([css, Buffer.from('\n')]));
      buildWww();
      assert.notEqual(/version: '([0-9a-f]{16})'/.exec(fs.readFileSync(path.join(WWW, 'pkg', 'precache.js'), 'utf8'))[1], version,
        'a changed file gives a new version');
    } finally {
      fs.writeFileSync(touched, css);
      buildWww();
    }
    assert.equal(/version: '([0-9a-f]{16})'/.exec(fs.readFileSync(path.join(WWW, 'pkg', 'precache.js'), 'utf8'))[1], version);
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
  async function openPage(t, { colorScheme = 'light', permissions = [], init = null, initArg = undefined } = {}) {
    if (!browser) browser = await launch(t);
    if (!browser) return null;
    const context = await browser.newContext({
      viewport: { width: 1280, height: 900 }, colorScheme, acceptDownloads: true, permissions,
    });
    t.after(() => context.close().catch(() => {}));
    if (init) await context.addInitScript(init, initArg);
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
        // Once loaded, the page asks only for its own files (a fresh worker after a run was
        // stopped loads its module again), never anything else.
        const own = pageFiles().map((f) => `${server.url}/${f}`);
        const later = requests.slice(loaded).filter((u) => !u.startsWith('blob:') && !u.startsWith('data:') && !own.includes(u));
        assert.deepEqual(later, [], 'no request but for the page’s own files once it is loaded');
        await context.close();
      },
    };
  }

  /** The files of the page, as the service worker's list (www/pkg/precache.js) names them. */
  const pageFiles = () => [...fs.readFileSync(path.join(WWW, 'pkg', 'precache.js'), 'utf8').matchAll(/^ {4}'([^']+)',$/gm)].map((m) => m[1]);

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
    // The precondition block is folded under the header: the DDL is what shows first, and the
    // folded text is the file's own, from its comment line to the end of the block.
    const fold = await page.$eval('#files details.preconditions', (d) => ({
      open: d.open, text: d.querySelector('pre').textContent, shown: d.querySelector('pre').checkVisibility(),
      label: d.querySelector('summary').getAttribute('aria-label'), summaryText: d.querySelector('summary').textContent,
    }));
    assert.equal(fold.open, false);
    assert.equal(fold.shown, false, 'folded by default');
    assert.match(fold.label, /^Preconditions: \d+ lines/);
    assert.equal(fold.summaryText, '', 'the label is drawn by CSS: the page holds the file\'s text only');
    const file = generate(readExample('run-123'), undefined, pageOptions()).files[0].content;
    const from = file.indexOf('-- Preconditions: ');
    assert.equal(fold.text, file.slice(from, file.indexOf('\n-- [D001]', from)).replace(/\n+$/, ''));
    assert.ok(fold.text.includes('RAISE EXCEPTION'));
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
    // Each mark's tooltip is its code's description (the legend's).
    const { riskCodes } = await import('../pkg/wasm/smartspec_data_migration_generator.js');
    const described = Object.fromEntries(riskCodes().map((c) => [c.code, c.description]));
    const titles = await page.$$eval('section.stmt .risk', (els) => els.map((r) => [r.dataset.code, r.title]));
    assert.ok(titles.length >= 7);
    for (const [c, title] of titles) assert.equal(title, described[c], c);
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
    // Deflated, dated from the report's timestamps.finished_at (2025-12-13T10:30:02Z; DOS time
    // counts seconds in twos), and the same bytes when downloaded again.
    assert.equal(JSON.parse(report).timestamps.finished_at, '2025-12-13T10:30:02Z');
    const detail = zipEntries(review.bytes);
    assert.ok(Object.values(detail).every((e) => e.method === 8), 'every entry deflated');
    for (const e of Object.values(detail)) {
      assert.equal(e.dosDate, ((2025 - 1980) << 9) | (12 << 5) | 13);
      assert.equal(e.dosTime, (10 << 11) | (30 << 5) | 1);
      assert.equal(e.mtime, Date.UTC(2025, 11, 13, 10, 30, 2) / 1000);
    }
    assert.deepEqual((await download(page, page.locator('#download-review'))).bytes, review.bytes, 'deterministic');
    assert.match(await text(page, '#action-status'), /Downloading 20251213-103000Z-3f9c2a\.zip \([\d.]+ KB\): .*report\.md, summary\.json\./);
    // unzip -t passes, and what unzip extracts is, file by file, what the CLI writes.
    const tested = unzipTest(review.bytes);
    const extracted = tested ? unzipTool(review.bytes) : null;
    if (fs.existsSync(CLI)) {
      const cli = runCli(report, ['--allow-destructive']);
      assert.equal(runId, cli.runId, 'the same run id as the CLI');
      assert.deepEqual(Object.keys(cli.files).sort(), [SHOP_FILE, 'report.md', 'summary.json'].sort());
      for (const name of Object.keys(cli.files)) {
        assert.equal(entries[`${runId}/${name}`].toString('utf8'), cli.files[name].toString('utf8'), name);
        if (extracted) assert.deepEqual(extracted.files[`${runId}/${name}`], cli.files[name], `${name} as unzip extracts it`);
      }
      if (extracted) assert.deepEqual(Object.keys(extracted.files).sort(), Object.keys(cli.files).map((f) => `${runId}/${f}`).sort());
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
    assert.deepEqual(tools, ['flyway', 'liquibase', 'raw-sql', 'golang-migrate', 'dbmate', 'goose', 'atlas', 'sqitch']);
    const fileNames = () => page.$$eval('#files .file-name', (hs) => hs.map((h) => h.textContent.trim()));

    assert.equal(await act(page, () => page.selectOption('#tool', 'liquibase')), 'generated');
    assert.deepEqual(await fileNames(), ['202401011200__add_last_login_at_to_users.changelog.sql', 'Statements (1)']);
    assert.match(await text(page, '#files .sql'), /^--liquibase formatted sql\n/);
    assert.match(await text(page, '#files .sql'), /--rollback ALTER TABLE IF EXISTS "public"\."users" DROP COLUMN IF EXISTS "last_login_at";/);

    assert.equal(await act(page, () => page.selectOption('#tool', 'raw-sql')), 'generated');
    assert.deepEqual((await fileNames()).slice(0, 2), [
      '202401011200_add_last_login_at_to_users.up.sql', '202401011200_add_last_login_at_to_users.down.sql']);
    assert.equal(await page.locator('#download-all').isVisible(), true, 'several files: one archive');
    // The archive: unzip -t passes, and its files are, one by one, those the CLI writes.
    const all = await download(page, page.locator('#download-all'));
    assert.equal(all.name, 'run-123-postgresql-migrations.zip');
    const raw = generate(report, undefined, pageOptions({ migrationTool: 'raw-sql' })).files;
    const inAll = unzip(all.bytes);
    assert.deepEqual(Object.keys(inAll), raw.map((f) => f.name));
    for (const f of raw) assert.equal(inAll[f.name].toString('utf8'), f.content, f.name);
    if (unzipTest(all.bytes) && fs.existsSync(CLI)) {
      const extracted = unzipTool(all.bytes).files;
      const cli = runCli(report, ['--migration-tool', 'raw-sql']).files;
      for (const f of raw) assert.deepEqual(extracted[f.name], cli[f.name], `${f.name} as unzip extracts it and as the CLI writes it`);
    }

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
    for (let i = 0; i < 20; i++) {
      await page.keyboard.press('Tab');
      f = await focused();
      assert.ok(f.outline, `the focus on ${f.id || f.cls} is visible`);
      order.push(f.id || f.cls);
    }
    const review = (await page.locator('#download-review').isVisible()) ? ['download-review'] : [];
    const expected = ['paste', 'paste-go', 'dialect', 'tool', 'guards', 'undo', 'concurrently', 'allow-destructive', 'version', 'name-from-changes',
      ...review, 'find', 'find-prev', 'find-next', 'risk-prev', 'risk-next', 'blocked-next', 'button primary download', 'button copy', 'sql'];
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

  test('generation runs in a module worker; a new drop stops the run in flight, and Cancel stops it too', async (t) => {
    const s = await openPage(t, {
      init: () => {
        const Native = window.Worker;
        window.__workers = [];
        window.Worker = class extends Native {
          constructor(url, options) {
            super(url, options);
            const record = { url: String(url), type: options?.type ?? 'classic', terminated: false };
            window.__workers.push(record);
            const stop = this.terminate.bind(this);
            this.terminate = () => {
              record.terminated = true;
              stop();
            };
          }
        };
      },
    });
    if (!s) return;
    const { page } = s;
    const workers = () => page.evaluate(() => window.__workers);
    const started = await workers();
    assert.equal(started.length, 1);
    assert.match(started[0].url, /\/worker\.js$/);
    assert.equal(started[0].type, 'module');

    // A 10 000-table report takes long enough to show its progress; while it runs, the page
    // keeps drawing frames and takes typing, and a new drop replaces the run. All of it happens in
    // the page, with no round trip to the test between seeing the progress and acting on it, so
    // the run is still in flight however fast the machine.
    const big = reportText(10_000, 'create');
    const small = readExample('run-123');
    const g0 = await generation(page);
    /** Drops `report`, waits until the progress shows and two more frames are drawn, then `then`. */
    const whileRunning = (then) => page.evaluate(async ({ report, other, action }) => {
      const dropIt = (text, name) => {
        const dt = new DataTransfer();
        dt.items.add(new File([text], name, { type: 'application/json' }));
        document.getElementById('drop-zone').dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
      };
      const frame = () => new Promise((r) => requestAnimationFrame(r));
      dropIt(report, 'big.json');
      const progress = document.getElementById('progress');
      const start = performance.now();
      while (progress.hidden) {
        if (performance.now() - start > 15_000) throw new Error('no progress shown');
        await frame();
      }
      await frame();
      await frame();
      const paste = document.getElementById('paste');
      paste.value = 'typed while generating';
      paste.dispatchEvent(new Event('input', { bubbles: true }));
      const seen = {
        text: document.getElementById('progress-text').textContent,
        busy: document.getElementById('result').getAttribute('aria-busy'),
        typed: paste.value,
        generation: Number(document.getElementById('result').dataset.generation),
      };
      if (action === 'drop') dropIt(other, 'summary.json');
      else document.getElementById('cancel').click();
      return seen;
    }, { report: big, other: small, action: then });
    const waitPast = (n) => page.waitForFunction((k) => Number(document.querySelector('#result').dataset.generation) > k, n, { timeout: 30_000 });

    let seen = await whileRunning('drop');
    assert.match(seen.text, /^(Starting|Reading the report|Generating the migration|Preparing the preview)… \d+\.\d s$/);
    assert.equal(seen.busy, 'true');
    assert.equal(seen.typed, 'typed while generating');
    assert.equal(seen.generation, g0, 'nothing shown yet');
    await waitPast(g0);
    assert.equal(await page.$eval('#result', (e) => e.dataset.status), 'generated');
    assert.equal((await text(page, '.file-name')).trim(), RUN123_FILE);
    await page.waitForTimeout(200);
    assert.equal(await generation(page), g0 + 1, 'only the newest run is shown');
    let w = await workers();
    assert.equal(w.length, 2, 'a fresh worker for the new run');
    assert.equal(w[0].terminated, true, 'the run in flight was stopped');
    assert.equal(await page.locator('#progress').isHidden(), true);

    // Cancel: the run stops, and the page says so.
    seen = await whileRunning('cancel');
    assert.equal(seen.generation, g0 + 1);
    await waitPast(g0 + 1);
    assert.equal(await page.$eval('#result', (e) => e.dataset.status), 'cancelled');
    assert.match(await text(page, '#message'), /Generation cancelled/);
    assert.equal(await page.locator('#files .file').count(), 0);
    w = await workers();
    assert.equal(w.length, 3);
    assert.equal(w[1].terminated, true);
    // And the page goes on working.
    assert.equal(await drop(page, 'summary.json', readExample('shop-mixed')), 'blocked');
    await s.done();
  });

  test('the worker warms the generator up while the page waits: none of it is shown, and a report dropped meanwhile is generated', async (t) => {
    const report = readExample('run-123');
    const expected = Buffer.from(generate(report, undefined, pageOptions()).files[0].content, 'utf8');
    const warmUpShown = (page) => page.evaluate(() => /warm.up/i.test(document.body.innerText));

    // Dropped the moment the page is ready, in the same task: the warm-up (twelve steps, up to
    // 50 tables in each dialect) has only begun, and stops for the report.
    const early = await openPage(t, {
      init: (text) => {
        new MutationObserver((_, observer) => {
          if (document.documentElement.dataset.ready !== 'true') return;
          observer.disconnect();
          const dt = new DataTransfer();
          dt.items.add(new File([text], 'summary.json', { type: 'application/json' }));
          document.getElementById('drop-zone').dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
        }).observe(document, { attributes: true, subtree: true, attributeFilter: ['data-ready'] });
      },
      initArg: report,
    });
    if (!early) return;
    let { page } = early;
    await page.waitForFunction(() => Number(document.querySelector('#result').dataset.generation) > 0, null, { timeout: 30_000 });
    await page.waitForFunction(() => document.documentElement.dataset.warm === 'true', null, { timeout: 30_000 });
    assert.equal(await page.evaluate(() => document.documentElement.dataset.warmUp), 'stopped', 'the report came during the warm-up');
    assert.equal(await page.$eval('#result', (e) => e.dataset.status), 'generated');
    assert.equal(await generation(page), 1, 'one outcome: the report’s');
    assert.equal((await text(page, '.file-name')).trim(), RUN123_FILE);
    assert.deepEqual((await download(page, page.locator('button.download'))).bytes, expected);
    const review = zipEntries((await download(page, page.locator('#download-review'))).bytes);
    assert.deepEqual(review['run-123/' + RUN123_FILE].data, expected, 'the review folder is the report’s too');
    assert.equal(await warmUpShown(page), false);
    await early.done();

    // Left alone, the warm-up runs to its end and shows nothing; a report afterwards is its own.
    const idle = await openPage(t);
    ({ page } = idle);
    await page.waitForFunction(() => document.documentElement.dataset.warm === 'true', null, { timeout: 30_000 });
    assert.equal(await page.evaluate(() => document.documentElement.dataset.warmUp), 'done');
    assert.equal(await page.$eval('#result', (e) => e.dataset.status), 'empty');
    assert.equal(await generation(page), 0);
    assert.equal(await page.locator('#files > *').count(), 0);
    assert.match(await text(page, '#message'), /^No report yet/);
    assert.equal(await warmUpShown(page), false);
    assert.equal(await drop(page, 'summary.json', report), 'generated');
    assert.deepEqual((await download(page, page.locator('button.download'))).bytes, expected);
    const idleReview = zipEntries((await download(page, page.locator('#download-review'))).bytes);
    assert.deepEqual(Object.keys(idleReview).sort(), Object.keys(review).sort());
    assert.equal(await warmUpShown(page), false);
    await idle.done();
  });

  test('a 1 000-table report: only what is on screen is built, and it scrolls to its last statement', async (t) => {
    const s = await openPage(t);
    if (!s) return;
    const { page } = s;
    const report = reportText(1000, 'create');
    const node = generate(report, undefined, pageOptions());
    assert.equal(node.statements.length, 3000);
    assert.equal(await drop(page, 'summary.json', report), 'generated');
    assert.match(await text(page, '#facts'), /3000 statements/);
    assert.match(await text(page, '.file-size'), new RegExp(`${node.files[0].content.split('\n').length - 1} lines`));
    const built = () => page.$$eval('#files .seg', (els) => els.map((e) => Number(e.dataset.block)));
    const first = await built();
    assert.ok(first.length > 0 && first.length < 40, `a few blocks built: ${first.length}`);
    assert.ok(await page.evaluate(() => document.getElementsByTagName('*').length) < 3000, 'a small page');
    assert.equal(await page.$eval('#files .seg.seg-text pre', (p) => p.textContent.split('\n')[0]), '-- Generated by SmartSpec Data Migration Generator');

    // Wheel scrolling: whatever is in view is built (nothing blank in the box).
    await page.locator('#files .file-head').evaluate((e) => e.scrollIntoView({ block: 'start' }));
    const box = await page.locator('#files .sql').boundingBox();
    assert.ok(box.y + box.height <= 900, 'the box fits in the window');
    await page.mouse.move(box.x + box.width / 3, box.y + box.height / 2);
    for (let i = 0; i < 15; i++) await page.mouse.wheel(0, 1500);
    await page.waitForFunction(() => {
      const sql = document.querySelector('#files .sql');
      const r = sql.getBoundingClientRect();
      return sql.scrollTop > 5000 && [0.1, 0.5, 0.9].every((f) => document.elementFromPoint(r.left + r.width / 3, r.top + r.height * f)?.closest('.seg'));
    }, null, { timeout: 10_000, polling: 'raf' });

    // To the end, as dragging the scroll bar there does.
    await page.waitForFunction(() => {
      const sql = document.querySelector('#files .sql');
      const end = sql.scrollHeight - sql.clientHeight;
      if (sql.scrollTop < end - 1) sql.scrollTop = end;
      return sql.scrollTop >= end - 1 && sql.querySelector('.seg:last-child')?.dataset.stmt === '2999';
    }, null, { timeout: 10_000, polling: 'raf' });
    const last = node.statements.at(-1);
    const shown = await page.$eval('#files .sql', (sql) => {
      const block = sql.querySelector('.seg:last-child');
      const r = block.getBoundingClientRect();
      const outer = sql.getBoundingClientRect();
      return {
        diff: block.dataset.diffId, operation: block.dataset.operation, code: block.querySelector('pre.code').textContent,
        inView: r.bottom <= outer.bottom + 1 && r.bottom > outer.top, count: sql.querySelectorAll('.seg').length,
      };
    });
    assert.equal(shown.diff, last.diff_id);
    assert.equal(shown.operation, last.operation);
    assert.ok(shown.code.endsWith(last.sql), shown.code.slice(-200));
    assert.ok(shown.inView, 'the last statement is in view');
    assert.ok(shown.count < 40);
    await s.done();
  });

  test('the statements’ details past the first page come after the result: blocks built before are built again with them', async (t) => {
    // The worker's 'details' message is held back until the test lets it through.
    const s = await openPage(t, {
      init: () => {
        const Native = window.Worker;
        window.__held = [];
        window.__release = () => window.__held.splice(0).forEach((deliver) => deliver());
        window.Worker = class extends Native {
          set onmessage(fn) {
            super.onmessage = (e) => {
              if (e.data?.type === 'details') window.__held.push(() => fn.call(this, e));
              else fn.call(this, e);
            };
          }

          get onmessage() {
            return super.onmessage;
          }
        };
      },
    });
    if (!s) return;
    const { page } = s;
    const report = reportText(1000, 'create');
    const node = generate(report, undefined, pageOptions());
    assert.equal(await drop(page, 'summary.json', report), 'generated');
    assert.equal(await page.evaluate(() => window.__held.length), 1, 'the details were sent after the result');
    // The first screen has what it needs.
    const first = await page.$$eval('#files .seg.stmt', (els) => els.map((e) => [e.dataset.diffId, e.classList.contains('pending')]));
    assert.ok(first.length > 0);
    assert.deepEqual(first, first.map((_, i) => [node.statements[i].diff_id, false]));

    // At the end, the blocks are built from the file's text, marked as waiting for their details.
    await page.waitForFunction(() => {
      const sql = document.querySelector('#files .sql');
      const end = sql.scrollHeight - sql.clientHeight;
      if (sql.scrollTop < end - 1) sql.scrollTop = end;
      return sql.scrollTop >= end - 1 && sql.querySelector('.seg:last-child')?.dataset.stmt === '2999';
    }, null, { timeout: 10_000, polling: 'raf' });
    const last = node.statements.at(-1);
    const waiting = await page.$eval('#files .seg:last-child', (b) => ({
      pending: b.classList.contains('pending'), busy: b.getAttribute('aria-busy'), diff: b.dataset.diffId ?? null,
      code: b.querySelector('pre.code').textContent, id: b.querySelector('.stmt-id').textContent,
    }));
    assert.deepEqual([waiting.pending, waiting.busy, waiting.diff, waiting.id], [true, 'true', null, 'Statement 3000']);
    assert.ok(waiting.code.endsWith(last.sql));

    // They come: the same blocks, now with their diff ids and marks, and nothing left waiting.
    await page.evaluate(() => window.__release());
    await page.waitForFunction(() => !document.querySelector('#files .seg.pending'), null, { timeout: 10_000 });
    const done = await page.$eval('#files .seg:last-child', (b) => ({ diff: b.dataset.diffId, operation: b.dataset.operation, code: b.querySelector('pre.code').textContent, id: b.querySelector('.stmt-id').textContent }));
    assert.equal(done.diff, last.diff_id);
    assert.equal(done.operation, last.operation);
    assert.equal(done.code, waiting.code);
    assert.match(done.id, new RegExp(`^${last.diff_id} `));
    await s.done();
  });

  test('a 14 000-table report, taller than a browser lets a box be: scrolled to its end, and find reaches its last match', async (t) => {
    const s = await openPage(t);
    if (!s) return;
    const { page } = s;
    // (14 000 tables: the file's height must pass the cap with its precondition block folded.)
    const report = reportText(14_000, 'create');
    const node = generate(report, undefined, pageOptions());
    assert.equal(await drop(page, 'summary.json', report), 'generated');
    // The box is capped (view.js, maxHeight), its scroll position mapped onto the list's.
    assert.equal(await page.$eval('#files .sql', (e) => e.scrollHeight), 6_000_000);
    await page.waitForFunction((last) => {
      const sql = document.querySelector('#files .sql');
      const end = sql.scrollHeight - sql.clientHeight;
      if (sql.scrollTop < end - 1) sql.scrollTop = end;
      return sql.scrollTop >= end - 1 && sql.querySelector('.seg:last-child')?.dataset.stmt === last;
    }, String(node.statements.length - 1), { timeout: 20_000, polling: 'raf' });
    const last = await page.$eval('#files .sql', (sql) => {
      const block = sql.querySelector('.seg:last-child');
      const r = block.getBoundingClientRect();
      const outer = sql.getBoundingClientRect();
      return { diff: block.dataset.diffId, code: block.querySelector('pre.code').textContent, bottom: r.bottom - outer.bottom };
    });
    assert.equal(last.diff, node.statements.at(-1).diff_id);
    assert.ok(last.code.endsWith(node.statements.at(-1).sql));
    assert.ok(Math.abs(last.bottom) <= 1, `the last statement ends at the bottom of the box (${last.bottom})`);
    // Half way down, by the scroll bar: the view shows statements from the middle of the file
    // (by height: the tables come first, and they are the tallest), with no gap.
    await page.locator('#files .file-head').evaluate((e) => e.scrollIntoView({ block: 'start' }));
    await page.$eval('#files .sql', (sql) => { sql.scrollTop = (sql.scrollHeight - sql.clientHeight) / 2; });
    await page.waitForFunction(() => {
      const sql = document.querySelector('#files .sql');
      const r = sql.getBoundingClientRect();
      const seg = document.elementFromPoint(r.left + r.width / 3, r.top + 5)?.closest('.seg');
      return seg && Number(seg.dataset.stmt) > 1000 && Number(seg.dataset.stmt) < 29000
        && [0.5, 0.95].every((f) => document.elementFromPoint(r.left + r.width / 3, r.top + r.height * f)?.closest('.seg'));
    }, null, { timeout: 10_000, polling: 'raf' });
    // Find the very last table: its match is scrolled into view.
    await page.fill('#find', 't13999"');
    await page.press('#find', 'Shift+Enter');
    await page.waitForFunction(() => /^\d+ of \d+$/.test(document.getElementById('find-status').textContent));
    const hits = [...node.files[0].content.matchAll(/t13999"/gi)].length;
    assert.equal(await text(page, '#find-status'), `${hits} of ${hits}`);
    const h = await page.evaluate(() => {
      const [range] = [...CSS.highlights.get('sql-find')];
      const r = range.getBoundingClientRect();
      const box = document.querySelector('#files .sql').getBoundingClientRect();
      return { text: range.toString(), inView: r.top >= box.top && r.bottom <= box.bottom };
    });
    assert.deepEqual(h, { text: 't13999"', inView: true });
    await s.done();
  });

  test('find in the SQL, and jumps between risky and blocked statements', async (t) => {
    const s = await openPage(t);
    if (!s) return;
    const { page } = s;
    const shop = generate(readExample('shop-mixed'), undefined, pageOptions());
    assert.equal(await drop(page, 'summary.json', readExample('shop-mixed')), 'blocked');
    const risky = shop.statements.filter((st) => st.risks.length || st.blocked);
    const blocked = shop.statements.filter((st) => st.blocked);
    assert.ok(risky.length >= 6 && blocked.length === 4);
    assert.match(await text(page, '#jump-status'), new RegExp(`${risky.length} statements with risk marks, 4 blocked`));
    const focused = () => page.evaluate(() => {
      const a = document.activeElement;
      return a?.classList.contains('stmt') ? { diff: a.dataset.diffId, current: a.classList.contains('current') } : null;
    });
    for (let k = 0; k <= risky.length; k++) {
      await page.click('#risk-next');
      const want = risky[k % risky.length];
      assert.deepEqual(await focused(), { diff: want.diff_id, current: true });
      assert.match(await text(page, '#jump-status'), new RegExp(`^Risky statement ${(k % risky.length) + 1} of ${risky.length}: ${want.diff_id} `));
    }
    // Back from the first: the last, then the one before it.
    await page.click('#risk-prev');
    assert.equal((await focused()).diff, risky.at(-1).diff_id, 'previous wraps to the last');
    await page.click('#risk-prev');
    assert.equal((await focused()).diff, risky.at(-2).diff_id);
    // Next BLOCKED goes on from the statement shown, to the first blocked one after it.
    const here = shop.statements.indexOf(risky.at(-2));
    let b = blocked.findIndex((st) => shop.statements.indexOf(st) > here);
    if (b === -1) b = 0;
    for (let k = 0; k <= blocked.length; k++, b = (b + 1) % blocked.length) {
      await page.click('#blocked-next');
      assert.equal((await focused()).diff, blocked[b].diff_id);
      assert.match(await text(page, '#jump-status'), new RegExp(`^Blocked statement ${b + 1} of 4: ${blocked[b].diff_id} `));
    }
    assert.equal(await page.locator('.stmt.current').count(), 1);

    // Find, in a file too long to be built at once.
    const report = reportText(1000, 'create');
    const content = generate(report, undefined, pageOptions()).files[0].content;
    assert.equal(await drop(page, 'summary.json', report), 'generated');
    assert.equal(await page.locator('#risk-next').isDisabled(), true);
    assert.equal(await text(page, '#jump-status'), 'No statement has a risk mark.');
    const hits = [...content.matchAll(/t00777/gi)].map((m) => m.index);
    assert.ok(hits.length > 3);
    const highlighted = () => page.evaluate(() => {
      const h = CSS.highlights.get('sql-find');
      if (!h) return null;
      const [range] = [...h];
      const block = range.startContainer.parentElement.closest('.seg');
      const r = range.getBoundingClientRect();
      const box = document.querySelector('#files .sql').getBoundingClientRect();
      return { text: range.toString(), diff: block?.dataset.diffId, inView: r.top >= box.top && r.bottom <= box.bottom };
    });
    // Typing finds (after a pause) and goes to the first match; Enter goes to the next.
    await page.fill('#find', 'T00777');
    await page.waitForFunction(() => /^1 of \d+$/.test(document.getElementById('find-status').textContent));
    assert.equal(await text(page, '#find-status'), `1 of ${hits.length}`);
    let h = await highlighted();
    assert.equal(h.text, 't00777');
    assert.ok(h.inView, 'the match is scrolled into view');
    await page.press('#find', 'Enter');
    assert.equal(await text(page, '#find-status'), `2 of ${hits.length}`);
    await page.click('#find-prev');
    await page.click('#find-prev');
    assert.equal(await text(page, '#find-status'), `${hits.length} of ${hits.length}`, 'previous wraps to the last');
    h = await highlighted();
    assert.equal(h.text, 't00777');
    assert.ok(h.inView);
    // The last match is highlighted in the statement whose text holds it: the one whose header
    // comment comes last before it.
    const owner = [...content.slice(0, hits.at(-1)).matchAll(/^-- \[(D\d+)\] /gm)].at(-1)[1];
    assert.equal(h.diff, owner);
    await page.fill('#find', 'no such text anywhere');
    await page.press('#find', 'Enter');
    assert.equal(await text(page, '#find-status'), 'Not found');
    await page.press('#find', 'Escape');
    assert.equal(await text(page, '#find-status'), '');
    await s.done();
  });

  test('after a drop the result, or the error with its JSON path, is in view on a 1280×900 window', async (t) => {
    const s = await openPage(t);
    if (!s) return;
    const { page } = s;
    const inView = (selector) => page.$eval(selector, (e) => {
      const r = e.getBoundingClientRect();
      return r.top >= 0 && r.bottom <= window.innerHeight && r.height > 0;
    });
    assert.equal(await page.evaluate(() => [window.innerWidth, window.innerHeight].join('x')), '1280x900');
    assert.equal(await inView('#drop-zone'), true, 'the drop zone is in view at the start');
    assert.equal(await drop(page, 'summary.json', reportText(1000, 'create')), 'generated');
    assert.equal(await inView('#message'), true);
    assert.equal(await inView('#files .file-head'), true, 'the file and its buttons');
    assert.ok(await page.$eval('#files .sql', (e) => e.getBoundingClientRect().top < window.innerHeight - 100), 'the SQL begins in view');
    await page.screenshot({ path: path.join(ARTIFACTS, 'www-1000-tables.png') });

    await page.evaluate(() => window.scrollTo(0, 0));
    const evil = JSON.parse(readExample('run-123'));
    evil.diffs[0].expected.type = 'int; DROP TABLE x';
    assert.equal(await drop(page, 'summary.json', JSON.stringify(evil)), 'error');
    assert.equal(await inView('#error h3'), true);
    assert.equal(await inView('#error .error-path'), true);
    assert.equal(await text(page, '#error .error-path'), '$.diffs[0].expected.type');
    await s.done();
  });

  test('loads offline once visited, and takes a new version when one is served', async (t) => {
    if (!browser) browser = await launch(t);
    if (!browser) return;
    const dir = tempDir();
    fs.cpSync(WWW, dir, { recursive: true });
    const own = await serve(dir);
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
    t.after(async () => {
      await context.close().catch(() => {});
      await own.close().catch(() => {});
    });
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    const ready = () => page.waitForFunction(() => document.documentElement.dataset.ready === 'true', null, { timeout: 30_000 });
    const controlled = () => page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 30_000 });
    const cacheNames = () => page.evaluate(async () => (await caches.keys()).filter((k) => k.startsWith('smartspec-dmg-')));
    await page.goto(`${own.url}/`);
    await ready();
    await controlled();
    const v1 = /version: '([^']+)'/.exec(fs.readFileSync(path.join(dir, 'pkg', 'precache.js'), 'utf8'))[1];
    assert.deepEqual(await cacheNames(), [`smartspec-dmg-${v1}`]);

    // A new version is served: a changed page and its new list.
    const html = path.join(dir, 'index.html');
    fs.writeFileSync(html, fs.readFileSync(html, 'utf8').replace('<title>SmartSpec Data Migration Generator</title>', '<title>SmartSpec Data Migration Generator (v2)</title>'));
    const precache = path.join(dir, 'pkg', 'precache.js');
    fs.writeFileSync(precache, fs.readFileSync(precache, 'utf8').replace(`version: '${v1}'`, "version: 'test-v2'"));
    await page.reload();
    await ready();
    await page.waitForSelector('#update:not([hidden])', { timeout: 30_000 });
    assert.match(await text(page, '#update'), /A new version of this page has been installed/);
    // The new worker takes over at once; it deletes the old version's cache as it activates.
    for (let i = 0; i < 300 && (await cacheNames()).length !== 1; i++) await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(await cacheNames(), ['smartspec-dmg-test-v2'], 'the old version’s cache is gone');
    await Promise.all([page.waitForEvent('load'), page.click('#reload')]);
    await ready();
    assert.equal(await page.title(), 'SmartSpec Data Migration Generator (v2)');

    // Offline, with the server gone: the page reloads from the cache and still works.
    await own.close();
    await context.setOffline(true);
    await page.reload();
    await ready();
    assert.equal(await page.title(), 'SmartSpec Data Migration Generator (v2)');
    const g = await generation(page);
    await page.setInputFiles('#file-input', examplePath('shop-mixed'));
    await page.waitForFunction((n) => Number(document.querySelector('#result').dataset.generation) > n, g, { timeout: 15_000 });
    assert.equal(await page.$eval('#result', (e) => e.dataset.status), 'blocked');
    const review = await download(page, page.locator('#download-review'));
    assert.equal(Object.keys(unzip(review.bytes)).length, 3);
    assert.deepEqual(errors, []);
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
