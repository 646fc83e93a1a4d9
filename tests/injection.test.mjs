// Hostile report content, proven harmless on real servers (PostgreSQL 15 and MariaDB 10.11).
//
// Every string of HOSTILE is put into every place of a report that reaches the SQL: names of
// tables, columns, constraints, indexes, enum types and schemas; enum values, literal defaults,
// strings inside check expressions, table and column comments; and into the places that must
// refuse anything unusual: types, default expressions, whole check expressions, foreign-key
// actions, identity. For each, generate() either refuses the report — with a stable error code and
// a JSON path that points at the hostile value — or writes a migration that is then run twice on
// a real server over a database holding a `canary` table with one row. The canary must survive
// with its row, the server must hold no database, role or object it did not hold before outside
// the test database, and the test database must equal, catalog for catalog, one built from DDL
// that quotes the hostile value independently of the generator (comments are read back and
// compared byte for byte).
//
// run_id, scope.spec_id, scope.spec_path, the validator version and diff ids reach only comments
// and file names: the output of a report holding a hostile value there must differ, line by line,
// from the output of a report holding a plain word only in comment lines, and a file name made
// from them must be a plain name. The CLI refuses a hostile run_id with exit 2 and writes nothing.
//
//   node --test tests/injection.test.mjs          (after scripts/build.sh)
//
// One server pair for the whole file. Under CI=true a server that cannot start fails the suite;
// elsewhere its tests are skipped with a banner.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import { diffCatalogs } from './db/compare.mjs';
import { introspect } from './db/introspect.mjs';
import { startMariaDB, startPostgres } from './db/servers.mjs';
import { listRefused } from './fixtures/fixtures.mjs';
import { CLI } from './support/cli.mjs';
import { generate } from './support/wasm.mjs';

const CI = /^(true|1|yes)$/i.test(process.env.CI ?? '');

// ---------------------------------------------------------------------------------------------
// The hostile strings

export const HOSTILE = {
  single_quote: "it's",
  quote_breakout: "x'); DROP TABLE canary; --",
  double_quote: 'say "hi"',
  double_quote_breakout: 'x"; DROP TABLE canary; --',
  backtick: 'a`b',
  backtick_breakout: 'x`; DROP TABLE canary; -- x',
  semicolon: 'a;b',
  line_comment: 'a -- b',
  block_comment: 'a /* b',
  block_comment_end: 'a */ b',
  mysql_executable_comment: '/*!50000 DROP TABLE canary */',
  hash_comment: 'a # b',
  dollar_quote: '$$; DROP TABLE canary; $$',
  dollar_tag: '$x$; DROP TABLE canary; $x$',
  generator_dollar_tag: '$smartspec$; DROP TABLE canary; --',
  backslash_quote: "x\\'; DROP TABLE canary; -- x",
  double_backslash: 'a\\\\b',
  trailing_backslash: 'a\\',
  psql_meta_command: 'x\\! touch /tmp/smartspec-pwned',
  psql_variable: "x :'USER' :USER",
  question_mark: 'a ? b',
  nul: 'a\u0000b',
  newline_breakout: 'a\nDROP TABLE canary; --',
  carriage_return: 'a\rDROP TABLE canary; --',
  tab: 'a\tb',
  escape: 'a\u001b[31mb',
  next_line: 'a\u0085b',
  line_separator: 'a\u2028b',
  fullwidth_apostrophe: 'x\uFF07; DROP TABLE canary; --',
  right_single_quotation_mark: 'x\u2019; DROP TABLE canary; --',
  modifier_apostrophe: 'x\u02BC; DROP TABLE canary; --',
  fullwidth_quotation_mark: 'x\uFF02; DROP TABLE canary; --',
  fullwidth_grave: 'x\uFF40; DROP TABLE canary; --',
  fullwidth_backslash: 'x\uFF3C\uFF07 b',
  right_to_left_override: 'a\u202Eb',
  byte_order_mark: '\uFEFFa',
  long_10000: 'x'.repeat(10000),
};

/**
 * Names at the edges of the engines' own rules, tried in every place that takes a name
 * (tests/fixtures/README.md, "Names"). PostgreSQL takes them all; MySQL refuses some for some kinds
 * of name only: a character above U+FFFF in any name, a trailing space in database, table, column
 * and index names (not in check names), GEN_CLUST_INDEX as an index name. Whichever are accepted
 * must run. (PRIMARY is left out: MariaDB refuses a check of that name on a table with a primary
 * key, taking it for a duplicate of the key's name, which MySQL 8 does not.)
 */
export const EDGE_NAMES = {
  trailing_space: 'a ',
  only_a_space: ' ',
  leading_space: ' a',
  inner_space: 'a b',
  trailing_no_break_space: 'a\u00A0',
  only_digits: '123',
  emoji: 'a\u{1F600}',
  cjk_extension_b: '\u{20BB7}',
  last_of_the_bmp: 'a\uFFFF',
  gen_clust_index: 'gen_clust_index',
};

/** A hostile string or an edge name, by its key. */
const valueOf = (key) => HOSTILE[key] ?? EDGE_NAMES[key];

/** Strings that no name may hold (the contract: NUL, control characters). */
const NEVER_A_NAME = new Set(['nul', 'newline_breakout', 'carriage_return', 'tab', 'escape', 'next_line']);
/** Over every identifier's length limit: no name the SQL holds may be it. */
const OVER_THE_LIMIT = 'long_10000';
/** Strings a PostgreSQL or MySQL text value cannot hold at all. */
const NEVER_A_VALUE = new Set(['nul']);

// ---------------------------------------------------------------------------------------------
// Quoting written here, independently of the generator, for the `desired` DDL

const quote = {
  postgres: {
    ident: (s) => `"${s.replaceAll('"', '""')}"`,
    // standard_conforming_strings is on (the default): a backslash is an ordinary character
    str: (s) => `'${s.replaceAll("'", "''")}'`,
  },
  mysql: {
    ident: (s) => `\`${s.replaceAll('`', '``')}\``,
    // the default SQL mode: a backslash escapes the next character
    str: (s) => `'${s.replaceAll('\\', '\\\\').replaceAll("'", "''")}'`,
  },
};

const INT = { postgres: 'integer', mysql: 'int' };
/** A column type that can hold a default of 10 000 characters. */
const LONG_TEXT = { postgres: 'text', mysql: 'varchar(10000)' };

