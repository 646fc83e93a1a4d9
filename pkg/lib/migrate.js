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
import { dropLoaded, generate, generateLoaded, loadReport } from './wasm-node.js';
import { FileError, describeIoError, relativePath, resolveInside, writeFiles, writeFilesAsync } from './files.js';
import { checkHistory } from './history.js';
import { ATLAS_SUM, atlasSums, isAtlasSum } from './atlas.js';
import { SQITCH_PLAN, sqitchPlan } from './sqitch.js';
import {
  WORKFLOW,
  DEFAULT_OUTPUT_DIR,
  REPORTS_ROOT,
  applyCommand,
  buildSummary,
  isOwnReportMd,
  isOwnSummary,
  reportMdParts,
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
  'options.concurrently': '--concurrently',
  'options.guards': '--guards',
  options: 'options',
};

/** The report names standard input: `-`, or a path that is standard input itself. */
const STDIN_NAMES = new Set(['-', '/dev/stdin', '/dev/fd/0', '/proc/self/fd/0']);

/**
 * Runs the generator. Options:
 *   validationReport  path of the report (required; read from anywhere; `-` reads standard input)
 *   cwd               the project folder (default process.cwd()); every write stays inside it
 *   apply             also write the migration into outputDir
 *   dialect           'PostgreSQL' | 'MySQL' | 'SQLite' (any case); default: the report's
 *   out               the report folder (default .spec/reports/data-migration-generator/<run-id>)
 *   outputDir         the migrations folder (default db/migrations)
 *   allowDestructive, migrationVersion, nameFrom ('changes' | 'spec_id'),
 *   migrationTool ('flyway' | 'liquibase' | 'raw-sql' | 'golang-migrate' | 'dbmate' | 'goose' | 'atlas' | 'sqitch'), undo (Flyway undo files),
 *   concurrently (PostgreSQL CREATE INDEX CONCURRENTLY in a migration of its own),
 *   guards ('verify' | 'exists' | 'none'; default 'verify'),
 *   outOfOrder        allow a migration older than the newest one in the migrations folder
 *   check             write nothing; compare the files --apply would write with the migrations
 *                     folder's (see check())
 *   keepInModule      for the command line, which reads the result only to report on it: a
 *                     report file's migration files are written from the wasm module's memory
 *                     and are strings only when read; statements whose SQL a file holds have
 *                     `sql` null (lib/wasm-node.js, generateLoaded)
 *
 * Returns {exitCode (0 or 1 when blocked), status, runId, result, summary, reportMd, sql, files:
 * [{path, role, status}], ...}; throws MigrateError (exitCode 2 for bad input, 1 for a write
 * conflict, a migration history the tool would refuse, or a failed write).
 */
export function migrate(options = {}) {
  const run = prepare(options);
  if (run.check) return check(run);
  let written;
  try {
    written = writeFiles(run.root, run.targets);
  } catch (e) {
    throw writeError(e, run);
  }
  return finish(run, written);
}

/**
 * migrate(), with writes that `options.signal` (an AbortSignal) can interrupt: the run then
 * removes everything it had begun to write and rejects with MigrateError `interrupted`.
 */
export async function migrateAsync(options = {}) {
  // Standard input is read without blocking the event loop (a signal can still stop the run).
  const stdinInput = STDIN_NAMES.has(options.validationReport)
    ? { text: decode('standard input', await untilAborted(readAll(process.stdin), options.signal, () => process.stdin.destroy())) }
    : undefined;
  const run = prepare(options, stdinInput);
  if (run.check) return check(run);
  let written;
  try {
    written = await writeFilesAsync(run.root, run.targets, { signal: options.signal });
  } catch (e) {
    throw writeError(e, run);
  }
  return finish(run, written);
}

