// `--concurrently` on a real PostgreSQL 15: a `CREATE UNIQUE INDEX CONCURRENTLY` that fails on
// duplicate rows leaves an INVALID index under its name. A re-run must never skip it as already
// there: while the rows are duplicate it fails again, and once they are fixed it builds the index
// again, valid (`pg_index.indisvalid`) and refusing duplicates; a run after that changes nothing.
// The files run as each tool runs them: Flyway's migration outside a transaction (its `.conf`),
// psql's up file, and Liquibase 4.28 `update` (npm liquibase, on the machine's Java), which sends
// a changeset's statements one by one only when it may split them.
//
// The temporary name the invalid index is dropped under is guarded: an object of that name that
// is not an invalid index of the table stops the migration before anything is dropped. Hostile
// names (quotes, backslashes, `;--`, `/*`, `$$`) go through the same cycle, since the rebuild's
// `DO` block holds them in a single-quoted body.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import { diffCatalogs } from './db/compare.mjs';
import { introspect } from './db/introspect.mjs';
import { startPostgres } from './db/servers.mjs';
import { generate, root } from './support/wasm.mjs';

const CI = /^(true|1|yes)$/i.test(process.env.CI ?? '');
const LIQUIBASE = process.env.LIQUIBASE ?? path.join(root, 'node_modules', 'liquibase', 'dist', 'liquibase', 'liquibase');

const REPORT = {
  run_id: 'concurrent-unique', report_format: 'smartspec.dmv.summary/1', workflow: 'smartspec_data_model_validator',
  timestamps: { finished_at: '2025-03-01T10:00:00Z' }, scope: { dialect: 'postgres', default_schema: 'public' },
  diffs: [
    { id: 'D001', kind: 'missing_index', object: { schema: 'public', table: 'orders', index: 'orders_ref_key' },
      expected: { name: 'orders_ref_key', columns: ['ref'], unique: true }, actual: null },
    { id: 'D002', kind: 'missing_index', object: { schema: 'public', table: 'orders', index: 'orders_placed_at_idx' },
      expected: { name: 'orders_placed_at_idx', columns: ['placed_at'], unique: false }, actual: null },
  ],
};
// Two orders share a reference: the unique index cannot be built on them.
const BEFORE = `CREATE TABLE public.orders (id integer PRIMARY KEY, ref text, placed_at date);
  INSERT INTO public.orders VALUES (1, 'A-1', '2025-01-01'), (2, 'A-1', '2025-01-02'), (3, 'A-3', NULL);`;
const FIX = `UPDATE public.orders SET ref = 'A-2' WHERE id = 2;`;

let server = null;
let startError = null;

before(async () => {
  try { server = await startPostgres({ tcp: true }); } catch (e) { startError = e; }
});
after(async () => { await server?.stop(); });

function ready(t, needsLiquibase = false) {
  const problem = !server ? `PostgreSQL unavailable: ${startError?.message}`
    : needsLiquibase && !fs.existsSync(LIQUIBASE) ? `${LIQUIBASE} is missing: run npm ci (scripts/setup.sh does)` : null;
  if (!problem) return true;
  if (CI) throw new Error(problem);
  t.skip(problem);
  return false;
}

async function fresh(db, sql) {
  await server.dropDatabase(db).catch(() => {});
  await server.createDatabase(db);
  if (sql) await server.exec(sql, db);
}

/** Each index of public.orders: name → valid. */
async function indexes(db) {
  const rows = await server.query(
    `SELECT c.relname || ' ' || i.indisvalid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
     WHERE i.indrelid = 'public.orders'::regclass ORDER BY 1`, db);
  return Object.fromEntries(rows.trim().split('\n').map((l) => l.split(' ')).map(([n, v]) => [n, v === 'true']));
}

/** Flyway: each migration in a transaction unless its `.conf` says otherwise. */
async function runFlyway(files, db, role = 'migration') {
  for (const f of files.filter((x) => x.role === role)) {
    const own = files.some((c) => c.name === `${f.name}.conf`);
    await server.exec(own ? f.content : `BEGIN;\n${f.content}\nCOMMIT;\n`, db);
  }
}

/** Runs Liquibase against `db`; resolves with {code, output}. */
function liquibase(db, dir, command, extra = []) {
  const args = ['--search-path', dir, '--log-level=severe', '--show-banner=false', command,
    `--url=jdbc:postgresql://127.0.0.1:${server.port}/${db}`, '--username=postgres', '--password=',
    '--changelog-file=changelog.sql', ...extra];
  return new Promise((resolve) => {
    const child = spawn(LIQUIBASE, args, { env: { ...process.env, JAVA_OPTS: '-Xshare:auto -XX:TieredStopAtLevel=1' } });
    let output = '';
    child.stdout.on('data', (d) => { output += d; });
    child.stderr.on('data', (d) => { output += d; });
    child.on('close', (code) => resolve({ code, output }));
  });
}

