#!/usr/bin/env node
// The command line: parses flags, runs migrate() (lib/migrate.js) and says where each file went.
// stdout carries the file list and then the migration's SQL (or, with --json, only summary.json);
// warnings and errors go to stderr.

import fs from 'node:fs';
import { parseArgs as parseArgv } from 'node:util';
import v8 from 'node:v8';

const HELP = `Usage: smartspec-migrate --validation-report <path> [options]
       (also installed as smartspec-data-migration-generator)

Reads the summary.json of the SmartSpec data model validator and generates the SQL
migration that resolves its diffs, for PostgreSQL, MySQL 8 or SQLite, as Flyway, Liquibase,
golang-migrate, dbmate, goose, Atlas or Sqitch files, or plain up/down SQL files.

Without --apply only the report folder is written: the migration (a preview),
report.md and summary.json. With --apply the migration is also written into the
migrations folder. A file that is already there with the same bytes is left
alone; a different file is never overwritten. Before --apply adds a migration,
the migrations folder is checked: a version that is already there, or one older
than the newest there, is refused. Every file is written in full before any of
them gets its name: a run that fails or is interrupted (Ctrl-C) writes nothing.
--out and --output-dir must stay inside the current folder (the project).

Options:
  --validation-report <path>  the validator's summary.json, or - to read it from
                              standard input (required; alias --report)
  --apply                     also write the migration into the migrations folder
                              (default: off, preview only)
  --check                     for CI: write nothing; exit 0 when every file --apply
                              would write is already in the migrations folder with
                              the same bytes, 1 when one is missing or different
                              (listed), or when destructive statements are blocked
  --dialect <name>            PostgreSQL, MySQL or SQLite, any case (SQLite: flyway,
                              liquibase or raw-sql only)
                              (default: the report's scope.dialect, else PostgreSQL)
  --out <path>                the report folder, not the migrations folder
                              (default: .spec/reports/data-migration-generator/<run-id>/,
                              <run-id> being the report's run_id)
  --output-dir <path>         the migrations folder (default: db/migrations)
  --migration-tool <tool>     flyway, liquibase, raw-sql, golang-migrate, dbmate,
                              goose, atlas or sqitch, any case (default: flyway)
                              flyway: V<version>__<description>.sql; liquibase: a
                              formatted SQL changelog with --rollback for each step;
                              raw-sql: <version>_<description>.up.sql and .down.sql;
                              golang-migrate: raw-sql's files, a whole-number version,
                              new enum values in a migration of their own (version + 1
                              for the rest); no --concurrently
                              dbmate: <version>_<description>.sql with -- migrate:up and
                              -- migrate:down sections, split as golang-migrate's;
                              no --concurrently
                              goose: <version>_<description>.sql with -- +goose Up and
                              Down, StatementBegin/End around DO blocks, NO TRANSACTION
                              where needed, split as golang-migrate's; no --concurrently
                              atlas: <version>_<description>.sql, -- atlas:txmode none
                              where needed; --apply rewrites the folder's atlas.sum
                              sqitch: deploy/, revert/ and verify/<change>.sql; --apply
                              appends the change to sqitch.plan (created if absent)
  --undo                      flyway only: also write U<version>__<description>.sql,
                              the reverse statements in reverse order (default: off)
  --concurrently              PostgreSQL only: build indexes on existing tables with
                              CREATE INDEX CONCURRENTLY, in a migration of their own
                              that runs outside a transaction (default: off)
  --guards <level>            verify, exists or none, any case: verify checks, in one
                              block before the first change, that each object the
                              migration creates is absent or already as it makes it;
                              exists keeps only IF [NOT] EXISTS-style guards; none
                              writes plain DDL, for a tool whose history runs each
                              file once (default: verify)
  --allow-destructive         allow statements that destroy data (drops, narrowing
                              type changes, enum value removal) (default: blocked)
  --migration-version <v>     the migration version, digits separated by . or _
                              (default: from timestamps.finished_at, else the run_id)
  --name-from <source>        changes or spec_id, any case: what the file name
                              describes (default: changes)
  --out-of-order              with --apply: allow a migration older than the newest
                              one in the migrations folder, for a Flyway that runs
                              with outOfOrder=true (default: refused)
  --json                      print the generator's summary.json on stdout, nothing else
  --quiet                     print nothing but errors
  --help, -h                  print this help
  --version                   print the version

Flags also take the form --flag=value.

Exit codes:
  0  the migration was generated, or there is nothing to do; with --check: the
     migrations folder holds every file of the run with the same bytes
  1  destructive statements are blocked (the preview is still written to the
     report folder; nothing goes into the migrations folder), a different file is
     already at a target path, the migrations folder already has the version or a
     newer one, or writing failed (nothing is written in each of these cases);
     with --check: a file is missing or different, or statements are blocked
  2  usage error (an unknown flag, flags that contradict each other, --out or
     --output-dir outside the project), unreadable report, invalid JSON, invalid
     report, or a report that the run would write over (one inside the report
     folder, or the generator's own summary.json)
  130, 143  interrupted by SIGINT or SIGTERM (nothing is written)

Examples:
  smartspec-migrate --validation-report .spec/reports/data-model-validation/run-123/summary.json
  smartspec-migrate --report summary.json --dialect mysql --apply
  smartspec-migrate --report summary.json --allow-destructive --apply --output-dir db/migrations
  smartspec-migrate --report summary.json --name-from spec_id --migration-version 2.1 --json
  cat summary.json | smartspec-migrate --report - --migration-tool liquibase
`;