function prepare(options, stdinInput) {
  const cwd = options.cwd ?? process.cwd();
  const root = fs.realpathSync(cwd);
  const apply = Boolean(options.apply);
  const allowDestructive = Boolean(options.allowDestructive);

  if (!options.validationReport) {
    throw new MigrateError('usage', '--validation-report is required', 2);
  }
  const checking = Boolean(options.check);
  if (checking && (apply || options.out != null)) {
    throw new MigrateError(
      'usage',
      `--check and ${apply ? '--apply' : '--out'} contradict each other: --check writes nothing, it compares the files --apply would write with the migrations folder's. Leave out ${apply ? '--apply' : '--out'}.`,
      2,
    );
  }
  const outputDirAbs = inside(root, options.outputDir ?? DEFAULT_OUTPUT_DIR, '--output-dir');
  const outAbs = options.out != null ? inside(root, options.out, '--out') : null;

  const stdin = STDIN_NAMES.has(options.validationReport);
  const reportGiven = stdin ? 'standard input' : options.validationReport;
  const reportAbs = stdin ? null : path.resolve(root, reportGiven);
  const reportRel = stdin ? '-' : relativePath(root, reportAbs);
  // Let go of once the core has read it. A file is read straight into the module's memory
  // (LOADED: no string of it is made).
  let text = stdin ? (stdinInput?.text ?? decode('standard input', readStdin())) : readReport(reportGiven, reportAbs);
  if (stdinInput) stdinInput.text = null;
  const sameFolder = outAbs && nested(outAbs, outputDirAbs);
  if (sameFolder) {
    if (text === LOADED) dropLoaded();
    throw new MigrateError(
      'usage',
      `--out ${options.out} and --output-dir ${options.outputDir ?? DEFAULT_OUTPUT_DIR} contradict each other: ${sameFolder}, so report.md, summary.json and the previews would sit among the migrations (a migration tool scanning the folder would pick the previews up). Give two separate folders.`,
      2,
    );
  }

  let result;
  try {
    const coreOptions = {
      version: options.migrationVersion ?? null,
      name_from: options.nameFrom ?? null,
      migration_tool: options.migrationTool ?? null,
      allow_destructive: allowDestructive,
      undo: Boolean(options.undo),
      concurrently: Boolean(options.concurrently),
      ...(options.guards == null ? {} : { guards: options.guards }),
    };
    // The command line (keepInModule) leaves the files in the module's memory: they are written
    // from there, and a file's text is made only if something reads it.
    result = text === LOADED
      ? generateLoaded(options.dialect ?? null, coreOptions, { keep: options.keepInModule === true })
      : generate(text, options.dialect ?? null, coreOptions);
  } catch (e) {
    throw fromCoreError(e, reportGiven);
  } finally {
    text = null;
  }
  const tool = result.migration_tool;
  if (options.undo && tool !== 'flyway') {
    throw new MigrateError(
      'usage',
      `--undo and --migration-tool ${tool} contradict each other: --undo writes Flyway's U… undo files; ${
        tool === 'liquibase' ? 'a Liquibase changelog carries its --rollback statements already'
          : tool === 'dbmate' ? 'a dbmate migration carries its -- migrate:down section already'
          : tool === 'goose' ? 'a goose migration carries its -- +goose Down section already'
          : tool === 'atlas' ? 'an Atlas migration directory keeps no down files (atlas migrate down plans the undo itself)'
          : tool === 'sqitch' ? 'a Sqitch change carries its revert script already'
          : `${tool} writes its .down.sql file already`
      }. Leave out --undo.`,
      2,
    );
  }
  if (options.concurrently && result.dialect === 'MySQL') {
    throw new MigrateError(
      'usage',
      `--concurrently and --dialect MySQL${options.dialect ? '' : ' (the report\'s scope.dialect)'} contradict each other: CREATE INDEX CONCURRENTLY is PostgreSQL's (MySQL 8 builds indexes online by itself). Leave out --concurrently.`,
      2,
    );
  }
  if (result.report?.workflow === WORKFLOW) {
    throw new MigrateError(
      'report_is_output',
      `${reportGiven}: this is a summary.json the migration generator wrote (workflow ${WORKFLOW}), not a validation report; running on it would rewrite its own input. Pass the data model validator's summary.json (.spec/reports/data-model-validation/<run-id>/summary.json).`,
      2,
    );
  }

  const status = statusOf(result);
  const outputDirRel = relativePath(root, outputDirAbs);
  // Options as the apply command repeats them: only what was chosen, in canonical spelling.
  const chosen = {
    dialect: options.dialect ? result.dialect : null,
    migrationTool: options.migrationTool ? result.migration_tool : null,
    migrationVersion: options.migrationVersion ?? null,
    nameFrom: options.nameFrom ? String(options.nameFrom).toLowerCase() : null,
    undo: Boolean(options.undo),
    concurrently: Boolean(options.concurrently),
    guards: options.guards == null ? null : String(options.guards).toLowerCase(),
    outOfOrder: Boolean(options.outOfOrder),
    outputDir: outputDirRel,
  };
  // The review folder is named after the report's run id; the core has checked it is a plain
  // name (letters, digits, '.', '_', '-').
  const runId = result.run_id;
  const reportDirAbs = outAbs ?? inside(root, `${REPORTS_ROOT}/${runId}`, 'report folder');
  const reportDirRel = relativePath(root, reportDirAbs);
  if (!stdin && !checking) refuseInputInOutput(root, reportGiven, reportAbs, reportDirAbs, reportDirRel, options.out != null);

  // Every file the tool needs (a Flyway migration and its .conf or undo file, a Liquibase
  // changelog, up and down files), each previewed in the report folder and, applied, written
  // into the migrations folder.
  // Sqitch's scripts go in its deploy/, revert/ and verify/ folders.
  for (const f of result.files) {
    const name = tool === 'sqitch' ? f.name.replace(/^(deploy|revert|verify)\//, '') : f.name;
    if (!/^[^/\\\0]+$/.test(name) || name === '.' || name === '..') {
      throw new MigrateError('internal', `the generator named a file ${JSON.stringify(f.name)}, which is not a plain file name`, 1);
    }
  }
  const file = result.files.find((f) => ['migration', 'changelog', 'up', 'deploy'].includes(f.role)) ?? result.files[0] ?? null;
  const previewAbs = file ? path.join(reportDirAbs, file.name) : null;
  const governedAbs = file ? path.join(outputDirAbs, file.name) : null;
  const applied = apply && status === 'generated';
  const rel = (p) => relativePath(root, p);

  // The history check: with --apply a refusal; in a preview, a note that --apply would be refused.
  let problem = status === 'nothing_to_do'
    ? null
    : checkHistory(outputDirAbs, result.files, result.migration_tool, { outOfOrder: Boolean(options.outOfOrder), dirLabel: outputDirRel });
  // Atlas: the folder's atlas.sum covers all of its files, so adding a migration rewrites it (the
  // one file the run replaces in the migrations folder). A sum that does not match the folder as
  // it is already fails Atlas's check: rewriting it would hide the edit it reports.
  const atlas = tool === 'atlas' && status !== 'nothing_to_do' ? readAtlasSums(outputDirAbs, result.files) : null;
  // Sqitch: the change's line is appended to the folder's plan, which must not plan a change of
  // that name otherwise.
  const sqitch = tool === 'sqitch' && status !== 'nothing_to_do' ? readSqitchPlan(outputDirAbs, result.files) : null;
  if (!problem && sqitch?.conflict) {
    problem = {
      kind: 'duplicate_version',
      ours: SQITCH_PLAN,
      theirs: SQITCH_PLAN,
      message: `${outputDirRel}/${SQITCH_PLAN} already plans the change ${sqitch.conflict.theirs.trim().split(/\s+/)[0]} otherwise (${JSON.stringify(sqitch.conflict.theirs.trim())}); Sqitch refuses a plan that names one change twice. Nothing was written. Give this migration another version with --migration-version.`,
    };
  }
  if (!problem && atlas?.now != null && atlas.now !== atlas.current) {
    problem = {
      kind: 'checksum_mismatch',
      ours: ATLAS_SUM,
      theirs: ATLAS_SUM,
      message: `${outputDirRel}/${ATLAS_SUM} does not match the files of ${outputDirRel}: a migration there was edited, added or removed without rehashing, and Atlas refuses the folder (checksum mismatch). Nothing was written. Check the folder, then run atlas migrate hash.`,
    };
  }
  if (problem && applied) {
    throw new MigrateError('history_conflict', problem.message, 1, {
      history: { kind: problem.kind, ours: rel(path.join(outputDirAbs, problem.ours)), theirs: rel(path.join(outputDirAbs, problem.theirs)) },
    });
  }
  const historyNote = problem ? problem.message.replace(/ Nothing was written\./, '') : null;

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
    historyNote,
    applyCommand: applyCommand(reportRel, { ...chosen, allowDestructive }),
    allowCommand: applyCommand(reportRel, { ...chosen, allowDestructive: true }),
  };
  const summary = buildSummary(result, ctx);
  // report.md is written as it is made, and is a string only when a caller reads reportMd.
  // summary.json stays one JSON.stringify: written piece by piece it took 3× the time and more memory.
  const reportMd = { parts: () => reportMdParts(result, ctx) };
  const summaryText = `${JSON.stringify(summary, null, 2)}\n`;

  // Every file is written in full to a temporary file before any of them gets its name (see
  // writeFiles()); the names are then given in this order: the review folder's preview and
  // report.md, then the migrations folder, then summary.json, which marks a completed run.
  const targets = [];
  // A Flyway .conf goes in before its migration: an interrupted run never leaves a migration
  // that must run outside a transaction without the setting that says so.
  const ordered = [...result.files.filter((f) => f.role === 'conf'), ...result.files.filter((f) => f.role !== 'conf')];
  // The review folder holds the latest run for this run id: the generator's own earlier files
  // there are refreshed (a preview followed by --apply or --allow-destructive changes them);
  // anything else is never overwritten.
  for (const f of ordered) {
    targets.push({ path: path.join(reportDirAbs, f.name), bytes: contentOf(f), label: '--out', role: 'preview', refresh: isOwnFile });
  }
  targets.push({ path: reportMdAbs, bytes: reportMd, label: '--out', role: 'report', refresh: isOwnReportMd });
  if (applied) {
    for (const f of ordered) {
      // Sqitch's plan: the folder's own, with the change's line appended (below).
      if (sqitch && f.role === 'plan') continue;
      targets.push({ path: path.join(outputDirAbs, f.name), bytes: contentOf(f), label: '--output-dir', role: 'migration' });
    }
    // The plan after the scripts it names; replaced (all or nothing with them) only while it
    // still holds the bytes read above.
    if (sqitch) {
      const seen = sqitch.now;
      targets.push({ path: path.join(outputDirAbs, SQITCH_PLAN), bytes: sqitch.after, label: '--output-dir', role: 'migration', refresh: (old) => seen !== null && old.equals(seen) });
    }
    // After the migrations it covers; replaced (all or nothing with them) only while it is the
    // atlas.sum read above, which matched the folder.
    if (atlas) {
      const seen = atlas.now;
      targets.push({ path: path.join(outputDirAbs, ATLAS_SUM), bytes: atlas.after, label: '--output-dir', role: 'migration', refresh: (old) => seen !== null && isAtlasSum(old) && old.toString('utf8') === seen });
    }
  }
  targets.push({ path: summaryAbs, bytes: summaryText, label: '--out', role: 'summary', refresh: isOwnSummary });

  return {
    root,
    check: checking,
    outputDirAbs,
    targets,
    status,
    applied,
    runId,
    reportRel,
    reportDirRel,
    outputDirRel,
    governedAbs,
    result,
    summary,
    summaryText,
    reportMd,
    file,
    historyNote,
    atlas,
    sqitch,
  };
}

