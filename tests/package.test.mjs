// The npm package as users get it: `npm pack`, installed from the tarball into a fresh project, then
// used the four ways the README's "JavaScript API" section shows, with the README's own code: the
// CLI through npx, `import` and `require` in Node, a page bundled by Vite (vite@7) and a Web Worker
// that instantiates the module with initSync, both in headless Chromium. Also: what the tarball
// holds, where each condition of the exports map leads, and the TypeScript declarations
// (`tsc --noEmit`, and every runtime export declared).
//   node --test tests/package.test.mjs      (needs the wasm module: scripts/build.sh)

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

import { EXAMPLES, PKG, ROOT, cleanup, readJson, tempDir } from './support/cli.mjs';
import { serve } from './support/static-server.mjs';
import { launch } from './support/browser.mjs';

after(cleanup);

const NAME = 'smartspec-data-migration-generator';
const WASM = 'wasm/smartspec_data_migration_generator_bg.wasm';
const BIN = path.join(ROOT, 'node_modules', '.bin');
const TSC = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');

/** Runs a command; returns {code, stdout, stderr}. */
function sh(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 120_000, ...opts, env: { ...process.env, ...opts.env } });
  if (r.error) throw r.error;
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function ok(r, what) {
  assert.equal(r.code, 0, `${what} failed (exit ${r.code}):\n${r.stdout}\n${r.stderr}`);
  return r;
}

/** The README's "JavaScript API" section: its files (code blocks whose first line names one) and npx lines. */
function readmeExamples() {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const start = readme.indexOf('## The JavaScript API\n');
  assert.ok(start >= 0, 'README.md has no "## The JavaScript API" section');
  const end = readme.indexOf('\n## ', start + 1);
  const section = readme.slice(start, end < 0 ? undefined : end);
  const files = {};
  const npx = [];
  for (const m of section.matchAll(/```(\w+)\n([\s\S]*?)```/g)) {
    const [, lang, body] = m;
    const named = body.match(/^(?:\/\/|<!--)\s*([\w.-]+\.(?:m?js|cjs|html))\s*(?:-->)?\n/);
    if (named) files[named[1]] = body;
    if (lang === 'sh') npx.push(...body.split('\n').filter((l) => l.startsWith('npx ')));
  }
  for (const f of ['generate.mjs', 'generate.cjs', 'index.html', 'main.js', 'worker.js', 'host.js']) {
    assert.ok(files[f], `README.md's JavaScript API section has no example named ${f}`);
  }
  assert.ok(npx.length > 0, "README.md's JavaScript API section has no npx command");
  return { files, npx };
}

let tarball; // {file, files: [paths], size, unpackedSize}
let project; // a project folder with the tarball installed and examples/ copied
const readme = readmeExamples();

before(() => {
  const wasm = path.join(PKG, WASM);
  assert.ok(fs.existsSync(wasm), `${wasm} is missing: run scripts/build.sh first`);
  const dest = tempDir('smartspec-pack-');
  const pack = ok(sh('npm', ['pack', '--json', '--pack-destination', dest], { cwd: PKG }), 'npm pack');
  const [info] = JSON.parse(pack.stdout);
  tarball = { file: path.join(dest, info.filename), files: info.files.map((f) => f.path).sort(), size: info.size, unpackedSize: info.unpackedSize };

  project = tempDir('smartspec-project-');
  fs.writeFileSync(path.join(project, 'package.json'), `${JSON.stringify({ name: 'probe', private: true }, null, 2)}\n`);
  fs.cpSync(EXAMPLES, path.join(project, 'examples'), { recursive: true });
  // The package has no dependencies: installing the tarball needs no registry.
  ok(sh('npm', ['install', '--offline', '--no-audit', '--no-fund', '--loglevel=error', tarball.file], { cwd: project }), 'npm install <tarball>');
  for (const [name, body] of Object.entries(readme.files)) fs.writeFileSync(path.join(project, name), body);
});

const installed = (...p) => path.join(project, 'node_modules', NAME, ...p);