/** Every flag: its option key, and for the flags that take a value, `value: true`. */
const FLAGS = {
  'validation-report': { key: 'validationReport', value: true },
  report: { key: 'validationReport', value: true },
  dialect: { key: 'dialect', value: true },
  out: { key: 'out', value: true },
  'output-dir': { key: 'outputDir', value: true },
  'migration-tool': { key: 'migrationTool', value: true },
  'migration-version': { key: 'migrationVersion', value: true },
  'name-from': { key: 'nameFrom', value: true },
  apply: { key: 'apply' },
  check: { key: 'check' },
  'allow-destructive': { key: 'allowDestructive' },
  undo: { key: 'undo' },
  concurrently: { key: 'concurrently' },
  guards: { key: 'guards', value: true },
  'out-of-order': { key: 'outOfOrder' },
  json: { key: 'json' },
  quiet: { key: 'quiet' },
  help: { key: 'help', short: 'h' },
  version: { key: 'version' },
};

/** The values of the enumerated flags, in their canonical spelling (matched in any case). */
const CHOICES = {
  dialect: ['PostgreSQL', 'MySQL', 'SQLite'],
  'migration-tool': ['flyway', 'liquibase', 'raw-sql', 'golang-migrate', 'dbmate', 'goose', 'atlas', 'sqitch'],
  'name-from': ['changes', 'spec_id'],
  guards: ['verify', 'exists', 'none'],
};
/** Other spellings of a dialect that the core accepts. */
const DIALECT_ALIASES = { postgres: 'PostgreSQL', pg: 'PostgreSQL', sqlite3: 'SQLite' };

class UsageError extends Error {}

/** Levenshtein distance, for "did you mean". */
function distance(a, b) {
  const prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0];
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j];
      prev[j] = Math.min(prev[j] + 1, prev[j - 1] + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return prev[b.length];
}

/** The known word nearest to `word`, when it is near enough to be a slip. */
function nearest(word, known) {
  let best = null;
  let bestD = Infinity;
  for (const k of known) {
    const d = distance(word.toLowerCase(), k.toLowerCase());
    if (d < bestD) {
      best = k;
      bestD = d;
    }
  }
  const near = bestD <= Math.max(2, Math.floor(best?.length / 3)) || (best && (best.startsWith(word) || word.startsWith(best)));
  return near ? best : null;
}

function parseArgs(argv) {
  const options = {};
  for (const [name, f] of Object.entries(FLAGS)) {
    options[name] = { type: f.value ? 'string' : 'boolean', ...(f.short ? { short: f.short } : {}) };
  }
  let parsed;
  try {
    parsed = parseArgv({ args: argv, options, strict: true, allowPositionals: false, tokens: true });
  } catch (e) {
    throw usageOf(e, argv);
  }
  const opts = {};
  const seen = new Map();
  for (const t of parsed.tokens) {
    if (t.kind !== 'option') continue;
    const f = FLAGS[t.name];
    if (seen.has(f.key)) {
      throw new UsageError(`${t.rawName} is given more than once (also as ${seen.get(f.key)})`);
    }
    seen.set(f.key, t.rawName);
    if (!f.value) {
      if (t.inlineValue) throw new UsageError(`${t.rawName} takes no value`);
      opts[f.key] = true;
      continue;
    }
    if (t.value === undefined || t.value === '') throw new UsageError(`--${t.name} needs a value`);
    opts[f.key] = t.value;
  }
  return opts;
}

