// Validates the real-database harness itself (servers, introspection, comparison, convergence).
//
//   node --test tests/db/harness.test.mjs
//
// One PostgreSQL and one MariaDB server are started for the whole file; every case gets fresh
// databases. When a server cannot start, the tests of that dialect fail under CI=true and are
// skipped (with a loud message) otherwise.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { diffCatalogs } from './compare.mjs';
import { checkCase, explain } from './converge.mjs';
import { listCases } from './corpus.mjs';
import {
  canonicalNumber,
  looksGenerated,
  normalizeMyDefault,
  normalizeMyType,
  normalizePgDefault,
  normalizePgType,
} from './introspect.mjs';
import { startMariaDB, startPostgres } from './servers.mjs';

const CI = /^(true|1|yes)$/i.test(process.env.CI ?? '');
const ALL_CASES = listCases();

const servers = { postgres: null, mysql: null };
const startErrors = { postgres: null, mysql: null };

before(async () => {
  const [pg, my] = await Promise.allSettled([startPostgres(), startMariaDB()]);
  for (const [dialect, r] of [
    ['postgres', pg],
    ['mysql', my],
  ]) {
    if (r.status === 'fulfilled') servers[dialect] = r.value;
    else {
      startErrors[dialect] = r.reason;
      const banner = '!'.repeat(78);
      console.error(
        `\n${banner}\n${dialect === 'postgres' ? 'PostgreSQL' : 'MariaDB'} could not start: ${r.reason.message}\n` +
          (CI ? 'CI=true: its tests FAIL.' : 'Its tests are SKIPPED (set CI=true to make this a failure).') +
          `\n${banner}\n`,
      );
    }
  }
});

after(async () => {
  await Promise.allSettled(Object.values(servers).filter(Boolean).map((s) => s.stop()));
});

/** The server for a dialect, or null after marking the test skipped; throws under CI. */
function serverFor(t, dialect) {
  const srv = servers[dialect];
  if (srv) return srv;
  const err = startErrors[dialect] ?? new Error(`${dialect} server not started`);
  if (CI) throw err;
  t.skip(`${dialect} server unavailable: ${err.message.split('\n')[0]}`);
  return null;
}

/** What a report diff must show up as in diffCatalogs(before-side, desired-side) lines. */
function expectedPrefixes(d) {
  const o = d.object ?? {};
  const name = o.enum ?? (d.expected ?? d.actual ?? {}).name;
  const side = d.kind.startsWith('missing_') ? 'desired' : 'migrated';
  const at = `table ${o.table}`;
  const col = `${at}: column ${o.column}`;
  switch (d.kind) {
    case 'missing_table':
    case 'extra_table':
      return [`${at}: only in ${side}`];
    case 'missing_column':
    case 'extra_column':
      return [`${col}: only in ${side}`];
    case 'type_mismatch':
      return [`${col}: type`, `${col}: enum`];
    case 'nullability_mismatch':
      return [`${col}: nullable`];
    case 'default_mismatch':
      return [`${col}: default`, `${col}: identity`, `${col}: auto_increment`];
    case 'primary_key_mismatch':
      return [`${at}: primary key`];
    case 'missing_foreign_key':
    case 'extra_foreign_key':
      return [`${at}: foreign key ${name}`];
    case 'missing_unique':
    case 'extra_unique':
      return [`${at}: unique constraint ${name}`];
    case 'missing_index':
    case 'extra_index':
      return [`${at}: index ${name}`];
    case 'missing_check':
    case 'extra_check':
      return [`${at}: check ${name}`];
    case 'missing_enum':
    case 'extra_enum':
      // PostgreSQL: a type; MySQL: the enum lives on a column (new column or new table)
      return o.column
        ? [`${col}: only in ${side}`, `${col}: enum_values`, `${col}: type`, `${at}: only in ${side}`]
        : [`enum ${name}: only in ${side}`];
    case 'enum_values_mismatch':
      return o.column ? [`${col}: enum_values`, `${col}: type`] : [`enum ${name}: values`];
    default:
      return [];
  }
}

// ---------------------------------------------------------------------------------------------
// Pure normalization (no server needed)

