// Node only: instantiates the wasm module once, synchronously, from the bytes next to this package,
// so that generate() works as soon as the module is imported.

import fs from 'node:fs';
import { initSync, generate, version, riskCodes } from '../wasm/smartspec_data_migration_generator.js';

const WASM_URL = new URL('../wasm/smartspec_data_migration_generator_bg.wasm', import.meta.url);

let bytes;
try {
  bytes = fs.readFileSync(WASM_URL);
} catch (e) {
  const err = new Error(
    `the generator's wasm module is missing (${e.code ?? e.message}): ${WASM_URL.pathname}; build it with scripts/build.sh`,
  );
  err.code = 'wasm_missing';
  throw err;
}
initSync({ module: bytes });

export { generate, version, riskCodes };
