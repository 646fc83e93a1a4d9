// The hand-written fixtures themselves (tests/fixtures/README.md), and the reports that must be
// refused:
//
// - every fixture folder is complete and its summary.json follows the contract and the corpus
//   conventions (ids, run_id, scope, counts, schemas, named constraints, whole Columns on both
//   sides of column-level diffs);
// - together they cover every diff kind in both dialects, every foreign-key action, identity and
//   AUTO_INCREMENT changes, enum values added and removed, and the special cases (a foreign-key
//   cycle, a self-reference, names at the limits, reserved words, mixed-case and non-ASCII names,
//   names at the edges of the engines' rules);
// - the names of the names-at-limit fixtures are exactly at the limit;
// - each report of tests/fixtures/refused/ is refused by generate() with its error code and JSON
//   path (and, where the file gives `says`, a message that says which rule), and by the CLI
//   (`node pkg/bin/cli.js --validation-report …` in a temporary folder) with exit 2, the JSON path
//   on stderr and nothing written. (Their `mariadb` statements are run by tests/injection.test.mjs.)
//
// Whether the fixtures converge on real servers is tests/convergence.test.mjs; their golden SQL is
// tests/golden-fixtures.test.mjs.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';

import { DIALECTS, generatorDialect, listFixtures, listRefused } from './fixtures/fixtures.mjs';
import { CLI } from './support/cli.mjs';
import { generate } from './support/wasm.mjs';

const fixtures = listFixtures();
const refused = listRefused();

const KINDS = [
  'missing_table', 'extra_table', 'renamed_table',
  'missing_column', 'extra_column', 'renamed_column',
  'type_mismatch', 'nullability_mismatch', 'default_mismatch', 'primary_key_mismatch',
  'missing_foreign_key', 'extra_foreign_key', 'missing_unique', 'extra_unique',
  'missing_index', 'extra_index', 'missing_check', 'extra_check',
  'missing_enum', 'extra_enum', 'enum_values_mismatch',
];
const COLUMN_LEVEL = new Set(['type_mismatch', 'nullability_mismatch', 'default_mismatch', 'renamed_column']);
const SPECIAL = ['fk-cycle', 'self-reference', 'names-at-limit', 'reserved-words', 'mixed-case', 'non-ascii', 'edge-names'];

const diffsOf = (dialect) => fixtures.filter((c) => c.dialect === dialect).flatMap((c) => c.summary.diffs.map((d) => ({ ...d, fixture: c.name })));

/** Every name a report gives: tables, columns, constraints, indexes, enums. */
function namesIn(summary) {
  const out = new Set();
  const add = (n) => typeof n === 'string' && out.add(n);
  const walk = (v, key) => {
    if (Array.isArray(v)) {
      for (const x of v) {
        if (typeof x === 'string' && key === 'columns') add(x);
        else walk(x, key);
      }
    } else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        if (['name', 'table', 'column', 'constraint', 'index', 'enum'].includes(k)) add(x);
        walk(x, k);
      }
    }
  };
  walk(summary.diffs);
  return out;
}