describe('normalization', () => {
  it('canonicalNumber', () => {
    assert.equal(canonicalNumber('4.990'), '4.99');
    assert.equal(canonicalNumber('4.99'), '4.99');
    assert.equal(canonicalNumber('-0.0'), '0');
    assert.equal(canonicalNumber('007'), '7');
    assert.equal(canonicalNumber('1.5e2'), '150');
    assert.equal(canonicalNumber('1.23456789e-11'), '0.0000000000123456789');
    assert.equal(canonicalNumber('abc'), null);
    assert.equal(canonicalNumber('.'), null);
  });

  it('PostgreSQL types', () => {
    assert.equal(normalizePgType('character varying(255)'), 'varchar(255)');
    assert.equal(normalizePgType('character varying'), 'character varying');
    assert.equal(normalizePgType('character(10)'), 'char(10)');
    assert.equal(normalizePgType('timestamp without time zone'), 'timestamp');
    assert.equal(normalizePgType('timestamp(6) with time zone'), 'timestamptz(6)');
    assert.equal(normalizePgType('time with time zone'), 'timetz');
    assert.equal(normalizePgType('integer[]'), 'integer[]');
    assert.equal(normalizePgType('character varying(10)[]'), 'varchar(10)[]');
  });

  it('PostgreSQL defaults', () => {
    const lit = (value) => ({ kind: 'literal', value });
    assert.deepEqual(normalizePgDefault("'x'::text", 'text'), lit('x'));
    assert.deepEqual(normalizePgDefault("'x'::character varying", 'varchar(5)'), lit('x'));
    assert.deepEqual(normalizePgDefault("('x'::text)::character varying", 'varchar(5)'), lit('x'));
    assert.deepEqual(normalizePgDefault("'it''s'::text", 'text'), lit("it's"));
    assert.deepEqual(normalizePgDefault('4.990', 'numeric(5,3)'), lit('4.99'));
    assert.deepEqual(normalizePgDefault("'-1'::integer", 'integer'), lit('-1'));
    assert.deepEqual(normalizePgDefault('(-1)', 'integer'), lit('-1'));
    assert.deepEqual(normalizePgDefault("'G'::mpaa_rating", 'mpaa_rating'), lit('G'));
    assert.deepEqual(normalizePgDefault('NULL::text', 'text'), null);
    assert.deepEqual(normalizePgDefault('CURRENT_TIMESTAMP', 'timestamptz'), { kind: 'expression', value: 'now()' });
    assert.deepEqual(normalizePgDefault('now()', 'timestamp'), { kind: 'expression', value: 'now()' });
    assert.deepEqual(normalizePgDefault('CURRENT_DATE', 'date'), { kind: 'expression', value: 'CURRENT_DATE' });
    assert.deepEqual(normalizePgDefault("'4.990'::text", 'text'), lit('4.990'));
  });

  it('MySQL types and defaults', () => {
    assert.deepEqual(normalizeMyType('int(11)'), { type: 'int' });
    assert.deepEqual(normalizeMyType('int(10) unsigned'), { type: 'int unsigned' });
    assert.deepEqual(normalizeMyType('tinyint(1)'), { type: 'boolean' });
    assert.deepEqual(normalizeMyType('year(4)'), { type: 'year' });
    assert.deepEqual(normalizeMyType("enum('a','b''c')"), { type: 'enum', enum_values: ['a', "b'c"] });
    assert.deepEqual(normalizeMyType('VARCHAR(255)'), { type: 'varchar(255)' });
    assert.deepEqual(normalizeMyDefault('NULL', 'int'), null);
    assert.deepEqual(normalizeMyDefault(null, 'int'), null);
    assert.deepEqual(normalizeMyDefault("'it''s'", 'varchar(9)'), { kind: 'literal', value: "it's" });
    assert.deepEqual(normalizeMyDefault('4.990', 'decimal(5,3)'), { kind: 'literal', value: '4.99' });
    assert.deepEqual(normalizeMyDefault('current_timestamp()', 'timestamp'), {
      kind: 'expression',
      value: 'CURRENT_TIMESTAMP',
    });
    assert.deepEqual(normalizeMyDefault('current_timestamp(3)', 'datetime(3)'), {
      kind: 'expression',
      value: 'CURRENT_TIMESTAMP(3)',
    });
  });

  it('server-made names', () => {
    const t = { columns: { a: {}, b: {} }, foreign_keys: [{ name: 'fk_x', columns: ['a'] }] };
    assert.ok(looksGenerated('postgres', 'foreign_keys', 't', { name: 't_a_b_fkey', columns: ['a', 'b'] }, t));
    assert.ok(looksGenerated('postgres', 'unique_constraints', 't', { name: 't_a_key1', columns: ['a'] }, t));
    assert.ok(looksGenerated('postgres', 'checks', 't', { name: 't_a_check', expression: '(a > 0)' }, t));
    assert.ok(looksGenerated('postgres', 'checks', 't', { name: 't_check', expression: '(a > b)' }, t));
    assert.ok(!looksGenerated('postgres', 'checks', 't', { name: 'a_positive', expression: '(a > 0)' }, t));
    assert.ok(!looksGenerated('postgres', 'indexes', 't', { name: 'idx_a', columns: ['a'] }, t));
    assert.ok(looksGenerated('mysql', 'foreign_keys', 't', { name: 't_ibfk_2', columns: ['a'] }, t));
    assert.ok(looksGenerated('mysql', 'indexes', 't', { name: 'a_2', columns: ['a'] }, t));
    assert.ok(looksGenerated('mysql', 'indexes', 't', { name: 'fk_x', columns: ['a'] }, t));
    assert.ok(looksGenerated('mysql', 'checks', 't', { name: 'CONSTRAINT_1', expression: '`a` > 0' }, t));
    assert.ok(!looksGenerated('mysql', 'unique_constraints', 't', { name: 'uq_a', columns: ['a'] }, t));
  });

  it('diffCatalogs names the first differing object', () => {
    const col = (type) => ({ type, nullable: true, default: null });
    const table = (type) => ({
      columns: { id: col('integer'), rating: col(type) },
      primary_key: null,
      foreign_keys: [],
      unique_constraints: [],
      indexes: [],
      checks: [],
    });
    const cat = (type) => ({ dialect: 'postgres', enums: {}, tables: { film: table(type) }, others: [] });
    assert.equal(diffCatalogs(cat('text'), cat('text')), null);
    const d = diffCatalogs(cat('text'), cat('mpaa_rating'));
    assert.equal(d.message, 'table film: column rating: type "text" vs "mpaa_rating"');
    assert.deepEqual(d.differences, [d.message]);
  });
});

