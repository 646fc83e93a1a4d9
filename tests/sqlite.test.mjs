// SQLite migrations on the real engine. Each case of tests/sqlite/ holds a schema (before.sql),
// rows (rows.sql), the schema the migration must reach (desired.sql, written by hand) and the
// report (summary.json); expect.json says what a case expects beyond convergence. For each case
// and each way of running the file:
//
// - foreign keys on (the connection enforces them, as apps and Cloudflare D1 do) and off: the
//   migration applies; the schema read from SQLite's catalog (pragma_table_info,
//   pragma_foreign_key_list, pragma_index_list, the CHECK clauses) equals the one built from
//   desired.sql; every row of every table survives with every kept value (including rows of
//   tables that reference a rebuilt table with ON DELETE CASCADE / SET NULL); no foreign key is
//   violated; a second run changes nothing (it succeeds, or fails with SQLite's own message and
//   leaves schema and rows as they were); the down file brings the schema back and keeps every
//   row (or, where the case says so, fails and changes nothing);
// - inside a transaction with foreign keys on (a tool's default, or D1, which ignores
//   PRAGMA foreign_keys): a migration that rebuilds or drops a table fails before changing
//   anything.
//
// The engine is Python's sqlite3 module (tests/support/sqlite_apply.py): it comes with python3,
// links the same libsqlite3 as Debian's sqlite3 shell (3.40), and reports each statement's
// error to the caller, where the shell without -bail would go on after one. Without python3's
// sqlite3 the suite is skipped, and fails under CI=true.
//
// Also: the Flyway and Liquibase files of a migration with foreign keys off run outside the
// tool's transaction; the refusals (schemas, missing actual_tables, defaults SQLite lacks,
// tools other than flyway, liquibase and raw-sql); the examples generate for SQLite or are
// refused with a reason.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';

import { generate, root } from './support/wasm.mjs';

const CI = /^(true|1|yes)$/i.test(process.env.CI ?? '');
const CASES_DIR = path.join(root, 'tests', 'sqlite');
const HELPER = path.join(root, 'tests', 'support', 'sqlite_apply.py');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sqlite-test-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** Why the engine cannot run here, or '' when it can (3.35 at least: DROP COLUMN). */
function engineProblem() {
  const r = spawnSync('python3', ['-c', 'import sqlite3; print(sqlite3.sqlite_version)'], { encoding: 'utf8' });
  if (r.status !== 0) return `python3 with its sqlite3 module is missing (${(r.stderr || r.error?.message || '').trim()})`;
  const [major, minor] = r.stdout.trim().split('.').map(Number);
  if (major < 3 || (major === 3 && minor < 35)) return `SQLite ${r.stdout.trim()} is older than 3.35 (DROP COLUMN)`;
  return '';
}
const problem = engineProblem();
if (problem && CI) throw new Error(`CI=true: ${problem}`);
const skip = problem ? `${problem}; skipped (set CI=true to make this a failure)` : false;

let n = 0;
/** Runs a case file on the engine; returns what the helper saw. */
function apply(c) {
  const file = path.join(tmp, `case-${n++}.json`);
  fs.writeFileSync(file, JSON.stringify(c));
  const r = spawnSync('python3', [HELPER, file], { encoding: 'utf8', maxBuffer: 64 << 20 });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout);
}

function readCase(name) {
  const dir = path.join(CASES_DIR, name);
  const read = (f) => fs.readFileSync(path.join(dir, f), 'utf8');
  const expectPath = path.join(dir, 'expect.json');
  return {
    name,
    report: read('summary.json'),
    before: read('before.sql'),
    rows: read('rows.sql'),
    desired: read('desired.sql'),
    expect: fs.existsSync(expectPath) ? JSON.parse(read('expect.json')) : {},
  };
}

const cases = fs.readdirSync(CASES_DIR).filter((d) => fs.statSync(path.join(CASES_DIR, d)).isDirectory()).sort();

function files(report, tool, extra = {}) {
  return generate(report, 'SQLite', { migrationTool: tool, allowDestructive: true, ...extra }).files;
}

