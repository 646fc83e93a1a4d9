// Resource limits: reports over the documented size (64 MiB, src/report.rs MAX_REPORT_BYTES) or
// nesting depth (serde_json's 128 levels) are refused with a clear error — `too_large` — never
// with a crash, an out-of-memory or a hang; hostile JS objects (deep, cyclic) handed to the wasm
// generate() do not take the process or the module down; a large legitimate report still works.
//   node --test tests/limits.test.mjs      (needs the wasm module: scripts/build.sh)
//
// Risky calls run in a child process, so a crash shows up as a failed assertion rather than as
// the end of the test run, and a wasm instance broken by one case cannot hide the next.

import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

import { CLI, PKG, RUN123, cleanup, makeProject, names, snapshot, tempDir } from './support/cli.mjs';

after(cleanup);

const MAX = 64 * 1024 * 1024;
/** Generous bound for "the CLI stays responsive" on a loaded two-core machine. */
const RESPONSIVE_MS = 20_000;
const NODE_ENTRY = path.join(PKG, 'node.js');

/** Runs the CLI in `cwd`, timing it. */
function timedCli(cwd, args) {
  const started = Date.now();
  const r = spawnSync(process.execPath, [CLI, ...args], {
    cwd,
    encoding: 'utf8',
    timeout: 120_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.error) throw r.error;
  return { code: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr, ms: Date.now() - started };
}

/**
 * Runs `body` (the text of an async function body with `generate` and `base` — run-123 as an
 * object — in scope) in a fresh Node process. The body returns a JSON-able value, printed as the
 * last line of stdout. Afterwards the child calls generate(run-123) once more and reports whether
 * the module still works.
 */
function inChild(body) {
  const script = `
import { generate } from ${JSON.stringify(NODE_ENTRY)};
import fs from 'node:fs';
const base = JSON.parse(fs.readFileSync(${JSON.stringify(path.join(PKG, '..', RUN123))}, 'utf8'));
const attempt = (f) => {
  const started = Date.now();
  try {
    const r = f();
    return { ok: true, files: r.files.length, nothing: r.nothing_to_do ?? null, ms: Date.now() - started };
  } catch (e) {
    return { ok: false, code: e?.code ?? null, path: e?.path ?? null, message: String(e?.message ?? e).slice(0, 4000), isError: e instanceof Error, ms: Date.now() - started };
  }
};
const result = await (async () => { ${body} })();
const afterwards = attempt(() => generate(base, null, {}));
process.stdout.write('\\n' + JSON.stringify({ result, afterwards }) + '\\n');
`;
  const started = Date.now();
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    encoding: 'utf8',
    timeout: 120_000,
    maxBuffer: 16 * 1024 * 1024,
  });
  const ms = Date.now() - started;
  const last = r.stdout.trim().split('\n').pop();
  let parsed = null;
  try {
    parsed = JSON.parse(last);
  } catch {
    // reported below
  }
  return { status: r.status, signal: r.signal, stderr: r.stderr, ms, ...parsed };
}

/** A report of exactly `size` bytes: run-123's run id and a padding string. */
function paddedReport(size) {
  const head = '{"run_id":"run-123","pad":"';
  const tail = '"}';
  return head + 'a'.repeat(size - head.length - tail.length) + tail;
}

/** run-123 with the value of its default replaced by JSON nested `depth` levels deep. */
function nestedDefault(depth) {
  const text = fs.readFileSync(path.join(PKG, '..', RUN123), 'utf8');
  const report = JSON.parse(text);
  report.diffs[0].expected.default = { kind: 'literal', value: '@@NESTED@@' };
  return JSON.stringify(report).replace('"@@NESTED@@"', '['.repeat(depth) + ']'.repeat(depth));
}