/**
 * The cycle every tool must go through: `run()` fails on the duplicates and leaves the unique
 * index invalid; again while they are there; then, once fixed, builds it valid; then changes
 * nothing.
 */
async function failFixRerun(db, run) {
  await fresh(db, BEFORE);
  await assert.rejects(run(), /could not create unique index "orders_ref_key"[\s\S]*Key \(ref\)=\(A-1\) is duplicated/);
  // The state the issue is about: the failed build left an invalid index under the name.
  assert.equal((await indexes(db)).orders_ref_key, false, 'the failed build leaves an invalid index');
  // Not skipped as "already exists": with the duplicates still there it fails again.
  await assert.rejects(run(), /could not create unique index "orders_ref_key"/);
  assert.equal((await indexes(db)).orders_ref_key, false);

  await server.exec(FIX, db);
  await run();
  assert.deepEqual(await indexes(db), { orders_pkey: true, orders_placed_at_idx: true, orders_ref_key: true },
    'every index valid, no temporary index left');
  await assert.rejects(server.exec(`INSERT INTO public.orders VALUES (4, 'A-1', NULL);`, db),
    /duplicate key value violates unique constraint "orders_ref_key"/);
  const def = await server.query(`SELECT indexdef FROM pg_indexes WHERE indexname = 'orders_ref_key'`, db);
  assert.match(def, /CREATE UNIQUE INDEX orders_ref_key ON public\.orders USING btree \(ref\)/);

  const first = await introspect(server, db);
  await run();
  assert.equal(diffCatalogs(await introspect(server, db), first), null, 'a run after that changes nothing');
}

