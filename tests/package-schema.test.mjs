// The JSON Schemas the package ships (pkg/schema/): the validation report the generator reads, and
// the summary.json it writes. Every shipped example and corpus report must be valid, broken reports
// must not be, and every summary.json the CLI writes must be valid and declare no field the schema
// leaves out.
//   node --test tests/package-schema.test.mjs      (needs the wasm module: scripts/build.sh)

import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { createRequire } from 'node:module';

import { EXAMPLES, PKG, ROOT, cleanup, makeProject, readJson, reportDirs, run } from './support/cli.mjs';

after(cleanup);

const require = createRequire(import.meta.url);
const Ajv2020 = require('ajv/dist/2020').default;
const addFormats = require('ajv-formats').default;

const REPORT_SCHEMA = readJson(path.join(PKG, 'schema', 'report.schema.json'));
const SUMMARY_SCHEMA = readJson(path.join(PKG, 'schema', 'summary.schema.json'));

function compile(schema) {
  const ajv = new Ajv2020({ strict: true, strictTypes: false, strictRequired: false, allErrors: true });
  addFormats(ajv);
  return ajv.compile(schema);
}
const validateReport = compile(REPORT_SCHEMA);
const validateSummary = compile(SUMMARY_SCHEMA);

function errorsOf(validate, data) {
  return validate(data) ? [] : validate.errors.map((e) => `${e.instancePath || '/'} ${e.message}${e.params ? ` ${JSON.stringify(e.params)}` : ''}`);
}

function findFiles(dir, name) {
  const out = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...findFiles(p, name));
    else if (e.name === name) out.push(p);
  }
  return out.sort();
}

const exampleReports = findFiles(EXAMPLES, 'summary.json');
const corpusReports = findFiles(path.join(ROOT, 'tests', 'corpus'), 'summary.json');
const node = await import(pathToFileURL(path.join(PKG, 'node.js')).href);

/**
 * Keys of `data` that `schema` does not name under `properties` (following $ref, items,
 * additionalProperties, allOf/anyOf/oneOf), as JSON pointers. The schemas let readers skip unknown
 * fields; this keeps the generator from writing fields its own schema does not describe.
 */
