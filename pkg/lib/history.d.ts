// Types of lib/history.js (Node only): the migrations folder's history, checked before a run adds to it.

import type { MigrationTool } from '../generator.js';

export interface HistoryProblem {
  /** Two files of one version, or a file older than the newest migration there. */
  kind: 'duplicate_version' | 'out_of_order';
  /** The run's file name. */
  ours: string;
  /** The file already in the folder. */
  theirs: string;
  /** Names both files, relative to `dirLabel`. */
  message: string;
}

/**
 * Checks the files a run would add to `dir` against the versions already there (subfolders
 * included, as Flyway reads them; `theirs` is then a path relative to `dir`); files already
 * there with the same bytes are not checked again. Returns null or the first problem.
 */
export declare function checkHistory(
  dir: string,
  files: ReadonlyArray<{ name: string; content: string }>,
  tool: MigrationTool,
  options?: { outOfOrder?: boolean; dirLabel?: string },
): HistoryProblem | null;