// ---------------------------------------------------------------------------------------------
// Where a hostile value goes. Each place builds, for a list of values, the report's diffs and the
// DDL that the database must equal afterwards (appended to BASE), and says which error codes may
// refuse it. `i` numbers the values so that each gets its own objects.

const BASE = {
  postgres: `CREATE TABLE canary (id integer PRIMARY KEY, note text NOT NULL);
INSERT INTO canary VALUES (1, 'alive');
CREATE TABLE parent (id integer NOT NULL, CONSTRAINT parent_pkey PRIMARY KEY (id));
CREATE TABLE t (id integer NOT NULL, note varchar(100), ref_id integer, CONSTRAINT t_pkey PRIMARY KEY (id));
`,
  mysql: `CREATE TABLE canary (id int PRIMARY KEY, note text NOT NULL);
INSERT INTO canary VALUES (1, 'alive');
CREATE TABLE parent (id int NOT NULL, PRIMARY KEY (id));
CREATE TABLE t (id int NOT NULL, note varchar(100), ref_id int, PRIMARY KEY (id), KEY t_ref_id_idx (ref_id));
`,
};

const schemaOf = (d) => (d === 'postgres' ? { schema: 'public' } : {});
const obj = (d, fields) => ({ ...schemaOf(d), ...fields });