describe('--concurrently: an index whose concurrent build failed (PostgreSQL 15)', { concurrency: 1 }, () => {
  it('Flyway: fails while rows are duplicate, then rebuilds the invalid index; the undo drops it', async (t) => {
    if (!ready(t)) return;
    const out = generate(REPORT, 'PostgreSQL', { concurrently: true, undo: true });
    assert.deepEqual(out.files.map((f) => f.name), [
      'V202503011000__alter_orders_concurrent_indexes.sql',
      'V202503011000__alter_orders_concurrent_indexes.sql.conf',
      'U202503011000__alter_orders_concurrent_indexes.sql',
    ]);
    assert.match(out.files[0].content, /DROP INDEX CONCURRENTLY IF EXISTS "public"\."orders_ref_key_invalid";\nCREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS "orders_ref_key" ON "public"\."orders" \("ref"\);/);
    await failFixRerun('ci_flyway', () => runFlyway(out.files, 'ci_flyway'));
    await runFlyway(out.files, 'ci_flyway', 'undo');
    assert.deepEqual(await indexes('ci_flyway'), { orders_pkey: true });
  });

  it('raw SQL: the up file, run by psql as it is', async (t) => {
    if (!ready(t)) return;
    const out = generate(REPORT, 'PostgreSQL', { concurrently: true, migrationTool: 'raw-sql' });
    const up = out.files.find((f) => f.role === 'up').content;
    await failFixRerun('ci_raw', () => server.exec(up, 'ci_raw'));
  });

  it('Liquibase: update fails, then after the fix builds the index; rollback drops it', async (t) => {
    if (!ready(t, true)) return;
    const out = generate(REPORT, 'PostgreSQL', { concurrently: true, migrationTool: 'liquibase' });
    const changelog = out.files.find((f) => f.role === 'changelog').content;
    // Liquibase may split the changesets: nothing in them is dollar-quoted.
    assert.doesNotMatch(changelog, /splitStatements:false/);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'smartspec-ci-lb-'));
    try {
      fs.writeFileSync(path.join(dir, 'changelog.sql'), changelog);
      const update = async () => {
        const r = await liquibase('ci_lb', dir, 'update');
        if (r.code !== 0) throw new Error(r.output);
      };
      await failFixRerun('ci_lb', update);
      const back = await liquibase('ci_lb', dir, 'rollback-count', ['--count=2']);
      assert.equal(back.code, 0, back.output.slice(-3000));
      assert.deepEqual(await indexes('ci_lb'), { orders_pkey: true });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('names holding quotes, backslashes, `;--`, `/*` and `$$`: the same cycle through psql and Liquibase', async (t) => {
    if (!ready(t, true)) return;
    const q = (n) => `"${n.replace(/"/g, '""')}"`;
    const names = [["t'x", "i'd\\x;--y", 'c'], ['o;--"k', "a$$b/*c*/'' d", "v'a\\l"], ['plain', "E'\\x41'", 'c']];
    for (const [table, index, column] of names) {
      const report = { ...REPORT, diffs: [{ id: 'D001', kind: 'missing_index', object: { schema: 'public', table, index },
        expected: { name: index, columns: [column], unique: true }, actual: null }] };
      const valid = async (db) => (await server.query(`SELECT i.indisvalid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
        WHERE c.relname = '${index.replace(/'/g, "''")}'`, db)).trim();
      for (const tool of ['raw-sql', 'liquibase']) {
        const db = 'ci_names';
        await fresh(db, `CREATE TABLE public.${q(table)} (${q(column)} text); INSERT INTO public.${q(table)} VALUES ('a'), ('a');`);
        const out = generate(report, 'PostgreSQL', { concurrently: true, migrationTool: tool });
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'smartspec-ci-names-'));
        try {
          const run = async () => {
            if (tool === 'raw-sql') return server.exec(out.files.find((f) => f.role === 'up').content, db);
            fs.writeFileSync(path.join(dir, 'changelog.sql'), out.files[0].content);
            const r = await liquibase(db, dir, 'update');
            if (r.code !== 0) throw new Error(r.output);
          };
          const what = `${tool}, index ${JSON.stringify(index)} on ${JSON.stringify(table)}`;
          await assert.rejects(run(), /could not create unique index/, what);
          assert.equal(await valid(db), 'f', what);
          await server.exec(`UPDATE public.${q(table)} SET ${q(column)} = 'b' WHERE ctid = (SELECT max(ctid) FROM public.${q(table)});`, db);
          await run();
          assert.equal(await valid(db), 't', what);
          await run();
          assert.equal(await valid(db), 't', what);
        } finally {
          fs.rmSync(dir, { recursive: true, force: true });
        }
      }
    }
  });

  it('an object holding the temporary name stops the migration before anything is dropped', async (t) => {
    if (!ready(t)) return;
    const out = generate(REPORT, 'PostgreSQL', { concurrently: true });
    await fresh('ci_guard', `${BEFORE}
      CREATE TABLE public.other (x integer);
      CREATE INDEX orders_ref_key_invalid ON public.other (x);`);
    await assert.rejects(runFlyway(out.files, 'ci_guard'),
      /public\.orders_ref_key_invalid is in the way: this migration drops an invalid index of public\.orders under that name; rename it, then run this migration again/);
    assert.match(await server.query(`SELECT indexdef FROM pg_indexes WHERE indexname = 'orders_ref_key_invalid'`, 'ci_guard'), /ON public\.other/);
    assert.equal((await indexes('ci_guard')).orders_ref_key, undefined, 'nothing built either');
  });

  it('an invalid index left under the temporary name by an earlier run: dropped, or named when it is in the way', async (t) => {
    if (!ready(t)) return;
    const out = generate(REPORT, 'PostgreSQL', { concurrently: true });
    // A run stopped between the rename and the drop: only the leftover is there, and is dropped.
    await fresh('ci_left', BEFORE);
    await assert.rejects(server.exec(`CREATE UNIQUE INDEX CONCURRENTLY orders_ref_key ON public.orders (ref);`, 'ci_left'));
    await server.exec(`ALTER INDEX public.orders_ref_key RENAME TO orders_ref_key_invalid;`, 'ci_left');
    await server.exec(FIX, 'ci_left');
    await runFlyway(out.files, 'ci_left');
    assert.deepEqual(await indexes('ci_left'), { orders_pkey: true, orders_placed_at_idx: true, orders_ref_key: true });

    // The leftover and a new invalid index of the name: the message says which one to drop.
    await fresh('ci_left', BEFORE);
    for (const sql of [`CREATE UNIQUE INDEX CONCURRENTLY orders_ref_key ON public.orders (ref);`,
      `ALTER INDEX public.orders_ref_key RENAME TO orders_ref_key_invalid;`,
      `CREATE UNIQUE INDEX CONCURRENTLY orders_ref_key ON public.orders (ref);`]) {
      await server.exec(sql, 'ci_left').catch(() => {});
    }
    assert.deepEqual(await indexes('ci_left'), { orders_pkey: true, orders_ref_key: false, orders_ref_key_invalid: false });
    await server.exec(FIX, 'ci_left');
    await assert.rejects(runFlyway(out.files, 'ci_left'),
      /index public\.orders_ref_key is invalid \(a CREATE INDEX CONCURRENTLY of it failed\), and the invalid index public\.orders_ref_key_invalid of an earlier run is still there: drop that one with DROP INDEX CONCURRENTLY, then run this migration again/);
    await server.exec(`DROP INDEX CONCURRENTLY public.orders_ref_key_invalid;`, 'ci_left');
    await runFlyway(out.files, 'ci_left');
    assert.deepEqual(await indexes('ci_left'), { orders_pkey: true, orders_placed_at_idx: true, orders_ref_key: true });
  });
});