/** parseArgs' own errors, in this command's words. */
function usageOf(e, argv) {
  const quoted = /'([^']*)'/.exec(e.message)?.[1] ?? '';
  switch (e.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION': {
      const name = quoted.replace(/^-+/, '').split('=')[0];
      const guess = nearest(name, Object.keys(FLAGS));
      return new UsageError(`unknown flag ${quoted.startsWith('--') ? `--${name}` : quoted}${guess ? `; did you mean --${guess}?` : ''}`);
    }
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE': {
      const flag = /--[a-z-]+/.exec(e.message)?.[0] ?? quoted;
      if (/does not take an argument/.test(e.message)) return new UsageError(`${flag} takes no value`);
      return new UsageError(`${flag} needs a value`);
    }
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL': {
      const arg = quoted || argv.find((a) => !a.startsWith('-')) || '';
      return new UsageError(`unexpected argument ${JSON.stringify(arg)} (flags start with --; the report is given with --validation-report <path>, or - for standard input)`);
    }
    default:
      return new UsageError(e.message);
  }
}

/** `value` of an enumerated flag in its canonical spelling; anything else is a usage error. */
function choice(flag, value) {
  const lower = value.toLowerCase();
  const hit = CHOICES[flag].find((c) => c.toLowerCase() === lower) ?? (flag === 'dialect' ? DIALECT_ALIASES[lower] : undefined);
  if (hit) return hit;
  const list = CHOICES[flag];
  const guess = nearest(value, list);
  throw new UsageError(
    `--${flag}: ${JSON.stringify(value)} is not ${list.slice(0, -1).join(', ')} or ${list[list.length - 1]}${guess ? `; did you mean ${guess}?` : ''}`,
  );
}

function validate(opts) {
  if (opts.help || opts.version) return;
  if (!opts.validationReport) throw new UsageError('--validation-report <path> is required (or - to read it from standard input)');
  if (opts.dialect !== undefined) opts.dialect = choice('dialect', opts.dialect);
  if (opts.migrationTool !== undefined) opts.migrationTool = choice('migration-tool', opts.migrationTool);
  if (opts.nameFrom !== undefined) opts.nameFrom = choice('name-from', opts.nameFrom);
  // Flags that contradict each other.
  const tool = opts.migrationTool ?? 'flyway';
  if (opts.undo && tool !== 'flyway') {
    throw new UsageError(
      `--undo and --migration-tool ${tool} contradict each other: --undo writes Flyway's U… undo files; ${
        tool === 'liquibase' ? 'a Liquibase changelog carries its --rollback statements already'
          : tool === 'dbmate' ? 'a dbmate migration carries its -- migrate:down section already'
          : tool === 'goose' ? 'a goose migration carries its -- +goose Down section already'
          : tool === 'atlas' ? 'an Atlas migration directory keeps no down files (atlas migrate down plans the undo itself)'
          : tool === 'sqitch' ? 'a Sqitch change carries its revert script already'
          : `${tool} writes its .down.sql file already`
      }. Leave out --undo.`,
    );
  }
  if (opts.concurrently && ['golang-migrate', 'dbmate', 'goose'].includes(tool)) {
    throw new UsageError(`--concurrently and --migration-tool ${tool} contradict each other: ${tool} sends a migration to PostgreSQL as one string, which runs as one transaction, where CREATE INDEX CONCURRENTLY cannot run. Leave out --concurrently, or use flyway, liquibase or raw-sql.`);
  }
  if (opts.concurrently && opts.dialect === 'MySQL') {
    throw new UsageError('--concurrently and --dialect MySQL contradict each other: CREATE INDEX CONCURRENTLY is PostgreSQL\'s (MySQL 8 builds indexes online by itself). Leave out --concurrently.');
  }
  if (opts.concurrently && opts.dialect === 'SQLite') {
    throw new UsageError('--concurrently and --dialect SQLite contradict each other: CREATE INDEX CONCURRENTLY is PostgreSQL\'s. Leave out --concurrently.');
  }
  if (opts.dialect === 'SQLite' && !['flyway', 'liquibase', 'raw-sql'].includes(tool)) {
    throw new UsageError(`--dialect SQLite and --migration-tool ${tool} contradict each other: SQLite migrations are written for flyway, liquibase or raw-sql. Use one of those.`);
  }
  if (opts.check && (opts.apply || opts.out !== undefined)) {
    const other = opts.apply ? '--apply' : '--out';
    throw new UsageError(`--check and ${other} contradict each other: --check writes nothing, it compares the files --apply would write with the migrations folder's. Leave out ${other}.`);
  }
  if (opts.outOfOrder && !opts.apply) {
    throw new UsageError('--out-of-order only matters with --apply (it allows a migration older than the newest one in the migrations folder)');
  }
}

