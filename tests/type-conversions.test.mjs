// Which type changes the generator writes and which it refuses (impossible_type_change), checked
// against real servers so that its tables (src/types.rs) cannot drift from them:
//
// - PostgreSQL 15: for every ordered pair of 43 types (built-in scalars of each kind, and arrays),
//   the migration of a type_mismatch diff runs on an empty table exactly when generate() accepts
//   the diff, and a refused one fails with `cannot cast type …`; the undo statement, where one is
//   given, runs too, and it is withheld exactly when the change back is refused. Then the same
//   verdicts against the server's own catalog: a conversion exists when pg_cast has a row for the
//   pair, when either type is a string type (typcategory 'S': I/O conversion) or when both are
//   the same type.
// - MariaDB 10.11 for the MySQL dialect: every ordered pair of 14 types (numbers, bits, dates and
//   times, strings, blobs, JSON, spatial types) runs `MODIFY COLUMN` on an empty table exactly
//   when generate() accepts it.
// - NUMERIC(5,2) → NUMERIC(3,4) (a scale above the precision, PostgreSQL 15) is destructive and
//   blocked without allowDestructive.
//
// Under CI=true a server that cannot start fails the suite.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { startMariaDB, startPostgres } from './db/servers.mjs';
import { generate } from './support/wasm.mjs';

const CI = /^(true|1|yes)$/i.test(process.env.CI ?? '');

function report(dialect, from, to) {
  const object = dialect === 'postgres' ? { schema: 'public', table: 't', column: 'c' } : { table: 't', column: 'c' };
  return {
    workflow: 'smartspec_data_model_validator',
    version: 'fixtures/1',
    report_format: 'smartspec.dmv.summary/1',
    run_id: 'type-conversions',
    status: 'fail',
    timestamps: { finished_at: '2025-01-01T00:00:00Z' },
    scope: { dialect },
    diffs: [{
      id: 'D001',
      kind: 'type_mismatch',
      destructive: false,
      hazards: [],
      object,
      expected: { name: 'c', type: to, nullable: true, default: null },
      actual: { name: 'c', type: from, nullable: true, default: null },
    }],
  };
}

/** {refused: error} or {sql, reverse} for one type change. */
function verdict(dialect, from, to) {
  try {
    const out = generate(JSON.stringify(report(dialect, from, to)), dialect === 'postgres' ? 'PostgreSQL' : 'MySQL',
      { allowDestructive: true });
    const steps = out.statements.filter((s) => s.operation === 'alter_column_type');
    assert.equal(steps.length, 1, `${from} -> ${to}: one step`);
    return { sql: steps[0].sql, reverse: steps[0].reverse_sql, note: steps[0].reverse_note };
  } catch (e) {
    if (e.code !== 'impossible_type_change') throw e;
    assert.equal(e.path, '$.diffs[0].expected.type');
    assert.match(e.message, /\(diff D001\)/);
    return { refused: e };
  }
}

function pairs(types) {
  const out = [];
  for (const from of types) for (const to of types) if (from !== to) out.push([from, to]);
  return out;
}

function useServer(start, name) {
  const state = { server: null, error: null };
  before(async () => {
    try { state.server = await start(); } catch (e) { state.error = e; }
  });
  after(async () => { await state.server?.stop(); });
  state.ready = (t) => {
    if (state.server) return true;
    if (CI) throw state.error;
    t.skip(`${name} unavailable: ${state.error?.message}`);
    return false;
  };
  return state;
}

/** Report spellings, one or more per kind of PostgreSQL type. */
const PG_TYPES = [
  'boolean', 'smallint', 'integer', 'bigint', 'real', 'double precision', 'numeric(10,2)', 'money',
  'text', 'varchar(20)', 'char(5)', 'bytea', 'date', 'time', 'timetz', 'timestamp', 'timestamptz',
  'interval', 'json', 'jsonb', 'jsonpath', 'uuid', 'inet', 'cidr', 'macaddr', 'macaddr8', 'bit(8)',
  'bit varying(8)', 'oid', 'point', 'line', 'lseg', 'box', 'path', 'polygon', 'circle', 'xml',
  'tsvector', 'tsquery', 'pg_lsn', 'integer[]', 'text[]', 'timestamp[]',
];

const dollar = (s) => {
  assert.ok(!s.includes('$q$'));
  return `$q$${s}$q$`;
};

