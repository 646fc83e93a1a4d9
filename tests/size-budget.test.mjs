// The wasm module's size: fails when it grows past the budget in bench/size-budget.json (the
// measured size + 10%, raw and gzipped at zlib level 9). After a deliberate change in size, set a
// new budget with `node bench/set-size-budget.mjs` and commit it.
//   node --test tests/size-budget.test.mjs      (needs the wasm module: scripts/build.sh)

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

import { root } from './support/wasm.mjs';

const WASM = path.join(root, 'pkg', 'wasm', 'smartspec_data_migration_generator_bg.wasm');
const BUDGET = path.join(root, 'bench', 'size-budget.json');

test('the wasm module stays within its size budget', () => {
  const bytes = fs.readFileSync(WASM);
  const raw = bytes.length;
  const gzip = zlib.gzipSync(bytes, { level: 9 }).length;
  const { budget, measured } = JSON.parse(fs.readFileSync(BUDGET, 'utf8'));
  const pct = (now, then) => `${now >= then ? '+' : ''}${(((now - then) / then) * 100).toFixed(1)}%`;
  console.log(
    `wasm: ${raw} bytes raw (budget ${budget.raw}, ${pct(raw, measured.raw)} since ${measured.date}), ` +
      `${gzip} bytes gzipped (budget ${budget.gzip}, ${pct(gzip, measured.gzip)})`,
  );
  assert.ok(raw <= budget.raw, `the wasm module is ${raw} bytes raw, over its budget of ${budget.raw} (bench/size-budget.json)`);
  assert.ok(gzip <= budget.gzip, `the wasm module is ${gzip} bytes gzipped, over its budget of ${budget.gzip} (bench/size-budget.json)`);
});
