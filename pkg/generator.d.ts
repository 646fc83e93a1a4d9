// The generator's API as every entry of the package exports it: generate(), version(),
// riskCodes(), their options, result and errors. No DOM or Node types are needed here.

/** A SQL dialect, as results name it. */
export type Dialect = 'PostgreSQL' | 'MySQL' | 'SQLite';

/**
 * A dialect as `generate()` accepts it: any case (these are the usual spellings); `postgres` and
 * `pg` name PostgreSQL as well.
 */
export type DialectName =
  | Dialect
  | Lowercase<Dialect>
  | Uppercase<Dialect>
  | 'postgres'
  | 'POSTGRES'
  | 'Postgres'
  | 'pg'
  | 'PG';

/**
 * The file format: Flyway (`V<version>__<description>.sql`, the default), Liquibase formatted SQL
 * with rollbacks, or plain up and down SQL files.
 */
export type MigrationTool = 'flyway' | 'liquibase' | 'raw-sql' | 'golang-migrate' | 'dbmate' | 'goose' | 'atlas' | 'sqitch';

/** What names the file: a description of the changes (the default), or `scope.spec_id`. */
export type NameFrom = 'changes' | 'spec_id';

/**
 * Options of `generate()`. Each two-word option is accepted in camelCase or snake_case (one
 * spelling per call: both at once is an `invalid_option` error), and unknown options are refused.
 */
export interface GenerateOptions {
  /** Used when the `dialect` argument is null or undefined; default: the report's `scope.dialect`, else PostgreSQL. */
  dialect?: DialectName | null;
  /** Overrides the migration version: digits separated by `.` or `_`. Default: from the report. */
  version?: string | null;
  nameFrom?: NameFrom | null;
  name_from?: NameFrom | null;
  migrationTool?: MigrationTool | null;
  migration_tool?: MigrationTool | null;
  /** Marks destructive statements as allowed instead of blocked. Default false. */
  allowDestructive?: boolean;
  allow_destructive?: boolean;
  /** Flyway: also write `U…` undo files. Default false. */
  undo?: boolean;
  /**
   * PostgreSQL: build indexes on existing tables with `CREATE INDEX CONCURRENTLY`, in a migration
   * of their own that runs outside a transaction. Default false.
   */
  concurrently?: boolean;
}

/**
 * What a file is for: `migration` (Flyway `V…`), `undo` (Flyway `U…`), `conf` (Flyway settings of
 * a migration that runs outside a transaction), `changelog` (Liquibase), `up` and `down` (raw SQL).
 */
export type FileRole = 'migration' | 'undo' | 'conf' | 'changelog' | 'up' | 'down' | 'deploy' | 'revert' | 'verify' | 'plan';

export interface GeneratedFile {
  /**
   * A plain file name, no folder: `V202401011200__add_last_login_at_to_users.sql`; Sqitch's
   * scripts are named with their folder (`deploy/<change>.sql`, `revert/…`, `verify/…`).
   */
  name: string;
  content: string;
  role: FileRole;
}

/** The stable operation names, as counted in `operations`. */
export type Operation =
  | 'rename_table'
  | 'rename_column'
  | 'drop_foreign_key'
  | 'drop_index'
  | 'drop_unique'
  | 'drop_check'
  | 'drop_primary_key'
  | 'drop_column'
  | 'drop_table'
  | 'create_enum'
  | 'add_enum_value'
  | 'remove_enum_values'
  | 'create_table'
  | 'add_column'
  | 'alter_column_type'
  | 'alter_column_nullability'
  | 'alter_column_default'
  | 'alter_column_enum_values'
  | 'add_primary_key'
  | 'replace_primary_key'
  | 'add_unique'
  | 'add_check'
  | 'create_index'
  | 'add_foreign_key'
  | 'drop_enum'
  | 'check_foreign_keys'
  | 'set_aside_foreign_keys'
  | 'restore_foreign_keys'
  | 'rebuild_table'
  | 'foreign_keys_off'
  | 'foreign_keys_on';

export type RiskCategory = 'destructive' | 'data-dependent' | 'heavy';

export type RiskCode =
  | 'drop-table'
  | 'drop-column'
  | 'narrowing-type-change'
  | 'enum-value-removal'
  | 'not-null-without-default'
  | 'set-not-null'
  | 'new-unique'
  | 'new-foreign-key'
  | 'new-check'
  | 'table-rewrite'
  | 'long-lock'
  | 'foreign-keys-off';

export interface Risk {
  code: RiskCode;
  category: RiskCategory;
}