describe('the fixtures', () => {
  it('exist in both dialects', () => {
    for (const d of DIALECTS) assert.ok(fixtures.some((c) => c.dialect === d), `no ${d} fixture`);
  });

  for (const c of fixtures) {
    it(`${c.id}: is complete and follows the contract`, () => {
      for (const f of [`before.${c.dialect}.sql`, `desired.${c.dialect}.sql`, 'summary.json', 'NOTES.md']) {
        assert.ok(fs.existsSync(path.join(c.dir, f)), `${c.id}: ${f} is missing`);
      }
      const notes = fs.readFileSync(path.join(c.dir, 'NOTES.md'), 'utf8');
      assert.match(notes, /^# \S/, `${c.id}: NOTES.md starts with a title`);
      assert.ok(notes.split('\n').length >= 3, `${c.id}: NOTES.md says what the case exercises`);
      const s = c.summary;
      assert.equal(s.workflow, 'smartspec_data_model_validator');
      assert.equal(s.report_format, 'smartspec.dmv.summary/1');
      assert.equal(s.run_id, `fixture-${c.dialect}-${c.name}`);
      assert.equal(s.timestamps?.finished_at, '2025-01-01T00:00:00Z');
      assert.equal(s.scope?.spec_id, c.name);
      assert.equal(s.scope?.spec_path, `${c.dialect}/${c.name}/desired.${c.dialect}.sql`);
      assert.equal(s.scope?.dialect, c.dialect);
      assert.ok(Array.isArray(s.diffs) && s.diffs.length > 0, `${c.id}: no diffs`);
      s.diffs.forEach((d, i) => assert.equal(d.id, `D${String(i + 1).padStart(3, '0')}`, `${c.id}: diff ids run D001, D002, …`));
      const byKind = {};
      for (const d of s.diffs) byKind[d.kind] = (byKind[d.kind] ?? 0) + 1;
      assert.deepEqual(s.summary?.diffs_by_kind, byKind, `${c.id}: summary.diffs_by_kind`);
      assert.equal(s.summary?.diffs_total, s.diffs.length);
      for (const d of s.diffs) {
        const where = `${c.id} ${d.id} (${d.kind})`;
        assert.ok(KINDS.includes(d.kind), `${where}: unknown kind`);
        assert.equal(typeof d.destructive, 'boolean', `${where}: destructive`);
        if (c.dialect === 'postgres') assert.equal(d.object.schema, 'public', `${where}: PostgreSQL objects carry schema public`);
        else assert.ok(!('schema' in d.object), `${where}: MySQL objects have no schema`);
        if (COLUMN_LEVEL.has(d.kind) || (c.dialect === 'mysql' && d.kind === 'enum_values_mismatch')) {
          for (const side of ['expected', 'actual']) {
            for (const key of ['name', 'type', 'nullable', 'default']) {
              assert.ok(d[side] && key in d[side], `${where}: ${side} is a whole Column (${key} is missing)`);
            }
          }
        }
        for (const side of ['expected', 'actual']) {
          const v = d[side];
          if (!v) continue;
          const named = [v.primary_key && c.dialect === 'postgres' ? v.primary_key : null, ...(v.foreign_keys ?? []), ...(v.unique_constraints ?? []), ...(v.indexes ?? []), ...(v.checks ?? [])];
          if (/foreign_key|unique|index|check/.test(d.kind) || (d.kind === 'primary_key_mismatch' && c.dialect === 'postgres')) named.push(v);
          for (const x of named.filter(Boolean)) assert.equal(typeof x.name, 'string', `${where}: constraint and index names are given`);
        }
      }
    });
  }

  for (const dialect of DIALECTS) {
    it(`${dialect}: every diff kind has a fixture`, () => {
      const kinds = new Set(diffsOf(dialect).map((d) => d.kind));
      assert.deepEqual(KINDS.filter((k) => !kinds.has(k)), []);
    });

    it(`${dialect}: every foreign-key action on both events, and identity / AUTO_INCREMENT changes`, () => {
      const fks = diffsOf(dialect).flatMap((d) => [d.expected, ...(d.expected?.foreign_keys ?? [])]).filter((x) => x?.references);
      const actions = dialect === 'postgres' ? ['cascade', 'set_null', 'set_default', 'restrict', 'no_action'] : ['cascade', 'set_null', 'restrict', 'no_action'];
      for (const event of ['on_delete', 'on_update']) {
        assert.deepEqual(actions.filter((a) => !fks.some((fk) => fk[event] === a)), [], `${event}`);
      }
      const defaults = diffsOf(dialect).filter((d) => d.kind === 'default_mismatch');
      if (dialect === 'postgres') {
        const pairs = new Set(defaults.map((d) => `${d.actual.serial ? 'serial' : d.actual.identity ?? 'none'}>${d.expected.identity ?? 'none'}`));
        for (const p of ['none>always', 'none>by_default', 'always>by_default', 'by_default>always', 'by_default>none', 'serial>none', 'serial>always']) {
          assert.ok(pairs.has(p), `identity change ${p}`);
        }
      } else {
        assert.ok(defaults.some((d) => !d.actual.auto_increment && d.expected.auto_increment), 'AUTO_INCREMENT added');
        assert.ok(defaults.some((d) => d.actual.auto_increment && !d.expected.auto_increment), 'AUTO_INCREMENT taken off');
      }
    });

    it(`${dialect}: enum values added and removed${dialect === 'mysql' ? ', on a named table and column' : ''}`, () => {
      const evm = diffsOf(dialect).filter((d) => d.kind === 'enum_values_mismatch');
      const values = (side) => side.values ?? side.enum_values;
      assert.ok(evm.some((d) => values(d.expected).some((v) => !values(d.actual).includes(v))), 'a value added');
      assert.ok(evm.some((d) => values(d.actual).some((v) => !values(d.expected).includes(v))), 'a value removed');
      assert.ok(evm.some((d) => values(d.actual).every((v) => values(d.expected).includes(v)) && values(d.expected).length > values(d.actual).length), 'only values added');
      if (dialect === 'mysql') for (const d of evm) assert.ok(d.object.table && d.object.column, `${d.fixture} ${d.id}: table and column`);
      else for (const d of evm) assert.ok(d.object.enum, `${d.fixture} ${d.id}: the enum`);
    });

    it(`${dialect}: the special cases are there`, () => {
      const names = new Map(fixtures.filter((c) => c.dialect === dialect).map((c) => [c.name, c]));
      for (const s of SPECIAL) assert.ok(names.has(s), `${dialect}/${s} is missing`);
      const reserved = namesIn(names.get('reserved-words').summary);
      for (const w of ['order', 'select', 'user', 'group', 'table']) assert.ok(reserved.has(w), `reserved word ${w}`);
      const mixed = namesIn(names.get('mixed-case').summary);
      for (const w of ['UserAccounts', 'CamelCol']) assert.ok(mixed.has(w), `mixed-case name ${w}`);
      const nonAscii = namesIn(names.get('non-ascii').summary);
      for (const w of ['café', 'ユーザー']) assert.ok(nonAscii.has(w), `non-ASCII name ${w}`);
      // Names at the edges of the engines' rules that must run (tests/fixtures/README.md, "Names").
      const edge = [...namesIn(names.get('edge-names').summary)];
      const has = (what, test) => assert.ok(edge.some(test), `edge-names: ${what}`);
      has('a name of digits only', (n) => /^[0-9]+$/.test(n));
      has('a space inside', (n) => /\S \S/.test(n));
      has('a space at the start', (n) => n.startsWith(' '));
      has('U+FFFF, the last character of the Basic Multilingual Plane', (n) => n.includes('\uFFFF'));
      if (dialect === 'mysql') {
        has('a no-break space at the end', (n) => n.endsWith('\u00A0'));
        has('a check name ending with a space', () => names.get('edge-names').summary.diffs.some((d) => d.expected?.checks?.some((c) => c.name.endsWith(' '))));
      } else {
        has('a space at the end', (n) => n.endsWith(' '));
        has('a character above U+FFFF', (n) => [...n].some((c) => c.codePointAt(0) > 0xffff));
        has('an enum type name ending with a space', () => names.get('edge-names').summary.diffs.some((d) => d.kind === 'missing_enum' && d.object.enum.endsWith(' ')));
        has('names MySQL keeps for its own indexes', (n) => n === 'primary');
      }
      const cycle = names.get('fk-cycle');
      assert.ok(cycle.fromEmpty, 'the foreign-key cycle starts from an empty database');
      const tables = cycle.summary.diffs.filter((d) => d.kind === 'missing_table').map((d) => d.expected);
      assert.equal(tables.length, 2);
      assert.equal(tables[0].foreign_keys[0].references.table, tables[1].name);
      assert.equal(tables[1].foreign_keys[0].references.table, tables[0].name);
      const self = names.get('self-reference').summary.diffs;
      assert.ok(self.some((d) => d.expected?.foreign_keys?.some((fk) => fk.references.table === d.expected.name)), 'a new table references itself');
      assert.ok(self.some((d) => d.kind === 'missing_foreign_key' && d.expected.references.table === d.object.table), 'an existing table gets a self-reference');
    });

    it(`${dialect}: names-at-limit holds names exactly at the limit`, () => {
      const c = fixtures.find((x) => x.dialect === dialect && x.name === 'names-at-limit');
      const length = dialect === 'postgres' ? (n) => Buffer.byteLength(n) : (n) => [...n].length;
      const limit = dialect === 'postgres' ? 63 : 64;
      const names = [...namesIn(c.summary)];
      const enumValues = c.summary.diffs.flatMap((d) => d.expected?.values ?? d.expected?.enum_values ?? []);
      for (const n of [...names, ...enumValues]) assert.ok(length(n) <= limit, `${n} is over the limit`);
      const atLimit = names.filter((n) => length(n) === limit);
      assert.ok(atLimit.length >= 8, `only ${atLimit.length} names at the limit`);
      assert.ok(atLimit.some((n) => Buffer.byteLength(n) > [...n].length), 'a multi-byte name at the limit');
      assert.ok(atLimit.some((n) => /^[\x20-\x7e]+$/.test(n)), 'an ASCII name at the limit');
      assert.ok(enumValues.some((v) => length(v) === limit), 'an enum value at the limit');
    });
  }
});

describe('reports that must be refused (tests/fixtures/refused/)', () => {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'smartspec-refused-')));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('there are some, over the name limit of each dialect', () => {
    assert.ok(refused.some((r) => r.dialect === 'postgres' && r.code === 'invalid_name'));
    assert.ok(refused.some((r) => r.dialect === 'mysql' && r.code === 'invalid_name'));
    const pgOver = refused.find((r) => r.name === 'postgres-table-name-64-bytes');
    const name = pgOver.report.diffs[0].object.table;
    assert.equal(Buffer.byteLength(name), 64);
    assert.ok([...name].length < 63, 'the PostgreSQL name is over in bytes, not in characters');
    const myOver = refused.find((r) => r.name === 'mysql-table-name-65-characters');
    assert.equal([...myOver.report.diffs[0].object.table].length, 65);
  });

  for (const r of refused) {
    it(`${r.name}: generate() refuses it with ${r.code} at ${r.path}`, () => {
      assert.ok(r.why, `${r.name}: says why`);
      let error;
      try {
        generate(JSON.stringify(r.report), generatorDialect(r.dialect), { allowDestructive: true });
      } catch (e) {
        error = e;
      }
      assert.ok(error, `${r.name}: accepted (${r.why})`);
      assert.equal(error.code, r.code, error.message);
      assert.equal(error.path, r.path, error.message);
      assert.ok(error.message.includes(r.path), `the message names the path: ${error.message}`);
      for (const m of r.mentions ?? []) {
        assert.ok(error.message.includes(m), `the message names ${m}: ${error.message}`);
      }
      if (r.says) assert.ok(error.message.includes(r.says), `the message says which rule (${r.says}): ${error.message}`);
    });

    it(`${r.name}: the CLI exits 2, names ${r.path} and writes nothing`, () => {
      const project = fs.mkdtempSync(path.join(dir, `${r.name}-`));
      fs.writeFileSync(path.join(project, 'summary.json'), JSON.stringify(r.report, null, 2));
      const run = spawnSync(process.execPath, [CLI, '--validation-report', 'summary.json', '--allow-destructive', '--apply'], {
        cwd: project, encoding: 'utf8', timeout: 60_000,
      });
      assert.equal(run.status, 2, `exit ${run.status}: ${run.stdout}${run.stderr}`);
      assert.ok(run.stderr.includes(r.path), `stderr does not name ${r.path}: ${run.stderr}`);
      assert.deepEqual(fs.readdirSync(project), ['summary.json'], 'nothing is written');
    });
  }
});
