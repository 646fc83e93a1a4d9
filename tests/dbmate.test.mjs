// dbmate (`--migration-tool dbmate`): the files against dbmate's documented format, and real
// dbmate (npm dbmate 2.36.0, its Go binary) applying and rolling them back on PostgreSQL 15 and
// MariaDB 10.11 on 127.0.0.1: `dbmate up`, then `dbmate rollback` once per migration, the schema
// compared after each step with states built independently (`desired` after up, `before` after
// the rollbacks), as tests/liquibase.test.mjs does.
//
// dbmate's format (its README): `<version>_<description>.sql`, the version the digits before the
// first `_`; a `-- migrate:up` section and a `-- migrate:down` section, each run in a transaction
// unless it says `transaction:false`. A section is sent to the server as one string.

import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it, test } from 'node:test';

import { diffCatalogs } from './db/compare.mjs';
import { isEmptySql, listCases } from './db/corpus.mjs';
import { introspect } from './db/introspect.mjs';
import { startMariaDB, startPostgres } from './db/servers.mjs';
import { enumUsedCase, listFixtures } from './fixtures/fixtures.mjs';
import { generate, readExample, root } from './support/wasm.mjs';

const CI = /^(true|1|yes)$/i.test(process.env.CI ?? '');
const DBMATE = process.env.DBMATE ?? path.join(root, 'node_modules', '.bin', 'dbmate');
const CORPUS_PER_DIALECT = 12;
const CLI = path.join(root, 'pkg', 'bin', 'cli.js');
const FILE = /^(\d+)_(.+)\.sql$/;

const FIXTURES = listFixtures();
const CORPUS = listCases();
const EXAMPLES = ['run-123', 'shop-mixed', 'results-only'];

/** A new enum value that a changed default goes on to use: two migrations. */
const ENUM_USED = enumUsedCase('dbmate-enum-used');

const dialectName = (d) => (d === 'postgres' ? 'PostgreSQL' : 'MySQL');

/** A file's sections as dbmate reads them: what precedes `-- migrate:up` must be comments. */
function sections(file) {
  const lines = file.content.split('\n');
  const up = lines.findIndex((l) => /^-- migrate:up( |$)/.test(l));
  const down = lines.findIndex((l) => /^-- migrate:down( |$)/.test(l));
  assert.ok(up >= 0 && down > up, `${file.name}: an up section, then a down section`);
  assert.equal(lines.filter((l) => /^--\s*migrate:/.test(l)).length, 2, `${file.name}: one of each`);
  for (const l of lines.slice(0, up)) assert.match(l, /^(--.*)?$/, `${file.name}: only comments before -- migrate:up`);
  return {
    upOptions: lines[up].slice('-- migrate:up'.length).trim(),
    downOptions: lines[down].slice('-- migrate:down'.length).trim(),
    head: lines.slice(0, up).join('\n'),
    up: lines.slice(up + 1, down).join('\n'),
    down: lines.slice(down + 1).join('\n'),
  };
}

describe('dbmate files follow its format', () => {
  test('every example, fixture and corpus report: one file per migration, its up section raw-sql\'s up file, its down section raw-sql\'s down file', () => {
    let checked = 0;
    const reports = [
      ...EXAMPLES.map((e) => ({ id: e, text: readExample(e), dialect: null })),
      ...[...FIXTURES, ...CORPUS].map((c) => ({ id: c.id, text: JSON.stringify(c.summary), dialect: dialectName(c.dialect) })),
    ];
    for (const r of reports) {
      for (const allowDestructive of [false, true]) {
        const ours = generate(r.text, r.dialect, { migrationTool: 'dbmate', allowDestructive });
        if (ours.nothing_to_do) continue;
        assert.equal(ours.migration_tool, 'dbmate');
        const raw = generate(r.text, r.dialect, { migrationTool: 'raw-sql', allowDestructive });
        const [rawUp, rawDown] = raw.files;
        assert.equal(ours.files.length, 1, `${r.id}: one migration`);
        const [f] = ours.files;
        assert.equal(f.name, rawUp.name.replace(/\.up\.sql$/, '.sql'), r.id);
        assert.match(f.name, FILE);
        const s = sections(f);
        assert.deepEqual([s.upOptions, s.downOptions], ['', ''], r.id);
        // raw-sql's up file is the header, then the steps; its down file the header, a line
        // naming the up file, then the undo.
        assert.equal(`${s.head}\n${s.up}`, rawUp.content, r.id);
        const downLines = rawDown.content.split('\n');
        const downBody = downLines.slice(downLines.findIndex((l) => l.startsWith('-- Undoes: ')) + 1).join('\n');
        assert.equal(s.down, downBody, r.id);
        checked++;
      }
    }
    assert.ok(checked > 300, `${checked} runs checked`);
  });

  test('a new enum value used by a later step: committed by a migration of its own with transaction:false, one version below', () => {
    const out = generate(ENUM_USED.summary, 'PostgreSQL', { migrationTool: 'dbmate' });
    assert.deepEqual(out.files.map((f) => f.name), [
      '202501010000_alter_type_status_alter_tasks_enum_values.sql',
      '202501010001_alter_type_status_alter_tasks.sql',
    ]);
    const [values, main] = out.files.map(sections);
    assert.deepEqual([values.upOptions, values.downOptions], ['transaction:false', 'transaction:false']);
    assert.deepEqual([main.upOptions, main.downOptions], ['', '']);
    assert.match(values.up, /ADD VALUE IF NOT EXISTS 'a'/);
    assert.doesNotMatch(values.up, /SET DEFAULT/);
    assert.match(main.up, /SET DEFAULT 'a'/);
    assert.match(main.down, /SET DEFAULT 'b'/);
  });

  test('what dbmate cannot run is refused: a version that is not a whole number, concurrent index builds', () => {
    const text = JSON.stringify(ENUM_USED.summary);
    for (const version of ['1.2', '3_1', '18446744073709551615']) {
      assert.throws(() => generate(text, 'PostgreSQL', { migrationTool: 'dbmate', version }),
        (e) => e.code === 'invalid_option' && e.path === 'options.version' && /dbmate versions are whole numbers/.test(e.message), version);
    }
    assert.throws(() => generate(text, 'PostgreSQL', { migrationTool: 'DBMATE', concurrently: true }),
      (e) => e.code === 'invalid_option' && e.path === 'options.concurrently' && /dbmate sends a migration to PostgreSQL as one string/.test(e.message));
  });
});

