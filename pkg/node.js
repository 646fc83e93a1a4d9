// The Node entry. Importing it instantiates the wasm module synchronously (the bytes are read with
// fs, next to this file), so generate() works at once; init() and initSync() return the ready
// module, for code shared with browsers. Besides the core it exports the pieces the CLI is made
// of: migrate() (one whole run), the no-clobber atomic writer, the project-folder path check, and
// the pure report builders.

export { generate, version, riskCodes } from './lib/wasm-node.js';
// The glue returns the instance lib/wasm-node.js made, without loading anything.
export { default, default as init, initSync } from './wasm/smartspec_data_migration_generator.js';
export { migrate, migrateAsync, MigrateError } from './lib/migrate.js';
export {
  FileError,
  describeIoError,
  inspectTarget,
  relativePath,
  removeStaleTemps,
  resolveInside,
  writeFileNoClobber,
  writeFiles,
  writeFilesAsync,
} from './lib/files.js';
export { checkHistory } from './lib/history.js';
export * from './lib/summary.js';