describe('size: 64 MiB', () => {
  test('the CLI refuses a report one byte over 64 MiB with a clear message, exit 2, quickly, writing nothing', () => {
    const dir = makeProject();
    fs.writeFileSync(path.join(dir, 'big.json'), paddedReport(MAX + 1));
    const r = timedCli(dir, ['--validation-report', 'big.json', '--apply']);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /^error: big\.json: \$: the report is 67108865 bytes; the generator reads at most 67108864 bytes \(64 MiB\)$/m);
    assert.equal(r.stdout, '');
    assert.ok(r.ms < RESPONSIVE_MS, `took ${r.ms} ms`);
    assert.deepEqual(names(snapshot(dir, { skip: ['examples', 'big.json'] })), []);
  });

  test('a report of exactly 64 MiB is not refused for its size', () => {
    const dir = makeProject();
    fs.writeFileSync(path.join(dir, 'exact.json'), paddedReport(MAX));
    assert.equal(fs.statSync(path.join(dir, 'exact.json')).size, MAX);
    const r = timedCli(dir, ['--validation-report', 'exact.json', '--json']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).status, 'nothing_to_do');
    assert.ok(r.ms < RESPONSIVE_MS, `took ${r.ms} ms`);
  });

  test('the CLI refuses a 1 GiB report without reading it into memory: the same message, exit 2, quickly', () => {
    const dir = makeProject();
    const file = path.join(dir, 'huge.json');
    // Sparse: no disk is used, but reading it would take a gigabyte of memory.
    fs.closeSync(fs.openSync(file, 'w'));
    fs.truncateSync(file, 1024 * 1024 * 1024);
    const r = timedCli(dir, ['--validation-report', 'huge.json']);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /huge\.json: .*the report is 1073741824 bytes; the generator reads at most 67108864 bytes \(64 MiB\)/);
    assert.ok(r.ms < RESPONSIVE_MS, `took ${r.ms} ms`);
  });

  test('wasm generate(): text over 64 MiB throws too_large at $, and the module keeps working', () => {
    const c = inChild(`
      const text = '{"run_id":"run-123","pad":"' + 'a'.repeat(${MAX}) + '"}';
      return attempt(() => generate(text, null, {}));
    `);
    assert.equal(c.status, 0, c.stderr);
    assert.equal(c.result.ok, false);
    assert.equal(c.result.code, 'too_large');
    assert.equal(c.result.path, '$');
    assert.match(c.result.message, /reads at most 67108864 bytes \(64 MiB\)/);
    assert.equal(c.afterwards.ok, true, JSON.stringify(c.afterwards));
    assert.ok(c.ms < RESPONSIVE_MS, `took ${c.ms} ms`);
  });
});

describe('depth: 128 levels', () => {
  test('the CLI refuses a report nested 10 000 levels deep: exit 2, the message names the place, no crash', () => {
    const dir = makeProject();
    fs.writeFileSync(path.join(dir, 'deep.json'), nestedDefault(10_000));
    const r = timedCli(dir, ['--validation-report', 'deep.json']);
    assert.equal(r.signal, null);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /^error: deep\.json: \$\.diffs\[0\]\.expected\.default\.value.*: values nested more than 128 levels deep/m);
    assert.ok(r.ms < RESPONSIVE_MS, `took ${r.ms} ms`);
    assert.deepEqual(names(snapshot(dir, { skip: ['examples', 'deep.json'] })), []);
  });

  test('wasm generate(): text nested 10 000 levels throws too_large where the generator reads free JSON', () => {
    const c = inChild(`
      return attempt(() => generate(${JSON.stringify(nestedDefault(10_000))}, null, {}));
    `);
    assert.equal(c.status, 0, c.stderr);
    assert.equal(c.result.ok, false, JSON.stringify(c.result));
    assert.equal(c.result.code, 'too_large', JSON.stringify(c.result));
    assert.match(c.result.path, /^\$\.diffs\[0\]\.expected\.default\.value\[0\]/);
    assert.match(c.result.message, /values nested more than 128 levels deep/);
    assert.equal(c.afterwards.ok, true, JSON.stringify(c.afterwards));
  });

  test('wasm generate(): 10 000 levels where the contract wants a name or an object are refused at once', () => {
    // Typed fields stop at the first value of the wrong type, long before any depth limit.
    const c = inChild(`
      const deep = (n) => '['.repeat(n) + ']'.repeat(n);
      const inDiffs = '{"run_id":"run-123","diffs":' + deep(10000) + '}';
      const inColumns = '{"run_id":"run-123","diffs":[{"id":"D1","kind":"missing_table","expected":{"columns":' + deep(10000) + '}}]}';
      return [inDiffs, inColumns].map((t) => attempt(() => generate(t, null, {})));
    `);
    assert.equal(c.status, 0, c.stderr);
    assert.deepEqual(c.result.map((r) => [r.ok, r.code]), [[false, 'invalid_value'], [false, 'invalid_value']]);
    assert.match(c.result[0].path, /^\$\.diffs\[0\]/);
    assert.match(c.result[1].path, /^\$\.diffs\[0\]\.expected\.columns/);
    assert.equal(c.afterwards.ok, true, JSON.stringify(c.afterwards));
  });

  test('wasm generate(): 10 000 levels under keys the generator skips do not crash it', () => {
    // Unknown keys and results[] are skipped without recursion (serde_json's ignore), so any
    // depth there costs nothing; the report is read as if they were absent.
    const c = inChild(`
      const deep = (n) => '{"a":'.repeat(n) + '1' + '}'.repeat(n);
      const text = '{"run_id":"run-123","unknown":' + deep(10000) + ',"results":[' + deep(10000) + ']}';
      return attempt(() => generate(text, null, {}));
    `);
    assert.equal(c.status, 0, c.stderr);
    assert.ok(c.result.ok || c.result.code === 'too_large', JSON.stringify(c.result));
    assert.equal(c.afterwards.ok, true, JSON.stringify(c.afterwards));
  });

  test('wasm generate(): a JS object nested 10 000 levels deep is refused, and the module keeps working', () => {
    const c = inChild(`
      let deep = 1;
      for (let i = 0; i < 10000; i++) deep = [deep];
      const report = structuredClone(base);
      report.diffs[0].expected.default = { kind: 'literal', value: deep };
      return attempt(() => generate(report, null, {}));
    `);
    assert.equal(c.status, 0, c.stderr);
    assert.equal(c.result.ok, false, JSON.stringify(c.result));
    assert.ok(c.result.isError, JSON.stringify(c.result));
    // The object crosses as JSON text; too deep for JSON.stringify, or for the reader after it.
    assert.ok(['too_large', 'invalid_value'].includes(c.result.code), JSON.stringify(c.result));
    assert.equal(c.result.path, '$');
    assert.equal(c.afterwards.ok, true, `the module no longer works: ${JSON.stringify(c.afterwards)}`);
  });
});