const BYTES = Symbol.for('smartspec.bytes');

/**
 * What the writer writes for a generated file: its bytes where they are (the module's memory,
 * generateLoaded() with `keep`), asked for at each pass, or else its text.
 */
function contentOf(f) {
  if (typeof f[BYTES] !== 'function') return f.content;
  return {
    view: () => f[BYTES]() ?? Buffer.from(f.content, 'utf8'),
  };
}

function readSqitchPlan(dir, files) {
  const plan = files.find((f) => f.role === 'plan');
  try {
    return plan ? sqitchPlan(dir, plan) : null;
  } catch (e) {
    throw new MigrateError('write_failed', `could not read the migrations folder's ${SQITCH_PLAN}: ${describeIoError(e)}. Nothing was written.`, 1, { cause: e });
  }
}

function readAtlasSums(dir, files) {
  try {
    return atlasSums(dir, files);
  } catch (e) {
    throw new MigrateError('write_failed', `could not read the migrations folder for its ${ATLAS_SUM}: ${describeIoError(e)}. Nothing was written.`, 1, { cause: e });
  }
}

/**
 * The check for CI: every file the run would apply is already in the migrations folder with the
 * same bytes. Writes nothing. `exitCode` 0 when so (or when there is nothing to apply), 1 when a
 * file is missing or different, or when destructive statements are blocked (then --apply would
 * write nothing: the run to compare with is the one given --allow-destructive).
 */