/** Each table's rows after, against before: same count, same values in the columns both have. */
function assertRowsKept(beforeRows, afterRows, expect, what) {
  const renamed = expect.renamed ?? {};
  for (const [table, rows] of Object.entries(beforeRows)) {
    if ((expect.dropped_tables ?? []).includes(table)) continue;
    const now = Object.entries(renamed).find(([, old]) => old === table)?.[0] ?? table;
    const after = afterRows[now];
    assert.ok(after, `${what}: table ${now} is gone`);
    assert.equal(after.length, rows.length, `${what}: ${now} has ${after.length} rows, had ${rows.length}`);
    const colRenames = expect.renamed_columns?.[now] ?? {};
    rows.forEach((row, i) => {
      for (const [col, value] of Object.entries(row)) {
        const newCol = Object.entries(colRenames).find(([, old]) => old === col)?.[0] ?? col;
        if (newCol in after[i]) assert.deepEqual(after[i][newCol], value, `${what}: ${now} row ${i} column ${newCol}`);
      }
    });
  }
}

describe('SQLite migrations on the real engine', { skip }, () => {
  it('SQLite is 3.35 or newer', () => {
    assert.equal(problem, '');
  });

  for (const name of cases) {
    const c = readCase(name);
    const raw = () => files(c.report, 'raw-sql');
    const up = () => raw().find((f) => f.role === 'up').content;
    const down = () => raw().find((f) => f.role === 'down').content;

    for (const mode of ['on', 'off']) {
      it(`${name}, foreign keys ${mode}: converges, keeps every row, re-runs, rolls back`, () => {
        const r = apply({ before: c.before, rows: c.rows, desired: c.desired, up: up(), down: down(), foreign_keys: mode });
        assert.equal(r.first_error, null, `the migration fails: ${r.first_error}`);
        assert.deepEqual(r.after_schema, r.desired_schema, 'the schema after the migration is the desired one');
        assertRowsKept(r.before_rows, r.after_rows, c.expect, 'after the migration');
        assert.equal(r.violations, 0, 'no foreign key is violated');
        if (r.second_error !== null) {
          assert.match(r.second_error, new RegExp(c.expect.second_error ?? '.'), 'the second run fails with SQLite\'s message');
        } else {
          assert.equal(c.expect.second_error, undefined, 'the second run was expected to fail');
        }
        assert.deepEqual(r.again_schema, r.after_schema, 'a second run leaves the schema as it was');
        assert.deepEqual(r.again_rows, r.after_rows, 'a second run leaves every row as it was');
        if (c.expect.down_error) {
          assert.match(r.down_error ?? '', new RegExp(c.expect.down_error), 'the down file fails');
          assert.deepEqual(r.down_schema, r.after_schema, 'a down file that fails changes nothing');
          assert.deepEqual(r.down_rows, r.after_rows, 'a down file that fails changes no row');
        } else {
          assert.equal(r.down_error, null, `the down file fails: ${r.down_error}`);
          assert.deepEqual(r.down_schema, r.before_schema, 'the down file brings the schema back');
          const kept = Object.fromEntries(Object.entries(r.before_rows).filter(([t]) => !(c.expect.dropped_tables ?? []).includes(t)));
          for (const [t, rows] of Object.entries(kept)) {
            assert.equal(r.down_rows[t].length, rows.length, `the down file keeps the rows of ${t}`);
          }
        }
      });
    }

    it(`${name}: inside a transaction with foreign keys on, a rebuild or drop fails before changing anything`, () => {
      const sql = up();
      const guarded = sql.includes('PRAGMA foreign_keys = OFF');
      assert.equal(guarded, Boolean(c.expect.foreign_keys_off), 'the file turns foreign keys off exactly when it rebuilds or drops a table');
      if (!guarded) return;
      const r = apply({ before: c.before, rows: c.rows, desired: c.desired, up: sql, down: null, foreign_keys: 'in-transaction' });
      assert.match(r.first_error ?? '', /foreign keys are still enforced/);
      assert.deepEqual(r.after_schema, r.before_schema);
      assert.deepEqual(r.after_rows, r.before_rows);
    });

    it(`${name}: the Flyway and Liquibase files run the same statements, outside the tool's transaction when foreign keys go off`, () => {
      const fly = files(c.report, 'flyway', { undo: true });
      const migration = fly.find((f) => f.role === 'migration');
      const conf = fly.find((f) => f.role === 'conf');
      const liquibase = files(c.report, 'liquibase').find((f) => f.role === 'changelog').content;
      const changesets = liquibase.split('\n').filter((l) => l.startsWith('--changeset '));
      assert.ok(changesets.length > 0);
      if (c.expect.foreign_keys_off) {
        assert.equal(conf?.content, 'executeInTransaction=false\n');
        assert.ok(changesets.every((l) => l.includes('runInTransaction:false')), 'every changeset runs outside a transaction');
        // The Flyway file runs as it stands.
        const r = apply({ before: c.before, rows: c.rows, desired: c.desired, up: migration.content, down: null, foreign_keys: 'on' });
        assert.equal(r.first_error, null, r.first_error);
        assert.deepEqual(r.after_schema, r.desired_schema);
        assertRowsKept(r.before_rows, r.after_rows, c.expect, 'after the Flyway file');
      } else {
        assert.equal(conf, undefined);
        assert.ok(changesets.every((l) => !l.includes('runInTransaction')));
        // Flyway wraps the file in a transaction itself.
        const r = apply({ before: c.before, rows: c.rows, desired: c.desired, up: `BEGIN;\n${migration.content}\nCOMMIT;\n`, down: null, foreign_keys: 'on' });
        assert.equal(r.first_error, null, r.first_error);
        assert.deepEqual(r.after_schema, r.desired_schema);
      }
    });

    it(`${name}: --guards none writes plain DDL that converges once; exists writes what verify writes`, () => {
      const plain = files(c.report, 'raw-sql', { guards: 'none' }).find((f) => f.role === 'up').content;
      assert.doesNotMatch(plain, /\bIF (NOT )?EXISTS\b/, 'no IF [NOT] EXISTS with --guards none');
      assert.match(plain, /^-- Guards: none/m);
      const r = apply({ before: c.before, rows: c.rows, desired: c.desired, up: plain, down: null, foreign_keys: 'on' });
      assert.equal(r.first_error, null, r.first_error);
      assert.deepEqual(r.after_schema, r.desired_schema);
      assertRowsKept(r.before_rows, r.after_rows, c.expect, 'after the plain file');
      // SQLite has no procedural blocks: verify gathers no precondition block, so it equals exists.
      const body = (g) => files(c.report, 'raw-sql', { guards: g }).find((f) => f.role === 'up').content.replace(/^-- Guards: .*$/m, '');
      assert.equal(body('exists'), body('verify'));
    });
  }
});