function main(argv) {
  const err = (line) => process.stderr.write(`${line}\n`);
  let opts;
  try {
    opts = parseArgs(argv);
    validate(opts);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    err(`error: ${e.message}`);
    err('Run with --help for usage.');
    return 2;
  }
  if (opts.help) {
    process.stdout.write(HELP);
    return 0;
  }
  // A run calls the module once: V8's optimizing tier would compile its largest functions in the
  // background for longer than they run (BENCHMARKS.md, "The CLI end to end"), so the CLI keeps
  // the baseline compiler. Set before the module is compiled; the library leaves its host be.
  // The young generation keeps its first size: a run's short-lived objects (report.md's lines,
  // the statements' entries of summary.json) would otherwise grow it to 16 MiB twice over, which
  // is resident until the process ends, for no measurable gain in time (BENCHMARKS.md, "The CLI
  // at scale").
  v8.setFlagsFromString('--no-wasm-dynamic-tiering --no-wasm-tier-up --semi-space-growth-factor=1');
  return import('../node.js').then(
    (core) => run(core, opts),
    (e) => {
      err(`error: cannot load the generator: ${e.message}`);
      return 1;
    },
  );
}

function run(core, opts) {
  const out = (line) => process.stdout.write(`${line}\n`);
  const err = (line) => process.stderr.write(`${line}\n`);
  const talk = !opts.quiet && !opts.json;
  if (opts.version) {
    out(core.version());
    return 0;
  }
  // SIGINT and SIGTERM stop the writes; the run then removes what it had begun (lib/files.js).
  const stop = new AbortController();
  const onSignal = (signal) => stop.abort(signal);
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return core
    .migrateAsync({
      validationReport: opts.validationReport,
      apply: opts.apply,
      dialect: opts.dialect,
      out: opts.out,
      outputDir: opts.outputDir,
      migrationTool: opts.migrationTool,
      migrationVersion: opts.migrationVersion,
      nameFrom: opts.nameFrom,
      allowDestructive: opts.allowDestructive,
      undo: opts.undo,
      concurrently: opts.concurrently,
      guards: opts.guards,
      outOfOrder: opts.outOfOrder,
      check: opts.check,
      signal: stop.signal,
      // The files go from the module's memory to disk (and stdout) without becoming strings.
      keepInModule: true,
    })
    .then(
      (r) => report(r, opts),
      (e) => {
        if (!(e instanceof core.MigrateError)) throw e;
        err(`error: ${e.message}`);
        if (e.code === 'usage' || e.code === 'path_outside') err('Run with --help for usage.');
        // An interrupted run ends as the signal would have ended it: 128 + its number.
        if (e.code === 'interrupted') return e.reason === 'SIGTERM' ? 143 : 130;
        return e.exitCode;
      },
    )
    .finally(() => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    });
}

function report(r, opts) {
  if (r.checked) return reportCheck(r, opts);
  const out = (line) => process.stdout.write(`${line}\n`);
  const err = (line) => process.stderr.write(`${line}\n`);
  const talk = !opts.quiet && !opts.json;
  if (!opts.quiet) {
    for (const w of r.result.warnings) {
      err(`warning [${w.code}] ${w.message}${w.diff_id ? ` (diff ${w.diff_id})` : ''}`);
    }
  }
  if (r.status === 'blocked' && opts.quiet) {
    const n = r.result.statements.filter((s) => s.blocked).length;
    err(`error: ${n} destructive statement(s) are blocked (--allow-destructive); see ${r.reportDir}/report.md`);
  } else if (r.status === 'blocked') {
    const blocked = r.result.statements.filter((s) => s.blocked);
    err(`blocked: ${blocked.length} destructive statement(s) need --allow-destructive:`);
    for (const s of blocked) {
      err(`  [${s.diff_id}] ${s.operation} ${s.target} (${s.risks.map((x) => x.code).join(', ')})`);
    }
    err(
      opts.apply
        ? `nothing was written to ${r.outputDir}; review ${r.reportDir}/report.md, then run again with --allow-destructive`
        : `review ${r.reportDir}/report.md, then run again with --allow-destructive`,
    );
  }
  if (opts.json) {
    writeOut(r.summaryText);
    return r.exitCode;
  }
  if (!talk) return r.exitCode;

  const roles = { preview: ' (preview)', migration: ' (migration)' };
  for (const f of r.files) {
    const what = f.status === 'identical' ? 'already present (identical)' : 'wrote';
    out(`${what} ${f.path}${roles[f.role] ?? ''}`);
  }
  const skipped = r.summary.summary.skipped;
  if (skipped.length) {
    out(`skipped: ${skipped.length} diff(s) that no statement resolves: ${skipped.map((k) => k.diff_id ?? k.path).join(', ')} (see the warnings, and report.md)`);
  }
  if (r.status === 'nothing_to_do') {
    out(`nothing to do: ${r.result.nothing_to_do}`);
    out('no migration was written');
    return r.exitCode;
  }
  if (r.historyNote) err(`note: --apply would be refused now: ${r.historyNote}`);
  if (r.status === 'generated') {
    out(
      r.applied
        ? `applied: the migration is in ${r.migrationPath}`
        : `preview only: run again with --apply to write ${r.migrationPath}`,
    );
  }
  // The SQL last: the forward migration(s); with several files each under its name.
  const shown = r.outputFiles.filter((f) => ['migration', 'changelog', 'up'].includes(f.role));
  for (const f of shown) {
    out('');
    if (r.outputFiles.length > 1) out(`-- ==> ${f.name}`);
    writeOut(f);
  }
  return r.exitCode;
}

