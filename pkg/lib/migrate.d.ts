// Types of lib/migrate.js (Node only): one run of the generator, as the CLI does it.

import type { DialectName, ErrorCode, GeneratedFile, GenerateResult, MigrationTool, NameFrom } from '../generator.js';
import type { AbortSignalLike, FileErrorCode } from './files.js';
import type { GenerationStatus, GeneratorSummary } from './summary.js';

export interface MigrateOptions {
  /**
   * The validator's summary.json (read from anywhere); `-` (or `/dev/stdin`) reads standard input.
   * A report inside the review folder the run writes, or a summary.json this generator wrote, is
   * refused (`report_in_output`, `report_is_output`).
   */
  validationReport: string;
  /** The project folder; every write stays inside it. Default: process.cwd(). */
  cwd?: string;
  /** Also write the migration into the migrations folder. */
  apply?: boolean;
  /** Default: the report's. */
  dialect?: DialectName | null;
  /** The report folder; default `.spec/reports/data-migration-generator/<run-id>`. */
  out?: string | null;
  /** The migrations folder; default `db/migrations`. */
  outputDir?: string | null;
  allowDestructive?: boolean;
  migrationVersion?: string | null;
  nameFrom?: NameFrom | null;
  migrationTool?: MigrationTool | null;
  /** Flyway: also write undo files. */
  undo?: boolean;
  /** PostgreSQL: CREATE INDEX CONCURRENTLY in a migration of its own. */
  concurrently?: boolean;
  /** `verify` (default), `exists` or `none`: see GenerateOptions.guards. */
  guards?: 'verify' | 'exists' | 'none' | null;
  /**
   * With `apply`: allow a migration older than the newest one in the migrations folder (Flyway's
   * `outOfOrder=true`). A version that is already there is refused all the same.
   */
  outOfOrder?: boolean;
  /**
   * For CI: write nothing, and compare every file `apply` would write with the migrations
   * folder's (see {@link MigrateCheckResult}). Not with `apply` or `out` (a `usage` error).
   */
  check?: boolean;
  /** migrateAsync() only: stops the writes; the run then takes back what it had done. */
  signal?: AbortSignalLike;
  /**
   * For the command line, which reads the result only to report on it: a report file's
   * migration files are written from the wasm module's memory and become strings only when read,
   * and each statement whose SQL a file holds has `sql` null in `result` (its SQL is in the file).
   */
  keepInModule?: boolean;
}

export interface MigrateResult {
  /** 0, or 1 when destructive statements are blocked. */
  exitCode: 0 | 1;
  status: GenerationStatus;
  applied: boolean;
  runId: string;
  /** Paths relative to the project folder. */
  reportPath: string;
  reportDir: string;
  outputDir: string;
  /** Where the migration goes in the migrations folder; null when there is none. */
  migrationPath: string | null;
  result: GenerateResult;
  summary: GeneratorSummary;
  summaryText: string;
  reportMd: string;
  /** The main file's content; null when there is none. */
  sql: string | null;
  /** Every file the tool needs. */
  outputFiles: GeneratedFile[];
  /** In a preview: why `apply` would be refused by the migrations folder's history, or null. */
  historyNote: string | null;
  /** Every file of the run and what happened to it. */
  files: Array<{ path: string; role: 'migration' | 'preview' | 'report' | 'summary'; status: 'written' | 'identical' | 'updated' }>;
}

/** migrate({check: true}): nothing is written. */
export interface MigrateCheckResult {
  /** 0: every file is present with the same bytes, or there is nothing to apply; 1: otherwise. */
  exitCode: 0 | 1;
  status: GenerationStatus;
  checked: true;
  applied: false;
  runId: string;
  reportPath: string;
  outputDir: string;
  result: GenerateResult;
  summary: GeneratorSummary;
  outputFiles: GeneratedFile[];
  files: [];
  /** Paths relative to the project folder; `reasons` says why each different one differs. */
  check: { ok: boolean; present: string[]; missing: string[]; different: string[]; reasons: Record<string, string> };
  /** Why `apply` would be refused by the migrations folder's history, or null. */
  historyNote: string | null;
}

export type MigrateErrorCode =
  | ErrorCode
  | FileErrorCode
  | 'usage'
  | 'unreadable_report'
  | 'report_in_output'
  | 'report_is_output'
  | 'history_conflict'
  | 'internal';

/** An error of the run: `exitCode` 2 for bad input or options, 1 for writes. */
export declare class MigrateError extends Error {
  constructor(code: MigrateErrorCode, message: string, exitCode: 1 | 2, extra?: Record<string, unknown>);
  name: 'MigrateError';
  code: MigrateErrorCode;
  exitCode: 1 | 2;
  /** For errors of the report: the JSON path and diff id. */
  path?: string | null;
  diffId?: string | null;
  /** For write conflicts: every target that holds a different file. */
  conflicts?: Array<{ path: string; reason: string }>;
  /** history_conflict: the file the run would add and the one already there that it clashes with. */
  history?: { kind: 'duplicate_version' | 'out_of_order' | 'checksum_mismatch'; ours: string; theirs: string };
  /** write_failed: the file that could not be written, and the system's error code. */
  file?: string | null;
  errno?: string | null;
  /** write_failed: files of the run that could not be removed again (usually none). */
  kept?: string[];
}

/**
 * Runs the generator over a validation report and writes the review folder (and, with `apply`, the
 * migration), all or nothing.
 */
export declare function migrate(options: MigrateOptions & { check: true }): MigrateCheckResult;
export declare function migrate(options: MigrateOptions): MigrateResult;

/** migrate(), with writes that `options.signal` can interrupt (MigrateError `interrupted`). */
export declare function migrateAsync(options: MigrateOptions & { check: true }): Promise<MigrateCheckResult>;
export declare function migrateAsync(options: MigrateOptions): Promise<MigrateResult>;
