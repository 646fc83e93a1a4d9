// The CLI and the writer on output too large to be one chunk: report.md and summary.json written
// as they are made (in parts), compared with what is on disk a chunk at a time, and the migration
// printed on stdout in slices.
//   node --test tests/cli-large.test.mjs      (needs the wasm module: scripts/build.sh)

import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

import { reportText } from '../bench/reports.mjs';
import { CLI, PKG, REPORTS_ROOT, cleanup, tempDir } from './support/cli.mjs';

after(cleanup);

const core = await import(pathToFileURL(path.join(PKG, 'node.js')).href);

// 1 500 tables: 4 500 statements, so report.md has about 22 500 lines (six parts) and the
// migration 2.6 MB (three chunks of the writer and of stdout).
const N = 1500;
const RUN_ID = `bench-create-${N}`;

/** The CLI in `cwd`, its output (several MB of SQL) kept whole. */
function run(cwd, args) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', timeout: 120_000, maxBuffer: 1 << 28 });
  if (r.error) throw r.error;
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function largeProject() {
  const dir = tempDir('smartspec-cli-large-');
  fs.writeFileSync(path.join(dir, 'report.json'), reportText(N, 'create'));
  return dir;
}

describe('a large run', () => {
  test('report.md lists every statement once, in order, each pointing at the line of the migration where its SQL starts', async () => {
    const dir = largeProject();
    const r = run(dir, ['--validation-report', 'report.json']);
    assert.equal(r.code, 0, r.stderr);
    const rd = path.join(dir, REPORTS_ROOT, RUN_ID);
    const md = fs.readFileSync(path.join(rd, 'report.md'), 'utf8');
    const result = core.generate(fs.readFileSync(path.join(dir, 'report.json'), 'utf8'));
    const file = result.files[0];
    assert.ok(Buffer.byteLength(file.content) > 2 * (1 << 20), 'the migration spans several chunks');
    const lines = file.content.split('\n');

    assert.ok(md.endsWith('## Apply\n\nTo write the migration into the migrations folder:\n\n```sh\n' + `npx smartspec-data-migration-generator --validation-report report.json --apply\n\`\`\`\n`), md.slice(-300));
    assert.ok(!md.endsWith('\n\n'));
    const headers = md.match(/^### .*$/gm);
    assert.equal(headers.length, result.statements.length);
    // Each statement's block, exactly: nothing glued to a neighbour, nothing left out.
    const blocks = md.split(/^(?=### )/m).slice(1);
    blocks[blocks.length - 1] = blocks[blocks.length - 1].split(/^## /m)[0];
    result.statements.forEach((s, i) => {
      const m = /^### (\d+)\. `([^`]+)` (\S+) `([^`]+)`\n\n- Risks: none\n- SQL: `([^`]+)`, line (\d+)\n\n$/.exec(blocks[i]);
      assert.ok(m, `statement ${i + 1}: ${JSON.stringify(blocks[i].slice(0, 300))}`);
      assert.deepEqual([Number(m[1]), m[2], m[3], m[4], m[5]], [i + 1, s.diff_id, s.operation, s.target, file.name]);
      const at = Number(m[6]);
      assert.equal(lines.slice(at - 1).join('\n').indexOf(s.sql), lines[at - 1].indexOf(s.sql.split('\n')[0]), `statement ${i + 1} at line ${at}`);
      assert.ok(lines[at - 1].includes(s.sql.split('\n')[0]), `statement ${i + 1}: line ${at} is ${JSON.stringify(lines[at - 1])}`);
    });
  });

  test('report.md and summary.json on disk are what migrate() returns; summary.json is JSON.stringify of the summary', async () => {
    const dir = largeProject();
    const r = await core.migrateAsync({ validationReport: 'report.json', cwd: dir });
    const rd = path.join(dir, REPORTS_ROOT, RUN_ID);
    assert.equal(fs.readFileSync(path.join(rd, 'report.md'), 'utf8'), r.reportMd);
    const summaryText = fs.readFileSync(path.join(rd, 'summary.json'), 'utf8');
    assert.equal(summaryText, r.summaryText);
    assert.equal(summaryText, `${JSON.stringify(r.summary, null, 2)}\n`);
    assert.equal(r.summary.risks.length, 3 * N);
    assert.equal(core.buildReportMd(r.result, {}), [...core.reportMdParts(r.result, {})].join(''));
    assert.ok([...core.reportMdParts(r.result, {})].length > 3, 'several parts');
  });

  test('a second run finds every file identical; a changed byte at the end of report.md is refreshed; a foreign file of the same size is never replaced', () => {
    const dir = largeProject();
    assert.equal(run(dir, ['--validation-report', 'report.json', '--apply']).code, 0);
    const rd = path.join(dir, REPORTS_ROOT, RUN_ID);
    const again = run(dir, ['--validation-report', 'report.json', '--apply']);
    assert.equal(again.code, 0, again.stderr);
    const said = again.stdout.split('\n').filter((l) => /^(?:already present|wrote) /.test(l));
    assert.equal(said.length, 4, again.stdout.slice(0, 2000));
    for (const l of said) assert.match(l, /^already present \(identical\) /);

    const mdPath = path.join(rd, 'report.md');
    const md = fs.readFileSync(mdPath);
    const changed = Buffer.from(md);
    changed[changed.length - 2] ^= 1;
    fs.writeFileSync(mdPath, changed);
    const third = run(dir, ['--validation-report', 'report.json', '--apply']);
    assert.equal(third.code, 0, third.stderr);
    assert.ok(fs.readFileSync(mdPath).equals(md), 'report.md is the generator\'s again');

    const summaryPath = path.join(rd, 'summary.json');
    const summary = fs.readFileSync(summaryPath);
    const foreign = Buffer.alloc(summary.length, 0x20);
    fs.writeFileSync(summaryPath, foreign);
    const fourth = run(dir, ['--validation-report', 'report.json', '--apply']);
    assert.equal(fourth.code, 1, fourth.stdout);
    assert.match(fourth.stderr, /summary\.json: a different file is there/);
    assert.ok(fs.readFileSync(summaryPath).equals(foreign), 'the foreign file is left as it was');
  });

  test('stdout carries the same bytes whether it is a pipe or a file', () => {
    const dir = largeProject();
    const piped = spawnSync(process.execPath, [CLI, '--validation-report', 'report.json'], { cwd: dir, maxBuffer: 1 << 28 });
    assert.equal(piped.status, 0, String(piped.stderr));
    fs.rmSync(path.join(dir, '.spec'), { recursive: true });
    const outFile = path.join(dir, 'stdout.txt');
    const fd = fs.openSync(outFile, 'w');
    const toFile = spawnSync(process.execPath, [CLI, '--validation-report', 'report.json'], { cwd: dir, stdio: ['ignore', fd, 'pipe'] });
    fs.closeSync(fd);
    assert.equal(toFile.status, 0, String(toFile.stderr));
    const written = fs.readFileSync(outFile);
    assert.ok(written.equals(piped.stdout), 'the same bytes');
    const migration = fs.readFileSync(path.join(dir, REPORTS_ROOT, RUN_ID, fs.readdirSync(path.join(dir, REPORTS_ROOT, RUN_ID)).find((f) => f.endsWith('.sql'))));
    assert.ok(written.subarray(written.length - migration.length).equals(migration), 'the migration, last and whole');
  });
});

describe('the writer, given parts', () => {
  // A part of more than one chunk (1 Mi code units) with a character outside the BMP across the
  // chunk boundary, non-ASCII text, and parts of every size.
  const big = `${'a'.repeat((1 << 20) - 1)}😀${'é'.repeat(1000)}`;
  const parts = ['', 'ä', big, 'x'.repeat(70_000), '\n', '€𝄞'];
  const whole = Buffer.from(parts.join(''), 'utf8');
  const content = { parts: () => parts.values() };

  test('writes the UTF-8 bytes of the joined parts, and knows them again when they are there', () => {
    const root = tempDir('smartspec-parts-');
    const file = path.join(root, 'out', 'f.txt');
    assert.deepEqual(core.writeFiles(root, [{ path: file, bytes: content }]), [{ path: file, status: 'written' }]);
    assert.ok(fs.readFileSync(file).equals(whole));
    assert.equal(core.inspectTarget(file, content), 'identical');
    assert.equal(core.inspectTarget(file, parts.join('')), 'identical');
    assert.deepEqual(core.writeFiles(root, [{ path: file, bytes: content }]), [{ path: file, status: 'identical' }]);
  });

  test('a file that differs anywhere, or is longer or shorter, is a conflict and is left as it is', () => {
    const root = tempDir('smartspec-parts-');
    const file = path.join(root, 'f.txt');
    for (const other of [
      Buffer.concat([whole.subarray(0, whole.length - 1), Buffer.from('!')]),
      Buffer.concat([Buffer.from('!'), whole.subarray(1)]),
      Buffer.concat([whole.subarray(0, 1 << 20), Buffer.from('!'), whole.subarray((1 << 20) + 1)]),
      Buffer.concat([whole, Buffer.from('\n')]),
      whole.subarray(0, whole.length - 1),
      Buffer.alloc(0),
    ]) {
      fs.writeFileSync(file, other);
      assert.deepEqual(core.inspectTarget(file, content), { conflict: 'a different file is there' });
      assert.throws(() => core.writeFiles(root, [{ path: file, bytes: content }]), (e) => e.code === 'write_conflict');
      assert.ok(fs.readFileSync(file).equals(other));
    }
  });
});