describe('SQLite refusals and limits', () => {
  const base = {
    workflow: 'smartspec_data_model_validator',
    report_format: 'smartspec.dmv.summary/1',
    run_id: 'sqlite-refusals',
    timestamps: { finished_at: '2024-03-01T10:00:00Z' },
    scope: { dialect: 'sqlite' },
  };
  const refuse = (report, options = {}) => {
    try {
      generate(JSON.stringify({ ...base, ...report }), undefined, { migrationTool: 'raw-sql', allowDestructive: true, ...options });
    } catch (e) {
      return e;
    }
    assert.fail('accepted');
  };

  it('a schema other than main is refused; main is the database itself', () => {
    const e = refuse({ diffs: [{ id: 'D1', kind: 'extra_index', object: { schema: 'aux', table: 't', index: 'i' }, actual: { name: 'i', columns: ['a'] } }] });
    assert.equal(e.code, 'invalid_value');
    assert.equal(e.path, '$.diffs[0].object.schema');
    assert.match(e.message, /SQLite has no schemas/);
    const ok = generate(JSON.stringify({ ...base, diffs: [{ id: 'D1', kind: 'extra_index', object: { schema: 'main', table: 't', index: 'i' }, actual: { name: 'i', columns: ['a'] } }] }), undefined, { migrationTool: 'raw-sql' });
    assert.match(ok.files[0].content, /^DROP INDEX IF EXISTS "i";$/m);
  });

  it('a change that needs a rebuild names the table to add to actual_tables', () => {
    const e = refuse({ diffs: [{ id: 'D1', kind: 'nullability_mismatch', object: { table: 'users', column: 'email' }, expected: { nullable: false }, actual: { nullable: true } }] });
    assert.equal(e.code, 'missing_field');
    assert.equal(e.path, '$.actual_tables');
    assert.match(e.message, /"users"/);
    assert.match(e.message, /actual_tables/);
  });

  it('defaults SQLite has no expression for are refused', () => {
    const e = refuse({ diffs: [{ id: 'D1', kind: 'missing_column', object: { table: 't', column: 'u' }, expected: { name: 'u', type: 'text', nullable: true, default: { kind: 'expression', value: 'gen_random_uuid()' } } }] });
    assert.equal(e.code, 'invalid_default');
    assert.match(e.message, /not in the known set for SQLite/);
  });

  it('types that would end in a column constraint, and arrays, are refused', () => {
    for (const type of ['text not null', 'integer primary key', 'text[]']) {
      const e = refuse({ diffs: [{ id: 'D1', kind: 'missing_column', object: { table: 't', column: 'c' }, expected: { name: 'c', type, nullable: true } }] });
      assert.equal(e.code, 'invalid_type', type);
    }
  });

  it('tools other than flyway, liquibase and raw-sql are refused for SQLite, by name', () => {
    for (const tool of ['dbmate', 'goose', 'golang-migrate', 'atlas', 'sqitch']) {
      const e = refuse({ diffs: [] }, { migrationTool: tool });
      assert.equal(e.code, 'invalid_option', tool);
      assert.match(e.message, new RegExp(`${tool} is not supported for SQLite`));
    }
  });

  it('drops are blocked without allowDestructive', () => {
    const r = generate(JSON.stringify({ ...base, diffs: [{ id: 'D1', kind: 'extra_column', object: { table: 't', column: 'c' }, actual: { name: 'c', type: 'text', nullable: true } }] }), undefined, { migrationTool: 'raw-sql' });
    assert.ok(r.statements.some((s) => s.blocked && /DROP COLUMN "c"/.test(s.sql)));
  });

  it('string literals double their quotes, and control characters become char()', () => {
    const r = generate(JSON.stringify({ ...base, diffs: [{ id: 'D1', kind: 'missing_column', object: { table: 't', column: 'c' }, expected: { name: 'c', type: 'text', nullable: true, default: { kind: 'literal', value: "it's\n--rollback x" } } }],
      // ADD COLUMN takes no default in parentheses: the table is rebuilt.
      actual_tables: [{ name: 't', columns: [{ name: 'id', type: 'integer', nullable: true }] }] }), undefined, { migrationTool: 'liquibase' });
    const changelog = r.files[0].content;
    assert.ok(changelog.includes("DEFAULT ('it''s' || char(10) || '--rollback x')"), changelog);
    assert.ok(!changelog.split('\n').some((l) => l.startsWith('--rollback x')));
  });

  it('every example generates for SQLite or is refused with a reason', () => {
    const seen = {};
    for (const ex of fs.readdirSync(path.join(root, 'examples'))) {
      const file = path.join(root, 'examples', ex, 'summary.json');
      if (!fs.existsSync(file)) continue;
      try {
        const r = generate(fs.readFileSync(file, 'utf8'), 'SQLite', { migrationTool: 'raw-sql', allowDestructive: true });
        seen[ex] = r.files.length > 0 ? 'generated' : 'nothing';
      } catch (e) {
        seen[ex] = e.code;
        assert.ok(e.message.length > 20);
      }
    }
    assert.deepEqual(seen, { 'results-only': 'nothing', 'run-123': 'generated', 'shop-mixed': 'invalid_default' });
  });
});