describe('the tarball', () => {
  test('ships the entries, their declarations, the schemas, the CLI and one wasm module; nothing else', () => {
    const required = [
      'README.md', 'LICENSE', 'package.json', 'wasm.d.ts', 'lib/history.js', 'lib/history.d.ts', 'bin/cli.js', 'index.js', 'index.d.ts', 'index.cjs', 'index.d.cts', 'node.js', 'node.d.ts',
      'generator.d.ts', 'lib/files.js', 'lib/files.d.ts', 'lib/migrate.js', 'lib/migrate.d.ts', 'lib/summary.js',
      'lib/summary.d.ts', 'lib/wasm-node.js', 'schema/report.schema.json', 'schema/summary.schema.json',
      'wasm/smartspec_data_migration_generator.js', 'wasm/smartspec_data_migration_generator.cjs', WASM,
    ];
    for (const f of required) assert.ok(tarball.files.includes(f), `${f} is not in the package: ${tarball.files.join(', ')}`);
    // The JavaScript half of the edge, for the ES module glue and (as .cjs) for require().
    const snippets = tarball.files.filter((f) => f.startsWith('wasm/snippets/'));
    assert.deepEqual(
      snippets.map((f) => f.replace(/^wasm\/snippets\/[\w-]+\//, '')).sort(),
      ['src/wasm/edge.cjs', 'src/wasm/edge.js'],
      `snippets: ${snippets.join(', ')}`,
    );
    const allowed = [/^lib\/[\w-]+\.(?:js|d\.ts)$/, /^bin\/[\w-]+\.js$/, /^wasm\/snippets\/[\w-]+\/src\/wasm\/edge\.c?js$/];
    const extra = tarball.files.filter((f) => !required.includes(f) && !allowed.some((re) => re.test(f)));
    assert.deepEqual(extra, [], 'files that should not ship');
    assert.equal(tarball.files.filter((f) => f.endsWith('.wasm')).length, 1, 'the wasm module ships once');
    // The wasm module is most of it; the rest is small (about 205 kB with the Atlas and Sqitch
    // writers of the apply step).
    const wasmSize = fs.statSync(path.join(PKG, WASM)).size;
    assert.ok(tarball.unpackedSize - wasmSize < 215_000, `${tarball.unpackedSize - wasmSize} bytes besides the wasm module`);
  });

  test('package.json: no dependencies, both bins, types, and only files that exist', () => {
    const pj = readJson(installed('package.json'));
    assert.deepEqual(pj.dependencies ?? {}, {});
    assert.deepEqual(Object.keys(pj.bin).sort(), [NAME, 'smartspec-migrate']);
    assert.equal(pj.type, 'module');
    const targets = [];
    const walk = (v) => (typeof v === 'string' ? targets.push(v) : Object.values(v).forEach(walk));
    walk(pj.exports);
    for (const t of [...targets, pj.main, pj.module, pj.types, ...pj.sideEffects, ...Object.values(pj.bin)]) {
      assert.ok(fs.existsSync(installed(t)), `${t} is named in package.json but not installed`);
    }
  });

  test('what a user checks before installing: LICENSE, sideEffects, types for every export; publint and attw clean', () => {
    const pj = readJson(installed('package.json'));
    assert.equal(pj.license, 'MIT');
    const license = fs.readFileSync(installed('LICENSE'), 'utf8');
    assert.match(license, /^MIT License\n\nCopyright \(c\) SmartSpec Data Migration Generator contributors\n/);
    assert.ok(license.includes('THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND'));
    assert.equal(fs.readFileSync(path.join(ROOT, 'LICENSE'), 'utf8'), license, 'the repository and the package carry one license');
    // Only the files that run something at load time are marked as having side effects.
    assert.deepEqual([...pj.sideEffects].sort(), ['./bin/cli.js', './index.cjs', './lib/wasm-node.js', './node.js', './wasm/smartspec_data_migration_generator.cjs']);
    for (const [sub, target] of Object.entries(pj.exports)) {
      if (sub.endsWith('.json')) continue;
      assert.ok(JSON.stringify(target).includes('"types"'), `${sub} has no types`);
    }
    const bin = (name) => path.join(ROOT, 'node_modules', '.bin', name);
    const lint = ok(sh(bin('publint'), ['--strict', tarball.file]), 'publint');
    assert.doesNotMatch(lint.stdout, /Errors?:|Warnings?:|Suggestions?:/, lint.stdout);
    // attw: the one finding left is by design, and README.md says why: ./node and ./wasm are ES
    // modules, reached from CommonJS by import().
    // Into a file: attw ends its process before a pipe has taken all of its JSON.
    const out = path.join(tempDir('smartspec-attw-'), 'attw.json');
    const fd = fs.openSync(out, 'w');
    spawnSync(bin('attw'), [tarball.file, '--format', 'json'], { stdio: ['ignore', fd, 'pipe'], timeout: 120_000 });
    fs.closeSync(fd);
    const problems = JSON.parse(fs.readFileSync(out, 'utf8')).analysis.problems;
    const kinds = new Set(problems.map((x) => x.kind));
    assert.deepEqual([...kinds], ['CJSResolvesToESM'], JSON.stringify(problems, null, 1));
    assert.deepEqual([...new Set(problems.map((x) => x.entrypoint))].sort(), ['./node', './wasm']);
    assert.match(fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8'), /CJSResolvesToESM/);
  });

  test('the exports map: browsers and bundlers, Node import, Node require, ./node, ./wasm, the schemas', () => {
    const resolve = (spec, conditions = [], mode = 'import') => {
      const code = mode === 'import'
        ? `process.stdout.write(import.meta.resolve(${JSON.stringify(spec)}))`
        : `process.stdout.write(require.resolve(${JSON.stringify(spec)}))`;
      const args = [...conditions.map((c) => `--conditions=${c}`), ...(mode === 'import' ? ['--input-type=module'] : []), '-e', code];
      const r = ok(sh(process.execPath, args, { cwd: project }), `resolving ${spec}`);
      return path.relative(installed(), r.stdout.startsWith('file:') ? new URL(r.stdout).pathname : r.stdout);
    };
    assert.equal(resolve(NAME), 'node.js');
    assert.equal(resolve(NAME, [], 'require'), 'index.cjs');
    assert.equal(resolve(NAME, ['browser']), 'index.js');
    assert.equal(resolve(`${NAME}/node`), 'node.js');
    assert.equal(resolve(`${NAME}/wasm`), WASM);
    assert.equal(resolve(`${NAME}/schema/report.schema.json`), 'schema/report.schema.json');
    assert.equal(resolve(`${NAME}/schema/summary.schema.json`, [], 'require'), 'schema/summary.schema.json');
    assert.equal(resolve(`${NAME}/package.json`), 'package.json');
    // Internals stay private.
    const r = sh(process.execPath, ['--input-type=module', '-e', `import.meta.resolve('${NAME}/lib/migrate.js')`], { cwd: project });
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /ERR_PACKAGE_PATH_NOT_EXPORTED/);
  });
});

describe("the README's uses, from the installed package", () => {
  test('the CLI through npx', () => {
    for (const line of readme.npx) {
      const [, cmd, ...args] = line.split(/\s+/);
      const r = ok(sh('npx', ['--no', '--offline', cmd, ...args], { cwd: project }), line);
      assert.match(r.stdout, /wrote \.spec\/reports\/data-migration-generator\/run-123\/V202401011200__add_last_login_at_to_users\.sql/);
      assert.match(r.stdout, /ADD COLUMN IF NOT EXISTS "last_login_at" TIMESTAMP WITH TIME ZONE;/);
    }
    for (const bin of [NAME, 'smartspec-migrate']) {
      assert.equal(ok(sh('npx', ['--no', '--offline', bin, '--version'], { cwd: project }), bin).stdout.trim(), '6.1.0');
    }
  });

  test('Node, import (generate.mjs)', () => {
    const r = ok(sh(process.execPath, ['generate.mjs'], { cwd: project }), 'node generate.mjs');
    const [first, second] = r.stdout.trim().split('\n');
    assert.equal(first, "V202401011200__add_last_login_at_to_users.sql { add_column: 1 }");
    assert.equal(second, 'generated db/migrations/V202401011200__add_last_login_at_to_users.sql');
    assert.ok(fs.readFileSync(path.join(project, 'db/migrations/V202401011200__add_last_login_at_to_users.sql'), 'utf8')
      .includes('ADD COLUMN IF NOT EXISTS "last_login_at"'));
    fs.rmSync(path.join(project, 'db'), { recursive: true });
    fs.rmSync(path.join(project, '.spec'), { recursive: true });
  });

  test('Node, require (generate.cjs), without require(esm): a real CommonJS entry', async () => {
    // --no-experimental-require-module: an ES module behind `require` would fail here.
    const r = ok(sh(process.execPath, ['--no-experimental-require-module', 'generate.cjs'], { cwd: project }), 'node generate.cjs');
    const { generate } = await import(pathToFileURL(path.join(PKG, 'node.js')).href);
    const expected = generate(fs.readFileSync(path.join(EXAMPLES, 'shop-mixed', 'summary.json'), 'utf8'), 'MySQL',
      { migrationTool: 'liquibase', allowDestructive: true });
    assert.equal(r.stdout, expected.files.map((f) => `${f.role} ${f.name}\n`).join(''));
    assert.ok(expected.files.length >= 1);

    // The error the example's comment shows is the one it prints for an unknown column type.
    const said = /\/\/ With a column type the generator does not know, this prints\n\s*\/\/ (.+)\n/.exec(readme.files['generate.cjs'])?.[1];
    assert.ok(said, "generate.cjs's comment on the error it prints");
    const shop = path.join(project, 'examples/shop-mixed/summary.json');
    const kept = fs.readFileSync(shop);
    const bad = JSON.parse(fs.readFileSync(path.join(EXAMPLES, 'run-123', 'summary.json'), 'utf8'));
    bad.diffs[0].expected.type = 'flux capacitor';
    fs.writeFileSync(shop, JSON.stringify(bad));
    try {
      const e = sh(process.execPath, ['--no-experimental-require-module', 'generate.cjs'], { cwd: project });
      assert.equal(e.code, 2, e.stderr);
      assert.equal(e.stderr, `${said}\n`);
    } finally {
      fs.writeFileSync(shop, kept);
    }

    // In a CommonJS project: the same results as the ES module, errors with code and path, and a
    // clear refusal for the ESM-only ./node entry.
    const cjs = path.join(project, 'cjs');
    fs.mkdirSync(cjs, { recursive: true });
    fs.writeFileSync(path.join(cjs, 'package.json'), '{"type": "commonjs"}\n');
    fs.writeFileSync(path.join(cjs, 'probe.js'), `
const assert = require('node:assert/strict');
const fs = require('node:fs');
const pkg = require('${NAME}');
const out = {};
out.resolved = require.resolve('${NAME}');
out.keys = Object.keys(pkg).sort();
out.version = pkg.version();
out.riskCodes = pkg.riskCodes().length;
out.result = pkg.generate(fs.readFileSync('../examples/shop-mixed/summary.json', 'utf8'), null, { undo: true, allowDestructive: true });
out.same = pkg.initSync() === pkg.initSync();
try { pkg.generate('{"run_id": "r", "diffs": [{"id": "D1", "kind": "missing_column", "object": {"table": "t"}, "expected": {"name": "c", "type": "int; x"}}]}'); }
catch (e) { out.error = { isError: e instanceof Error, code: e.code, path: e.path, diffId: e.diffId, detail: e.detail }; }
try { require('${NAME}/node'); } catch (e) { out.nodeEntry = e.code; }
pkg.init().then((w) => { out.init = w === pkg.initSync(); process.stdout.write(JSON.stringify(out)); });
`);
    const p = ok(sh(process.execPath, ['--no-experimental-require-module', 'probe.js'], { cwd: cjs }), 'node probe.js (CommonJS)');
    const out = JSON.parse(p.stdout);
    assert.equal(path.relative(installed(), out.resolved), 'index.cjs');
    assert.deepEqual(out.keys, ['generate', 'init', 'initSync', 'riskCodes', 'version']);
    assert.equal(out.version, '6.1.0');
    assert.equal(out.riskCodes, 12);
    assert.deepEqual(out.result, generate(fs.readFileSync(path.join(EXAMPLES, 'shop-mixed', 'summary.json'), 'utf8'), null,
      { undo: true, allowDestructive: true }));
    assert.equal(out.same, true);
    assert.equal(out.init, true);
    assert.deepEqual(out.error, { isError: true, code: 'invalid_type', path: '$.diffs[0].expected.type', diffId: 'D1', detail: out.error.detail });
    assert.equal(out.nodeEntry, 'ERR_REQUIRE_ESM');
  });

  test('Node, import: every entry, init() and initSync() are harmless, results equal the repository build', async () => {
    fs.writeFileSync(path.join(project, 'probe.mjs'), `
import init, * as main from '${NAME}';
import * as node from '${NAME}/node';
const out = { same: main.generate === node.generate, migrate: typeof main.migrate };
out.init = (await init()) === main.initSync() && (await main.init({ module_or_path: 'nowhere.wasm' })) === main.initSync({ module: new Uint8Array(1) });
out.summary = main.buildSummary(main.generate(await import('node:fs').then((fs) => fs.readFileSync('examples/run-123/summary.json', 'utf8'))), { reportPath: 'summary.json' });
process.stdout.write(JSON.stringify(out));
`);
    const r = ok(sh(process.execPath, ['probe.mjs'], { cwd: project }), 'node probe.mjs');
    const out = JSON.parse(r.stdout);
    assert.deepEqual({ same: out.same, migrate: out.migrate, init: out.init }, { same: true, migrate: 'function', init: true });
    assert.equal(out.summary.status, 'generated');
    assert.equal(out.summary.scope.validation_report, 'summary.json');
  });
});

describe('TypeScript declarations', () => {
  // A file per resolution mode that uses every export; `@ts-expect-error` lines check that the
  // types refuse what the generator refuses.
  const BROWSER = `
import init, {
  init as initAlias, initSync, generate, version, riskCodes,
  buildSummary, buildReportMd, applyCommand, statusOf, shellQuote, code, isOwnReportMd, isOwnSummary,
  WORKFLOW, VERSION, COMMAND, DEFAULT_OUTPUT_DIR, REPORTS_ROOT,
} from '${NAME}';
import type {
  ApplyCommandOptions, Dialect, DialectName, ErrorCode, FileRole, GeneratedFile, GenerateError, GenerateOptions,
  GenerateResult, GenerationStatus, GeneratorSummary, InitInput, InitOutput, MigrationTool, NameFrom, Operation,
  ReportInfo, ReportInput, ReportMdContext, Risk, RiskCategory, RiskCode, RiskCodeInfo, Statement, StatementPart,
  SummaryContext, SummaryFile, SyncInitInput, Warning, WarningCode,
} from '${NAME}';

declare const reportText: string;
declare const bytes: ArrayBuffer;

const loading: Promise<InitOutput> = init();
await init({ module_or_path: new URL('https://example.test/x.wasm') });
await initAlias({ module_or_path: fetch('x.wasm') });
const input: InitInput = new Response(bytes);
const syncInput: SyncInitInput = new WebAssembly.Module(bytes);
const ready: InitOutput = initSync({ module: bytes });
initSync({ module: syncInput });
// @ts-expect-error initSync needs the module
initSync();

const options: GenerateOptions = { version: '2.1', nameFrom: 'spec_id', migrationTool: 'liquibase', allowDestructive: true, undo: false, concurrently: true };
const snake: GenerateOptions = { name_from: 'changes', migration_tool: 'raw-sql', allow_destructive: false, dialect: 'mysql' };
const result: GenerateResult = generate(reportText, 'PostgreSQL', options);
generate({ run_id: 'x' });
generate(reportText, null, null);
generate(reportText, undefined, snake);
const names: DialectName[] = ['postgresql', 'POSTGRESQL', 'postgres', 'pg', 'mysql', 'MYSQL', 'MySQL'];
const report: ReportInput = JSON.parse(reportText);
// @ts-expect-error not a dialect
generate(reportText, 'oracle');
// @ts-expect-error allowDestructive is a boolean
generate(reportText, null, { allowDestructive: 'yes' });
// @ts-expect-error not an option
generate(reportText, null, { dryRun: true });
// @ts-expect-error not a migration tool
generate(reportText, null, { migrationTool: 'alembic' });
const tools: MigrationTool[] = ['flyway', 'liquibase', 'raw-sql', 'golang-migrate', 'dbmate', 'goose', 'atlas', 'sqitch'];
const from: NameFrom = 'spec_id';

const dialect: Dialect = result.dialect;
const tool: MigrationTool = result.migration_tool;
const file: GeneratedFile = result.files[0];
const role: FileRole = file.role;
const content: string = file.content;
const statement: Statement = result.statements[0];
const operation: Operation = statement.operation;
const part: StatementPart = statement.part;
const reverse: [string | null, string | null] = [statement.reverse_sql, statement.reverse_note];
const step: [string, string, string, boolean, boolean] = [statement.sql, statement.diff_id, statement.target, statement.destructive, statement.blocked];
const risk: Risk = statement.risks[0];
const category: RiskCategory = risk.category;
const riskCode: RiskCode = risk.code;
// @ts-expect-error risk categories are kebab-case
const snakeCategory: RiskCategory = 'data_dependent';
const warning: Warning = result.warnings[0];
const warningCode: WarningCode = warning.code;
const where: [string, string | null, string | null] = [warning.message, warning.diff_id, warning.path];
const count: number | undefined = result.operations.add_column;
// @ts-expect-error not an operation
result.operations.add_colum;
const flags: boolean[] = [result.destructive_operations_found, result.blocked];
const why: string | null = result.nothing_to_do;
const info: ReportInfo = result.report;
const read: [string | null, string | null, string | null, string | null, string | null, number, number] =
  [info.workflow, info.validator_version, info.status, info.spec_path, info.spec_id, info.diffs, info.results];
const meta: [string, string, string, string | null, string | null] =
  [result.run_id, result.generator, result.generator_version, result.version, result.description];
const v: string = version();
const codes: RiskCodeInfo[] = riskCodes();
const description: string = codes[0].description;

try {
  generate('{');
} catch (e) {
  const err = e as GenerateError;
  const fields: [ErrorCode, string | null, string | null, string, string] = [err.code, err.path, err.diffId, err.detail, err.message];
  // @ts-expect-error not a stable code
  const bad: ErrorCode = 'oops';
}

const status: GenerationStatus = statusOf(result);
const context: SummaryContext = { reportPath: 'summary.json', applied: false, files: [{ name: file.name, role: file.role, path: null }] };
const summary: GeneratorSummary = buildSummary(result, context);
const listed: SummaryFile[] = summary.summary.files;
const summaryStatus: 'generated' | 'nothing_to_do' | 'blocked' = summary.status;
const applyOptions: ApplyCommandOptions = { migrationTool: 'flyway', undo: true, outputDir: 'db/migrations' };
const mdContext: ReportMdContext = { ...context, fileName: file.name, applyCommand: applyCommand('summary.json', applyOptions) };
const md: string = buildReportMd(result, mdContext);
const quoted: string[] = [shellQuote("it's"), shellQuote(1), code('\`x\`')];
const own: boolean[] = [isOwnReportMd(new TextEncoder().encode(md)), isOwnSummary(new Uint8Array())];
const workflow: 'smartspec_data_migration_generator' = WORKFLOW;
const constants: string[] = [VERSION, COMMAND, DEFAULT_OUTPUT_DIR, REPORTS_ROOT];
`;

  const WORKER = `
import { initSync, generate } from '${NAME}';
import type { GenerateError } from '${NAME}';

self.onmessage = (event: MessageEvent<{ wasm?: ArrayBuffer; report?: string }>) => {
  if (event.data.wasm) {
    initSync({ module: event.data.wasm });
    return;
  }
  try {
    self.postMessage({ result: generate(event.data.report ?? '{}', null, null) });
  } catch (e) {
    const { code, path, diffId, message } = e as GenerateError;
    self.postMessage({ error: { code, path, diffId, message } });
  }
};
`;

  const NODE_ESM = `
import init, {
  initSync, generate, version, riskCodes, migrate, MigrateError, FileError, inspectTarget, relativePath, resolveInside,
  writeFileNoClobber, writeFiles, buildSummary, buildReportMd, applyCommand, statusOf, shellQuote, code, isOwnReportMd,
  isOwnSummary, WORKFLOW, VERSION, COMMAND, DEFAULT_OUTPUT_DIR, REPORTS_ROOT,
} from '${NAME}';
import * as nodeEntry from '${NAME}/node';
import type {
  FileErrorCode, GenerateResult, MigrateErrorCode, MigrateOptions, MigrateResult, WriteOutcome, WriteTarget,
} from '${NAME}/node';

await init();
initSync();
const result: GenerateResult = generate('{}', 'mysql', { undo: true });
const same: boolean = nodeEntry.generate === generate && nodeEntry.migrate === migrate;
const options: MigrateOptions = {
  validationReport: 'summary.json', cwd: '.', apply: true, dialect: 'MySQL', out: null, outputDir: 'db/migrations',
  allowDestructive: true, migrationVersion: '7.1', nameFrom: 'spec_id', migrationTool: 'raw-sql', undo: true, concurrently: false,
};
const run: MigrateResult = migrate(options);
const exit: 0 | 1 = run.exitCode;
const where: [string, string, string, string | null, string | null] = [run.reportPath, run.reportDir, run.outputDir, run.migrationPath, run.sql];
const roles: Array<'migration' | 'preview' | 'report' | 'summary'> = run.files.map((f) => f.role);
const texts: string[] = [run.summaryText, run.reportMd, run.summary.status, run.result.run_id, run.outputFiles[0].name];
// @ts-expect-error validationReport is required
migrate({ apply: true });
try {
  migrate({ validationReport: 'x' });
} catch (e) {
  if (e instanceof MigrateError) {
    const fields: [MigrateErrorCode, 1 | 2] = [e.code, e.exitCode];
  }
  if (e instanceof FileError) {
    const c: FileErrorCode = e.code;
  }
}
const targets: WriteTarget[] = [{ path: '/p/a.sql', bytes: 'x', label: '--out', refresh: (b) => b.length > 0 }];
const outcomes: WriteOutcome[] = writeFiles('/p', targets);
const written: 'written' | 'identical' = writeFileNoClobber('/p/b', new Uint8Array([1]));
const state = inspectTarget('/p/b', new Uint8Array());
const paths: string[] = [resolveInside('/p', 'x', '--out'), relativePath('/p', '/p/x')];
const builders = [buildSummary, buildReportMd, applyCommand, statusOf, shellQuote, code, isOwnReportMd, isOwnSummary, version, riskCodes];
const constants = [WORKFLOW, VERSION, COMMAND, DEFAULT_OUTPUT_DIR, REPORTS_ROOT];
`;

  const NODE_CJS = `
import { generate, version, riskCodes, init, initSync } from '${NAME}';
import type { GenerateError, GenerateOptions, GenerateResult, InitOutput } from '${NAME}';
// @ts-expect-error the report builders are ES modules, not in the CommonJS entry
import { buildSummary } from '${NAME}';

const options: GenerateOptions = { migrationTool: 'flyway', allowDestructive: true };
const result: GenerateResult = generate('{}', 'MySQL', options);
const v: string = version();
const n: number = riskCodes().length;
const ready: Promise<InitOutput> = init();
const output: InitOutput = initSync();
async function later(): Promise<string> {
  const node = await import('${NAME}/node');
  return node.migrate({ validationReport: 'summary.json' }).status;
}
try {
  generate('{');
} catch (e) {
  const code: string = (e as GenerateError).code;
}
`;

  const configs = {
    browser: { file: 'browser.ts', body: BROWSER, compilerOptions: { module: 'esnext', moduleResolution: 'bundler', target: 'es2022', lib: ['es2022', 'dom'] } },
    worker: { file: 'worker.ts', body: WORKER, compilerOptions: { module: 'esnext', moduleResolution: 'bundler', target: 'es2022', lib: ['es2022', 'webworker'] } },
    'node-esm': { file: 'node-esm.mts', body: NODE_ESM, compilerOptions: { module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', lib: ['es2022'] } },
    'node-cjs': { file: 'node-cjs.cts', body: NODE_CJS, compilerOptions: { module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', lib: ['es2022'] } },
  };

  for (const [name, c] of Object.entries(configs)) {
    test(`tsc --noEmit: ${name} (${c.compilerOptions.moduleResolution}, lib ${c.compilerOptions.lib.join('+')})`, () => {
      const dir = path.join(project, 'ts', name);
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(path.join(dir, c.file), c.body);
      fs.writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify({
        compilerOptions: { ...c.compilerOptions, strict: true, noEmit: true, skipLibCheck: false, types: [], exactOptionalPropertyTypes: true },
        files: [c.file],
      }, null, 2));
      ok(sh(process.execPath, [TSC, '-p', path.join(dir, 'tsconfig.json')], { cwd: dir }), `tsc (${name})`);
    });
  }

  test('every runtime export of each entry is declared, and every declared value exists', async () => {
    const ts = (await import('typescript')).default;
    // One compiler host for every program, so that the lib files are parsed once.
    const options = { module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, target: ts.ScriptTarget.ES2022, types: [], noEmit: true, strict: true };
    const host = ts.createCompilerHost(options);
    const parsed = new Map();
    const getSourceFile = host.getSourceFile.bind(host);
    host.getSourceFile = (name, ...rest) => {
      if (!parsed.has(name)) parsed.set(name, getSourceFile(name, ...rest));
      return parsed.get(name);
    };
    const declared = (file, lib) => {
      const program = ts.createProgram([file], { ...options, lib }, host);
      const problems = ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
      assert.deepEqual(problems, [], `${path.basename(file)} does not compile`);
      const checker = program.getTypeChecker();
      const exports = checker.getExportsOfModule(checker.getSymbolAtLocation(program.getSourceFile(file)));
      const values = exports.filter((s) => {
        const target = s.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(s) : s;
        return target.flags & ts.SymbolFlags.Value;
      });
      return { values: values.map((s) => s.name).sort(), checker, exports };
    };
    const require = createRequire(path.join(project, 'probe.cjs'));
    const runtime = {
      'index.d.ts': Object.keys(await import(pathToFileURL(installed('index.js')).href)).sort(),
      'node.d.ts': Object.keys(await import(pathToFileURL(installed('node.js')).href)).sort(),
      'index.d.cts': Object.keys(require(installed('index.cjs'))).sort(),
    };
    for (const [file, keys] of Object.entries(runtime)) {
      const lib = file === 'index.d.ts' ? ['lib.es2022.d.ts', 'lib.dom.d.ts'] : ['lib.es2022.d.ts'];
      assert.deepEqual(declared(installed(file), lib).values, keys, `${file} against its runtime exports`);
    }

    // The string unions the declarations name are the ones the generator uses.
    const { checker, exports } = declared(installed('generator.d.ts'), ['lib.es2022.d.ts']);
    const union = (name) => {
      const symbol = exports.find((s) => s.name === name);
      assert.ok(symbol, `generator.d.ts does not export ${name}`);
      const type = checker.getDeclaredTypeOfSymbol(symbol);
      return (type.isUnion() ? type.types : [type]).map((t) => t.value).sort();
    };
    const { generate, riskCodes } = await import(pathToFileURL(installed('node.js')).href);
    assert.deepEqual(union('RiskCode'), riskCodes().map((r) => r.code).sort());
    assert.deepEqual(union('RiskCategory'), [...new Set(riskCodes().map((r) => r.category))].sort());
    const errorRs = fs.readFileSync(path.join(ROOT, 'src', 'error.rs'), 'utf8');
    const rustCodes = [...errorRs.matchAll(/ErrorCode::\w+ => "([a-z_]+)"/g)].map((m) => m[1]).sort();
    assert.ok(rustCodes.length >= 13);
    assert.deepEqual(union('ErrorCode'), rustCodes, 'ErrorCode against src/error.rs');
    const summarySchema = readJson(installed('schema/summary.schema.json'));
    assert.deepEqual(union('Operation'), [...summarySchema.$defs.operation.enum].sort());
    assert.deepEqual(union('MigrationTool'), [...summarySchema.$defs.migrationTool.enum].sort());
    assert.deepEqual(union('FileRole'), [...summarySchema.properties.summary.properties.files.items.properties.role.enum].sort());
    // Everything the corpus and the examples produce, with every tool, is in the unions.
    const seen = { Operation: new Set(), WarningCode: new Set(), FileRole: new Set(), StatementPart: new Set(), Dialect: new Set(), MigrationTool: new Set() };
    const reports = [];
    const walk = (dir) => fs.readdirSync(dir, { withFileTypes: true }).forEach((e) => {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name === 'summary.json') reports.push(p);
    });
    walk(path.join(ROOT, 'tests', 'corpus'));
    walk(EXAMPLES);
    for (const f of reports) {
      const text = fs.readFileSync(f, 'utf8');
      // Every tool for the examples; Flyway (with undo files and concurrent indexes) for the corpus.
      const tools = f.startsWith(EXAMPLES) ? ['flyway', 'liquibase', 'raw-sql'] : ['flyway'];
      for (const migrationTool of tools) {
        const r = generate(text, null, { migrationTool, undo: migrationTool === 'flyway', concurrently: true, allowDestructive: true });
        r.statements.forEach((s) => { seen.Operation.add(s.operation); seen.StatementPart.add(s.part); });
        r.warnings.forEach((w) => seen.WarningCode.add(w.code));
        r.files.forEach((x) => seen.FileRole.add(x.role));
        seen.Dialect.add(r.dialect);
        seen.MigrationTool.add(r.migration_tool);
      }
    }
    for (const [name, values] of Object.entries(seen)) {
      const members = union(name);
      const missing = [...values].filter((v) => !members.includes(v));
      assert.deepEqual(missing, [], `${name} lacks values the generator produces`);
    }
  });
});

describe('in headless Chromium, from a Vite build', () => {
  let built; // the Vite build output folder
  const expectedFor = async (dialect) => {
    const { generate } = await import(pathToFileURL(path.join(PKG, 'node.js')).href);
    return generate(fs.readFileSync(path.join(EXAMPLES, 'run-123', 'summary.json'), 'utf8'), dialect);
  };

  before(() => {
    const app = path.join(project, 'app');
    fs.mkdirSync(app, { recursive: true });
    for (const f of ['index.html', 'main.js', 'worker.js', 'host.js']) fs.copyFileSync(path.join(project, f), path.join(app, f));
    fs.copyFileSync(path.join(EXAMPLES, 'run-123', 'summary.json'), path.join(app, 'summary.json'));
    fs.writeFileSync(path.join(app, 'host.html'), '<!doctype html>\n<meta charset="utf-8">\n<script type="module" src="./host.js"></script>\n');
    fs.writeFileSync(path.join(app, 'package.json'), '{"private": true, "type": "module"}\n');
    fs.writeFileSync(path.join(app, 'vite.config.js'), `export default {
  build: { outDir: 'dist', emptyOutDir: true, rollupOptions: { input: { index: 'index.html', host: 'host.html' } } },
};
`);
    // The app resolves the package from the project's node_modules, as `npx vite build` there would.
    fs.symlinkSync(path.join(project, 'node_modules'), path.join(app, 'node_modules'), 'dir');
    const r = ok(sh(path.join(BIN, 'vite'), ['build', '--logLevel', 'warn'], { cwd: app, input: '' }), 'vite build');
    assert.equal(r.stderr, '', 'vite build printed warnings');
    built = path.join(app, 'dist');
    const assets = fs.readdirSync(path.join(built, 'assets'));
    const wasm = assets.filter((f) => f.endsWith('.wasm'));
    assert.equal(wasm.length, 1, `one wasm asset expected: ${assets}`);
    assert.ok(fs.readFileSync(path.join(built, 'assets', wasm[0])).equals(fs.readFileSync(installed(WASM))),
      'the wasm asset is the package module');
  });

  /** Opens a page of the build; returns null when Chromium is missing (the test is skipped). */
  async function open(t, pagePath, ready) {
    const browser = await launch(t);
    if (!browser) return null;
    const server = await serve(built);
    const page = await browser.newPage();
    const errors = [];
    const logs = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('console', (m) => {
      if (m.type() === 'log') logs.push(m.text());
      else if (m.type() === 'error' && !m.text().includes('404')) errors.push(m.text());
    });
    const close = async () => { await browser.close(); await server.close(); };
    try {
      await page.goto(`${server.url}${pagePath}`);
      const deadline = Date.now() + 30_000;
      while (!(await ready(page, logs)) && errors.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    } catch (e) {
      await close();
      throw e;
    }
    return { page, server, errors, logs, close };
  }

  test('a page that imports the package and awaits init() (index.html, main.js)', async (t) => {
    const s = await open(t, '/index.html', async (page) => (await page.textContent('#sql')).length > 0);
    if (!s) return;
    try {
      assert.deepEqual(s.errors, []);
      assert.equal(await s.page.textContent('#sql'), (await expectedFor('PostgreSQL')).files[0].content);
      assert.equal(s.server.requests.filter((p) => p.endsWith('.wasm')).length, 1, `${s.server.requests}`);
    } finally {
      await s.close();
    }
  });

  test('a Web Worker that instantiates the module with initSync from the bytes it is sent (worker.js, host.js)', async (t) => {
    const s = await open(t, '/host.html', async (page, logs) => logs.length > 0);
    if (!s) return;
    try {
      assert.deepEqual(s.errors, []);
      assert.deepEqual(s.logs, [(await expectedFor('MySQL')).files[0].content]);
      // The host fetched the bytes once; initSync in the worker fetched nothing.
      assert.equal(s.server.requests.filter((p) => p.endsWith('.wasm')).length, 1, `${s.server.requests}`);

      // The same worker, driven directly: errors come back with their code and path; options work.
      const assets = fs.readdirSync(path.join(built, 'assets'));
      const workerAsset = assets.find((f) => f.endsWith('.js') && fs.readFileSync(path.join(built, 'assets', f), 'utf8').includes('self.onmessage'));
      assert.ok(workerAsset, `no worker chunk among ${assets}`);
      const wasmAsset = assets.find((f) => f.endsWith('.wasm'));
      const report = fs.readFileSync(path.join(EXAMPLES, 'shop-mixed', 'summary.json'), 'utf8');
      const answers = await s.page.evaluate(async ({ workerUrl, wasmUrl, report }) => {
        const worker = new Worker(workerUrl, { type: 'module' });
        const replies = [];
        const done = new Promise((resolve) => {
          worker.onmessage = ({ data }) => { replies.push(data); if (replies.length === 2) resolve(); };
        });
        worker.postMessage({ wasm: await (await fetch(wasmUrl)).arrayBuffer() });
        worker.postMessage({ report: '{"run_id": "r", "diffs": [{"id": "D1", "kind": "missing_column", "object": {"table": "t"}, "expected": {"name": "c", "type": "int; x"}}]}' });
        worker.postMessage({ report, dialect: 'mysql', options: { allowDestructive: true, migrationTool: 'raw-sql' } });
        await done;
        worker.terminate();
        return replies;
      }, { workerUrl: `/assets/${workerAsset}`, wasmUrl: `/assets/${wasmAsset}`, report });
      assert.equal(answers[0].error.code, 'invalid_type');
      assert.equal(answers[0].error.path, '$.diffs[0].expected.type');
      assert.equal(answers[0].error.diffId, 'D1');
      const { generate } = await import(pathToFileURL(path.join(PKG, 'node.js')).href);
      assert.deepEqual(answers[1].result, generate(report, 'mysql', { allowDestructive: true, migrationTool: 'raw-sql' }));
      assert.deepEqual(s.errors, []);
    } finally {
      await s.close();
    }
  });
});
