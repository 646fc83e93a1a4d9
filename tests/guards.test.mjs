// `guards` on real servers (PostgreSQL 15, MariaDB 10.11 for the MySQL dialect).
//
// verify (the default): an object the migration creates that is already there in another shape
// (a table, a column, an index, a constraint, an enum type) stops the migration in its
// precondition block, before any change, with a message naming the object and how it differs —
// and the step written before it in the file has not run. On MySQL, whose DDL is not
// transactional, a file stopped half-way by a failing step is run again from the top: it fails
// again in the same place while the cause is there, and converges once it is gone.
// exists and none: every fixture converges (exists twice). And every fixture's checked-in
// expected.<dialect>.sql, run as written, converges twice.
//
// Under CI=true a server that cannot start fails the suite; elsewhere its tests are skipped.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import { describe, it } from 'node:test';

import { checkCase, explain } from './db/converge.mjs';
import { suiteServers } from './db/suite.mjs';
import { listFixtures } from './fixtures/fixtures.mjs';
import { generate } from './support/wasm.mjs';

const { servers, ready } = suiteServers();

/** The dialect's server, or null with the test skipped (a failure under CI=true). */
function server(t, dialect) {
  return ready(t, dialect) ? servers[dialect] : null;
}

const HEAD = {
  workflow: 'smartspec_data_model_validator',
  report_format: 'smartspec.dmv.summary/1',
  run_id: 'run-guards',
  timestamps: { finished_at: '2024-01-01T12:00:00Z' },
};

/** A report for `dialect` with `diffs`; the first diff always adds `marker.seen`, the step that
 * must not have run when the precondition block stops the file. */
function report(dialect, diffs) {
  const schema = dialect === 'postgres' ? { schema: 'public' } : {};
  return {
    ...HEAD,
    scope: { dialect: dialect === 'postgres' ? 'postgres' : 'mysql', ...(dialect === 'postgres' ? { default_schema: 'public' } : {}) },
    diffs: [
      { id: 'M1', kind: 'missing_column', object: { ...schema, table: 'marker', column: 'seen' },
        expected: { name: 'seen', type: 'integer', nullable: true, default: null }, actual: null },
      ...diffs.flat().map((d, i) => ({ id: `D${i + 1}`, ...d, object: { ...schema, ...d.object }, actual: null })),
    ],
  };
}

function migration(dialect, r, options = {}) {
  const out = generate(JSON.stringify(r), dialect === 'postgres' ? 'PostgreSQL' : 'MySQL', { allowDestructive: true, ...options });
  return out.files.filter((f) => (f.role ?? 'migration') === 'migration').map((f) => f.content).join('\n');
}

async function markerColumns(s, db) {
  const sql = s.kind === 'postgres'
    ? "SELECT count(*) FROM information_schema.columns WHERE table_name = 'marker' AND column_name = 'seen';"
    : "SELECT COUNT(*) FROM information_schema.columns WHERE table_schema = DATABASE() AND table_name = 'marker' AND column_name = 'seen';";
  return (await s.query(sql, db)).trim();
}