describe('PostgreSQL 15: the type changes written are the ones the server can make', { concurrency: 1 }, () => {
  const pg = useServer(startPostgres, 'PostgreSQL');
  const all = pairs(PG_TYPES);
  const verdicts = new Map(all.map(([f, t]) => [`${f}>${t}`, verdict('postgres', f, t)]));

  it(`each of ${all.length} changes runs on an empty table exactly when it is not refused; so does its undo`, async (t) => {
    if (!pg.ready(t)) return;
    const db = 'type_conversions';
    await pg.server.createDatabase(db);
    let script = 'CREATE TABLE results (i int PRIMARY KEY, fwd text, rev text);\n';
    all.forEach(([from, to], i) => {
      const v = verdicts.get(`${from}>${to}`);
      // The refused ones are tried with the cast the generator would have written.
      const fwd = v.refused
        ? `ALTER TABLE "public"."t" ALTER COLUMN "c" TYPE ${to} USING "c"::${to}`
        : v.sql;
      const rev = v.reverse
        ? `BEGIN EXECUTE ${dollar(v.reverse)}; rev := 'ok'; EXCEPTION WHEN others THEN rev := SQLERRM; END;`
        : '';
      script += `DO $t$ DECLARE fwd text := 'ok'; rev text; BEGIN
  CREATE TABLE "public"."t" ("c" ${from});
  BEGIN EXECUTE ${dollar(fwd)}; EXCEPTION WHEN others THEN fwd := SQLERRM; END;
  IF fwd = 'ok' THEN ${rev} END IF;
  INSERT INTO results VALUES (${i}, fwd, rev);
  DROP TABLE "public"."t";
END $t$;\n`;
    });
    await pg.server.exec(script, db);
    const rows = await pg.server.queryJson('SELECT row_to_json(r) FROM results r ORDER BY i', db);
    assert.equal(rows.length, all.length);
    const wrong = [];
    let refused = 0;
    for (const row of rows) {
      const [from, to] = all[row.i];
      const v = verdicts.get(`${from}>${to}`);
      if (v.refused) {
        refused += 1;
        if (row.fwd === 'ok') wrong.push(`${from} -> ${to}: refused, yet the server makes it`);
        else if (!/^cannot cast type /.test(row.fwd)) wrong.push(`${from} -> ${to}: refused; the server fails otherwise: ${row.fwd}`);
      } else {
        if (row.fwd !== 'ok') wrong.push(`${from} -> ${to}: written, and the server fails: ${row.fwd}`);
        else if (v.reverse && row.rev !== 'ok') wrong.push(`${from} -> ${to}: its undo fails: ${row.rev}`);
        const back = verdicts.get(`${to}>${from}`);
        if (!v.reverse !== Boolean(back.refused)) {
          wrong.push(`${from} -> ${to}: undo ${v.reverse ? 'given' : 'withheld'}, yet ${to} -> ${from} is ${back.refused ? 'refused' : 'written'}`);
        }
        if (!v.reverse) assert.match(v.note, /no cast takes the new type back/);
      }
    }
    assert.deepEqual(wrong, []);
    // Both verdicts are common: the check proves something either way.
    assert.ok(refused > 300 && refused < all.length - 300, `${refused} of ${all.length} refused`);
  });

  it('the verdicts agree with pg_cast, string types and same types', async (t) => {
    if (!pg.ready(t)) return;
    const scalars = PG_TYPES.filter((ty) => !ty.endsWith('[]'));
    const values = scalars.map((ty, i) => `(${i}, '${ty}'::regtype::oid)`).join(', ');
    const rows = await pg.server.queryJson(`
      WITH ty(i, oid) AS (VALUES ${values})
      SELECT json_build_object('from', a.i, 'to', b.i, 'cast', EXISTS (
          SELECT 1 FROM pg_cast c WHERE c.castsource = a.oid AND c.casttarget = b.oid)
        OR a.oid = b.oid
        OR (SELECT typcategory FROM pg_type WHERE oid = a.oid) = 'S'
        OR (SELECT typcategory FROM pg_type WHERE oid = b.oid) = 'S')
      FROM ty a, ty b WHERE a.i <> b.i`);
    assert.equal(rows.length, scalars.length * (scalars.length - 1));
    const wrong = rows
      .map((r) => [scalars[r.from], scalars[r.to], r.cast])
      .filter(([from, to, cast]) => cast === Boolean(verdicts.get(`${from}>${to}`).refused))
      .map(([from, to, cast]) => `${from} -> ${to}: pg_cast says ${cast ? 'possible' : 'impossible'}`);
    assert.deepEqual(wrong, []);
  });
});

/** Report spellings of MySQL types (portable `timestamp` is DATETIME(6)). */
const MY_TYPES = [
  'int', 'decimal(10,2)', 'bit(8)', 'boolean', 'date', 'timestamp', 'time', 'year', 'varchar(20)',
  'text', 'blob', 'json', 'point', 'geometry',
];

