// Node only: instantiates the wasm module once, synchronously, from the bytes next to this package,
// so that generate() works as soon as the module is imported.

import fs from 'node:fs';
import {
  initSync,
  generate as generateCore,
  version,
  riskCodes,
  reportBuffer,
  reportRead,
  reportDrop,
  generateRead,
  keptDrop,
} from '../wasm/smartspec_data_migration_generator.js';

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
const wasm = initSync({ module: bytes });
bytes = null;

/**
 * Reads the regular file open as `fd`, of `size` bytes, straight into the module's memory for
 * generateLoaded(): no Buffer and no JavaScript string of the report is made. Returns false when
 * its bytes are not UTF-8 text. Up to two leading byte order marks are set aside, as TextDecoder
 * followed by a check of the decoded text's first character did.
 */
export function loadReport(fd, size) {
  release();
  let loaded = false;
  try {
    const at = reportBuffer(size);
    let got = 0;
    while (got < size) {
      // The view is made again for each read: the memory's buffer is replaced when it grows.
      const n = fs.readSync(fd, new Uint8Array(wasm.memory.buffer, at + got, size - got), 0, size - got, null);
      if (n === 0) break;
      got += n;
    }
    loaded = reportRead(got);
    return loaded;
  } finally {
    if (!loaded) reportDrop();
  }
}

/**
 * generate() on the report loadReport() read (taken by this call). With `keep`, for the command
 * line, the files stay in the module's memory and the result reads them from there (edge.js,
 * assemble_kept): `file[Symbol.for('smartspec.bytes')]()` is a view of a file's bytes (null once
 * released) and its `content` a string only once read; a statement whose SQL a file holds has
 * `sql` null and its place in the file instead (summary.js reads it there). The next call of this
 * module's functions releases it first: every text is read then, and the result stands alone.
 */
export function generateLoaded(dialect, options, { keep = false } = {}) {
  release();
  const result = generateRead(dialect, options, keep);
  if (keep) kept = result;
  return result;
}

/** The last result that reads its files from the module's memory. */
let kept = null;

function release() {
  if (kept === null) return;
  kept[Symbol.for('smartspec.kept')].release();
  kept = null;
  keptDrop();
}

/** Drops a report loadReport() read, when the run stops before generating from it. */
export function dropLoaded() {
  reportDrop();
}

/** The module's generate(). */
export function generate(report, dialect, options) {
  release();
  return generateCore(report, dialect, options);
}

export { version, riskCodes };