/** Each object kind: what is already there, the diff that creates it, and the message. */
const CASES = {
  postgres: [
    ['a table', 'CREATE TABLE orders (id text, total integer);',
      { kind: 'missing_table', object: { table: 'orders' }, expected: { name: 'orders', columns: [
        { name: 'id', type: 'uuid', nullable: false, default: null }, { name: 'total', type: 'integer', nullable: false, default: null }] } },
      /table public\.orders already exists and differs from this migration: id is text, not UUID/],
    ['a column', 'CREATE TABLE users (id bigint PRIMARY KEY, last_login_at text);',
      { kind: 'missing_column', object: { table: 'users', column: 'last_login_at' },
        expected: { name: 'last_login_at', type: 'timestamptz', nullable: true, default: null } },
      /table public\.users already exists and differs from this migration: last_login_at is text, not TIMESTAMP WITH TIME ZONE/],
    ['an index', 'CREATE TABLE users (id bigint PRIMARY KEY, email text, name text); CREATE INDEX users_email_idx ON users (name);',
      { kind: 'missing_index', object: { table: 'users', index: 'users_email_idx' }, expected: { name: 'users_email_idx', columns: ['email'], unique: true } },
      /index public\.users_email_idx already exists and differs from this migration: it is CREATE INDEX users_email_idx ON public\.users USING btree \(name\)/],
    ['a constraint', 'CREATE TABLE parent (id int PRIMARY KEY, code int UNIQUE); CREATE TABLE child (id int, parent_id int, CONSTRAINT child_parent_fkey FOREIGN KEY (id) REFERENCES parent (id));',
      { kind: 'missing_foreign_key', object: { table: 'child', constraint: 'child_parent_fkey' },
        expected: { name: 'child_parent_fkey', columns: ['parent_id'], references: { table: 'parent', columns: ['id'] }, on_delete: 'cascade', on_update: 'no_action' } },
      /constraint child_parent_fkey of public\.child already exists and differs from this migration: it is FOREIGN KEY \(id\) REFERENCES parent\(id\)/],
    ['an enum type', "CREATE TYPE mood AS ENUM ('a', 'b');",
      { kind: 'missing_enum', object: { enum: 'mood' }, expected: { name: 'mood', values: ['happy', 'sad'] } },
      /type public\.mood already exists and differs from this migration: its values are \{a,b\}/],
  ],
  mysql: [
    ['a table', 'CREATE TABLE orders (id VARCHAR(36), total INT);',
      { kind: 'missing_table', object: { table: 'orders' }, expected: { name: 'orders', columns: [
        { name: 'id', type: 'bigint', nullable: false, default: null }, { name: 'total', type: 'int', nullable: false, default: null }] } },
      /smartspec: table orders differs/],
    ['a column', 'CREATE TABLE users (id BIGINT PRIMARY KEY, last_login_at TEXT);',
      { kind: 'missing_column', object: { table: 'users', column: 'last_login_at' },
        expected: { name: 'last_login_at', type: 'datetime', nullable: true, default: null } },
      /smartspec: users\.last_login_at is not datetime/],
    ['an index', 'CREATE TABLE users (id BIGINT PRIMARY KEY, email VARCHAR(100), name VARCHAR(100)); CREATE INDEX users_email_idx ON users (name);',
      { kind: 'missing_index', object: { table: 'users', index: 'users_email_idx' }, expected: { name: 'users_email_idx', columns: ['email'], unique: true } },
      /smartspec: index users\.users_email_idx differs/],
    ['a constraint', 'CREATE TABLE parent (id INT PRIMARY KEY); CREATE TABLE child (id INT, parent_id INT, CONSTRAINT child_parent_fkey FOREIGN KEY (id) REFERENCES parent (id));',
      { kind: 'missing_foreign_key', object: { table: 'child', constraint: 'child_parent_fkey' },
        expected: { name: 'child_parent_fkey', columns: ['parent_id'], references: { table: 'parent', columns: ['id'] }, on_delete: 'cascade', on_update: 'restrict' } },
      /smartspec: foreign key child\.child_parent_fkey differs/],
    // MySQL enums live on columns: an enum column already there as another type.
    ['an enum type', 'CREATE TABLE tickets (id INT PRIMARY KEY, mood VARCHAR(10));',
      [{ kind: 'missing_enum', object: { table: 'tickets', column: 'mood', enum: 'tickets_mood' }, expected: { name: 'tickets_mood', values: ['happy', 'sad'] } },
        { kind: 'missing_column', object: { table: 'tickets', column: 'mood' },
          expected: { name: 'mood', type: 'enum', enum: 'tickets_mood', nullable: true, default: null } }],
      /smartspec: tickets\.mood is not enum/],
  ],
};

for (const dialect of ['postgres', 'mysql']) {
  describe(`${dialect}: an object already there in another shape stops the migration before any change`, { concurrency: 1 }, () => {
    for (const [what, beforeSql, diff, message] of CASES[dialect]) {
      it(`${what}`, async (t) => {
        const s = server(t, dialect);
        if (!s) return;
        const db = 'guards_differs';
        await s.createDatabase(db);
        await s.exec(`CREATE TABLE marker (id INT PRIMARY KEY);\n${beforeSql}`, db);
        const sql = migration(dialect, report(dialect, [diff]));
        // The check sits in the one block above the first step.
        const firstStep = sql.indexOf('\n-- [');
        assert.ok(sql.indexOf('-- Preconditions') < firstStep, sql);
        await assert.rejects(s.exec(sql, db), message);
        assert.equal(await markerColumns(s, db), '0', 'the step before it in the file did not run');
        // With `exists` the same file skips the object silently instead.
        await s.exec(migration(dialect, report(dialect, [diff]), { guards: 'exists' }), db);
        assert.equal(await markerColumns(s, db), '1');
        await s.dropDatabase(db);
      });
    }
  });
}