function undeclared(schema, data, root = schema, at = '') {
  const resolve = (s) => {
    while (s && s.$ref) {
      const rest = { ...s };
      delete rest.$ref;
      const target = s.$ref.replace(/^#\//, '').split('/').reduce((o, k) => o[k], root);
      s = { ...target, ...rest, ...(target.properties || rest.properties ? { properties: { ...target.properties, ...rest.properties } } : {}) };
    }
    return s;
  };
  const s = resolve(schema);
  const out = [];
  if (Array.isArray(data)) {
    if (s.items) data.forEach((x, i) => out.push(...undeclared(s.items, x, root, `${at}/${i}`)));
    return out;
  }
  if (data === null || typeof data !== 'object') return out;
  const subs = [s, ...(s.allOf ?? []), ...(s.anyOf ?? []), ...(s.oneOf ?? [])].map(resolve);
  for (const [k, v] of Object.entries(data)) {
    const declared = subs.find((x) => x.properties && k in x.properties);
    if (declared) out.push(...undeclared(declared.properties[k], v, root, `${at}/${k}`));
    else if (s.additionalProperties && typeof s.additionalProperties === 'object') out.push(...undeclared(s.additionalProperties, v, root, `${at}/${k}`));
    else out.push(`${at}/${k}`);
  }
  return out;
}

describe('the schemas themselves', () => {
  test('both are draft 2020-12 schemas that compile in strict mode', () => {
    for (const schema of [REPORT_SCHEMA, SUMMARY_SCHEMA]) {
      assert.equal(schema.$schema, 'https://json-schema.org/draft/2020-12/schema');
      const ajv = new Ajv2020({ strict: true, strictTypes: false, strictRequired: false });
      assert.ok(ajv.validateSchema(schema), JSON.stringify(ajv.errors));
    }
  });

  test('they ship in the package and are exported', () => {
    const pj = readJson(path.join(PKG, 'package.json'));
    for (const f of ['schema/report.schema.json', 'schema/summary.schema.json']) {
      assert.ok(pj.files.includes(f), `${f} is not in files`);
      assert.equal(pj.exports[`./${f}`], `./${f}`);
    }
  });

  test('the summary schema names every operation and risk code the generator knows', () => {
    assert.deepEqual(
      [...SUMMARY_SCHEMA.$defs.riskCode.enum].sort(),
      node.riskCodes().map((r) => r.code).sort(),
    );
  });
});

describe('validation reports', () => {
  test(`every example report is valid (${exampleReports.length})`, () => {
    assert.ok(exampleReports.length >= 3);
    for (const f of exampleReports) {
      assert.deepEqual(errorsOf(validateReport, readJson(f)), [], path.relative(ROOT, f));
    }
  });

  test(`every corpus report is valid (${corpusReports.length})`, () => {
    assert.ok(corpusReports.length >= 300, `only ${corpusReports.length} corpus reports found`);
    const failures = [];
    for (const f of corpusReports) {
      const errors = errorsOf(validateReport, readJson(f));
      if (errors.length) failures.push(`${path.relative(ROOT, f)}: ${errors.slice(0, 3).join('; ')}`);
    }
    assert.deepEqual(failures, []);
  });

  test('unknown fields and unknown diff kinds are allowed, as the contract says', () => {
    const report = readJson(path.join(EXAMPLES, 'run-123', 'summary.json'));
    report.producer_extra = { anything: [1, 2] };
    report.diffs[0].expected.logical_type = 'timestamp';
    report.diffs.push({ id: 'D999', kind: 'missing_trigger', object: { table: 'users' }, expected: { name: 't' }, actual: null });
    assert.deepEqual(errorsOf(validateReport, report), []);
    // The generator reads it too, and warns about the kind it does not know.
    const out = node.generate(report, null, null);
    assert.deepEqual(out.warnings.map((w) => w.code), ['unknown_diff_kind']);
  });

  // Broken reports: each must fail validation at the given place. Where `code` is given, the
  // generator refuses the same report with that error code and path.
  const base = () => readJson(path.join(EXAMPLES, 'run-123', 'summary.json'));
  const broken = [
    { what: 'no run_id', edit: (r) => { delete r.run_id; }, at: '', code: 'missing_field', path: '$.run_id' },
    { what: 'a run_id that is not a plain name', edit: (r) => { r.run_id = '../x'; }, at: '/run_id', code: 'invalid_value', path: '$.run_id' },
    { what: 'a newer report format', edit: (r) => { r.report_format = 'smartspec.dmv.summary/2'; }, at: '/report_format', code: 'unsupported_report_format', path: '$.report_format' },
    { what: 'an unknown dialect', edit: (r) => { r.scope.dialect = 'oracle'; }, at: '/scope/dialect', code: 'invalid_value', path: '$.scope.dialect' },
    { what: 'diffs that is not an array', edit: (r) => { r.diffs = {}; }, at: '/diffs', code: 'invalid_value' },
    { what: 'a diff without kind', edit: (r) => { delete r.diffs[0].kind; }, at: '/diffs/0', code: 'missing_field', path: '$.diffs[0].kind' },
    { what: 'a diff without id', edit: (r) => { delete r.diffs[0].id; }, at: '/diffs/0', code: 'missing_field', path: '$.diffs[0].id' },
    { what: 'missing_column without expected', edit: (r) => { r.diffs[0].expected = null; }, at: '/diffs/0/expected', code: 'missing_field', path: '$.diffs[0].expected' },
    { what: 'a column without type', edit: (r) => { delete r.diffs[0].expected.type; }, at: '/diffs/0/expected', code: 'missing_field', path: '$.diffs[0].expected.type' },
    { what: 'a column type that is a number', edit: (r) => { r.diffs[0].expected.type = 42; }, at: '/diffs/0/expected/type', code: 'invalid_value', path: '$.diffs[0].expected.type' },
    { what: 'nullable as a string', edit: (r) => { r.diffs[0].expected.nullable = 'yes'; }, at: '/diffs/0/expected/nullable', code: 'invalid_value', path: '$.diffs[0].expected.nullable' },
    { what: 'a default of an unknown kind', edit: (r) => { r.diffs[0].expected.default = { kind: 'sql', value: 'now()' }; }, at: '/diffs/0/expected/default', code: 'invalid_default', path: '$.diffs[0].expected.default.kind' },
    { what: 'an expression default that is not a string', edit: (r) => { r.diffs[0].expected.default = { kind: 'expression', value: 1 }; }, at: '/diffs/0/expected/default', code: 'invalid_default', path: '$.diffs[0].expected.default.value' },
    { what: 'an unknown identity', edit: (r) => { r.diffs[0].expected.identity = 'sometimes'; }, at: '/diffs/0/expected/identity', code: 'invalid_value', path: '$.diffs[0].expected.identity' },
    { what: 'an empty column name', edit: (r) => { delete r.diffs[0].object.column; r.diffs[0].expected.name = ''; }, at: '/diffs/0/expected/name', code: 'invalid_name', path: '$.diffs[0].expected.name' },
    { what: 'a table name with a control character', edit: (r) => { r.diffs[0].object.table = 'us\u0007ers'; }, at: '/diffs/0/object/table', code: 'invalid_name', path: '$.diffs[0].object.table' },
    { what: 'a column diff that names no table', edit: (r) => { delete r.diffs[0].object.table; }, at: '/diffs/0/object', code: 'missing_field', path: '$.diffs[0].object.table' },
    {
      what: 'a foreign key action in capitals',
      edit: (r) => {
        r.diffs[0] = {
          id: 'D001', kind: 'missing_foreign_key', object: { schema: 'public', table: 'orders' }, actual: null,
          expected: { columns: ['user_id'], references: { table: 'users', columns: ['id'] }, on_delete: 'CASCADE' },
        };
      },
      at: '/diffs/0/expected/on_delete', code: 'invalid_value', path: '$.diffs[0].expected.on_delete',
    },
    {
      what: 'a foreign key without references',
      edit: (r) => {
        r.diffs[0] = { id: 'D001', kind: 'missing_foreign_key', object: { table: 'orders' }, actual: null, expected: { columns: ['user_id'] } };
      },
      at: '/diffs/0/expected', code: 'missing_field', path: '$.diffs[0].expected.references',
    },
    {
      what: 'an index with no columns',
      edit: (r) => {
        r.diffs[0] = { id: 'D001', kind: 'missing_index', object: { table: 'users' }, actual: null, expected: { name: 'i', columns: [] } };
      },
      at: '/diffs/0/expected/columns', code: 'invalid_value', path: '$.diffs[0].expected.columns',
    },
    {
      what: 'a table without columns',
      edit: (r) => {
        r.diffs[0] = { id: 'D001', kind: 'missing_table', object: { table: 't' }, actual: null, expected: { name: 't' } };
      },
      at: '/diffs/0/expected', code: 'missing_field', path: '$.diffs[0].expected.columns',
    },
    {
      what: 'an enum without values',
      edit: (r) => {
        r.diffs[0] = { id: 'D001', kind: 'missing_enum', object: { schema: 'public', enum: 'mood' }, actual: null, expected: { name: 'mood' } };
      },
      at: '/diffs/0/expected', code: 'missing_field', path: '$.diffs[0].expected.values',
    },
    {
      what: 'a check without expression',
      edit: (r) => {
        r.diffs[0] = { id: 'D001', kind: 'missing_check', object: { table: 'users' }, actual: null, expected: { name: 'c' } };
      },
      at: '/diffs/0/expected', code: 'missing_field', path: '$.diffs[0].expected.expression',
    },
    { what: 'a finished_at that is not a date-time', edit: (r) => { r.timestamps.finished_at = 'yesterday'; }, at: '/timestamps/finished_at' },
    { what: 'an unknown status', edit: (r) => { r.status = 'ok'; }, at: '/status' },
    { what: 'a missing_column whose actual side is not null', edit: (r) => { r.diffs[0].actual = { name: 'last_login_at', type: 'text' }; }, at: '/diffs/0/actual' },
  ];

  for (const b of broken) {
    test(`invalid: ${b.what}`, () => {
      const report = base();
      b.edit(report);
      const errors = errorsOf(validateReport, report);
      assert.ok(errors.length > 0, 'the schema accepts it');
      assert.ok(
        validateReport.errors.some((e) => e.instancePath === b.at),
        `no error at ${JSON.stringify(b.at)}: ${errors.join('; ')}`,
      );
      if (b.code) {
        assert.throws(() => node.generate(JSON.stringify(report), null, null), (e) => {
          assert.equal(e.code, b.code, e.message);
          if (b.path) assert.equal(e.path, b.path, e.message);
          return true;
        });
      }
    });
  }
});

describe("the generator's summary.json", () => {
  // CLI runs over the examples, covering every status, tool and folder option.
  const runs = [
    ['examples/run-123/summary.json'],
    ['examples/run-123/summary.json', '--apply'],
    ['examples/run-123/summary.json', '--dialect', 'mysql', '--name-from', 'spec_id'],
    ['examples/run-123/summary.json', '--migration-tool', 'liquibase', '--apply', '--output-dir', 'db/changelog'],
    ['examples/run-123/summary.json', '--migration-tool', 'raw-sql', '--apply'],
    ['examples/shop-mixed/summary.json'],
    ['examples/shop-mixed/summary.json', '--allow-destructive', '--undo', '--apply'],
    ['examples/shop-mixed/summary.json', '--allow-destructive', '--concurrently', '--out', 'review'],
    ['examples/shop-mixed/summary.json', '--dialect', 'MySQL', '--allow-destructive', '--migration-version', '7.1'],
    ['examples/results-only/summary.json'],
  ];

  test(`every summary.json the CLI writes for the examples is valid (${runs.length} runs)`, () => {
    const seen = new Set();
    for (const [report, ...flags] of runs) {
      const dir = makeProject();
      const r = run(dir, ['--validation-report', report, ...flags]);
      const label = [report, ...flags].join(' ');
      assert.ok(r.code === 0 || r.code === 1, `${label}: exit ${r.code}: ${r.stderr}`);
      const out = flags.includes('--out') ? [flags[flags.indexOf('--out') + 1]] : reportDirs(dir);
      assert.equal(out.length, 1, label);
      const summary = readJson(path.join(dir, out[0], 'summary.json'));
      assert.deepEqual(errorsOf(validateSummary, summary), [], label);
      assert.deepEqual(undeclared(SUMMARY_SCHEMA, summary), [], `${label}: fields pkg/schema/summary.schema.json does not declare`);
      seen.add(summary.status);

      // --json prints the same document.
      const json = run(dir, ['--validation-report', report, ...flags, '--json']);
      assert.deepEqual(JSON.parse(json.stdout), summary, label);
    }
    assert.deepEqual([...seen].sort(), ['blocked', 'generated', 'nothing_to_do']);
  });

  test('buildSummary() over every corpus report, in both allow modes, is valid', () => {
    const failures = [];
    for (const f of corpusReports) {
      for (const allowDestructive of [false, true]) {
        const result = node.generate(fs.readFileSync(f, 'utf8'), null, { allowDestructive });
        const summary = JSON.parse(JSON.stringify(node.buildSummary(result, { reportPath: 'summary.json', allowDestructive })));
        const errors = [...errorsOf(validateSummary, summary), ...undeclared(SUMMARY_SCHEMA, summary).map((p) => `${p} undeclared`)];
        if (errors.length) failures.push(`${path.relative(ROOT, f)}: ${errors.slice(0, 3).join('; ')}`);
      }
    }
    assert.deepEqual(failures, []);
  });

  test('a broken summary is invalid', () => {
    const dir = makeProject();
    assert.equal(run(dir, ['--validation-report', 'examples/run-123/summary.json']).code, 0);
    const good = readJson(path.join(dir, reportDirs(dir)[0], 'summary.json'));
    const cases = [
      [(s) => { s.workflow = 'smartspec_data_model_validator'; }, '/workflow'],
      [(s) => { s.status = 'done'; }, '/status'],
      [(s) => { delete s.scope.dialect; }, '/scope'],
      [(s) => { s.scope.migration_tool = 'alembic'; }, '/scope/migration_tool'],
      [(s) => { s.summary.operations = { add_colum: 1 }; }, '/summary/operations'],
      [(s) => { s.risks[0].codes = ['drop-everything']; }, '/risks/0/codes/0'],
      [(s) => { s.writes.reports = ['/etc/passwd']; }, '/writes/reports/0'],
      [(s) => { s.summary.files[0].name = '../x.sql'; }, '/summary/files/0/name'],
    ];
    for (const [edit, at] of cases) {
      const s = structuredClone(good);
      edit(s);
      assert.equal(validateSummary(s), false, at);
      assert.ok(validateSummary.errors.some((e) => e.instancePath === at), `${at}: ${JSON.stringify(validateSummary.errors)}`);
    }
  });
});
