#!/usr/bin/env node
// Sets bench/size-budget.json from the wasm module as built now (scripts/build.sh): the budget is
// the measured size plus 10%, raw and gzipped (zlib level 9). tests/size-budget.test.mjs fails
// when the module grows past it. Run after a deliberate change in size, and commit the file.
//   node bench/set-size-budget.mjs
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const wasm = path.join(root, 'pkg', 'wasm', 'smartspec_data_migration_generator_bg.wasm');
const bytes = fs.readFileSync(wasm);
const raw = bytes.length;
const gzip = zlib.gzipSync(bytes, { level: 9 }).length;
const budget = {
  about: 'Size budget of pkg/wasm/smartspec_data_migration_generator_bg.wasm: measured size + 10%, checked by tests/size-budget.test.mjs; set by node bench/set-size-budget.mjs',
  measured: { raw, gzip, date: new Date().toISOString().slice(0, 10) },
  budget: { raw: Math.ceil(raw * 1.1), gzip: Math.ceil(gzip * 1.1) },
};
fs.writeFileSync(path.join(root, 'bench', 'size-budget.json'), `${JSON.stringify(budget, null, 2)}\n`);
console.log(`wasm: ${raw} bytes raw, ${gzip} bytes gzipped; budget ${budget.budget.raw} raw, ${budget.budget.gzip} gzipped`);