const PLACES = [
  {
    name: 'table name',
    codes: ['invalid_name'],
    names: true,
    diffs: (d, values) => values.map((v) => ({
      kind: 'missing_table', object: obj(d, { table: v }),
      expected: { name: v, columns: [{ name: 'id', type: INT[d], nullable: false, default: null }] },
    })),
    ddl: (d, values) => values.map((v) => `CREATE TABLE ${quote[d].ident(v)} (id ${INT[d]} NOT NULL);`).join('\n'),
  },
  {
    name: 'column name',
    codes: ['invalid_name'],
    names: true,
    diffs: (d, values) => values.map((v) => ({
      kind: 'missing_column', object: obj(d, { table: 't', column: v }),
      expected: { name: v, type: INT[d], nullable: true, default: null },
    })),
    ddl: (d, values) => values.map((v) => `ALTER TABLE t ADD COLUMN ${quote[d].ident(v)} ${INT[d]};`).join('\n'),
  },
  {
    name: 'check constraint name',
    codes: ['invalid_name'],
    names: true,
    diffs: (d, values) => values.map((v) => ({
      kind: 'missing_check', object: obj(d, { table: 't', constraint: v }),
      expected: { name: v, expression: d === 'postgres' ? '(id > 0)' : '`id` > 0' },
    })),
    ddl: (d, values) => values.map((v) => `ALTER TABLE t ADD CONSTRAINT ${quote[d].ident(v)} CHECK (id > 0);`).join('\n'),
  },
  {
    name: 'unique constraint name',
    codes: ['invalid_name'],
    names: true,
    diffs: (d, values) => values.map((v) => ({
      kind: 'missing_unique', object: obj(d, { table: 't', constraint: v }),
      expected: { name: v, columns: ['id'] },
    })),
    ddl: (d, values) => values.map((v) => `ALTER TABLE t ADD CONSTRAINT ${quote[d].ident(v)} UNIQUE (id);`).join('\n'),
  },
  {
    name: 'index name',
    codes: ['invalid_name'],
    names: true,
    diffs: (d, values) => values.map((v) => ({
      kind: 'missing_index', object: obj(d, { table: 't', index: v }),
      expected: { name: v, columns: ['note'], unique: false },
    })),
    ddl: (d, values) => values.map((v) => `CREATE INDEX ${quote[d].ident(v)} ON t (note);`).join('\n'),
  },
  {
    name: 'foreign key name',
    codes: ['invalid_name'],
    names: true,
    diffs: (d, values) => values.map((v) => ({
      kind: 'missing_foreign_key', object: obj(d, { table: 't', constraint: v }),
      expected: {
        name: v, columns: ['ref_id'], references: { ...schemaOf(d), table: 'parent', columns: ['id'] },
        on_delete: 'cascade', on_update: 'restrict',
      },
    })),
    ddl: (d, values) => values
      .map((v) => `ALTER TABLE t ADD CONSTRAINT ${quote[d].ident(v)} FOREIGN KEY (ref_id) REFERENCES parent (id) ON DELETE CASCADE ON UPDATE RESTRICT;`)
      .join('\n'),
  },
  {
    name: 'enum type name',
    codes: ['invalid_name'],
    names: true,
    // MySQL enums live on their columns: the name is never written, and is no identifier there.
    written: (d) => d === 'postgres',
    diffs: (d, values) => values.flatMap((v, i) => [
      { kind: 'missing_enum', object: obj(d, { enum: v, ...(d === 'mysql' ? { table: 't', column: `e${i}` } : {}) }), expected: { name: v, values: ['on', 'off'] } },
      { kind: 'missing_column', object: obj(d, { table: 't', column: `e${i}` }), expected: { name: `e${i}`, type: 'enum', enum: v, nullable: true, default: null } },
    ]),
    ddl: (d, values) => values
      .map((v, i) => (d === 'postgres'
        ? `CREATE TYPE ${quote[d].ident(v)} AS ENUM ('on', 'off');\nALTER TABLE t ADD COLUMN e${i} ${quote[d].ident(v)};`
        : `ALTER TABLE t ADD COLUMN e${i} enum('on','off');`))
      .join('\n'),
  },
  {
    name: 'enum value',
    codes: ['invalid_value'],
    diffs: (d, values) => values.flatMap((v, i) => (d === 'postgres'
      ? [
        { kind: 'missing_enum', object: obj(d, { enum: `en${i}` }), expected: { name: `en${i}`, values: ['ok', v] } },
        { kind: 'missing_column', object: obj(d, { table: 't', column: `e${i}` }), expected: { name: `e${i}`, type: 'enum', enum: `en${i}`, nullable: true, default: { kind: 'literal', value: v } } },
      ]
      : [
        { kind: 'missing_column', object: obj(d, { table: 't', column: `e${i}` }), expected: { name: `e${i}`, type: 'enum', enum: `t_e${i}`, enum_values: ['ok', v], nullable: true, default: { kind: 'literal', value: v } } },
      ])),
    ddl: (d, values) => values
      .map((v, i) => (d === 'postgres'
        ? `CREATE TYPE en${i} AS ENUM ('ok', ${quote[d].str(v)});\nALTER TABLE t ADD COLUMN e${i} en${i} DEFAULT ${quote[d].str(v)};`
        : `ALTER TABLE t ADD COLUMN e${i} enum('ok',${quote[d].str(v)}) DEFAULT ${quote[d].str(v)};`))
      .join('\n'),
  },
  {
    name: 'enum type name, a value removed',
    dialects: ['postgres'],
    codes: ['invalid_name'],
    names: true,
    // the type is rebuilt under its name: renamed, created again, the column converted
    before: (d, values) => values
      .map((v, i) => `CREATE TYPE ${quote[d].ident(v)} AS ENUM ('on', 'off', 'gone');\nALTER TABLE t ADD COLUMN r${i} ${quote[d].ident(v)} DEFAULT 'on';`)
      .join('\n'),
    diffs: (d, values) => values.map((v) => ({
      kind: 'enum_values_mismatch', object: obj(d, { enum: v }),
      expected: { values: ['on', 'off'] }, actual: { values: ['on', 'off', 'gone'] },
    })),
    ddl: (d, values) => values
      .map((v, i) => `ALTER TABLE t DROP COLUMN r${i};\nDROP TYPE ${quote[d].ident(v)};\nCREATE TYPE ${quote[d].ident(v)} AS ENUM ('on', 'off');\nALTER TABLE t ADD COLUMN r${i} ${quote[d].ident(v)} DEFAULT 'on';`)
      .join('\n'),
  },
  {
    name: 'enum value, added to a type and kept through a rebuild',
    codes: ['invalid_value'],
    refusedAt: (d, v) => v,
    before: (d, values) => values
      .map((v, i) => (d === 'postgres'
        ? `CREATE TYPE ea${i} AS ENUM ('a');\nCREATE TYPE ek${i} AS ENUM ('a', ${quote[d].str(v)}, 'gone');\nALTER TABLE t ADD COLUMN k${i} ek${i} DEFAULT ${quote[d].str(v)};`
        : `ALTER TABLE t ADD COLUMN k${i} enum('a',${quote[d].str(v)},'gone') DEFAULT ${quote[d].str(v)};`))
      .join('\n'),
    diffs: (d, values) => values.flatMap((v, i) => (d === 'postgres'
      ? [
        { kind: 'enum_values_mismatch', object: obj(d, { enum: `ea${i}` }), expected: { values: ['a', v] }, actual: { values: ['a'] } },
        { kind: 'enum_values_mismatch', object: obj(d, { enum: `ek${i}` }), expected: { values: ['a', v] }, actual: { values: ['a', v, 'gone'] } },
      ]
      : [{
        kind: 'enum_values_mismatch', object: obj(d, { table: 't', column: `k${i}`, enum: `t_k${i}` }),
        expected: { name: `k${i}`, type: 'enum', enum: `t_k${i}`, nullable: true, default: { kind: 'literal', value: v }, values: ['a', v] },
        actual: { name: `k${i}`, type: 'enum', enum: `t_k${i}`, nullable: true, default: { kind: 'literal', value: v }, values: ['a', v, 'gone'] },
      }])),
    ddl: (d, values) => values
      .map((v, i) => (d === 'postgres'
        ? `ALTER TYPE ea${i} ADD VALUE ${quote[d].str(v)};\nALTER TABLE t DROP COLUMN k${i};\nDROP TYPE ek${i};\nCREATE TYPE ek${i} AS ENUM ('a', ${quote[d].str(v)});\nALTER TABLE t ADD COLUMN k${i} ek${i} DEFAULT ${quote[d].str(v)};`
        : `ALTER TABLE t MODIFY COLUMN k${i} enum('a',${quote[d].str(v)}) DEFAULT ${quote[d].str(v)};`))
      .join('\n'),
  },
  {
    name: 'literal default',
    codes: ['invalid_default'],
    // a table each: MySQL rows are at most 65 535 bytes, and the column must hold 10 000 characters
    before: (d, values) => values.map((_, i) => `CREATE TABLE dt${i} (id ${INT[d]});`).join('\n'),
    diffs: (d, values) => values.map((v, i) => ({
      kind: 'missing_column', object: obj(d, { table: `dt${i}`, column: 'd' }),
      expected: { name: 'd', type: LONG_TEXT[d], nullable: true, default: { kind: 'literal', value: v } },
    })),
    ddl: (d, values) => values.map((v, i) => `ALTER TABLE dt${i} ADD COLUMN d ${LONG_TEXT[d]} DEFAULT ${quote[d].str(v)};`).join('\n'),
  },
  {
    name: 'string in a check expression',
    codes: ['invalid_check'],
    refusedAt: (d, v) => `note <> ${quote[d].str(v)}`,
    diffs: (d, values) => values.map((v, i) => ({
      kind: 'missing_check', object: obj(d, { table: 't', constraint: `ck${i}` }),
      expected: { name: `ck${i}`, expression: `note <> ${quote[d].str(v)}` },
    })),
    ddl: (d, values) => values.map((v, i) => `ALTER TABLE t ADD CONSTRAINT ck${i} CHECK (note <> ${quote[d].str(v)});`).join('\n'),
  },
  {
    name: 'quoted name in a check expression',
    codes: ['invalid_check'],
    refusedAt: (d, v) => `${quote[d].ident(v)} > 0`,
    // the column is really there: the check must name it, whatever it is called
    before: (d, values) => values.map((v) => `ALTER TABLE t ADD COLUMN ${quote[d].ident(v)} ${INT[d]};`).join('\n'),
    diffs: (d, values) => values.map((v, i) => ({
      kind: 'missing_check', object: obj(d, { table: 't', constraint: `cq${i}` }),
      expected: { name: `cq${i}`, expression: `${quote[d].ident(v)} > 0` },
    })),
    ddl: (d, values) => values.map((v, i) => `ALTER TABLE t ADD CONSTRAINT cq${i} CHECK (${quote[d].ident(v)} > 0);`).join('\n'),
  },
  {
    name: 'table comment',
    codes: ['invalid_value'],
    diffs: (d, values) => values.map((v, i) => ({
      kind: 'missing_table', object: obj(d, { table: `tc${i}` }),
      expected: { name: `tc${i}`, comment: v, columns: [{ name: 'id', type: INT[d], nullable: true, default: null }] },
    })),
    ddl: (d, values) => values.map((_, i) => `CREATE TABLE tc${i} (id ${INT[d]});`).join('\n'),
    readBack: (d, i) => (d === 'postgres'
      ? `SELECT json_build_object('v', obj_description('tc${i}'::regclass, 'pg_class'));`
      : `SELECT JSON_OBJECT('v', table_comment) FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = 'tc${i}';`),
  },
  {
    name: 'column comment',
    codes: ['invalid_value'],
    diffs: (d, values) => values.map((v, i) => ({
      kind: 'missing_column', object: obj(d, { table: 't', column: `cc${i}` }),
      expected: { name: `cc${i}`, type: INT[d], nullable: true, default: null, comment: v },
    })),
    ddl: (d, values) => values.map((_, i) => `ALTER TABLE t ADD COLUMN cc${i} ${INT[d]};`).join('\n'),
    readBack: (d, i) => (d === 'postgres'
      ? `SELECT json_build_object('v', col_description('t'::regclass, (SELECT attnum FROM pg_attribute WHERE attrelid = 't'::regclass AND attname = 'cc${i}')));`
      : `SELECT JSON_OBJECT('v', column_comment) FROM information_schema.columns WHERE table_schema = DATABASE() AND table_name = 't' AND column_name = 'cc${i}';`),
  },
  {
    name: 'schema name',
    dialects: ['postgres'],
    codes: ['invalid_name'],
    names: true,
    // the schemas exist; the migration creates a table in each
    before: (d, values) => values.map((v) => `CREATE SCHEMA ${quote[d].ident(v)};`).join('\n'),
    diffs: (d, values) => values.map((v) => ({
      kind: 'missing_table', object: { schema: v, table: 'in_schema' },
      expected: { name: 'in_schema', columns: [{ name: 'id', type: INT[d], nullable: true, default: null }] },
    })),
    ddl: (d, values) => values.map((v) => `CREATE TABLE ${quote[d].ident(v)}.in_schema (id ${INT[d]});`).join('\n'),
  },
];