// ---------------------------------------------------------------------------------------------
// Real servers

// PostgreSQL and MariaDB run side by side; within a dialect, one case at a time (on a 2-core
// machine, more parallelism only makes PostgreSQL's CREATE DATABASE slower).
describe('real servers', { concurrency: 2 }, () => {
  for (const dialect of ['postgres', 'mysql']) {
    // (suites inherit their parent's concurrency unless they set their own)
    describe(dialect, { concurrency: 1 }, () => {
      dialectSuites(dialect);
      describe('checker behaviour', { concurrency: 1 }, () =>
        dialect === 'postgres' ? postgresBehaviour() : mysqlBehaviour(),
      );
    });
  }
});

function dialectSuites(dialect) {
  const fromEmpty = ALL_CASES.filter((c) => c.dialect === dialect && c.fromEmpty);
  const evolutions = ALL_CASES.filter(
    (c) => c.dialect === dialect && !c.fromEmpty && /^(sakila|chinook)-/.test(c.source),
  );
  const db = (suite, i, role) => `harness_${dialect}_${suite}${i}_${role}`;

  describe('from-empty cases converge with desired as the migration', { concurrency: 1 }, () => {
    it(`the corpus has its from-empty ${dialect} cases`, () => {
      assert.equal(fromEmpty.length, dialect === 'postgres' ? 78 : 31);
    });
    for (const [i, c] of fromEmpty.entries()) {
      it(c.id, async (t) => {
        const server = serverFor(t, dialect);
        if (!server) return;
        const r = await checkCase({
          server,
          dialect,
          beforeSql: c.beforeSql,
          desiredSql: c.desiredSql,
          migrationSql: c.desiredSql,
          beforeDb: db('empty', i, 'a'),
          desiredDb: db('empty', i, 'b'),
          rerun: false,
        });
        assert.ok(r.converged, explain(r));
        assert.equal(r.error, null);
        const { tables, enums } = r.catalogs.desired;
        assert.ok(Object.keys(tables).length + Object.keys(enums).length > 0, 'desired is not empty');
      });
    }
  });

  describe('the checker detects a different schema', { concurrency: 1 }, () => {
    for (const [i, c] of evolutions.entries()) {
      it(`${c.id}: before is not desired, and every report diff shows`, async (t) => {
        const server = serverFor(t, dialect);
        if (!server) return;
        const r = await checkCase({
          server,
          dialect,
          beforeSql: c.beforeSql,
          desiredSql: c.desiredSql,
          migrationSql: '-- no migration\n',
          beforeDb: db('evol', i, 'a'),
          desiredDb: db('evol', i, 'b'),
        });
        assert.equal(r.error, null, explain(r));
        assert.equal(r.converged, false);
        assert.equal(r.rerunClean, true, 'an empty migration changes nothing');
        assert.match(r.firstDifference, /^(enum|table) \S+: /);
        for (const d of c.summary.diffs) {
          const prefixes = expectedPrefixes(d);
          assert.ok(
            r.differences.some((line) => prefixes.some((p) => line.startsWith(p))),
            `${d.id} ${d.kind} ${JSON.stringify(d.object)} not among:\n${r.differences.join('\n')}`,
          );
        }
      });
    }
  });
}

