#!/usr/bin/env node
// The command line: parses flags, runs migrate() (lib/migrate.js) and says where each file went.
// stdout carries the file list and then the migration's SQL (or, with --json, only summary.json);
// warnings and errors go to stderr.

const HELP = `Usage: smartspec-migrate --validation-report <path> [options]
       (also installed as smartspec-data-migration-generator)

Reads the summary.json of the SmartSpec data model validator and generates the SQL
migration (Flyway) that resolves its diffs, for PostgreSQL or MySQL 8.

Without --apply only the report folder is written: the migration (a preview),
report.md and summary.json. With --apply the migration is also written into the
migrations folder. A file that is already there with the same bytes is left
alone; a different file is never overwritten (and then nothing is written).
--out and --output-dir must stay inside the current folder (the project).

Options:
  --validation-report <path>  the validator's summary.json (required; alias --report)
  --apply                     also write the migration into the migrations folder
                              (default: off, preview only)
  --dialect <name>            PostgreSQL or MySQL, any case
                              (default: the report's scope.dialect, else PostgreSQL)
  --out <path>                the report folder
                              (default: .spec/reports/data-migration-generator/<run-id>/,
                              <run-id> being the report's run_id and a hash of the options)
  --output-dir <path>         the migrations folder (default: db/migrations)
  --migration-tool <tool>     flyway, liquibase or raw-sql (default: flyway)
                              flyway: V<version>__<description>.sql; liquibase: a
                              formatted SQL changelog with --rollback for each step;
                              raw-sql: <version>_<description>.up.sql and .down.sql
  --undo                      flyway: also write U<version>__<description>.sql, the
                              reverse statements in reverse order (default: off)
  --concurrently              PostgreSQL: build indexes on existing tables with CREATE
                              INDEX CONCURRENTLY, in a migration of their own that runs
                              outside a transaction (default: off)
  --allow-destructive         allow statements that destroy data (drops, narrowing
                              type changes, enum value removal) (default: blocked)
  --migration-version <v>     the migration version, digits separated by . or _
                              (default: from timestamps.finished_at, else the run_id)
  --name-from <source>        changes or spec_id: what the file name describes
                              (default: changes)
  --json                      print the generator's summary.json on stdout, nothing else
  --quiet                     print nothing but errors
  --help, -h                  print this help
  --version                   print the version

Flags also take the form --flag=value.

Exit codes:
  0  the migration was generated, or there is nothing to do
  1  destructive statements are blocked (the preview is still written to the
     report folder; nothing goes into the migrations folder), a different file is
     already at a target path (nothing is written), or writing failed
  2  usage error (including --out or --output-dir outside the project),
     unreadable report, invalid JSON or invalid report

Examples:
  smartspec-migrate --validation-report .spec/reports/data-model-validation/run-123/summary.json
  smartspec-migrate --report summary.json --dialect mysql --apply
  smartspec-migrate --report summary.json --allow-destructive --apply --output-dir db/migrations
  smartspec-migrate --report summary.json --name-from spec_id --migration-version 2.1 --json
`;

const VALUE_FLAGS = {
  'validation-report': 'validationReport',
  report: 'validationReport',
  dialect: 'dialect',
  out: 'out',
  'output-dir': 'outputDir',
  'migration-tool': 'migrationTool',
  'migration-version': 'migrationVersion',
  'name-from': 'nameFrom',
};
const BOOLEAN_FLAGS = {
  apply: 'apply',
  'allow-destructive': 'allowDestructive',
  undo: 'undo',
  concurrently: 'concurrently',
  json: 'json',
  quiet: 'quiet',
  help: 'help',
  version: 'version',
};

class UsageError extends Error {}

function parseArgs(argv) {
  const opts = {};
  const seen = new Map();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '-h') {
      opts.help = true;
      continue;
    }
    if (!arg.startsWith('--') || arg === '--') {
      throw new UsageError(`unexpected argument ${JSON.stringify(arg)} (flags start with --)`);
    }
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq === -1 ? undefined : eq);
    const inline = eq === -1 ? undefined : arg.slice(eq + 1);
    const key = VALUE_FLAGS[name] ?? BOOLEAN_FLAGS[name];
    if (!key) throw new UsageError(`unknown flag --${name}`);
    if (seen.has(key)) {
      throw new UsageError(`--${name} is given more than once (also as --${seen.get(key)})`);
    }
    seen.set(key, name);
    if (BOOLEAN_FLAGS[name]) {
      if (inline !== undefined) throw new UsageError(`--${name} takes no value`);
      opts[key] = true;
      continue;
    }
    let value = inline;
    if (value === undefined) {
      const next = argv[i + 1];
      if (next === undefined || next.startsWith('--')) throw new UsageError(`--${name} needs a value`);
      value = next;
      i++;
    }
    if (value === '') throw new UsageError(`--${name} needs a value`);
    opts[key] = value;
  }
  return opts;
}

function validate(opts) {
  if (opts.help || opts.version) return;
  if (!opts.validationReport) throw new UsageError('--validation-report <path> is required');
  if (opts.migrationTool !== undefined && !['flyway', 'liquibase', 'raw-sql'].includes(opts.migrationTool.toLowerCase())) {
    throw new UsageError(`--migration-tool: ${JSON.stringify(opts.migrationTool)} is not flyway, liquibase or raw-sql`);
  }
  if (opts.nameFrom !== undefined && !['changes', 'spec_id'].includes(opts.nameFrom)) {
    throw new UsageError(`--name-from: ${JSON.stringify(opts.nameFrom)} is not changes or spec_id`);
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
  let r;
  try {
    r = core.migrate({
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
    });
  } catch (e) {
    if (e instanceof core.MigrateError) {
      err(`error: ${e.message}`);
      if (e.code === 'usage' || e.code === 'path_outside') err('Run with --help for usage.');
      return e.exitCode;
    }
    throw e;
  }

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
    process.stdout.write(r.summaryText);
    return r.exitCode;
  }
  if (!talk) return r.exitCode;

  const roles = { preview: ' (preview)', migration: ' (migration)' };
  for (const f of r.files) {
    const what = f.status === 'identical' ? 'already present (identical)' : 'wrote';
    out(`${what} ${f.path}${roles[f.role] ?? ''}`);
  }
  if (r.status === 'nothing_to_do') {
    out(`nothing to do: ${r.result.nothing_to_do}`);
    out('no migration was written');
    return r.exitCode;
  }
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
    process.stdout.write(f.content);
  }
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