/** Places where nothing unusual is accepted: every hostile string must be refused. */
const REFUSING_PLACES = [
  {
    name: 'type',
    codes: ['invalid_type'],
    diff: (d, v) => ({ kind: 'missing_column', object: obj(d, { table: 't', column: 'c' }), expected: { name: 'c', type: v, nullable: true, default: null } }),
  },
  {
    name: 'default expression',
    codes: ['invalid_default'],
    diff: (d, v) => ({
      kind: 'missing_column', object: obj(d, { table: 't', column: 'c' }),
      expected: { name: 'c', type: LONG_TEXT[d], nullable: true, default: { kind: 'expression', value: v } },
    }),
  },
  {
    name: 'whole check expression',
    codes: ['invalid_check'],
    diff: (d, v) => ({ kind: 'missing_check', object: obj(d, { table: 't', constraint: 'c' }), expected: { name: 'c', expression: v } }),
    // What is one SQL expression is accepted (a bare word, \`a # b\` and \`a ? b\` are operators on
    // PostgreSQL): it must then run harmlessly, as a check or as an error from the server.
    mayRun: true,
  },
  {
    name: 'foreign-key action',
    codes: ['invalid_value'],
    diff: (d, v) => ({
      kind: 'missing_foreign_key', object: obj(d, { table: 't', constraint: 'f' }),
      expected: { name: 'f', columns: ['ref_id'], references: { table: 'parent', columns: ['id'] }, on_delete: v },
    }),
  },
  {
    name: 'identity',
    codes: ['invalid_value'],
    diff: (d, v) => ({ kind: 'missing_column', object: obj(d, { table: 't', column: 'c' }), expected: { name: 'c', type: INT[d], nullable: false, default: null, identity: v } }),
  },
];

// ---------------------------------------------------------------------------------------------
// Reports and errors

function report(dialect, diffs, extra = {}) {
  const { scope, ...rest } = extra;
  return {
    workflow: 'smartspec_data_model_validator',
    version: 'injection/1',
    report_format: 'smartspec.dmv.summary/1',
    run_id: 'injection-test',
    status: 'fail',
    timestamps: { finished_at: '2025-01-01T00:00:00Z' },
    scope: { spec_path: 'specs/injection/spec.md', spec_id: 'injection', dialect, ...schemaDefault(dialect), ...scope },
    diffs: diffs.map((x, i) => ({ id: `D${String(i + 1).padStart(3, '0')}`, ...x })),
    ...rest,
  };
}

function schemaDefault(dialect) {
  return dialect === 'postgres' ? { default_schema: 'public' } : {};
}

const GEN_DIALECT = { postgres: 'PostgreSQL', mysql: 'MySQL' };
const CODES = new Set(['invalid_json', 'invalid_value', 'missing_field', 'invalid_name', 'invalid_type', 'invalid_default',
  'invalid_check', 'duplicate_diff_id', 'unsupported_report_format', 'impossible_type_change', 'missing_version',
  'invalid_option', 'too_large']);

/** generate() on a report object: {out} or {error}. */
function tryGenerate(dialect, rep, options = {}) {
  try {
    return { out: generate(JSON.stringify(rep), GEN_DIALECT[dialect], { allowDestructive: true, ...options }) };
  } catch (error) {
    if (!error.code) throw error;
    return { error };
  }
}

/** The value at a JSON path such as `$.diffs[0].expected.columns[1].name`. */
export function valueAt(root, jsonPath) {
  assert.match(jsonPath, /^\$(\.[A-Za-z_][A-Za-z0-9_]*|\[\d+\])*$/, `not a JSON path: ${jsonPath}`);
  let v = root;
  for (const m of jsonPath.slice(1).matchAll(/\.([A-Za-z_][A-Za-z0-9_]*)|\[(\d+)\]/g)) {
    v = v?.[m[1] ?? Number(m[2])];
  }
  return v;
}

/** A refusal must carry a known code, one of `codes`, and a path that points at the value. */
function assertRefusal(error, rep, value, codes, what) {
  assert.ok(CODES.has(error.code), `${what}: unknown error code ${error.code}`);
  assert.ok(codes.includes(error.code), `${what}: refused with ${error.code} (${error.message}), expected ${codes.join(' or ')}`);
  assert.equal(typeof error.path, 'string', `${what}: the error names no JSON path`);
  const at = valueAt(rep, error.path);
  assert.ok(
    at === value || (Array.isArray(at) && at.includes(value)),
    `${what}: the error path ${error.path} does not point at the hostile value (it holds ${JSON.stringify(at)?.slice(0, 80)})`,
  );
  assert.ok(error.message.includes(error.path), `${what}: the message does not name the path: ${error.message}`);
}