function postgresBehaviour() {
  const run = (t, args) => {
    const server = serverFor(t, 'postgres');
    if (!server) return null;
    return checkCase({ server, dialect: 'postgres', beforeDb: 'harness_pg_x', desiredDb: 'harness_pg_y', ...args });
  };

  it('semantically equal forms compare equal', async (t) => {
    const r = await run(t, {
      beforeSql: '-- empty\n',
      desiredSql: `CREATE TYPE mood AS ENUM ('sad', 'ok');
        CREATE TABLE t (id serial PRIMARY KEY, a int4 DEFAULT '5', b character varying(255) DEFAULT 'x'::text,
          c numeric(5,3) DEFAULT 4.990, d timestamp DEFAULT CURRENT_TIMESTAMP, m mood DEFAULT 'ok'::mood);`,
      migrationSql: `CREATE TYPE mood AS ENUM ('sad', 'ok');
        CREATE TABLE t (id integer GENERATED BY DEFAULT AS IDENTITY, a integer DEFAULT 5, b varchar(255) DEFAULT 'x',
          c numeric(5,3) DEFAULT 4.99, d timestamp without time zone DEFAULT now(), m mood DEFAULT 'ok',
          CONSTRAINT t_pkey PRIMARY KEY (id));`,
      rerun: false,
    });
    if (!r) return;
    assert.ok(r.converged, explain(r));
  });

  it('a stray view, sequence, function or schema is a difference', async (t) => {
    const desiredSql = 'CREATE TABLE t (a int);\n';
    for (const [extra, expected] of [
      ['CREATE VIEW v AS SELECT a FROM t;', 'view v: only in migrated'],
      ['CREATE SEQUENCE s;', 'sequence s: only in migrated'],
      ['CREATE FUNCTION f(x int) RETURNS int LANGUAGE sql AS $$ SELECT x $$;', 'function f(integer): only in migrated'],
      ['CREATE SCHEMA other;', 'schema other: only in migrated'],
      ['CREATE DOMAIN posint AS int CHECK (VALUE > 0);', 'domain posint: only in migrated'],
    ]) {
      const r = await run(t, { beforeSql: '', desiredSql, migrationSql: desiredSql + extra, rerun: false });
      if (!r) return;
      assert.equal(r.firstDifference, expected, explain(r));
    }
  });

  it('differences in constraints, identity and enums are named', async (t) => {
    const cases = [
      [
        'CREATE TABLE p (id int PRIMARY KEY); CREATE TABLE c (p int REFERENCES p ON DELETE CASCADE);',
        'CREATE TABLE p (id int PRIMARY KEY); CREATE TABLE c (p int REFERENCES p ON DELETE RESTRICT);',
        'table c: foreign key c_p_fkey: on_delete "cascade" vs "restrict"',
      ],
      ['CREATE TABLE t (a int GENERATED ALWAYS AS IDENTITY);', 'CREATE TABLE t (a serial);', 'table t: column a: identity "always" vs "by_default"'],
      ["CREATE TYPE e AS ENUM ('a', 'b');", "CREATE TYPE e AS ENUM ('b', 'a');", 'enum e: values ["a","b"] vs ["b","a"]'],
      ['CREATE TABLE t (a int CHECK (a > 0));', 'CREATE TABLE t (a int CHECK (a >= 1));', 'table t: check t_a_check: expression "(a > 0)" vs "(a >= 1)"'],
      ['CREATE TABLE t (a int, b int); CREATE INDEX i ON t (a, b);', 'CREATE TABLE t (a int, b int); CREATE INDEX i ON t (b, a);', 'table t: index i: columns ["a","b"] vs ["b","a"]'],
      ['CREATE TABLE t (a int UNIQUE);', 'CREATE TABLE t (a int); CREATE UNIQUE INDEX t_a_key ON t (a);', 'table t: unique constraint t_a_key: only in migrated'],
    ];
    for (const [migrationSql, desiredSql, expected] of cases) {
      const r = await run(t, { beforeSql: '', desiredSql, migrationSql, rerun: false });
      if (!r) return;
      assert.equal(r.firstDifference, expected, explain(r));
    }
  });

  it('names are compared unless told otherwise', async (t) => {
    const desiredSql = 'CREATE TABLE t (a int, b int, UNIQUE (a), CONSTRAINT b_positive CHECK (b > 0));';
    const renamedGenerated = 'CREATE TABLE t (a int, b int, CONSTRAINT t_a_key1 UNIQUE (a), CONSTRAINT b_positive CHECK (b > 0));';
    const renamedUser = 'CREATE TABLE t (a int, b int, UNIQUE (a), CONSTRAINT b_over_zero CHECK (b > 0));';
    const r1 = await run(t, { beforeSql: '', desiredSql, migrationSql: renamedGenerated, rerun: false });
    if (!r1) return;
    assert.equal(r1.converged, false);
    assert.match(r1.firstDifference, /unique constraint t_a_key1?: only in/);
    const r2 = await run(t, { beforeSql: '', desiredSql, migrationSql: renamedGenerated, rerun: false, ignoreNames: 'generated' });
    assert.ok(r2.converged, explain(r2));
    const r3 = await run(t, { beforeSql: '', desiredSql, migrationSql: renamedUser, rerun: false, ignoreNames: 'generated' });
    assert.equal(r3.converged, false);
    assert.match(r3.firstDifference, /check b_(over_zero|positive): only in/);
    const r4 = await run(t, { beforeSql: '', desiredSql, migrationSql: renamedUser, rerun: false, ignoreNames: 'all' });
    assert.ok(r4.converged, explain(r4));
  });

  it('a migration stops at its first error', async (t) => {
    const server = serverFor(t, 'postgres');
    if (!server) return;
    const r = await checkCase({
      server,
      dialect: 'postgres',
      beforeSql: '',
      desiredSql: 'CREATE TABLE a (x int);',
      migrationSql: 'CREATE TABLE a (x int);\nSELECT no_such_column FROM a;\nCREATE TABLE b (x int);\n',
      beforeDb: 'harness_pg_x',
      desiredDb: 'harness_pg_y',
      keepDatabases: true,
    });
    try {
      assert.equal(r.converged, false);
      assert.equal(r.error.phase, 'migration');
      assert.match(r.error.message, /no_such_column/);
      const tables = await server.query("SELECT string_agg(relname, ',') FROM pg_class WHERE relname IN ('a', 'b')", 'harness_pg_x');
      assert.equal(tables.trim(), 'a');
    } finally {
      await server.dropDatabase('harness_pg_x');
      await server.dropDatabase('harness_pg_y');
    }
  });

  it('the second run must succeed and change nothing', async (t) => {
    const desiredSql = 'CREATE TABLE t (a int);\nCREATE INDEX t_a_idx ON t (a);\n';
    const idempotent = 'CREATE TABLE IF NOT EXISTS t (a int);\nCREATE INDEX IF NOT EXISTS t_a_idx ON t (a);\n';
    const r1 = await run(t, { beforeSql: '', desiredSql, migrationSql: idempotent });
    if (!r1) return;
    assert.ok(r1.converged && r1.rerunClean, explain(r1));

    const r2 = await run(t, { beforeSql: '', desiredSql, migrationSql: desiredSql });
    assert.ok(r2.converged);
    assert.equal(r2.rerunClean, false);
    assert.match(r2.rerunError, /already exists/);

    const unnamed = 'CREATE TABLE IF NOT EXISTS t (a int);\nCREATE INDEX ON t (a);\n';
    const r3 = await run(t, { beforeSql: '', desiredSql, migrationSql: unnamed });
    assert.ok(r3.converged, explain(r3));
    assert.equal(r3.rerunClean, false);
    assert.equal(r3.rerunDifference, 'table t: index t_a_idx1: only in second run');
  });

  it('a broken desired is reported as such', async (t) => {
    const r = await run(t, { beforeSql: '', desiredSql: 'CREATE TABLE t (a no_such_type);', migrationSql: '' });
    if (!r) return;
    assert.equal(r.error.phase, 'desired');
    assert.match(r.error.message, /no_such_type/);
  });
}

