// golang-migrate (`--migration-tool golang-migrate`): its files checked against its documented
// rules, and run on the real servers the way it runs them.
//
// Its rules (golang-migrate's source/parse.go and database/postgres/README.md):
// - a file is `^([0-9]+)_(.*)\.(down|up)\.(.*)$`, the version parsed as an unsigned 64-bit number;
//   each version has at most one up and one down file;
// - `migrate up` runs the versions in ascending order, `migrate down` the down files in
//   descending order;
// - the PostgreSQL driver sends a whole file in one Exec (multi-statement mode is off by default),
//   which the server runs as one implicit transaction: `CREATE INDEX CONCURRENTLY` cannot run
//   there, nor can a new enum value be used in the file that adds it. The test sends each file
//   the same way (psql -c: one query string).
//
// No golang-migrate binary can be had here (it is a Go program, not on npm, PyPI or Debian's
// archive), so the rules above are checked by the test itself.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it, test } from 'node:test';

import { diffCatalogs } from './db/compare.mjs';
import { isEmptySql } from './db/corpus.mjs';
import { introspect } from './db/introspect.mjs';
import { suiteServers } from './db/suite.mjs';
import { enumUsedCase, listFixtures } from './fixtures/fixtures.mjs';
import { generate, root } from './support/wasm.mjs';

const CLI = path.join(root, 'pkg', 'bin', 'cli.js');
const FILE = /^([0-9]+)_(.*)\.(down|up)\.(.*)$/;
const U64_MAX = 2n ** 64n - 1n;

const EXAMPLES = fs.readdirSync(path.join(root, 'examples'))
  .filter((d) => fs.existsSync(path.join(root, 'examples', d, 'summary.json')))
  .map((d) => ({ id: `examples/${d}`, summary: JSON.parse(fs.readFileSync(path.join(root, 'examples', d, 'summary.json'), 'utf8')) }));
const FIXTURES = listFixtures();

/** A new enum value that a changed default goes on to use: two migrations. */
const ENUM_USED = enumUsedCase('golang-migrate-enum-used');

/** golang-migrate's view of a folder: {version: {up, down}}, refusing what it refuses. */
function migrations(files) {
  const byVersion = new Map();
  for (const f of files) {
    const m = FILE.exec(f.name);
    assert.ok(m, `${f.name}: not a golang-migrate file name`);
    const v = BigInt(m[1]);
    assert.ok(v <= U64_MAX, `${f.name}: version beyond 64 bits`);
    const entry = byVersion.get(v) ?? {};
    assert.equal(entry[m[3]], undefined, `${f.name}: a second ${m[3]} file for version ${v}`);
    entry[m[3]] = f;
    byVersion.set(v, entry);
  }
  for (const [v, e] of byVersion) assert.ok(e.up && e.down, `version ${v} has an up and a down file`);
  return [...byVersion.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1)).map(([version, e]) => ({ version, ...e }));
}

const dialectOf = (summary) => (/^my/i.test(summary.scope?.dialect ?? '') ? 'MySQL' : 'PostgreSQL');