const migrationOf = (out) => out.files.filter((f) => (f.role ?? 'migration') === 'migration').map((f) => f.content).join('\n');

// ---------------------------------------------------------------------------------------------
// Servers and what they hold

const servers = {};
const startErrors = {};

before(async () => {
  const [pg, my] = await Promise.allSettled([startPostgres(), startMariaDB()]);
  for (const [dialect, r] of [['postgres', pg], ['mysql', my]]) {
    if (r.status === 'fulfilled') servers[dialect] = r.value;
    else {
      startErrors[dialect] = r.reason;
      console.error(`\n${'!'.repeat(78)}\n${dialect} server could not start: ${r.reason.message}\n` +
        `${CI ? 'CI=true: its tests FAIL.' : 'Its tests are SKIPPED (CI=true makes this a failure).'}\n${'!'.repeat(78)}\n`);
    }
  }
});

after(async () => {
  await Promise.allSettled(Object.values(servers).map((s) => s.stop()));
});

function serverOrSkip(t, dialect) {
  if (servers[dialect]) return servers[dialect];
  if (CI) throw startErrors[dialect] ?? new Error(`no ${dialect} server`);
  t.skip(`${dialect} server unavailable`);
  return null;
}

/** Everything a database holds, in every schema but the system ones. */
async function objectsIn(server, db) {
  const sql = server.kind === 'postgres'
    ? `SELECT json_build_object('o', 'relation ' || n.nspname || '.' || c.relname || ' ' || c.relkind::text) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast');
SELECT json_build_object('o', 'type ' || n.nspname || '.' || t.typname) FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast');
SELECT json_build_object('o', 'routine ' || p.oid::regprocedure::text) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname NOT IN ('pg_catalog', 'information_schema');
SELECT json_build_object('o', 'schema ' || nspname) FROM pg_namespace WHERE nspname NOT LIKE 'pg_%' AND nspname <> 'information_schema';
SELECT json_build_object('o', 'trigger ' || tgname) FROM pg_trigger WHERE NOT tgisinternal;
SELECT json_build_object('o', 'event trigger ' || evtname) FROM pg_event_trigger;
SELECT json_build_object('o', 'rule ' || rulename) FROM pg_rules WHERE schemaname NOT IN ('pg_catalog');
SELECT json_build_object('o', 'extension ' || extname) FROM pg_extension;
SELECT json_build_object('o', 'publication ' || pubname) FROM pg_publication;`
    : `SELECT JSON_OBJECT('o', CONCAT('table ', table_name, ' ', table_type)) FROM information_schema.tables WHERE table_schema = DATABASE();
SELECT JSON_OBJECT('o', CONCAT('routine ', routine_name)) FROM information_schema.routines WHERE routine_schema = DATABASE();
SELECT JSON_OBJECT('o', CONCAT('trigger ', trigger_name)) FROM information_schema.triggers WHERE trigger_schema = DATABASE();
SELECT JSON_OBJECT('o', CONCAT('event ', event_name)) FROM information_schema.events WHERE event_schema = DATABASE();`;
  return (await server.queryJson(sql, db)).map((r) => r.o).sort();
}

/** What the server holds outside the test databases: databases, roles, objects elsewhere. */
async function serverWide(server) {
  const sql = server.kind === 'postgres'
    ? `SELECT json_build_object('o', 'database ' || datname) FROM pg_database;
SELECT json_build_object('o', 'role ' || rolname || ' ' || rolsuper::text) FROM pg_roles;
SELECT json_build_object('o', 'tablespace ' || spcname) FROM pg_tablespace;
SELECT json_build_object('o', 'setting ' || array_to_string(setconfig, ',')) FROM pg_db_role_setting;`
    : `SELECT JSON_OBJECT('o', CONCAT('database ', schema_name)) FROM information_schema.schemata;
SELECT JSON_OBJECT('o', CONCAT('object ', table_schema, '.', table_name)) FROM information_schema.tables WHERE table_schema NOT LIKE 'inj\\_%';
SELECT JSON_OBJECT('o', CONCAT('routine ', routine_schema, '.', routine_name)) FROM information_schema.routines;
SELECT JSON_OBJECT('o', CONCAT('event ', event_schema, '.', event_name)) FROM information_schema.events;
SELECT JSON_OBJECT('o', CONCAT('global ', variable_name, '=', variable_value)) FROM information_schema.global_variables WHERE variable_name IN ('SQL_MODE', 'GENERAL_LOG', 'READ_ONLY', 'EVENT_SCHEDULER');`;
  return (await server.queryJson(sql, 'postgres' === server.kind ? 'postgres' : undefined)).map((r) => r.o).sort();
}

async function canaryRows(server, db) {
  return (await server.query('SELECT id, note FROM canary;', db)).trim();
}

const MIGRATED = 'inj_migrated';
const DESIRED = 'inj_desired';

/**
 * Runs `migration` twice on BASE (+ `extraBefore`) and proves it harmless and exact: the canary
 * survives with its row, nothing changes outside the database, and the database equals one built
 * from BASE + `extraBefore` + `desiredDdl` (quoted here, not by the generator). Returns the list of
 * problems (empty when all is well).
 */