describe('mysql: a file stopped half-way is run again from the top', { concurrency: 1 }, () => {
  it('fails again at the same step while its cause is there, then converges and re-runs', async (t) => {
    const s = server(t, 'mysql');
    if (!s) return;
    const db = 'guards_halfway';
    await s.createDatabase(db);
    await s.exec("CREATE TABLE marker (id INT PRIMARY KEY);\nCREATE TABLE users (id INT PRIMARY KEY, email VARCHAR(100));\nINSERT INTO users VALUES (1, 'a'), (2, 'a');", db);
    // A table and a column are made, then a unique index fails on the duplicate rows.
    const r = report('mysql', [
      { kind: 'missing_table', object: { table: 'audit' }, expected: { name: 'audit', columns: [{ name: 'id', type: 'int', nullable: false, default: null }], primary_key: { columns: ['id'] } } },
      { kind: 'missing_column', object: { table: 'users', column: 'nickname' }, expected: { name: 'nickname', type: 'varchar(40)', nullable: true, default: null } },
      { kind: 'missing_index', object: { table: 'users', index: 'users_email_key' }, expected: { name: 'users_email_key', columns: ['email'], unique: true } },
    ]);
    const sql = migration('mysql', r);
    await assert.rejects(s.exec(sql, db), /Duplicate entry/);
    const made = "SELECT COUNT(*) FROM information_schema.columns WHERE table_schema = DATABASE() AND ((table_name = 'audit' AND column_name = 'id') OR (table_name = 'users' AND column_name = 'nickname') OR (table_name = 'marker' AND column_name = 'seen'));";
    assert.equal((await s.query(made, db)).trim(), '3', 'the steps before the failing one ran');
    // Run again: what the first run made passes the preconditions, and the same step fails again.
    await assert.rejects(s.exec(sql, db), /Duplicate entry/);
    await s.exec("DELETE FROM users WHERE id = 2;", db);
    await s.exec(sql, db);
    const index = "SELECT COUNT(*) FROM information_schema.statistics WHERE table_schema = DATABASE() AND table_name = 'users' AND index_name = 'users_email_key' AND non_unique = 0;";
    assert.equal((await s.query(index, db)).trim(), '1');
    await s.exec(sql, db);
    assert.equal((await s.query(index, db)).trim(), '1');
    // Changed in between by someone else: the preconditions stop the re-run before any change.
    await s.exec('ALTER TABLE users MODIFY COLUMN nickname INT;', db);
    await assert.rejects(s.exec(sql, db), /smartspec: users\.nickname is not varchar/);
    await s.dropDatabase(db);
  });
});

describe('exists and none converge on every fixture (exists also on a second run)', { concurrency: 1 }, () => {
  for (const c of listFixtures()) {
    for (const guards of ['exists', 'none']) {
      it(`${c.dialect}/${c.id}: ${guards}`, async (t) => {
        const s = server(t, c.dialect);
        if (!s) return;
        const r = await checkCase({
          server: s, dialect: c.dialect, beforeSql: c.beforeSql, desiredSql: c.desiredSql,
          migrationSql: migration(c.dialect, c.summary, { guards }),
          beforeDb: `guards_${c.dialect}_before`, desiredDb: `guards_${c.dialect}_desired`, rerun: guards === 'exists',
        });
        assert.ok(r.converged && !r.error, explain(r));
        if (guards === 'exists') assert.ok(r.rerunClean, explain(r));
      });
    }
  }
});

// The checked-in expected files (tests/golden-fixtures.test.mjs pins the generator's text to
// them) are proven here as written, on the servers, independently of the generator: each
// converges to its fixture's `desired`, and a second run changes nothing.
describe('every fixture\'s expected.<dialect>.sql, run as written, converges twice', { concurrency: 1 }, () => {
  for (const c of listFixtures()) {
    it(`${c.dialect}/${c.id}`, async (t) => {
      const s = server(t, c.dialect);
      if (!s) return;
      const r = await checkCase({
        server: s, dialect: c.dialect, beforeSql: c.beforeSql, desiredSql: c.desiredSql,
        migrationSql: fs.readFileSync(c.expectedPath, 'utf8'),
        beforeDb: `expected_${c.dialect}_before`, desiredDb: `expected_${c.dialect}_desired`,
      });
      assert.ok(r.converged && !r.error, explain(r));
      assert.ok(r.rerunClean, explain(r));
    });
  }
});
