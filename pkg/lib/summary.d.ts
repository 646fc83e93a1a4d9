// Types of lib/summary.js: the generator's own summary.json and report.md, built from a result of
// generate(). Pure functions, in every entry of the package.

import type {
  Dialect,
  FileRole,
  GenerateResult,
  MigrationTool,
  NameFrom,
  Operation,
  RiskCode,
  Warning,
} from '../generator.js';

export declare const WORKFLOW: 'smartspec_data_migration_generator';
/** The generator's version, `6.1.0`. */
export declare const VERSION: string;
/** The command the reports tell people to run. */
export declare const COMMAND: 'npx smartspec-data-migration-generator';
export declare const DEFAULT_OUTPUT_DIR: 'db/migrations';
export declare const REPORTS_ROOT: '.spec/reports/data-migration-generator';

/** `generated`, `nothing_to_do` (no file) or `blocked` (destructive statements not allowed). */
export type GenerationStatus = 'generated' | 'nothing_to_do' | 'blocked';

export declare function statusOf(result: Pick<GenerateResult, 'files' | 'blocked'>): GenerationStatus;

/** Whether these bytes are a report.md this generator wrote. */
export declare function isOwnReportMd(bytes: Uint8Array): boolean;

/** Whether these bytes are a summary.json this generator wrote. */
export declare function isOwnSummary(bytes: Uint8Array): boolean;

/** Quotes one word for a POSIX shell when it needs it. */
export declare function shellQuote(word: string | number): string;

/** Markdown inline code that survives backticks inside. */
export declare function code(text: string): string;

/** A diff of the report that no statement resolves, and why. */
export interface SkippedDiff {
  diff_id: string | null;
  /** The JSON path of what made it skipped (`$.diffs[3].kind`). */
  path: string | null;
  reason: string;
}

/** The diffs of the report that no statement resolves (from the result's warnings). */
export declare function skippedDiffs(result: Pick<GenerateResult, 'warnings'>): SkippedDiff[];

/** What the apply command repeats: only what the caller chose (defaults are left out). */
export interface ApplyCommandOptions {
  dialect?: string | null;
  migrationTool?: MigrationTool | null;
  migrationVersion?: string | null;
  nameFrom?: NameFrom | null;
  undo?: boolean;
  concurrently?: boolean;
  guards?: string | null;
  /** `--out-of-order`. */
  outOfOrder?: boolean;
  outputDir?: string | null;
  allowDestructive?: boolean;
}

/** The command that applies the migration: the same report and options, plus `--apply`. */
export declare function applyCommand(reportPath: string, options?: ApplyCommandOptions): string;

/** A file as the summary lists it; `path` is where it is (relative to the project folder). */
export interface SummaryFile {
  name: string;
  role: FileRole;
  path: string | null;
}

/** Where a run put things, for buildSummary() and buildReportMd(). Paths are relative to the project folder. */
export interface SummaryContext {
  /** The generator's run id; default: the report's. */
  runId?: string;
  /** The validation report. */
  reportPath?: string | null;
  /** The migration is in the migrations folder (written now or already there). */
  applied?: boolean;
  /** Where the migration is: the migrations folder when applied, else the preview; null when there is none. */
  scriptPath?: string | null;
  /** Every file written into the report folder. */
  reportsWritten?: readonly string[];
  /** Every file written outside it (the migrations folder). */
  governed?: readonly string[];
  /** The migrations folder; default `db/migrations`. */
  outputDir?: string;
  allowDestructive?: boolean;
  /** The command that applies the migration (see applyCommand()). */
  applyCommand?: string | null;
  /** The same with `--allow-destructive`, shown when statements are blocked. */
  allowCommand?: string | null;
  /** The files with where they went; default: the result's files, without paths. */
  files?: ReadonlyArray<{ name: string; role: FileRole; path?: string | null }>;
}

export interface ReportMdContext extends SummaryContext {
  /** Why applying would be refused now by the migrations folder's history (said in the Apply section). */
  historyNote?: string | null;
  /** The main file's name; default: the result's first file. */
  fileName?: string | null;
  /** Where the migration is previewed. */
  previewPath?: string | null;
}

/** summary.json of this generator (`schema/summary.schema.json`). */
export interface GeneratorSummary {
  workflow: 'smartspec_data_migration_generator';
  version: string;
  run_id: string;
  status: GenerationStatus;
  applied: boolean;
  scope: {
    validation_report: string | null;
    source_run_id: string;
    spec_path: string | null;
    spec_id: string | null;
    dialect: Dialect;
    migration_tool: MigrationTool;
    output_dir: string;
    allow_destructive: boolean;
  };
  summary: {
    script_generated: boolean;
    script_path: string | null;
    migration_version: string | null;
    operations: Partial<Record<Operation, number>>;
    destructive_operations_found: boolean;
    blocked_statements: number;
    statements: number;
    warnings: number;
    /** How many diffs of the report no statement resolves (of a kind this generator does not know). */
    skipped_diffs: number;
    skipped: SkippedDiff[];
    nothing_to_do: string | null;
    files: SummaryFile[];
    /** Steps with no reverse, and why. */
    irreversible_steps: Array<{ diff_id: string; operation: Operation; target: string; reason: string | null }>;
  };
  risks: Array<{
    diff_id: string;
    operation: Operation;
    target: string;
    codes: RiskCode[];
    destructive: boolean;
    blocked: boolean;
  }>;
  warnings: Warning[];
  writes: { reports: string[]; governed: string[] };
  next_steps: Array<{ cmd: string | null; why: string }>;
}

export declare function buildSummary(result: GenerateResult, ctx?: SummaryContext): GeneratorSummary;

/** report.md of this generator: every statement, risks, blocked statements, warnings, how to apply. */
export declare function buildReportMd(result: GenerateResult, ctx?: ReportMdContext): string;

/** buildReportMd()'s text in consecutive parts. */
export declare function reportMdParts(result: GenerateResult, ctx?: ReportMdContext): Generator<string, void, undefined>;
