// The SQLite corpus (tests/corpus/*-sqlite, see its README.md) proven on the real engine: SQLite
// 3.40.1 through Python's sqlite3 module (tests/support/sqlite_oracle.py; tests/README.md says why).
//
// For every case and every tool (Flyway, Liquibase, raw SQL), and with PRAGMA foreign_keys ON, OFF
// and "D1-like" (ON, every file inside a transaction, where PRAGMA foreign_keys=OFF does nothing):
// load `before`, insert rows in every table, apply the generated migration as the tool would,
// compare the catalog with one built from `desired`, check every row is still there with its
// values, apply the migration again (it must change nothing, or fail and change nothing), apply
// the down files and compare with `before`. D1-like runs must keep every row or fail before
// changing anything. Then a table of the results.
//
//   node --test tests/sqlite-convergence.test.mjs            (after scripts/build.sh)
//   CASES=sakila node --test tests/sqlite-convergence.test.mjs   only cases whose id contains "sakila"
//
// The first part tests the oracle itself, without the generator: migrations known to be right
// must pass it and migrations known to be wrong must fail it.
//
// Cases a report cannot make converge are listed in EXCLUDED with the reason; each must still fail,
// so the list cannot go stale. Under CI=true a missing python3 or sqlite3 module fails the suite.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { isEmptySql, listCases } from './db/corpus.mjs';
import { startOracle, toolFiles } from './support/sqlite-oracle.mjs';
import { generate } from './support/wasm.mjs';

const CI = /^(true|1|yes)$/i.test(process.env.CI ?? '');
const FILTER = process.env.CASES ?? '';
const MODES = ['on', 'off', 'd1'];
const TOOLS = ['flyway', 'liquibase', 'raw-sql'];

/**
 * Cases that cannot converge from their report alone, with the reason. The SQLite oracle puts rows
 * in every table: a new NOT NULL column without a default has no value for them, and the report
 * has none to give (REQUIRES_DEFAULT_OR_BACKFILL).
 */
export const EXCLUDED = {
  'sqldef-pg-sqlite/AddPrimaryKeyAndColumnBack': 'adds users.id INTEGER NOT NULL (the new primary key) without a default to a table with rows',
  'sqldef-pg-sqlite/ForeignKeyDependenciesCascadeOptionsPreservation': 'adds categories.tenant_id NOT NULL without a default to a table with rows',
  'sqldef-pg-sqlite/ForeignKeyDependenciesMultipleToModifiedTable': 'adds users.tenant_id NOT NULL without a default to a table with rows',
  'sqldef-pg-sqlite/QuotedReservedWordTableAddColumn': 'adds "order"."group" NOT NULL without a default to a table with rows',
};

/** Cases that converge but whose down files cannot give `before` back from the report alone. */
export const ROLLBACK_EXCLUDED = {
  'sqldef-pg-sqlite/DropPrimaryKeyAndColumn': 'the down adds users.id INTEGER NOT NULL back, with no value for the rows',
  'sqldef-pg-sqlite/QuotedReservedWordTableDropColumn': 'the down adds "order"."group" NOT NULL back, with no value for the rows',
  'sqldef-pg-sqlite/DropReferencedTableWithMultipleForeignKeys':
    'users comes back empty, and the rows of items and sales that referenced it break the foreign keys the down restores: it stops before committing',
  'sqldef-pg-sqlite/DropReferencedTableWithRemainingForeignKey':
    'departments comes back empty, and the rows of employees that referenced it break the foreign key the down restores: it stops before committing',
};

/**
 * Cases where the oracle's own reference rebuild (tests/support/sqlite_oracle.py) cannot keep the
 * rows: it has no value for a new NOT NULL column without a default. Each must still fail, so the
 * list cannot go stale.
 */
const REFERENCE_LIMITS = {
  'sqldef-pg-sqlite/AddPrimaryKeyAndColumnBack': 'adds NOT NULL users.id without a default',
  'sqldef-pg-sqlite/ForeignKeyDependenciesCascadeOptionsPreservation': 'adds NOT NULL categories.tenant_id without a default',
  'sqldef-pg-sqlite/ForeignKeyDependenciesMultipleToModifiedTable': 'adds NOT NULL users.tenant_id without a default',
  'sqldef-pg-sqlite/QuotedReservedWordTableAddColumn': 'adds NOT NULL "order"."group" without a default',
};
/** Where the reference rebuild back to `before` cannot give the rows back, for the same reasons. */
const REFERENCE_DOWN_LIMITS = {
  'sqldef-pg-sqlite/DropPrimaryKeyAndColumn': 'the down adds NOT NULL users.id back without a value',
  'sqldef-pg-sqlite/QuotedReservedWordTableDropColumn': 'the down adds NOT NULL "order"."group" back without a value',
};

