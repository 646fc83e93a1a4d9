// Loads the built wasm module for tests (scripts/build.sh builds it into pkg/wasm/).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const glue = path.join(root, 'pkg', 'wasm', 'smartspec_data_migration_generator.js');
const wasm = path.join(root, 'pkg', 'wasm', 'smartspec_data_migration_generator_bg.wasm');
if (!fs.existsSync(wasm)) {
  throw new Error(`${wasm} is missing: run scripts/build.sh (or make test) first`);
}
const mod = await import(glue);
mod.initSync({ module: fs.readFileSync(wasm) });
export const { generate, version } = mod;

export function readExample(name) {
  return fs.readFileSync(path.join(root, 'examples', name, 'summary.json'), 'utf8');
}
