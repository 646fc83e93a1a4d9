// Node only: one run of the generator over a validation report, as the CLI does it: read the
// report, generate, build report.md and summary.json, check every target, then write.
//
// Files, relative to the project folder (`cwd`):
//   <out>/<migration>.sql     the migration (preview; also written when blocked)
//   <out>/report.md           what would be applied, risks, blocked statements, warnings
//   <out>/summary.json        the generator's summary
//   <output-dir>/<migration>  with `apply` only, and only when nothing is blocked
// where <out> defaults to .spec/reports/data-migration-generator/<run-id>/.

import fs from 'node:fs';
import path from 'node:path';
import { generate } from './wasm-node.js';
import { FileError, relativePath, resolveInside, writeFiles } from './files.js';
import {
  DEFAULT_OUTPUT_DIR,
  REPORTS_ROOT,
  applyCommand,
  buildReportMd,
  buildSummary,
  isOwnReportMd,
  isOwnSummary,
  statusOf,
} from './summary.js';

/** An error of the run, with `code` and the process `exitCode` the CLI uses (2: input, 1: writes). */
export class MigrateError extends Error {
  constructor(code, message, exitCode, extra = {}) {
    super(message);
    this.name = 'MigrateError';
    this.code = code;
    this.exitCode = exitCode;
    Object.assign(this, extra);
  }
}

/** The command-line flag behind each option the core may reject. */
const OPTION_FLAGS = {
  dialect: '--dialect',
  'options.dialect': '--dialect',
  'options.version': '--migration-version',
  'options.name_from': '--name-from',
  'options.migration_tool': '--migration-tool',
  options: 'options',
};

/**
 * Runs the generator. Options:
 *   validationReport  path of the report (required; read from anywhere)
 *   cwd               the project folder (default process.cwd()); every write stays inside it
 *   apply             also write the migration into outputDir
 *   dialect           'PostgreSQL' | 'MySQL' (any case); default: the report's
 *   out               the report folder (default .spec/reports/data-migration-generator/<run-id>)
 *   outputDir         the migrations folder (default db/migrations)
 *   allowDestructive, migrationVersion, nameFrom ('changes' | 'spec_id'),
 *   migrationTool ('flyway' | 'liquibase' | 'raw-sql'), undo (Flyway undo files),
 *   concurrently (PostgreSQL CREATE INDEX CONCURRENTLY in a migration of its own)
 *
 * Returns {exitCode (0 or 1 when blocked), status, runId, result, summary, reportMd, sql, files:
 * [{path, role, status}], ...}; throws MigrateError (exitCode 2 for bad input, 1 for a write
 * conflict or failure).
 */
