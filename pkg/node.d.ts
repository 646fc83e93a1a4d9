// The Node entry (`import`): the module is instantiated when the package is imported, so
// generate() works at once; init() and initSync() are there for code shared with browsers and do
// nothing. Also the CLI's pieces: migrate(), the no-clobber writer, the project-folder check.

import type { InitOutput } from './generator.js';

export * from './generator.js';
export * from './lib/summary.js';
export { migrate, migrateAsync, MigrateError } from './lib/migrate.js';
export type { MigrateCheckResult, MigrateErrorCode, MigrateOptions, MigrateResult } from './lib/migrate.js';
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
export type { AbortSignalLike, ContentParts, FileErrorCode, WriteOutcome, WriteTarget } from './lib/files.js';
export { checkHistory } from './lib/history.js';
export type { HistoryProblem } from './lib/history.js';

/** The module is ready already: resolves at once (any argument is ignored). */
declare function init(options?: unknown): Promise<InitOutput>;

export default init;
export { init };

/** The module is ready already: returns at once (any argument is ignored). */
export declare function initSync(options?: unknown): InitOutput;