const BYTES = Symbol.for('smartspec.bytes');

/**
 * stdout: a text, or a generated file. A long one to a file (or /dev/null) a slice at a time (the
 * stream would copy it whole); a file from its bytes in the module's memory where they are.
 */
function writeOut(what) {
  let st = null;
  try {
    st = process.stdout.isTTY ? null : fs.fstatSync(1);
  } catch {
    // as a stream
  }
  const direct = st && (st.isFile() || st.isCharacterDevice());
  const view = typeof what === 'object' && typeof what[BYTES] === 'function' ? what[BYTES]() : null;
  if (direct && view && view.length >= 65536) {
    for (let done = 0; done < view.length;) done += fs.writeSync(1, view, done, Math.min(1 << 20, view.length - done));
    return;
  }
  const text = typeof what === 'object' ? what.content : what;
  if (!direct || text.length < 65536) return void process.stdout.write(text);
  const buf = Buffer.allocUnsafeSlow(3 << 20);
  for (let off = 0, end; off < text.length; off = end) {
    end = Math.min(off + (1 << 20), text.length);
    if (end < text.length && (text.charCodeAt(end - 1) & 0xfc00) === 0xd800) end--;
    const n = buf.write(text.slice(off, end), 0, 'utf8');
    for (let done = 0; done < n;) done += fs.writeSync(1, buf, done, n - done);
  }
}

/** --check: what is there, what is missing or different; failures on stderr, even with --quiet. */
function reportCheck(r, opts) {
  const out = (line) => process.stdout.write(`${line}\n`);
  const err = (line) => process.stderr.write(`${line}\n`);
  const c = r.check;
  if (opts.json) {
    const { reasons, ...rest } = c;
    process.stdout.write(`${JSON.stringify({ status: r.status, output_dir: r.outputDir, ...rest, reasons }, null, 2)}\n`);
    return r.exitCode;
  }
  const talk = !opts.quiet;
  if (r.status === 'nothing_to_do') {
    if (talk) out(`check passed: nothing to apply (${r.result.nothing_to_do})`);
    return r.exitCode;
  }
  if (talk) for (const p of c.present) out(`present ${p}`);
  for (const p of c.missing) err(`missing ${p}`);
  for (const p of c.different) err(`different ${p}: ${c.reasons[p]}`);
  if (r.status === 'blocked') {
    const n = r.result.statements.filter((s) => s.blocked).length;
    err(`check failed: ${n} destructive statement(s) are blocked, so --apply would write nothing; check with --allow-destructive if the migration was applied with it`);
    return r.exitCode;
  }
  if (!c.ok) {
    const what = [c.missing.length ? `${c.missing.length} missing` : null, c.different.length ? `${c.different.length} different` : null].filter(Boolean).join(', ');
    err(`check failed: ${what} in ${r.outputDir}; the report's migration is not committed as generated. Run again with --apply (without --check) to write what is missing; a different file is never overwritten.`);
    return r.exitCode;
  }
  if (talk) out(`check passed: ${r.outputDir} holds every file of this run (${c.present.length}) with the same bytes`);
  return r.exitCode;
}

// A closed pipe (`| head`) drops the rest of the output; the run still ends with its own exit code.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e) => {
    if (e.code !== 'EPIPE') throw e;
  });
}

Promise.resolve()
  .then(() => main(process.argv.slice(2)))
  .then(
    (code) => {
      process.exitCode = code;
    },
    (e) => {
      process.stderr.write(`error: internal: ${e?.stack ?? e}\n`);
      process.exitCode = 1;
    },
  );