async function runAndCompare(server, dialect, { migration, extraBefore = '', desiredDdl, readBacks = [] }) {
  const problems = [];
  await server.createDatabase(MIGRATED);
  await server.createDatabase(DESIRED);
  try {
    await server.exec(BASE[dialect] + extraBefore, MIGRATED);
    const wideBefore = await serverWide(server);
    for (const run of ['first', 'second']) {
      try {
        await server.exec(migration, MIGRATED);
      } catch (e) {
        problems.push(`the ${run} run failed: ${e.message.split('\n').slice(0, 4).join(' | ').slice(0, 600)}`);
        break;
      }
    }
    let canary;
    try {
      canary = await canaryRows(server, MIGRATED);
    } catch (e) {
      canary = `(gone: ${e.message.split('\n')[0]})`;
    }
    const alive = dialect === 'postgres' ? '1|alive' : '1\talive';
    if (canary !== alive) problems.push(`the canary did not survive: ${canary}`);
    const wideAfter = await serverWide(server);
    const gained = wideAfter.filter((x) => !wideBefore.includes(x));
    const lost = wideBefore.filter((x) => !wideAfter.includes(x));
    if (gained.length || lost.length) problems.push(`the server changed outside the database: +${JSON.stringify(gained)} -${JSON.stringify(lost)}`);

    await server.exec(BASE[dialect] + extraBefore + desiredDdl, DESIRED);
    const [m, d] = [await introspect(server, MIGRATED), await introspect(server, DESIRED)];
    const diff = diffCatalogs(m, d, { labels: ['migrated', 'desired'] });
    if (diff) problems.push(`the database differs from the desired one: ${diff.differences.slice(0, 3).join('; ')}`);
    const [om, od] = [await objectsIn(server, MIGRATED), await objectsIn(server, DESIRED)];
    const extra = om.filter((x) => !od.includes(x));
    const missing = od.filter((x) => !om.includes(x));
    if (extra.length || missing.length) problems.push(`objects differ: extra ${JSON.stringify(extra)}, missing ${JSON.stringify(missing)}`);
    for (const { sql, want, what } of readBacks) {
      const rows = await server.queryJson(sql, MIGRATED);
      const got = rows[0]?.v;
      if (got !== want) problems.push(`${what} reads back as ${JSON.stringify(got)?.slice(0, 120)}, not ${JSON.stringify(want).slice(0, 120)}`);
    }
  } finally {
    await server.dropDatabase(MIGRATED);
    await server.dropDatabase(DESIRED);
  }
  return problems;
}

/**
 * Runs a migration that may fail on the server: whatever happens, the canary survives, the server
 * is unchanged outside the database, and the database holds no object BASE does not.
 */