function check(run) {
  const rel = (p) => relativePath(run.root, p);
  const present = [];
  const missing = [];
  const different = [];
  if (run.status !== 'nothing_to_do') {
    for (const f of run.result.files) {
      const abs = path.join(run.outputDirAbs, f.name);
      // Sqitch: the plan must hold the change's line (below), not be the generated plan.
      if (run.sqitch && f.role === 'plan') {
        if (run.sqitch.now === null || run.sqitch.state === 'append') missing.push(rel(abs));
        else if (run.sqitch.state === 'conflict') different.push({ path: rel(abs), why: `it plans ${JSON.stringify(run.sqitch.conflict.theirs.trim())}, not ${JSON.stringify(run.sqitch.conflict.line)}` });
        else present.push(rel(abs));
        continue;
      }
      let have;
      try {
        have = fs.readFileSync(abs);
      } catch (e) {
        if (e.code === 'ENOENT' || e.code === 'ENOTDIR') missing.push(rel(abs));
        else different.push({ path: rel(abs), why: `it could not be read: ${describeIoError(e)}` });
        continue;
      }
      if (have.equals(Buffer.from(f.content, 'utf8'))) present.push(rel(abs));
      else different.push({ path: rel(abs), why: 'its bytes differ from what this report generates' });
    }
    // Atlas: the folder's atlas.sum is the one --apply would leave.
    if (run.atlas) {
      const abs = path.join(run.outputDirAbs, ATLAS_SUM);
      if (run.atlas.now == null) missing.push(rel(abs));
      else if (run.atlas.now === run.atlas.after) present.push(rel(abs));
      else different.push({ path: rel(abs), why: 'it is not the sum of the folder\'s files with this migration (atlas migrate hash)' });
    }
  }
  const ok = run.status !== 'blocked' && missing.length === 0 && different.length === 0;
  return {
    exitCode: ok ? 0 : 1,
    status: run.status,
    checked: true,
    applied: false,
    runId: run.runId,
    reportPath: run.reportRel,
    outputDir: run.outputDirRel,
    result: run.result,
    summary: run.summary,
    outputFiles: run.result.files,
    files: [],
    check: { ok, present, missing, different: different.map((d) => d.path), reasons: Object.fromEntries(different.map((d) => [d.path, d.why])) },
    historyNote: run.historyNote,
  };
}