test('the CLI: --migration-tool dbmate; usage errors; the migrations folder\'s history as dbmate reads it', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'smartspec-dm-cli-'));
  try {
    fs.writeFileSync(path.join(dir, 'report.json'), JSON.stringify(ENUM_USED.summary));
    const cli = (args) => spawnSync(process.execPath, [CLI, '--report', 'report.json', ...args], { cwd: dir, encoding: 'utf8' });
    const ok = cli(['--migration-tool', 'DBMATE', '--apply', '--quiet']);
    assert.equal(ok.status, 0, ok.stderr);
    assert.deepEqual(fs.readdirSync(path.join(dir, 'db', 'migrations')).sort(),
      generate(ENUM_USED.summary, 'PostgreSQL', { migrationTool: 'dbmate' }).files.map((f) => f.name).sort());
    assert.equal(cli(['--migration-tool', 'dbmate', '--check']).status, 0);
    for (const [args, message] of [
      [['--concurrently'], /--concurrently and --migration-tool dbmate contradict each other: dbmate sends a migration to PostgreSQL as one string/],
      [['--undo'], /--undo and --migration-tool dbmate contradict each other: .*a dbmate migration carries its -- migrate:down section already/],
      [['--migration-version', '1.2'], /dbmate versions are whole numbers/],
    ]) {
      const r = cli(['--migration-tool', 'dbmate', ...args]);
      assert.equal(r.status, 2, `${args}: ${r.stderr}`);
      assert.match(r.stderr, message);
    }
    const old = cli(['--migration-tool', 'dbmate', '--apply', '--migration-version', '202401010000']);
    assert.equal(old.status, 1, old.stderr);
    assert.match(old.stderr, /is older than db\/migrations\/202501010001_alter_type_status_alter_tasks\.sql .*dbmate would apply it after .*out of the order of its version/);
    assert.equal(cli(['--migration-tool', 'dbmate', '--apply', '--migration-version', '202401010000', '--out-of-order']).status, 0);
    fs.writeFileSync(path.join(dir, 'db', 'migrations', '202601010000_other.sql'), '-- migrate:up\n-- migrate:down\n');
    const dup = cli(['--migration-tool', 'dbmate', '--apply', '--migration-version', '202601010000']);
    assert.equal(dup.status, 1, dup.stderr);
    assert.match(dup.stderr, /version 202601010000, which db\/migrations\/202601010000_other\.sql already has .*dbmate would run both and then fail to record the second/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

// ---------------------------------------------------------------------------------------------

const servers = {};
const startErrors = {};
let missing = null;

/** Runs dbmate; resolves with {code, output}. */
function dbmate(server, db, dir, command) {
  const url = server.kind === 'postgres'
    ? `postgres://postgres@127.0.0.1:${server.port}/${db}?sslmode=disable`
    : `mysql://root@127.0.0.1:${server.port}/${db}`;
  const args = ['--url', url, '--migrations-dir', dir, '--no-dump-schema', command];
  return new Promise((resolve) => {
    const child = spawn(DBMATE, args, { env: { ...process.env, DATABASE_URL: '' } });
    let output = '';
    child.stdout.on('data', (d) => { output += d; });
    child.stderr.on('data', (d) => { output += d; });
    child.on('error', (e) => resolve({ code: -1, output: e.message }));
    child.on('close', (code) => resolve({ code, output }));
  });
}

/** The catalog without dbmate's own bookkeeping table. */
async function catalog(server, db) {
  const c = await introspect(server, db);
  for (const name of Object.keys(c.tables)) if (/(^|\.)schema_migrations$/i.test(name)) delete c.tables[name];
  c.others = (c.others ?? []).filter((o) => !/schema_migrations/i.test(o));
  return c;
}

async function fresh(server, db, sql) {
  await server.dropDatabase(db).catch(() => {});
  await server.createDatabase(db);
  if (sql && !isEmptySql(sql)) await server.exec(sql, db);
}

function same(a, b, what) {
  const d = diffCatalogs(a, b, { labels: ['dbmate', 'expected'] });
  assert.equal(d, null, `${what}: ${d?.differences?.[0]}`);
}

function writeDir(files) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'smartspec-dbmate-'));
  for (const f of files) fs.writeFileSync(path.join(dir, f.name), f.content);
  return dir;
}