async function runHarmlessly(server, dialect, migration) {
  const problems = [];
  await server.createDatabase(MIGRATED);
  await server.createDatabase(DESIRED);
  try {
    await server.exec(BASE[dialect], MIGRATED);
    await server.exec(BASE[dialect], DESIRED);
    const wideBefore = await serverWide(server);
    try {
      await server.exec(migration, MIGRATED);
    } catch {
      // a server error is a harmless outcome here
    }
    const canary = await canaryRows(server, MIGRATED).catch((e) => `(gone: ${e.message.split('\n')[0]})`);
    if (canary !== (dialect === 'postgres' ? '1|alive' : '1\talive')) problems.push(`the canary did not survive: ${canary}`);
    const wideAfter = await serverWide(server);
    if (JSON.stringify(wideAfter) !== JSON.stringify(wideBefore)) problems.push('the server changed outside the database');
    const [om, od] = [await objectsIn(server, MIGRATED), await objectsIn(server, DESIRED)];
    const extra = om.filter((x) => !od.includes(x));
    if (extra.length) problems.push(`objects created: ${JSON.stringify(extra)}`);
  } finally {
    await server.dropDatabase(MIGRATED);
    await server.dropDatabase(DESIRED);
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------
// The tests

const keys = Object.keys(HOSTILE);

describe('hostile values', { concurrency: 2 }, () => {
  for (const dialect of ['postgres', 'mysql']) {
    describe(`on ${dialect === 'postgres' ? 'PostgreSQL' : 'MySQL (MariaDB)'}`, { concurrency: 1 }, () => {
      for (const place of PLACES.filter((p) => !p.dialects || p.dialects.includes(dialect))) {
        it(`${place.name}: refused with its JSON path, or quoted so that it runs as data`, async (t) => {
          // 1. Each value alone: refused (and how), or accepted.
          const accepted = [];
          const failures = [];
          for (const key of place.names ? [...keys, ...Object.keys(EDGE_NAMES)] : keys) {
            const v = valueOf(key);
            const rep = report(dialect, place.diffs(dialect, [v]));
            const { out, error } = tryGenerate(dialect, rep);
            const what = `${place.name} = ${key}`;
            if (error) {
              try {
                assertRefusal(error, rep, place.refusedAt ? place.refusedAt(dialect, v) : v, place.codes, what);
              } catch (e) {
                failures.push(e.message);
              }
            } else {
              const identifier = place.names && (place.written?.(dialect) ?? true);
              if (place.names && NEVER_A_NAME.has(key)) failures.push(`${what}: accepted, but a name may not hold it`);
              else if (identifier && key === OVER_THE_LIMIT) failures.push(`${what}: accepted, but it is over the limit`);
              else if (NEVER_A_VALUE.has(key)) failures.push(`${what}: accepted, but no server can hold it`);
              else accepted.push(key);
              assert.ok(out.files.length > 0);
            }
          }
          const server = serverOrSkip(t, dialect);
          if (!server) return;
          // 2. The accepted ones, all in one migration.
          const runOf = async (ks) => {
            const values = ks.map(valueOf);
            const rep = report(dialect, place.diffs(dialect, values));
            const { out, error } = tryGenerate(dialect, rep);
            if (error) return [`generate() refused the values together: ${error.message}`];
            return runAndCompare(server, dialect, {
              migration: migrationOf(out),
              extraBefore: place.before ? place.before(dialect, values) + '\n' : '',
              desiredDdl: place.ddl(dialect, values),
              readBacks: place.readBack ? ks.map((k, i) => ({ sql: place.readBack(dialect, i), want: valueOf(k), what: `${place.name} ${k}` })) : [],
            });
          };
          // Halves of a failing set are run again until each problem is pinned to its value.
          const locate = async (ks, problems) => {
            if (!problems.length) return;
            if (ks.length === 1) {
              failures.push(...problems.map((p) => `${place.name} = ${ks[0]}: ${p}`));
              return;
            }
            const half = Math.ceil(ks.length / 2);
            for (const part of [ks.slice(0, half), ks.slice(half)]) await locate(part, await runOf(part));
          };
          if (accepted.length) {
            const together = await runOf(accepted);
            const pinned = failures.length;
            await locate(accepted, together);
            // a problem only the values together have
            if (together.length && failures.length === pinned) failures.push(...together.map((p) => `all accepted values together: ${p}`));
          }
          assert.deepEqual(failures, [], `${failures.length} problem(s):\n${failures.join('\n')}`);
        });
      }

      for (const place of REFUSING_PLACES) {
        const title = place.mayRun
          ? `${place.name}: refused with its JSON path, or run harmlessly`
          : `${place.name}: every hostile value is refused with its JSON path`;
        it(title, async (t) => {
          const failures = [];
          for (const key of keys) {
            const v = HOSTILE[key];
            const rep = report(dialect, [place.diff(dialect, v)]);
            const { out, error } = tryGenerate(dialect, rep);
            if (!error && place.mayRun) {
              if (NEVER_A_VALUE.has(key)) failures.push(`${place.name} = ${key}: accepted, but no server can hold it`);
              const server = serverOrSkip(t, dialect);
              if (!server) return;
              const problems = await runHarmlessly(server, dialect, migrationOf(out));
              failures.push(...problems.map((p) => `${place.name} = ${key}: ${p}`));
              continue;
            }
            if (!error) {
              failures.push(`${place.name} = ${key}: accepted`);
              continue;
            }
            try {
              assertRefusal(error, rep, v, place.codes, `${place.name} = ${key}`);
            } catch (e) {
              failures.push(e.message);
            }
          }
          assert.deepEqual(failures, [], failures.join('\n'));
        });
      }

      it('a table comment ending in NUL cannot open the next comment to SQL', async (t) => {
        // psql cuts a line at a NUL: were it written out, the literal would stay open up to the
        // next quote, and the text after that would run as SQL.
        const rep = report(dialect, [{
          kind: 'missing_table', object: obj(dialect, { table: 'tn' }),
          expected: { name: 'tn', comment: 'a\u0000', columns: [{ name: 'id', type: INT[dialect], nullable: true, default: null, comment: '; DROP TABLE canary; --' }] },
        }]);
        const { out, error } = tryGenerate(dialect, rep);
        if (error) {
          assertRefusal(error, rep, 'a\u0000', ['invalid_value'], 'table comment with NUL');
          return;
        }
        const problems = [];
        if (migrationOf(out).includes('\u0000')) problems.push('the migration holds a NUL character');
        const server = serverOrSkip(t, dialect);
        if (server) problems.push(...await runAndCompare(server, dialect, { migration: migrationOf(out), desiredDdl: `CREATE TABLE tn (id ${INT[dialect]});` }));
        assert.deepEqual(problems, [], problems.join('\n'));
      });

      it('the checks here notice a dropped canary, a stray object and a change elsewhere', async (t) => {
        const server = serverOrSkip(t, dialect);
        if (!server) return;
        const stray = dialect === 'postgres'
          ? 'DROP TABLE canary; CREATE TABLE stray (id integer); CREATE FUNCTION f() RETURNS integer LANGUAGE sql AS $$ SELECT 1 $$; CREATE DATABASE inj_elsewhere;'
          : 'DROP TABLE canary; CREATE TABLE stray (id int); CREATE DATABASE inj_elsewhere; CREATE TABLE inj_elsewhere.x (id int);';
        const problems = await runAndCompare(server, dialect, { migration: stray, desiredDdl: '' });
        await server.dropDatabase('inj_elsewhere');
        const text = problems.join('\n');
        assert.match(text, /the canary did not survive/);
        assert.match(text, /the server changed outside the database: \+\[.*inj_elsewhere/);
        assert.match(text, /only in migrated|objects differ: extra \[.*stray/);
        const harmless = await runHarmlessly(server, dialect, stray);
        await server.dropDatabase('inj_elsewhere');
        assert.equal(harmless.length, 3, harmless.join('\n'));
      });

      describe('fields that reach only comments and file names', () => {
        const plain = (field, v) => {
          const diffs = [{
            kind: 'missing_table', object: obj(dialect, { table: 'plain' }),
            expected: { name: 'plain', columns: [{ name: 'id', type: INT[dialect], nullable: true, default: null }] },
          }];
          const rep = report(dialect, diffs);
          if (field === 'run_id') rep.run_id = v;
          if (field === 'scope.spec_id') rep.scope.spec_id = v;
          if (field === 'scope.spec_path') rep.scope.spec_path = v;
          if (field === 'version') rep.version = v;
          if (field === 'diffs[].id') rep.diffs[0].id = v;
          return rep;
        };
        const PATHS = { run_id: '$.run_id', 'scope.spec_id': '$.scope.spec_id', 'scope.spec_path': '$.scope.spec_path', version: '$.version', 'diffs[].id': '$.diffs[0].id' };

        for (const field of ['run_id', 'scope.spec_id', 'scope.spec_path', 'version', 'diffs[].id']) {
          it(`${field}: refused, or confined to comment lines`, async (t) => {
            const failures = [];
            const reference = tryGenerate(dialect, plain(field, 'PLAIN'));
            assert.ok(reference.out, `the plain report is refused: ${reference.error?.message}`);
            const refLines = reference.out.files[0].content.split('\n');
            const runnable = [];
            for (const key of keys) {
              const v = HOSTILE[key];
              const rep = plain(field, v);
              const { out, error } = tryGenerate(dialect, rep);
              if (error) {
                try {
                  assertRefusal(error, rep, v, ['invalid_value', 'invalid_name'], `${field} = ${key}`);
                  assert.equal(error.path, PATHS[field]);
                } catch (e) {
                  failures.push(e.message);
                }
                continue;
              }
              if (field === 'run_id' && !/^[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}$/.test(v)) failures.push(`run_id = ${key}: accepted`);
              const lines = out.files[0].content.split('\n');
              if (lines.length !== refLines.length) {
                failures.push(`${field} = ${key}: the file has ${lines.length} lines, not ${refLines.length}`);
                continue;
              }
              lines.forEach((line, n) => {
                if (line !== refLines[n] && !(line.startsWith('-- ') && refLines[n].startsWith('-- '))) {
                  failures.push(`${field} = ${key}: line ${n + 1} differs outside a comment: ${JSON.stringify(line).slice(0, 120)}`);
                }
              });
              if (/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/.test(out.files[0].content)) {
                failures.push(`${field} = ${key}: a control, line-separator or direction character reached the file`);
              }
              for (const f of out.files) {
                if (!/^[UV][0-9._]+__[A-Za-z0-9_]+\.sql(\.conf)?$/.test(f.name)) failures.push(`${field} = ${key}: file name ${JSON.stringify(f.name)}`);
              }
              const byName = tryGenerate(dialect, rep, { nameFrom: 'spec_id' });
              if (byName.out) {
                for (const f of byName.out.files) {
                  if (!/^[UV][0-9._]+__[A-Za-z0-9_]+\.sql(\.conf)?$/.test(f.name)) failures.push(`${field} = ${key}, named from spec_id: file name ${JSON.stringify(f.name)}`);
                }
              } else if (field === 'scope.spec_id' && byName.error.path !== '$.scope.spec_id') {
                failures.push(`${field} = ${key}, named from spec_id: refused at ${byName.error.path}`);
              }
              runnable.push(out);
            }
            const server = serverOrSkip(t, dialect);
            if (server && runnable.length) {
              // every accepted file runs as the plain one does, and does the same
              const migration = runnable.map(migrationOf).join('\n');
              const problems = await runAndCompare(server, dialect, { migration, desiredDdl: `CREATE TABLE plain (id ${INT[dialect]});` });
              failures.push(...problems.map((p) => `${field}: ${p}`));
            }
            assert.deepEqual(failures, [], failures.join('\n'));
          });
        }
      });
    });
  }
});

// The names generate() refuses for MySQL (tests/fixtures/refused/) are names the server refuses: each
// refused report that carries `mariadb` gives statements written by hand that use the name as the
// migration would, and MariaDB 10.11 must fail them with the error named (`error: null`: MariaDB
// takes what MySQL 8 refuses, and the fixture's `why` says so).
describe('names refused for MySQL are refused by MariaDB too', { concurrency: 1 }, () => {
  const withServerCheck = listRefused().filter((r) => r.mariadb);
  it('there are some, one per rule', () => {
    for (const words of ['above U+FFFF', 'ends with a space', 'MySQL keeps for itself']) {
      assert.ok(withServerCheck.some((r) => r.says?.includes(words)), words);
    }
  });
  withServerCheck.forEach((r, i) => {
    const { sql, error } = r.mariadb;
    it(`${r.name}: ${error === null ? 'MariaDB takes it' : `MariaDB fails with error ${error}`}`, async (t) => {
      const server = serverOrSkip(t, 'mysql');
      if (!server) return;
      const db = `refused_${i}`;
      await server.createDatabase(db);
      try {
        const failure = await server.exec(sql, db).then(() => null, (e) => e);
        if (error === null) assert.equal(failure, null, `MariaDB refused it: ${failure?.message}`);
        else {
          assert.ok(failure, `MariaDB ran it: ${sql}`);
          assert.match(failure.message, new RegExp(`ERROR ${error} `), failure.message);
        }
      } finally {
        await server.dropDatabase(db);
      }
    });
  });
});

/** The CLI is a thin layer over generate(), which sees every hostile string above: a few suffice here. */
const CLI_KEYS = ['single_quote', 'double_quote_breakout', 'semicolon', 'backslash_quote', 'nul', 'newline_breakout',
  'right_to_left_override', 'fullwidth_apostrophe', 'long_10000'];

describe('the CLI with hostile run ids and spec ids', () => {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'smartspec-injection-')));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const listFiles = (root) => {
    const out = [];
    const walk = (rel) => {
      for (const e of fs.readdirSync(path.join(root, rel), { withFileTypes: true })) {
        const r = rel ? `${rel}/${e.name}` : e.name;
        if (e.isDirectory()) walk(r);
        else out.push(r);
      }
    };
    walk('');
    return out.sort();
  };
  const base = () => report('postgres', [{
    kind: 'missing_table', object: obj('postgres', { table: 'plain' }),
    expected: { name: 'plain', columns: [{ name: 'id', type: 'integer', nullable: true, default: null }] },
  }]);

  it('a hostile run_id is refused with exit 2, the path named, and nothing written', () => {
    const failures = [];
    for (const key of [...CLI_KEYS, 'dot_dot', 'slash', 'dot_first']) {
      const v = HOSTILE[key] ?? { dot_dot: '..', slash: 'a/../../b', dot_first: '.hidden' }[key];
      const project = fs.mkdtempSync(path.join(dir, 'p-'));
      const rep = base();
      rep.run_id = v;
      fs.writeFileSync(path.join(project, 'summary.json'), JSON.stringify(rep));
      const r = spawnSync(process.execPath, [CLI, '--validation-report', 'summary.json', '--apply'], { cwd: project, encoding: 'utf8', timeout: 60_000 });
      if (r.status !== 2) failures.push(`run_id = ${key}: exit ${r.status}`);
      if (!r.stderr.includes('$.run_id')) failures.push(`run_id = ${key}: stderr does not name $.run_id: ${r.stderr.slice(0, 200)}`);
      const files = listFiles(project);
      if (files.join() !== 'summary.json') failures.push(`run_id = ${key}: files written: ${files.join(', ')}`);
    }
    const outside = fs.readdirSync(dir).filter((f) => !f.startsWith('p-'));
    if (outside.length) failures.push(`written outside the projects: ${outside.join(', ')}`);
    assert.deepEqual(failures, [], failures.join('\n'));
  });

  it('a hostile spec_id names no file outside the review and migrations folders', () => {
    const failures = [];
    for (const key of [...CLI_KEYS, 'traversal']) {
      const v = HOSTILE[key] ?? '../../../../tmp/evil';
      const project = fs.mkdtempSync(path.join(dir, 'p-'));
      const rep = base();
      rep.scope.spec_id = v;
      fs.writeFileSync(path.join(project, 'summary.json'), JSON.stringify(rep));
      const r = spawnSync(process.execPath, [CLI, '--validation-report', 'summary.json', '--name-from', 'spec_id', '--apply'], { cwd: project, encoding: 'utf8', timeout: 60_000 });
      if (r.status !== 0 && r.status !== 2) failures.push(`spec_id = ${key}: exit ${r.status}: ${r.stderr.slice(0, 200)}`);
      if (r.status === 2 && !r.stderr.includes('$.scope.spec_id')) failures.push(`spec_id = ${key}: refused without naming $.scope.spec_id: ${r.stderr.slice(0, 200)}`);
      for (const f of listFiles(project)) {
        if (f === 'summary.json') continue;
        const ok = /^db\/migrations\/V[0-9._]+__[A-Za-z0-9_]+\.sql$/.test(f)
          || /^\.spec\/reports\/data-migration-generator\/[A-Za-z0-9._-]+\/(V[0-9._]+__[A-Za-z0-9_]+\.sql|report\.md|summary\.json)$/.test(f);
        if (!ok) failures.push(`spec_id = ${key}: wrote ${JSON.stringify(f)}`);
      }
    }
    const outside = fs.readdirSync(dir).filter((f) => !f.startsWith('p-'));
    if (outside.length) failures.push(`written outside the projects: ${outside.join(', ')}`);
    assert.ok(!fs.existsSync('/tmp/evil'), '/tmp/evil was written');
    assert.deepEqual(failures, [], failures.join('\n'));
  });
});
