// The CommonJS entry (`require`, Node): the module is instantiated when the package is required, so
// generate() works at once. The report builders and the file-writing helpers are ES modules:
// `await import('smartspec-data-migration-generator/node')`.

import type {
  DialectName,
  GenerateOptions,
  GenerateResult,
  InitOutput,
  ReportInput,
  RiskCodeInfo,
} from './generator.js';

export type {
  Dialect,
  DialectName,
  ErrorCode,
  FileRole,
  GeneratedFile,
  GenerateError,
  GenerateOptions,
  GenerateResult,
  InitOutput,
  MigrationTool,
  NameFrom,
  Operation,
  ReportInfo,
  ReportInput,
  Risk,
  RiskCategory,
  RiskCode,
  RiskCodeInfo,
  Statement,
  StatementPart,
  Warning,
  WarningCode,
} from './generator.js';

/**
 * Generates the migration for `report`. `dialect` overrides the report's own (null or undefined:
 * keep it). Throws a `GenerateError`.
 */
export declare function generate(
  report: ReportInput,
  dialect?: DialectName | null,
  options?: GenerateOptions | null,
): GenerateResult;

/** The generator's version, `6.1.0`. */
export declare function version(): string;

/** Every risk code with its category and meaning. */
export declare function riskCodes(): RiskCodeInfo[];

/** The module is ready already: resolves at once (any argument is ignored). */
export declare function init(options?: unknown): Promise<InitOutput>;

/** The module is ready already: returns at once (any argument is ignored). */
export declare function initSync(options?: unknown): InitOutput;
