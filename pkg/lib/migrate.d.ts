// Types of lib/migrate.js (Node only): one run of the generator, as the CLI does it.

import type { DialectName, ErrorCode, GeneratedFile, GenerateResult, MigrationTool, NameFrom } from '../generator.js';
import type { FileErrorCode } from './files.js';
import type { GenerationStatus, GeneratorSummary } from './summary.js';

export interface MigrateOptions {
  /** The validator's summary.json (read from anywhere). */
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
  /** Every file of the run and what happened to it. */
  files: Array<{ path: string; role: 'migration' | 'preview' | 'report' | 'summary'; status: 'written' | 'identical' | 'updated' }>;
}

export type MigrateErrorCode = ErrorCode | FileErrorCode | 'usage' | 'unreadable_report' | 'internal';

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
}

/** Runs the generator over a validation report and writes the review folder (and, with `apply`, the migration). */
export declare function migrate(options: MigrateOptions): MigrateResult;
