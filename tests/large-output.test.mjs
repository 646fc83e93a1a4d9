// Large migrations cross the wasm boundary packed (src/wasm/pack.rs; src/wasm/edge.js builds the
// result object): generate() through wasm must give what the core gives in Rust
// (target/debug/smartspec-generate, built here). Reports of several MB of SQL per file, under
// every tool, with a non-ASCII name late in the file and early (UTF-16 ranges of every statement).
//   node --test tests/large-output.test.mjs      (needs the wasm module: scripts/build.sh, and cargo)

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

import { ROOT, cleanup, tempDir } from './support/cli.mjs';
import { generate } from './support/wasm.mjs';
import { makeReport, reportText } from '../bench/reports.mjs';

after(cleanup);

const NATIVE = path.join(ROOT, 'target', 'debug', 'smartspec-generate');
// A megabyte: the files below hold several.
const MB = 1024 * 1024;
let dir;

before(() => {
  const built = spawnSync('cargo', ['build', '--quiet', '--bin', 'smartspec-generate'], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 600_000,
  });
  assert.equal(built.status, 0, built.stderr);
  dir = tempDir('smartspec-large-');
});

/** The report's output from the core in Rust, as JSON. */
function native(name, text, args) {
  const file = path.join(dir, `${name}.json`);
  fs.writeFileSync(file, text);
  const r = spawnSync(NATIVE, [file, ...args], { encoding: 'utf8', maxBuffer: 1 << 30, timeout: 300_000 });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout);
}

/** A report of `n` created tables whose table `at` has a non-ASCII name. */
function withNonAscii(n, at) {
  const report = makeReport(n, 'create');
  const d = report.diffs[at];
  const renamed = `${d.object.table}_größe`;
  d.object.table = renamed;
  d.expected.name = renamed;
  return JSON.stringify(report);
}

const OPTIONS = [
  [{}, []],
  [{ undo: true }, ['--undo']],
  [{ migrationTool: 'liquibase' }, ['--tool', 'liquibase']],
  [{ migrationTool: 'raw-sql' }, ['--tool', 'raw-sql']],
];

// Sized for files over 3 MB (each step's statements, with one precondition block per file).
const REPORTS = {
  'create-3000': () => reportText(3000, 'create'),
  'addcol-14000': () => reportText(14000, 'addcol'),
  'non-ascii-late': () => withNonAscii(3000, 2990),
  'non-ascii-first': () => withNonAscii(3000, 0),
};

for (const [name, make] of Object.entries(REPORTS)) {
  for (const [options, args] of OPTIONS) {
    test(`${name} ${JSON.stringify(options)}: the same output through wasm as in Rust`, () => {
      const text = make();
      const ours = generate(text, undefined, options);
      const theirs = native(name, text, args);
      // Several megabytes of SQL in one file.
      const largest = Math.max(...ours.files.map((f) => f.content.length));
      assert.ok(largest > 3 * MB, `${largest} characters`);
      assert.deepEqual(ours, theirs);
      // Each statement's SQL stands in its file, in order.
      const main = ours.files[0].content;
      let at = 0;
      for (const s of ours.statements) {
        const found = main.indexOf(s.sql, at);
        assert.ok(found >= at, `${s.diff_id} ${s.operation} not in order in ${ours.files[0].name}`);
        at = found + s.sql.length;
      }
    });
  }
}