/**
 * `dbmate up`, compared with `desiredCatalog`; then `dbmate rollback` once per migration: with
 * every step reversible, `before` comes back. Returns whether it rolled back.
 */
async function roundTrip(dialect, id, beforeSql, desiredCatalogOf, out) {
  const server = servers[dialect];
  const dir = writeDir(out.files);
  const [work, want] = [`dm_${dialect}_work`, `dm_${dialect}_want`];
  try {
    await fresh(server, want, beforeSql);
    const beforeCatalog = await catalog(server, want);
    const desiredCatalog = await desiredCatalogOf(want);
    await fresh(server, work, beforeSql);
    const up = await dbmate(server, work, dir, 'up');
    assert.equal(up.code, 0, `${id}: dbmate up failed:\n${up.output.slice(-3000)}`);
    same(await catalog(server, work), desiredCatalog, `${id} after dbmate up`);
    // A second `up` has nothing left to apply.
    const again = await dbmate(server, work, dir, 'up');
    assert.equal(again.code, 0, again.output);
    assert.doesNotMatch(again.output, /Applying/);
    if (!out.statements.every((s) => s.reverse_sql)) return false;
    for (let i = out.files.length; i >= 1; i--) {
      const back = await dbmate(server, work, dir, 'rollback');
      assert.equal(back.code, 0, `${id}: dbmate rollback failed:\n${back.output.slice(-3000)}`);
      assert.match(back.output, new RegExp(`Rolling back: ${out.files[i - 1].name.replace(/[.]/g, '\\.')}`));
    }
    same(await catalog(server, work), beforeCatalog, `${id} after dbmate rollback`);
    return true;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
    await Promise.allSettled([server.dropDatabase(work), server.dropDatabase(want)]);
  }
}

/** Corpus cases whose every step has a reverse, the smallest first. */
function reversibleCases(dialect) {
  return CORPUS
    .filter((c) => c.dialect === dialect)
    .map((c) => ({ c, r: generate(JSON.stringify(c.summary), dialectName(dialect), { migrationTool: 'dbmate', allowDestructive: true }) }))
    .filter(({ r }) => r.statements.length >= 2 && r.statements.every((s) => s.reverse_sql))
    .sort((a, b) => a.r.statements.length - b.r.statements.length || a.c.id.localeCompare(b.c.id))
    .map(({ c }) => c);
}