const cases = listCases(undefined, { dialects: ['sqlite'] }).filter((c) => c.id.includes(FILTER));
let oracle = null;
let startError = null;
const results = [];

before(async () => {
  try {
    oracle = await startOracle();
  } catch (e) {
    startError = e;
    console.error(`\n${'!'.repeat(78)}\nthe SQLite oracle could not start: ${e.message}\n` +
      `${CI ? 'CI=true: its cases FAIL.' : 'Its cases are SKIPPED (CI=true makes this a failure).'}\n${'!'.repeat(78)}\n`);
  }
});

after(() => {
  oracle?.stop();
  printTable();
});

function needOracle(t) {
  if (oracle) return true;
  if (CI) throw startError;
  t.skip('python3 with its sqlite3 module is unavailable');
  return false;
}

/** One run's verdict from the engine's answer. */
function judge(r, fk) {
  const v = { fk, converged: false, rowsKept: false, rerunClean: false, rollback: null, safe: false, why: null };
  if (r.oracle_error || r.seed_error) {
    v.why = r.oracle_error ?? r.seed_error;
    return v;
  }
  const up = r.up;
  v.converged = !up.error && up.differences.length === 0 && up.fk_violations.length === 0;
  v.rowsKept = up.error ? up.unchanged : up.lost_rows.length === 0;
  v.safe = (v.converged && v.rowsKept) || (Boolean(up.error) && up.unchanged);
  v.rerunClean = Boolean(r.rerun) && r.rerun.changes.length === 0;
  if (r.down) v.rollback = !r.down.error && r.down.differences.length === 0 && r.down.lost_rows.length === 0;
  v.why = up.error ? `up failed${up.unchanged ? ' (nothing changed)' : ' AFTER CHANGING THINGS'}: ${up.error}`
    : up.differences.length ? `differs: ${up.differences[0]}`
    : up.fk_violations.length ? `foreign key violations after the migration: ${JSON.stringify(up.fk_violations[0])}`
    : up.lost_rows.length ? `rows lost: ${up.lost_rows[0]}`
    : !v.rerunClean ? `re-run changed: ${r.rerun.changes[0]}${r.rerun.error ? ` (then failed: ${r.rerun.error})` : ''}`
    : v.rollback === false ? `rollback: ${r.down.error ?? r.down.differences[0] ?? r.down.lost_rows[0]}`
    : null;
  return v;
}

const good = (v) => Boolean(v && v.converged && v.rowsKept && v.rerunClean);
const job = (c, fk, up, down) => ({ before: c.beforeSql, desired: c.desiredSql, fk, up, down, rows: 3 });
const tablesOf = (c) => c.summary.diffs.filter((d) => d.kind === 'missing_table').map((d) => d.object.table);
const q = (n) => `"${n.replace(/"/g, '""')}"`;