export function migrate(options = {}) {
  const cwd = options.cwd ?? process.cwd();
  const root = fs.realpathSync(cwd);
  const apply = Boolean(options.apply);
  const allowDestructive = Boolean(options.allowDestructive);

  if (!options.validationReport) {
    throw new MigrateError('usage', '--validation-report is required', 2);
  }
  const outputDirAbs = inside(root, options.outputDir ?? DEFAULT_OUTPUT_DIR, '--output-dir');
  const outAbs = options.out != null ? inside(root, options.out, '--out') : null;

  const reportGiven = options.validationReport;
  const reportAbs = path.resolve(root, reportGiven);
  const reportRel = relativePath(root, reportAbs);
  const text = readReport(reportGiven, reportAbs);

  let result;
  try {
    result = generate(text, options.dialect ?? null, {
      version: options.migrationVersion ?? null,
      name_from: options.nameFrom ?? null,
      migration_tool: options.migrationTool ?? null,
      allow_destructive: allowDestructive,
      undo: Boolean(options.undo),
      concurrently: Boolean(options.concurrently),
    });
  } catch (e) {
    throw fromCoreError(e, reportGiven);
  }

  const status = statusOf(result);
  const outputDirRel = relativePath(root, outputDirAbs);
  // Options as the apply command repeats them: only what was chosen, in canonical spelling.
  const chosen = {
    dialect: options.dialect ? result.dialect : null,
    migrationTool: options.migrationTool ? result.migration_tool : null,
    migrationVersion: options.migrationVersion ?? null,
    nameFrom: options.nameFrom ?? null,
    undo: Boolean(options.undo),
    concurrently: Boolean(options.concurrently),
    outputDir: outputDirRel,
  };
  // The review folder is named after the report's run id; the core has checked it is a plain
  // name (letters, digits, '.', '_', '-').
  const runId = result.run_id;
  const reportDirAbs = outAbs ?? inside(root, `${REPORTS_ROOT}/${runId}`, 'report folder');
  const reportDirRel = relativePath(root, reportDirAbs);

  // Every file the tool needs (a Flyway migration and its .conf or undo file, a Liquibase
  // changelog, up and down files), each previewed in the report folder and, applied, written
  // into the migrations folder.
  for (const f of result.files) {
    if (!/^[^/\\\0]+$/.test(f.name) || f.name === '.' || f.name === '..') {
      throw new MigrateError('internal', `the generator named a file ${JSON.stringify(f.name)}, which is not a plain file name`, 1);
    }
  }
  const file = result.files.find((f) => ['migration', 'changelog', 'up'].includes(f.role)) ?? result.files[0] ?? null;
  const previewAbs = file ? path.join(reportDirAbs, file.name) : null;
  const governedAbs = file ? path.join(outputDirAbs, file.name) : null;
  const applied = apply && status === 'generated';
  const rel = (p) => relativePath(root, p);
  const fileList = result.files.map((f) => ({
    name: f.name,
    role: f.role,
    preview: rel(path.join(reportDirAbs, f.name)),
    path: rel(path.join(applied ? outputDirAbs : reportDirAbs, f.name)),
  }));

  const reportMdAbs = path.join(reportDirAbs, 'report.md');
  const summaryAbs = path.join(reportDirAbs, 'summary.json');
  const ctx = {
    runId,
    reportPath: reportRel,
    outputDir: outputDirRel,
    applied,
    allowDestructive,
    fileName: file?.name ?? null,
    files: fileList,
    previewPath: previewAbs ? rel(previewAbs) : null,
    scriptPath: file ? rel(applied ? governedAbs : previewAbs) : null,
    reportsWritten: [...fileList.map((f) => f.preview), rel(reportMdAbs), rel(summaryAbs)],
    governed: applied ? fileList.map((f) => f.path) : [],
    applyCommand: applyCommand(reportRel, { ...chosen, allowDestructive }),
    allowCommand: applyCommand(reportRel, { ...chosen, allowDestructive: true }),
  };
  const summary = buildSummary(result, ctx);
  const reportMd = buildReportMd(result, ctx);
  const summaryText = `${JSON.stringify(summary, null, 2)}\n`;

  // The migrations folder first, summary.json last: it describes a run that completed.
  const targets = [];
  // A Flyway .conf goes in before its migration: an interrupted run never leaves a migration
  // that must run outside a transaction without the setting that says so.
  const ordered = [...result.files.filter((f) => f.role === 'conf'), ...result.files.filter((f) => f.role !== 'conf')];
  if (applied) {
    for (const f of ordered) {
      targets.push({ path: path.join(outputDirAbs, f.name), bytes: f.content, label: '--output-dir', role: 'migration' });
    }
  }
  // The review folder holds the latest run for this run id: the generator's own earlier files
  // there are refreshed (a preview followed by --apply or --allow-destructive changes them);
  // anything else is never overwritten.
  for (const f of ordered) {
    targets.push({ path: path.join(reportDirAbs, f.name), bytes: f.content, label: '--out', role: 'preview', refresh: isOwnFile });
  }
  targets.push({ path: reportMdAbs, bytes: reportMd, label: '--out', role: 'report', refresh: isOwnReportMd });
  targets.push({ path: summaryAbs, bytes: summaryText, label: '--out', role: 'summary', refresh: isOwnSummary });

  let written;
  try {
    written = writeFiles(root, targets);
  } catch (e) {
    if (e instanceof FileError) {
      const exitCode = e.code === 'path_outside' ? 2 : 1;
      throw new MigrateError(e.code, e.message, exitCode, { conflicts: e.conflicts });
    }
    throw new MigrateError('write_failed', `could not write the output: ${e.message}`, 1, { cause: e });
  }
  const roles = new Map();
  for (const t of targets) if (!roles.has(t.path)) roles.set(t.path, t.role);
  const files = written.map((w) => ({ path: rel(w.path), role: roles.get(w.path), status: w.status }));

  return {
    exitCode: status === 'blocked' ? 1 : 0,
    status,
    applied,
    runId,
    reportPath: reportRel,
    reportDir: reportDirRel,
    outputDir: outputDirRel,
    migrationPath: governedAbs ? rel(governedAbs) : null,
    result,
    summary,
    summaryText,
    reportMd,
    sql: file?.content ?? null,
    outputFiles: result.files,
    files,
  };
}