function finish(run, written) {
  const rel = (p) => relativePath(run.root, p);
  const roles = new Map();
  for (const t of run.targets) if (!roles.has(t.path)) roles.set(t.path, t.role);
  // Listed in the order of the folders: the migrations folder first, then the review folder.
  const files = written
    .map((w) => ({ path: rel(w.path), role: roles.get(w.path), status: w.status }))
    .sort((a, b) => (a.role === 'migration' ? 0 : 1) - (b.role === 'migration' ? 0 : 1));
  let reportMd;
  return {
    exitCode: run.status === 'blocked' ? 1 : 0,
    status: run.status,
    applied: run.applied,
    runId: run.runId,
    reportPath: run.reportRel,
    reportDir: run.reportDirRel,
    outputDir: run.outputDirRel,
    migrationPath: run.governedAbs ? rel(run.governedAbs) : null,
    result: run.result,
    summary: run.summary,
    summaryText: run.summaryText,
    get reportMd() {
      reportMd ??= [...run.reportMd.parts()].join('');
      return reportMd;
    },
    get sql() {
      return run.file?.content ?? null;
    },
    outputFiles: run.result.files,
    files,
    /** In a preview: why --apply would be refused by the migrations folder's history, or null. */
    historyNote: run.historyNote,
  };
}