describe('the SQLite oracle itself', { concurrency: 1 }, () => {
  const fromEmpty = cases.filter((c) => isEmptySql(c.beforeSql));
  const evolutions = cases.filter((c) => !isEmptySql(c.beforeSql));

  it(`from-empty cases: desired itself as the migration converges (${fromEmpty.length} cases, FK on/off/D1-like)`, async (t) => {
    if (!needOracle(t)) return;
    for (const c of fromEmpty) {
      const up = [{ name: 'desired', sql: c.desiredSql, tx: true }];
      const down = [{ name: 'drop', sql: tablesOf(c).reverse().map((n) => `DROP TABLE ${q(n)};`).join('\n'), tx: true }];
      for (const fk of MODES) {
        const v = judge(await oracle.run(job(c, fk, up, down)), fk);
        assert.ok(v.converged && v.rowsKept && v.rerunClean && v.rollback, `${c.id} (${fk}): ${v.why}`);
      }
    }
  });

  it(`evolutions: the manual's rebuild written from the two DDLs converges and keeps every row (${evolutions.length} cases, FK on/off)`, async (t) => {
    if (!needOracle(t)) return;
    for (const c of evolutions) {
      const up = await oracle.reference(c.beforeSql, c.desiredSql);
      const down = await oracle.reference(c.desiredSql, c.beforeSql);
      for (const fk of ['on', 'off']) {
        const r = await oracle.run(job(c, fk, up, down));
        assert.equal(r.rows_seeded, 3 * (await oracle.tables(c.beforeSql)).length, `${c.id}: 3 rows in every table`);
        const v = judge(r, fk);
        if (REFERENCE_LIMITS[c.id]) {
          assert.ok(!(v.converged && v.rowsKept), `${c.id} is in REFERENCE_LIMITS but now passes: remove it`);
          continue;
        }
        assert.ok(v.converged && v.rowsKept && v.rerunClean, `${c.id} (${fk}): ${v.why}`);
        if (REFERENCE_DOWN_LIMITS[c.id]) assert.equal(v.rollback, false, `${c.id} is in REFERENCE_DOWN_LIMITS but now rolls back`);
        else assert.ok(v.rollback, `${c.id} (${fk}): ${v.why}`);
      }
    }
  });

  it('an empty migration never converges on an evolution', async (t) => {
    if (!needOracle(t)) return;
    for (const c of evolutions) {
      const v = judge(await oracle.run(job(c, 'on', [], null)), 'on');
      assert.ok(!v.converged, `${c.id}: an empty migration passed`);
    }
  });

  it('dropping and re-creating the tables converges but is caught losing rows', async (t) => {
    if (!needOracle(t)) return;
    for (const c of evolutions) {
      const [had, wanted] = [await oracle.columns(c.beforeSql), await oracle.columns(c.desiredSql)];
      // only where a row keeps some value: a table in both states with a column in both
      if (!Object.entries(had).some(([n, cols]) => wanted[n]?.some((col) => cols.includes(col)))) continue;
      const drop = Object.keys(had).map((n) => `DROP TABLE ${q(n)};`).join('\n');
      const v = judge(await oracle.run(job(c, 'off', [{ name: 'recreate', sql: `${drop}\n${c.desiredSql}`, tx: true }], null)), 'off');
      assert.ok(v.converged, `${c.id}: ${v.why}`);
      assert.ok(!v.rowsKept, `${c.id}: rows dropped with their tables, yet the oracle saw them kept`);
    }
  });

  const CASCADE = {
    before: `CREATE TABLE parent (id integer PRIMARY KEY, name varchar(20) NOT NULL);
CREATE TABLE child (id integer PRIMARY KEY, parent_id integer REFERENCES parent (id) ON DELETE CASCADE, note text);
CREATE TABLE other (id integer PRIMARY KEY, parent_id integer REFERENCES parent (id) ON DELETE SET NULL);\n`,
    desired: `CREATE TABLE parent (id integer PRIMARY KEY, name varchar(40) NOT NULL);
CREATE TABLE child (id integer PRIMARY KEY, parent_id integer REFERENCES parent (id) ON DELETE CASCADE, note text);
CREATE TABLE other (id integer PRIMARY KEY, parent_id integer REFERENCES parent (id) ON DELETE SET NULL);\n`,
  };
  const REBUILD = `CREATE TABLE "__new_parent" (id integer PRIMARY KEY, name varchar(40) NOT NULL);
INSERT INTO "__new_parent" (id, name) SELECT id, name FROM parent;
DROP TABLE parent;
ALTER TABLE "__new_parent" RENAME TO parent;\n`;

  it('a rebuild of a referenced table: right with foreign keys off outside the transaction, caught losing rows inside it (D1)', async (t) => {
    if (!needOracle(t)) return;
    const right = [
      { name: 'off', sql: 'PRAGMA foreign_keys = OFF;', tx: false },
      { name: 'rebuild', sql: REBUILD, tx: true },
      { name: 'on', sql: 'PRAGMA foreign_keys = ON;', tx: false },
    ];
    const c = { beforeSql: CASCADE.before, desiredSql: CASCADE.desired };
    for (const fk of ['on', 'off']) {
      const v = judge(await oracle.run(job(c, fk, right, null)), fk);
      assert.ok(v.converged && v.rowsKept, `${fk}: ${v.why}`);
    }
    // D1-like: the same files, each inside a transaction, where PRAGMA foreign_keys=OFF does nothing:
    // DROP TABLE parent deletes its rows first, which cascades to child and nulls other.parent_id.
    const d1 = await oracle.run(job(c, 'd1', right, null));
    assert.ok(d1.up.lost_rows.some((l) => l.startsWith('child')), JSON.stringify(d1.up));
    assert.ok(d1.up.lost_rows.some((l) => l.startsWith('other')), JSON.stringify(d1.up));
    assert.equal(judge(d1, 'd1').safe, false);
    // The pragma inside the migration's own transaction is the same mistake with foreign keys on.
    const inside = [{ name: 'all in one', sql: `PRAGMA foreign_keys = OFF;\n${REBUILD}PRAGMA foreign_keys = ON;`, tx: true }];
    const v = judge(await oracle.run(job(c, 'on', inside, null)), 'on');
    assert.ok(v.converged && !v.rowsKept, v.why ?? 'rows kept');
  });

  it('a migration whose second run changes rows before failing is caught', async (t) => {
    if (!needOracle(t)) return;
    const c = { beforeSql: 'CREATE TABLE t (id integer PRIMARY KEY, name text);\n', desiredSql: 'CREATE TABLE t (id integer PRIMARY KEY, name text, note text);\n' };
    const good = [{ name: 'add', sql: 'ALTER TABLE t ADD COLUMN note text;', tx: false }];
    const g = judge(await oracle.run(job(c, 'on', good, [{ name: 'drop', sql: 'ALTER TABLE t DROP COLUMN note;', tx: false }])), 'on');
    assert.ok(g.converged && g.rowsKept && g.rerunClean && g.rollback, g.why);
    const bad = [{ name: 'add', sql: "INSERT INTO t (name) VALUES ('again');\nALTER TABLE t ADD COLUMN note text;", tx: false }];
    const r = await oracle.run(job(c, 'on', bad, null));
    assert.ok(r.rerun.error && r.rerun.changes.length, JSON.stringify(r.rerun));
    assert.equal(judge(r, 'on').rerunClean, false);
    // inside a transaction the same file fails and changes nothing: clean
    const tx = await oracle.run(job(c, 'on', bad.map((f) => ({ ...f, tx: true })), null));
    assert.ok(judge(tx, 'on').rerunClean, JSON.stringify(tx.rerun));
  });

  it('a down file that does not undo the migration is caught', async (t) => {
    if (!needOracle(t)) return;
    for (const c of evolutions.slice(0, 40)) {
      if (REFERENCE_LIMITS[c.id]) continue;
      const up = await oracle.reference(c.beforeSql, c.desiredSql);
      const v = judge(await oracle.run(job(c, 'on', up, [])), 'on');
      assert.equal(v.rollback, false, `${c.id}: an empty down file passed`);
    }
  });
});