describe('MySQL dialect on MariaDB 10.11: the type changes written are the ones the server can make', { concurrency: 1 }, () => {
  const my = useServer(startMariaDB, 'MariaDB');
  const all = pairs(MY_TYPES);

  it(`each of ${all.length} changes runs on an empty table exactly when it is not refused`, async (t) => {
    if (!my.ready(t)) return;
    const db = 'type_conversions';
    await my.server.createDatabase(db);
    const created = MY_TYPES.map((ty) => {
      // The column as the generator writes it: the `actual` side of a change from it.
      const other = ty === 'text' ? 'varchar(20)' : 'text';
      const v = verdict('mysql', other, ty);
      return v.refused ? null : v.sql.match(/MODIFY COLUMN `c` (.*) NULL;$/)[1];
    });
    let script = `CREATE TABLE results (i int PRIMARY KEY, ok int, msg text);
DELIMITER //
CREATE PROCEDURE try_change(IN n int, IN create_sql text, IN change_sql text)
BEGIN
  DECLARE CONTINUE HANDLER FOR SQLEXCEPTION
    BEGIN GET DIAGNOSTICS CONDITION 1 @msg = MESSAGE_TEXT; SET @ok = 0; END;
  SET @ok = 1, @msg = NULL;
  DROP TABLE IF EXISTS t;
  SET @s = create_sql; PREPARE st FROM @s; EXECUTE st; DEALLOCATE PREPARE st;
  SET @s = change_sql; PREPARE st FROM @s; EXECUTE st; DEALLOCATE PREPARE st;
  INSERT INTO results VALUES (n, @ok, @msg);
END //
DELIMITER ;
`;
    const verdicts = [];
    all.forEach(([from, to], i) => {
      const v = verdict('mysql', from, to);
      verdicts.push(v);
      const fromSql = created[MY_TYPES.indexOf(from)];
      const toSql = created[MY_TYPES.indexOf(to)];
      assert.ok(fromSql && toSql, `${from}, ${to}: spelled`);
      const change = v.refused ? `ALTER TABLE \`t\` MODIFY COLUMN \`c\` ${toSql} NULL` : v.sql.replace(/;$/, '');
      const q = (s) => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
      script += `CALL try_change(${i}, ${q(`CREATE TABLE t (c ${fromSql})`)}, ${q(change)});\n`;
    });
    await my.server.exec(script, db);
    const rows = (await my.server.query('SELECT i, ok, COALESCE(msg, \'\') FROM results ORDER BY i', db))
      .split('\n').filter(Boolean).map((l) => l.split('\t'));
    assert.equal(rows.length, all.length);
    const wrong = [];
    let refused = 0;
    for (const [i, ok, msg] of rows) {
      const [from, to] = all[Number(i)];
      const v = verdicts[Number(i)];
      if (v.refused) refused += 1;
      if (v.refused && ok === '1') wrong.push(`${from} -> ${to}: refused, yet the server makes it`);
      if (!v.refused && ok !== '1') wrong.push(`${from} -> ${to}: written, and the server fails: ${msg}`);
    }
    assert.deepEqual(wrong, []);
    assert.ok(refused > 20 && refused < all.length - 20, `${refused} of ${all.length} refused`);
  });
});

describe('a scale above the precision (PostgreSQL 15)', () => {
  it('NUMERIC(5,2) -> NUMERIC(3,4) is narrowing: destructive, blocked without allowDestructive', () => {
    const text = JSON.stringify(report('postgres', 'numeric(5,2)', 'numeric(3,4)'));
    const out = generate(text, 'PostgreSQL', {});
    const [s] = out.statements;
    assert.ok(s.risks.some((r) => r.code === 'narrowing-type-change'), JSON.stringify(s.risks));
    assert.equal(s.destructive, true);
    assert.equal(s.blocked, true);
    assert.equal(out.blocked, true);
    assert.match(out.files[0].content, /BLOCKED/);
    const allowed = generate(text, 'PostgreSQL', { allowDestructive: true });
    assert.equal(allowed.statements[0].blocked, false);
    assert.equal(allowed.blocked, false);
  });

  it('NUMERIC(2,4) -> NUMERIC(3,4) gains a digit before the point: not destructive', () => {
    const out = generate(JSON.stringify(report('postgres', 'numeric(2,4)', 'numeric(3,4)')), 'PostgreSQL', {});
    assert.deepEqual(out.statements[0].risks, []);
    assert.equal(out.statements[0].blocked, false);
  });
});