/** A failed or interrupted write as a MigrateError that says what was and was not written. */
function writeError(e, run) {
  if (!(e instanceof FileError)) {
    return new MigrateError('write_failed', `could not write the output: ${describeIoError(e)}. Nothing was written.`, 1, { cause: e });
  }
  const rel = (p) => relativePath(run.root, p);
  const kept = (e.kept ?? []).map(rel);
  const after = kept.length
    ? ` These files of the run could not be removed again and should be checked: ${kept.join(', ')}.`
    : '';
  if (e.code === 'path_outside') return new MigrateError(e.code, e.message, 2);
  if (e.code === 'write_conflict') return new MigrateError(e.code, `${e.message}${after}`, 1, { conflicts: e.conflicts });
  if (e.code === 'interrupted') {
    return new MigrateError(
      'interrupted',
      `${e.message}: the files this run had begun were removed; nothing was written (the review folder and the migrations folder are as they were).${after}`,
      1,
      { reason: e.reason },
    );
  }
  const where = e.file ? `could not ${e.folder ? 'create the folder' : 'write'} ${rel(e.file)}` : 'could not write the output';
  const cause = e.cause ? describeIoError(e.cause) : e.message;
  return new MigrateError(
    'write_failed',
    `${where}: ${cause}. Nothing was written: ${kept.length ? 'every other file of the run was removed again' : 'the review folder and the migrations folder are as they were'}.${after}`,
    1,
    { file: e.file ? rel(e.file) : null, errno: e.errno ?? null, kept, cause: e.cause ?? e },
  );
}

/**
 * The report must not be one of the files the run writes: a report inside the review folder is
 * replaced by the run (or, being another file, stops it); refused before anything is written.
 */
function refuseInputInOutput(root, given, abs, reportDirAbs, reportDirRel, outGiven) {
  let real;
  try {
    real = fs.realpathSync(abs);
  } catch {
    return;
  }
  const dir = resolvedDir(reportDirAbs);
  const relToDir = path.relative(dir, real);
  if (relToDir === '' || (!relToDir.startsWith('..') && !path.isAbsolute(relToDir))) {
    throw new MigrateError(
      'report_in_output',
      `${given}: the validation report is inside ${reportDirRel}, the review folder this run writes; the run would write over its own input. Pass the data model validator's own summary.json, or choose another review folder with --out${outGiven ? ' than this one' : ''}.`,
      2,
    );
  }
}

/**
 * Whether the review folder `a` and the migrations folder `b` are one folder or one holds the
 * other: a phrase saying which, or null.
 */
function nested(a, b) {
  const ra = resolvedDir(a);
  const rb = resolvedDir(b);
  if (ra === rb) return 'they name the same folder';
  const inside = (x, y) => {
    const r = path.relative(y, x);
    return r !== '' && !r.startsWith('..') && !path.isAbsolute(r);
  };
  if (inside(ra, rb)) return 'the review folder is inside the migrations folder';
  if (inside(rb, ra)) return 'the migrations folder is inside the review folder';
  return null;
}