function mysqlBehaviour() {
  const run = (t, args) => {
    const server = serverFor(t, 'mysql');
    if (!server) return null;
    return checkCase({ server, dialect: 'mysql', beforeDb: 'harness_my_x', desiredDb: 'harness_my_y', ...args });
  };

  it('semantically equal forms compare equal', async (t) => {
    const r = await run(t, {
      beforeSql: '-- empty\n',
      desiredSql: `CREATE TABLE p (id int(11) NOT NULL AUTO_INCREMENT PRIMARY KEY) ENGINE=InnoDB;
        CREATE TABLE c (id INT PRIMARY KEY, p int(11), d decimal(5,3) DEFAULT 4.990, f tinyint(1) DEFAULT 1,
          KEY p (p), CONSTRAINT c_p FOREIGN KEY (p) REFERENCES p (id) ON DELETE NO ACTION);`,
      migrationSql: `CREATE TABLE p (id int NOT NULL AUTO_INCREMENT, PRIMARY KEY (id));
        CREATE TABLE c (id INT NOT NULL, p int, d decimal(5,3) DEFAULT '4.99', f boolean DEFAULT true,
          PRIMARY KEY (id), KEY p (p), CONSTRAINT c_p FOREIGN KEY (p) REFERENCES p (id) ON DELETE RESTRICT);`,
      rerun: false,
    });
    if (!r) return;
    assert.ok(r.converged, explain(r));
  });

  it('a stray view, procedure or trigger is a difference', async (t) => {
    const desiredSql = 'CREATE TABLE t (a int);\n';
    for (const [extra, expected] of [
      ['CREATE VIEW v AS SELECT a FROM t;', 'view v: only in migrated'],
      ['CREATE PROCEDURE pr() SELECT 1;', 'procedure pr: only in migrated'],
      ['CREATE TRIGGER tr BEFORE INSERT ON t FOR EACH ROW SET NEW.a = 1;', 'trigger tr on t: only in migrated'],
      ['CREATE SEQUENCE s;', 'sequence s: only in migrated'],
    ]) {
      const r = await run(t, { beforeSql: '', desiredSql, migrationSql: desiredSql + extra, rerun: false });
      if (!r) return;
      assert.equal(r.firstDifference, expected, explain(r));
    }
  });

  it('differences are named', async (t) => {
    const cases = [
      [
        "CREATE TABLE t (a enum('x','y'));",
        "CREATE TABLE t (a enum('x','y','z'));",
        'table t: column a: enum_values ["x","y"] vs ["x","y","z"]',
      ],
      ['CREATE TABLE t (a int NOT NULL AUTO_INCREMENT PRIMARY KEY);', 'CREATE TABLE t (a int NOT NULL PRIMARY KEY);', 'table t: column a: auto_increment true vs none'],
      ['CREATE TABLE t (a json);', 'CREATE TABLE t (a text);', 'table t: column a: type "json" vs "text"'],
      ['CREATE TABLE t (a int, CONSTRAINT pos CHECK (a > 0));', 'CREATE TABLE t (a int, CONSTRAINT pos CHECK (a >= 1));', 'table t: check pos: expression "`a` > 0" vs "`a` >= 1"'],
      ['CREATE TABLE t (a int, UNIQUE KEY u (a));', 'CREATE TABLE t (a int, KEY u (a));', 'table t: unique constraint u: only in migrated'],
    ];
    for (const [migrationSql, desiredSql, expected] of cases) {
      const r = await run(t, { beforeSql: '', desiredSql, migrationSql, rerun: false });
      if (!r) return;
      assert.equal(r.firstDifference, expected, explain(r));
    }
  });

  it('a migration stops at its first error, and the second run is checked', async (t) => {
    const r = await run(t, {
      beforeSql: '',
      desiredSql: 'CREATE TABLE a (x int);',
      migrationSql: 'CREATE TABLE a (x int);\nSELECT no_such_column FROM a;\nCREATE TABLE b (x int);\n',
    });
    if (!r) return;
    assert.equal(r.error.phase, 'migration');
    assert.match(r.error.message, /no_such_column/);

    const ok = await run(t, {
      beforeSql: '',
      desiredSql: 'CREATE TABLE a (x int, KEY ix (x));',
      migrationSql: 'CREATE TABLE IF NOT EXISTS a (x int);\nCREATE INDEX IF NOT EXISTS ix ON a (x);\n',
    });
    assert.ok(ok.converged && ok.rerunClean, explain(ok));

    const once = await run(t, {
      beforeSql: '',
      desiredSql: 'CREATE TABLE a (x int);',
      migrationSql: 'CREATE TABLE a (x int);',
    });
    assert.ok(once.converged);
    assert.equal(once.rerunClean, false);
    assert.match(once.rerunError, /already exists/);
  });
}