describe('cyclic JS objects', () => {
  const cases = {
    'in a default value (read as free JSON)': `const v = {}; v.self = v; r.diffs[0].expected.default = { kind: 'literal', value: v };`,
    'under an unknown key': `const v = {}; v.self = v; r.extra = v;`,
    'in results[]': `const v = []; v.push(v); r.results = [v];`,
    'a diff object pointing at itself': `r.diffs[0].object.self = r.diffs[0].object;`,
    'a table whose columns hold the table': `r.diffs[0].expected.columns = [r.diffs[0].expected];`,
    'the report inside its own diff': `r.diffs[0].expected.default = { kind: 'literal', value: r };`,
  };
  for (const [label, build] of Object.entries(cases)) {
    test(`${label}: no crash, at most an Error with a code, and the module keeps working`, () => {
      const c = inChild(`
        const r = structuredClone(base);
        ${build}
        return attempt(() => generate(r, null, {}));
      `);
      assert.equal(c.signal, null, c.stderr);
      assert.equal(c.status, 0, c.stderr);
      if (!c.result.ok) {
        assert.ok(c.result.isError, JSON.stringify(c.result));
        assert.equal(typeof c.result.code, 'string', `an error without a code: ${JSON.stringify(c.result)}`);
      }
      assert.equal(c.afterwards.ok, true, `the module no longer works: ${JSON.stringify(c.afterwards)}`);
      assert.ok(c.ms < RESPONSIVE_MS, `took ${c.ms} ms`);
    });
  }
});

describe('a large legitimate report', () => {
  test('a 5 MB report with 1 200 tables still generates, applies and stays within the time bound', () => {
    const dir = makeProject();
    const diffs = [];
    for (let t = 0; diffs.length < 1200; t++) {
      const columns = [];
      for (let c = 0; c < 24; c++) {
        columns.push({
          name: `column_${c}_with_a_fairly_long_name`,
          type: ['text', 'integer', 'timestamptz', 'varchar(120)', 'numeric(12,2)', 'boolean'][c % 6],
          nullable: c % 3 !== 0,
          default: c % 6 === 1 ? { kind: 'literal', value: c } : null,
          comment: `column ${c} of table ${t}: ${'x'.repeat(40)}`,
        });
      }
      diffs.push({
        id: `D${String(t + 1).padStart(5, '0')}`,
        kind: 'missing_table',
        object: { schema: 'public', table: `table_${t}` },
        expected: {
          name: `table_${t}`,
          columns,
          primary_key: { name: `table_${t}_pkey`, columns: ['column_0_with_a_fairly_long_name'] },
          indexes: [{ name: `table_${t}_c2_idx`, columns: ['column_2_with_a_fairly_long_name'], unique: false }],
        },
        actual: null,
      });
    }
    const report = {
      workflow: 'smartspec_data_model_validator',
      report_format: 'smartspec.dmv.summary/1',
      run_id: '20250101-000000Z-large',
      timestamps: { finished_at: '2025-01-01T00:00:00Z' },
      scope: { dialect: 'postgres', default_schema: 'public' },
      diffs,
    };
    const text = JSON.stringify(report, null, 1);
    assert.ok(text.length > 5_000_000 && text.length < MAX, `${text.length} bytes`);
    fs.writeFileSync(path.join(dir, 'large.json'), text);
    const r = timedCli(dir, ['--validation-report', 'large.json', '--apply', '--quiet']);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(r.ms < RESPONSIVE_MS * 2, `took ${r.ms} ms`);
    const migrations = fs.readdirSync(path.join(dir, 'db/migrations'));
    assert.equal(migrations.length, 1, migrations.join(', '));
    const sql = fs.readFileSync(path.join(dir, 'db/migrations', migrations[0]), 'utf8');
    assert.equal(sql.match(/^CREATE TABLE IF NOT EXISTS /gm).length, 1200);
    assert.ok(sql.includes('CREATE TABLE IF NOT EXISTS "public"."table_1199" ('));
  });
});