// --- the generator ----------------------------------------------------------------------------

let generatorError = null;
try {
  generate(JSON.stringify({ run_id: 'probe', timestamps: { finished_at: '2025-01-01T00:00:00Z' }, scope: { dialect: 'sqlite' }, diffs: [] }), 'SQLite', {});
} catch (e) {
  if (/dialect/i.test(e.message)) generatorError = e;
}

describe('the generator on the SQLite corpus', { concurrency: 1 }, () => {
  it('the generator knows --dialect sqlite', () => {
    assert.equal(generatorError, null, `generate(…, 'SQLite') refused the dialect: ${generatorError?.message}`);
  });
  if (generatorError) return;
  for (const c of cases) {
    for (const tool of TOOLS) {
      it(`${c.id} ${tool}`, async (t) => {
        if (!needOracle(t)) return;
        const r = { id: c.id, tool, modes: {} };
        let files;
        try {
          const out = generate(JSON.stringify(c.summary), 'SQLite', { migrationTool: tool, allowDestructive: true, undo: true });
          files = toolFiles(out, tool);
        } catch (e) {
          r.generateError = `generate: ${e.code ?? ''} ${e.message}`;
        }
        if (files) {
          for (const fk of MODES) r.modes[fk] = judge(await oracle.run(job(c, fk, files.up, fk === 'd1' ? null : files.down)), fk);
        }
        const excluded = EXCLUDED[c.id];
        const noRollback = ROLLBACK_EXCLUDED[c.id];
        r.excluded = Boolean(excluded);
        r.noRollback = Boolean(noRollback);
        const okMode = (fk) => {
          const v = r.modes[fk];
          if (fk === 'd1') return Boolean(v?.safe);
          return good(v) && (noRollback ? v.rollback === false : v.rollback !== false);
        };
        r.ok = excluded ? !(good(r.modes.on) && good(r.modes.off)) : MODES.every(okMode);
        results.push(r);
        if (r.generateError) assert.ok(excluded, r.generateError);
        if (excluded) {
          assert.ok(!(good(r.modes.on) && good(r.modes.off)), `${c.id} is excluded (${excluded}) but now converges: remove it from EXCLUDED`);
          return;
        }
        for (const fk of MODES) {
          const v = r.modes[fk];
          if (fk === 'd1') {
            assert.ok(v.safe, `D1-like: rows lost or a partial change: ${v.why}`);
          } else {
            assert.ok(good(v), `foreign keys ${fk}: ${v.why}`);
            if (noRollback) assert.equal(v.rollback, false, `${c.id} is in ROLLBACK_EXCLUDED (${noRollback}) but now rolls back`);
            else assert.notEqual(v.rollback, false, `foreign keys ${fk}: ${v.why}`);
          }
        }
      });
    }
  }
});