/** `dir` with its deepest existing part resolved through symbolic links. */
function resolvedDir(dir) {
  let existing = dir;
  const rest = [];
  while (!fs.existsSync(existing)) {
    rest.unshift(path.basename(existing));
    const up = path.dirname(existing);
    if (up === existing) break;
    existing = up;
  }
  try {
    return path.join(fs.realpathSync(existing), ...rest);
  } catch {
    return dir;
  }
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
    || /^%syntax-version=1\.0\.0\n%project=[^\n]*\n\n[^\n]* SmartSpec Data Migration Generator <generator@smartspec\.invalid> # [^\n]*\n$/.test(text)
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

/** What readReport() returns for a report it read into the module's memory (loadReport()). */
const LOADED = Symbol('loaded');

function readReport(given, abs) {
  let bytes;
  try {
    // A report over the limit is refused before it is read: the core would refuse it anyway,
    // with this same message, and reading it first could exhaust the memory.
    const st = fs.statSync(abs);
    const { size } = st;
    if (size > MAX_REPORT_BYTES) {
      throw new MigrateError(
        'too_large',
        `${given}: $: the report is ${size} bytes; the generator reads at most ${MAX_REPORT_BYTES} bytes (64 MiB)`,
        2,
      );
    }
    if (st.isFile()) {
      // A regular file goes straight into the module's memory, checked there as UTF-8.
      const fd = fs.openSync(abs, 'r');
      let loaded;
      try {
        loaded = loadReport(fd, size);
      } finally {
        fs.closeSync(fd);
      }
      if (!loaded) throw new MigrateError('invalid_json', `${given}: $: the validation report is not UTF-8 text`, 2);
      return LOADED;
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
  return decode(given, bytes);
}

/** The report from standard input (`-`), with the same limits and checks as a file. */
function readStdin() {
  let bytes;
  try {
    bytes = fs.readFileSync(0);
  } catch (e) {
    throw new MigrateError('unreadable_report', `standard input: cannot read the validation report: ${describeIoError(e)}`, 2);
  }
  return checkSize(bytes);
}

/** `promise`, or a MigrateError `interrupted` as soon as `signal` aborts (nothing is written yet). */
function untilAborted(promise, signal, onAbort) {
  if (!signal) return promise;
  return new Promise((resolve, reject) => {
    const stop = () => {
      onAbort();
      const reason = signal.reason;
      reject(new MigrateError('interrupted', `interrupted${typeof reason === 'string' ? ` (${reason})` : ''} while reading standard input; nothing was written`, 1, { reason }));
    };
    if (signal.aborted) return stop();
    signal.addEventListener('abort', stop, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', stop));
  });
}

/** Standard input, read as it comes, and refused as soon as it passes the size limit. */
async function readAll(stream) {
  const chunks = [];
  let size = 0;
  try {
    for await (const chunk of stream) {
      size += chunk.length;
      if (size > MAX_REPORT_BYTES) break;
      chunks.push(chunk);
    }
  } catch (e) {
    throw new MigrateError('unreadable_report', `standard input: cannot read the validation report: ${describeIoError(e)}`, 2);
  }
  if (size > MAX_REPORT_BYTES) stream.destroy();
  return size > MAX_REPORT_BYTES ? checkSize({ length: size }) : checkSize(Buffer.concat(chunks));
}

function checkSize(bytes) {
  if (bytes.length > MAX_REPORT_BYTES) {
    throw new MigrateError(
      'too_large',
      `standard input: $: the report is over ${MAX_REPORT_BYTES} bytes; the generator reads at most ${MAX_REPORT_BYTES} bytes (64 MiB)`,
      2,
    );
  }
  return bytes;
}

function decode(given, bytes) {
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