/** One entry of `riskCodes()`. */
export interface RiskCodeInfo extends Risk {
  description: string;
}

/**
 * The migration a statement belongs to: `main`, or `enum_values` / `concurrent_indexes` for steps
 * that run in a migration of their own, outside a transaction.
 */
export type StatementPart = 'main' | 'enum_values' | 'concurrent_indexes';

/** One step of the migration, in the order it runs. */
export interface Statement {
  /** One or more SQL statements, each ended by `;`. */
  sql: string;
  diff_id: string;
  operation: Operation;
  /** What the step works on, for people: `public.users.last_login_at`. */
  target: string;
  risks: Risk[];
  destructive: boolean;
  /** Destructive and not allowed by `allowDestructive`. */
  blocked: boolean;
  /** The SQL that undoes the step, where one exists. */
  reverse_sql: string | null;
  /** What the reverse cannot restore, or why there is none. */
  reverse_note: string | null;
  part: StatementPart;
}

/**
 * One step of the undo, in the order Flyway undo and raw-SQL down files run it: the undo is a
 * plan of its own, ordered by the same phases and rules as the migration.
 */
export interface UndoStatement {
  /** The SQL that undoes the step; `null` when it is irreversible. */
  sql: string | null;
  diff_id: string;
  /** The operation of the step it undoes. */
  operation: Operation;
  target: string;
  /** What the undo cannot restore, or why there is none. */
  note: string | null;
  part: StatementPart;
}

export type WarningCode =
  | 'report_format_missing'
  | 'unexpected_workflow'
  | 'dialect_differs'
  | 'schemas_ignored'
  | 'unknown_diff_kind'
  | 'enum_without_column'
  | 'attribute_from_actual';

export interface Warning {
  code: WarningCode;
  message: string;
  diff_id: string | null;
  /** The JSON path the warning is about: `$.diffs[3].kind`. */
  path: string | null;
}

/** What the generator read from the report. */
export interface ReportInfo {
  workflow: string | null;
  validator_version: string | null;
  status: string | null;
  spec_path: string | null;
  spec_id: string | null;
  /** How many diffs and results the report holds. */
  diffs: number;
  results: number;
}

/** The result of `generate()`: plain, JSON-compatible data. */
export interface GenerateResult {
  /** `SmartSpec Data Migration Generator`. */
  generator: string;
  generator_version: string;
  /** The report's `run_id`. */
  run_id: string;
  dialect: Dialect;
  migration_tool: MigrationTool;
  /** The migration version (`202401011200`); null when there is nothing to do. */
  version: string | null;
  /** The description in the file name (`add_last_login_at_to_users`); null when there is nothing to do. */
  description: string | null;
  /** Every file the tool needs; empty when there is nothing to do. */
  files: GeneratedFile[];
  statements: Statement[];
  /** The undo, step by step, in the order it runs. */
  undo: UndoStatement[];
  warnings: Warning[];
  /** How many steps of each operation: `{ add_column: 1 }`. */
  operations: Partial<Record<Operation, number>>;
  destructive_operations_found: boolean;
  /** Destructive statements are present and not allowed. */
  blocked: boolean;
  /** Why no file was made, when none was. */
  nothing_to_do: string | null;
  report: ReportInfo;
}

/** The stable codes of `GenerateError`. */
export type ErrorCode =
  | 'invalid_json'
  | 'invalid_value'
  | 'missing_field'
  | 'invalid_name'
  | 'invalid_type'
  | 'invalid_default'
  | 'invalid_check'
  | 'duplicate_diff_id'
  | 'unsupported_report_format'
  | 'unsupported_diff'
  /** A type change no SQL of the dialect can make (PostgreSQL `bigint` to `timestamp`: no cast). */
  | 'impossible_type_change'
  | 'missing_version'
  | 'invalid_option'
  | 'too_large';

/** What `generate()` throws: an `Error` with a stable code and where the problem is. */
export interface GenerateError extends Error {
  code: ErrorCode;
  /** The JSON path of the offending field (`$.diffs[0].expected.type`), or the option (`options.version`). */
  path: string | null;
  /** The id of the diff the error belongs to. */
  diffId: string | null;
  /** The message without the path and diff id. */
  detail: string;
}

/** A report: JSON text, or the parsed object (see `schema/report.schema.json`). */
export type ReportInput = string | object;

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

/**
 * What `init()` and `initSync()` return: the instantiated module's exports. Callers need none of
 * it; `generate()` and the other functions are the API.
 */
export interface InitOutput {
  readonly memory: { readonly buffer: ArrayBuffer };
}