describe('real dbmate 2.36: up and rollback', { concurrency: 1 }, () => {
  before(async () => {
    if (!fs.existsSync(DBMATE)) missing = `${DBMATE} is missing: run npm ci (scripts/setup.sh does)`;
    const [pg, my] = await Promise.allSettled([startPostgres({ tcp: true }), startMariaDB({ tcp: true })]);
    for (const [d, r] of [['postgres', pg], ['mysql', my]]) {
      if (r.status === 'fulfilled') servers[d] = r.value;
      else startErrors[d] = r.reason;
    }
  });
  after(async () => {
    await Promise.allSettled(Object.values(servers).map((s) => s.stop()));
  });

  function ready(t, dialect) {
    const problem = missing ?? (servers[dialect] ? null : `${dialect} server: ${startErrors[dialect]?.message}`);
    if (!problem) return true;
    if (CI) throw new Error(problem);
    t.skip(problem);
    return false;
  }

  const desiredFrom = (dialect, sql) => async (db) => {
    await fresh(servers[dialect], db, sql);
    return catalog(servers[dialect], db);
  };

  describe('shipped examples (PostgreSQL)', { concurrency: 1 }, () => {
    const USERS = 'CREATE TABLE public.users (id uuid PRIMARY KEY, email varchar(255), age varchar(10), legacy_flag boolean);';
    const SHOP_BEFORE = `CREATE TYPE public.order_status AS ENUM ('pending', 'paid', 'refunded');
      ${USERS}
      CREATE TABLE public.legacy_sessions (id bigint PRIMARY KEY);`;
    for (const [name, beforeSql] of [['run-123', USERS], ['shop-mixed', SHOP_BEFORE]]) {
      it(name, async (t) => {
        if (!ready(t, 'postgres')) return;
        const out = generate(readExample(name), 'PostgreSQL', { migrationTool: 'dbmate', allowDestructive: true });
        // The state the steps make, built by running their SQL directly, one by one.
        const desired = async (db) => {
          await fresh(servers.postgres, db, beforeSql);
          for (const s of out.statements) await servers.postgres.exec(s.sql, db);
          return catalog(servers.postgres, db);
        };
        const rolledBack = await roundTrip('postgres', name, beforeSql, desired, out);
        assert.equal(rolledBack, out.statements.every((s) => s.reverse_sql), name);
      });
    }
  });

  it('PostgreSQL: enum values committed by their own migration, then used; raw-sql\'s single migration fails in dbmate', async (t) => {
    if (!ready(t, 'postgres')) return;
    const out = generate(ENUM_USED.summary, 'PostgreSQL', { migrationTool: 'dbmate' });
    assert.equal(out.files.length, 2);
    assert.equal(await roundTrip('postgres', 'enum-used', ENUM_USED.beforeSql, desiredFrom('postgres', ENUM_USED.desiredSql), out), true);
    // The proof that the split is needed: everything in one dbmate migration fails.
    const raw = generate(ENUM_USED.summary, 'PostgreSQL', { migrationTool: 'raw-sql' }).files;
    const one = [{ name: '202501010000_all.sql', content: `-- migrate:up\n${raw[0].content}\n-- migrate:down\n${raw[1].content}` }];
    const dir = writeDir(one);
    try {
      await fresh(servers.postgres, 'dm_one', ENUM_USED.beforeSql);
      const r = await dbmate(servers.postgres, 'dm_one', dir, 'up');
      assert.notEqual(r.code, 0);
      assert.match(r.output, /unsafe use of new value "a" of enum type status/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
      await servers.postgres.dropDatabase('dm_one');
    }
  });

  it('PostgreSQL: why --concurrently is refused: dbmate sends a transaction:false section as one string', async (t) => {
    if (!ready(t, 'postgres')) return;
    const files = [{ name: '1_concurrent.sql', content: '-- migrate:up transaction:false\nDROP INDEX CONCURRENTLY IF EXISTS public.t_a_invalid;\nCREATE INDEX CONCURRENTLY IF NOT EXISTS t_a ON public.t (a);\n-- migrate:down\n' }];
    const dir = writeDir(files);
    try {
      await fresh(servers.postgres, 'dm_conc', 'CREATE TABLE public.t (a int);');
      const r = await dbmate(servers.postgres, 'dm_conc', dir, 'up');
      assert.notEqual(r.code, 0, r.output);
      assert.match(r.output, /CONCURRENTLY cannot (run inside a transaction block|be executed from a function or multi-command string)/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
      await servers.postgres.dropDatabase('dm_conc');
    }
  });

  for (const dialect of ['postgres', 'mysql']) {
    describe(`corpus cases (${dialect})`, { concurrency: 1 }, () => {
      const cases = reversibleCases(dialect).slice(0, CORPUS_PER_DIALECT);
      it('has enough reversible cases', () => assert.equal(cases.length, CORPUS_PER_DIALECT));
      for (const c of cases) {
        it(c.id, async (t) => {
          if (!ready(t, dialect)) return;
          const out = generate(JSON.stringify(c.summary), dialectName(dialect), { migrationTool: 'dbmate', allowDestructive: true });
          assert.equal(await roundTrip(dialect, c.id, c.beforeSql, desiredFrom(dialect, c.desiredSql), out), true);
        });
      }
    });

    it(`every ${dialect} fixture: up gives desired; rollback gives before where every step has an undo`, async (t) => {
      if (!ready(t, dialect)) return;
      let up = 0;
      let back = 0;
      const cases = FIXTURES.filter((f) => f.dialect === dialect);
      for (const c of cases) {
        const out = generate(JSON.stringify(c.summary), dialectName(dialect), { migrationTool: 'dbmate', allowDestructive: true });
        if (out.nothing_to_do) continue;
        if (await roundTrip(dialect, c.id, c.beforeSql, desiredFrom(dialect, c.desiredSql), out)) back++;
        up++;
      }
      t.diagnostic(`${dialect} fixtures: ${up}/${cases.length} applied by dbmate up, ${back} rolled back`);
      assert.ok(up >= 25 && back >= 20, `${up} up, ${back} rolled back`);
    });
  }
});