const GENERATED_HEADER = '-- Generated by SmartSpec Data Migration Generator\n';

/**
 * A file this generator wrote: a migration whose first line (or, in a Liquibase changelog, second
 * line) is the generator's header, or a Flyway .conf with only the settings it writes.
 */
function isOwnFile(bytes) {
  const text = bytes.toString('utf8');
  return text.startsWith(GENERATED_HEADER)
    || text.startsWith(`--liquibase formatted sql\n${GENERATED_HEADER}`)
    || text === 'executeInTransaction=false\n';
}

function inside(root, p, label) {
  try {
    return resolveInside(root, p, label);
  } catch (e) {
    if (e instanceof FileError) throw new MigrateError(e.code, e.message, 2);
    throw e;
  }
}

/** The largest report the core reads (src/report.rs MAX_REPORT_BYTES). */
const MAX_REPORT_BYTES = 64 * 1024 * 1024;

function readReport(given, abs) {
  let bytes;
  try {
    // A report over the limit is refused before it is read: the core would refuse it anyway,
    // with this same message, and reading it first could exhaust the memory.
    const { size } = fs.statSync(abs);
    if (size > MAX_REPORT_BYTES) {
      throw new MigrateError(
        'too_large',
        `${given}: $: the report is ${size} bytes; the generator reads at most ${MAX_REPORT_BYTES} bytes (64 MiB)`,
        2,
      );
    }
    bytes = fs.readFileSync(abs);
  } catch (e) {
    if (e instanceof MigrateError) throw e;
    const why = {
      ENOENT: 'no such file',
      EISDIR: 'it is a folder, not a file',
      EACCES: 'permission denied',
    }[e.code] ?? e.message;
    throw new MigrateError('unreadable_report', `${given}: cannot read the validation report: ${why}`, 2);
  }
  let text;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new MigrateError('invalid_json', `${given}: $: the validation report is not UTF-8 text`, 2);
  }
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** The core's Error (`code`, `path`, `diffId`) as a MigrateError whose message names the file. */
function fromCoreError(e, reportGiven) {
  if (!e || typeof e !== 'object' || typeof e.code !== 'string') {
    return new MigrateError('internal', `the generator failed: ${e?.message ?? String(e)}`, 1, { cause: e });
  }
  const flag = e.path ? OPTION_FLAGS[e.path] : undefined;
  let message;
  if (flag) {
    message = `${flag}: ${e.detail ?? e.message}`;
  } else {
    message = `${reportGiven}: ${e.message}`;
    if (e.code === 'missing_version') message += ' (use --migration-version <v>)';
  }
  return new MigrateError(e.code, message, 2, { path: e.path ?? null, diffId: e.diffId ?? null, cause: e });
}