describe('golang-migrate files follow its rules', () => {
  test('every example and fixture: file names golang-migrate reads; raw-sql\'s files where one migration holds everything', () => {
    let same = 0;
    let split = 0;
    for (const c of [...EXAMPLES, ...FIXTURES]) {
      const text = JSON.stringify(c.summary);
      const dialect = dialectOf(c.summary);
      for (const allowDestructive of [false, true]) {
        const ours = generate(text, dialect, { migrationTool: 'golang-migrate', allowDestructive });
        if (ours.nothing_to_do) continue;
        const raw = generate(text, dialect, { migrationTool: 'raw-sql', allowDestructive });
        assert.equal(ours.migration_tool, 'golang-migrate');
        const list = migrations(ours.files);
        if (list.length === 1) {
          assert.deepEqual(ours.files, raw.files, c.id);
          same++;
        } else {
          split++;
          // Consecutive versions from the report's, the enum values first.
          list.forEach((m, i) => assert.equal(m.version, BigInt(raw.version) + BigInt(i), c.id));
        }
        assert.deepEqual(ours.statements.map((s) => s.sql), raw.statements.map((s) => s.sql), c.id);
        assert.doesNotMatch(ours.files.map((f) => f.content).join('\n'), /CONCURRENTLY/, c.id);
      }
    }
    assert.ok(same > 100, `${same} runs with one migration`);
    assert.equal(split, 0, 'no shipped report adds enum values it then uses');
  });

  test('a new enum value used by a later step: committed by a migration of its own, one version below', () => {
    const out = generate(ENUM_USED.summary, 'PostgreSQL', { migrationTool: 'golang-migrate' });
    assert.deepEqual(out.files.map((f) => f.name), [
      '202501010000_alter_type_status_alter_tasks_enum_values.up.sql',
      '202501010000_alter_type_status_alter_tasks_enum_values.down.sql',
      '202501010001_alter_type_status_alter_tasks.up.sql',
      '202501010001_alter_type_status_alter_tasks.down.sql',
    ]);
    const list = migrations(out.files);
    assert.match(list[0].up.content, /ADD VALUE IF NOT EXISTS 'a'/);
    assert.doesNotMatch(list[0].up.content, /SET DEFAULT/);
    assert.match(list[1].up.content, /SET DEFAULT 'a'/);
    assert.doesNotMatch(list[1].up.content, /ADD VALUE/);
    assert.match(list[0].down.content, /-- Undoes: 202501010000_alter_type_status_alter_tasks_enum_values\.up\.sql\n/);
    // Leading zeros are kept: the next version has the same width.
    const padded = generate(ENUM_USED.summary, 'PostgreSQL', { migrationTool: 'golang-migrate', version: '0009' });
    assert.deepEqual(padded.files.filter((f) => f.role === 'up').map((f) => f.name.split('_')[0]), ['0009', '0010']);
  });

  test('what golang-migrate cannot run is refused: a version that is not a whole number, concurrent index builds', () => {
    const text = JSON.stringify(ENUM_USED.summary);
    for (const version of ['1.2', '1_2', '18446744073709551615', '99999999999999999999']) {
      assert.throws(() => generate(text, 'PostgreSQL', { migrationTool: 'golang-migrate', version }),
        (e) => e.code === 'invalid_option' && e.path === 'options.version' && /golang-migrate versions are whole numbers/.test(e.message), version);
      // Other tools take dotted versions.
      if (version.length < 5) generate(text, 'PostgreSQL', { migrationTool: 'raw-sql', version });
    }
    generate(text, 'PostgreSQL', { migrationTool: 'golang-migrate', version: '18446744073709551614' });
    assert.throws(() => generate(text, 'PostgreSQL', { migrationTool: 'golang-migrate', concurrently: true }),
      (e) => e.code === 'invalid_option' && e.path === 'options.concurrently' && /one transaction/.test(e.message));
    // Any case, as the other tools.
    assert.equal(generate(text, 'PostgreSQL', { migrationTool: 'Golang-Migrate' }).migration_tool, 'golang-migrate');
  });

  test('the CLI: --migration-tool golang-migrate; usage errors for what it cannot run', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'smartspec-gm-'));
    try {
      fs.writeFileSync(path.join(dir, 'report.json'), JSON.stringify(ENUM_USED.summary));
      const cli = (args) => spawnSync(process.execPath, [CLI, '--report', 'report.json', ...args], { cwd: dir, encoding: 'utf8' });
      const ok = cli(['--migration-tool', 'GOLANG-MIGRATE', '--apply', '--quiet']);
      assert.equal(ok.status, 0, ok.stderr);
      assert.deepEqual(fs.readdirSync(path.join(dir, 'db', 'migrations')).sort(),
        generate(ENUM_USED.summary, 'PostgreSQL', { migrationTool: 'golang-migrate' }).files.map((f) => f.name).sort());
      const conc = cli(['--migration-tool', 'golang-migrate', '--concurrently']);
      assert.equal(conc.status, 2);
      assert.match(conc.stderr, /--concurrently and --migration-tool golang-migrate contradict each other/);
      const ver = cli(['--migration-tool', 'golang-migrate', '--migration-version', '1.2']);
      assert.equal(ver.status, 2);
      assert.match(ver.stderr, /golang-migrate versions are whole numbers/);
      const undo = cli(['--migration-tool', 'golang-migrate', '--undo']);
      assert.equal(undo.status, 2);
      assert.match(undo.stderr, /golang-migrate writes its \.down\.sql file already/);
      // History: a second run with an older version is one golang-migrate would never apply.
      const old = cli(['--migration-tool', 'golang-migrate', '--apply', '--migration-version', '202401010000']);
      assert.equal(old.status, 1, old.stderr);
      assert.match(old.stderr, /golang-migrate never applies a migration older than the version a database is at/);
      // The same version in another file.
      fs.writeFileSync(path.join(dir, 'db', 'migrations', '202601010000_other.up.sql'), 'SELECT 1;\n');
      const dup = cli(['--migration-tool', 'golang-migrate', '--apply', '--migration-version', '202601010000']);
      assert.equal(dup.status, 1, dup.stderr);
      assert.match(dup.stderr, /version 202601010000, which .*202601010000_other\.up\.sql already has.*golang-migrate refuses two migrations of one version/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

// ---------------------------------------------------------------------------------------------
// On the real servers: up in version order, each file as golang-migrate's driver sends it; the
// catalog must equal `desired`; then down in reverse order must give `before` back.

describe('golang-migrate on the real servers (PostgreSQL 15, MariaDB 10.11)', { concurrency: 1 }, () => {
  const { servers, ready } = suiteServers();

  /** One file, as golang-migrate runs it: PostgreSQL one query string; MySQL statement by statement (multiStatements=true). */
  const run = (server, sql, db) => (server.kind === 'postgres' ? server.execOneString(sql, db) : server.exec(sql, db));

  async function state(server, sql, db) {
    await server.createDatabase(db);
    if (!isEmptySql(sql)) await server.exec(sql, db);
    return introspect(server, db);
  }

  async function cycle(server, c, out) {
    const list = migrations(out.files);
    const db = `gm_${server.kind}`;
    const beforeCatalog = await state(server, c.beforeSql, `${db}_before`);
    const desiredCatalog = await state(server, c.desiredSql, `${db}_desired`);
    await server.createDatabase(db);
    if (!isEmptySql(c.beforeSql)) await server.exec(c.beforeSql, db);
    for (const m of list) await run(server, m.up.content, db);
    const up = diffCatalogs(await introspect(server, db), desiredCatalog, { labels: ['migrated', 'desired'] });
    assert.equal(up, null, `${c.id}: up: ${up?.differences?.[0]}`);
    let rolledBack = null;
    if (out.statements.every((s) => s.reverse_sql)) {
      for (const m of [...list].reverse()) await run(server, m.down.content, db);
      const down = diffCatalogs(await introspect(server, db), beforeCatalog, { labels: ['rolled back', 'before'] });
      assert.equal(down, null, `${c.id}: down: ${down?.differences?.[0]}`);
      rolledBack = true;
    }
    await Promise.allSettled([db, `${db}_before`, `${db}_desired`].map((d) => server.dropDatabase(d)));
    return rolledBack;
  }

  it('PostgreSQL: the enum values migration commits, then the main one uses them; down gives before back', async (t) => {
    if (!ready(t, 'postgres')) return;
    const server = servers.postgres;
    const out = generate(ENUM_USED.summary, 'PostgreSQL', { migrationTool: 'golang-migrate' });
    assert.equal(await cycle(server, { id: 'enum-used', ...ENUM_USED }, out), true);
    // The proof that the split is needed: raw-sql's single up file, sent as one string, fails.
    const raw = generate(ENUM_USED.summary, 'PostgreSQL', { migrationTool: 'raw-sql' }).files.find((f) => f.role === 'up');
    await server.createDatabase('gm_raw');
    await server.exec(ENUM_USED.beforeSql, 'gm_raw');
    await assert.rejects(server.execOneString(raw.content, 'gm_raw'), /unsafe use of new value "a" of enum type status/);
    await server.dropDatabase('gm_raw');
  });

  for (const dialect of ['postgres', 'mysql']) {
    it(`${dialect}: every fixture converges, and roll back where every step has an undo`, async (t) => {
      if (!ready(t, dialect)) return;
      const server = servers[dialect];
      let converged = 0;
      let rolledBack = 0;
      const cases = FIXTURES.filter((f) => f.dialect === dialect);
      for (const c of cases) {
        const out = generate(JSON.stringify(c.summary), dialect === 'postgres' ? 'PostgreSQL' : 'MySQL',
          { migrationTool: 'golang-migrate', allowDestructive: true });
        if (out.nothing_to_do) continue;
        if (await cycle(server, c, out)) rolledBack++;
        converged++;
      }
      t.diagnostic(`${dialect}: ${converged}/${cases.length} converged, ${rolledBack} rolled back`);
      assert.ok(converged >= 25 && rolledBack >= 20, `${converged} converged, ${rolledBack} rolled back`);
    });
  }
});