function printTable() {
  if (!results.length) return;
  const rows = [['SQLite ' + (oracle?.version ?? ''), 'runs', 'converged', 'rows kept', 're-run clean', 'rolled back', 'no rollback', 'excluded', 'failed']];
  for (const fk of ['on', 'off']) {
    const r = results.map((x) => ({ ...x, v: x.modes[fk] }));
    rows.push([
      `foreign keys ${fk.toUpperCase()}`,
      String(r.length),
      String(r.filter((x) => x.v?.converged).length),
      String(r.filter((x) => x.v?.converged && x.v.rowsKept).length),
      String(r.filter((x) => x.v?.converged && x.v.rerunClean).length),
      String(r.filter((x) => x.v?.rollback === true).length),
      String(r.filter((x) => x.v?.converged && x.v.rollback === null).length),
      String(r.filter((x) => x.excluded).length),
      String(r.filter((x) => !x.ok && (x.excluded ? good(x.v) : !(good(x.v) && (x.noRollback ? x.v.rollback === false : x.v.rollback !== false)))).length),
    ]);
  }
  const d1 = results.map((x) => x.modes.d1);
  rows.push(['D1-like (FK on, in a transaction)', String(results.length), String(d1.filter((v) => v?.converged).length),
    String(d1.filter((v) => v?.safe).length) + ' safe', '', '', '', '', String(d1.filter((v) => !v?.safe).length)]);
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  const line = (r) => r.map((c, i) => (i ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ');
  console.log(`\nSQLite convergence (case x tool; tools: ${TOOLS.join(', ')})\n${line(rows[0])}\n${widths.map((w) => '-'.repeat(w)).join('  ')}`);
  for (const r of rows.slice(1)) console.log(line(r));
  const byCase = new Map();
  for (const x of results) byCase.set(x.id, [...(byCase.get(x.id) ?? []), x]);
  const all = [...byCase.values()];
  const every = (xs, f) => xs.every((x) => ['on', 'off'].every((fk) => f(x.modes[fk])));
  console.log(`  per case (all ${TOOLS.length} tools, foreign keys on and off): ${all.length} cases, ` +
    `${all.filter((xs) => every(xs, good)).length} converge keeping every row and re-run clean, ` +
    `${all.filter((xs) => every(xs, (v) => v?.rollback === true)).length} roll back, ` +
    `${all.filter((xs) => xs.every((x) => x.modes.d1?.safe)).length} safe D1-like, ` +
    `${all.filter((xs) => xs[0].excluded).length} excluded, ${all.filter((xs) => xs[0].noRollback).length} without rollback (listed), ` +
    `${all.filter((xs) => xs.some((x) => !x.ok)).length} failing`);
  const noDown = results.filter((x) => x.modes.on?.converged && x.modes.on.rollback === null);
  if (noDown.length) console.log(`  no down files: ${noDown.map((x) => `${x.id} ${x.tool}`).join(', ')}`);
  for (const x of results.filter((y) => !y.ok)) {
    const why = x.generateError ?? MODES.map((fk) => x.modes[fk]?.why && `${fk}: ${x.modes[fk].why}`).filter(Boolean).join(' | ');
    console.log(`  FAILED ${x.id} ${x.tool}: ${why}`);
  }
}
