// The generator's own report: summary.json (SmartSpec's minimum fields) and report.md, built from
// the result of generate(). Pure JavaScript with no file system access, so the browser page can use
// it as it is. Everything here is deterministic: the same input gives the same bytes, with no
// timestamps and no absolute paths (callers pass paths relative to the project folder).

export const WORKFLOW = 'smartspec_data_migration_generator';
export const VERSION = '6.1.0';
/** The package name; `npx` resolves it whether or not the package is installed. */
export const COMMAND = 'npx smartspec-data-migration-generator';
export const DEFAULT_OUTPUT_DIR = 'db/migrations';
export const REPORTS_ROOT = '.spec/reports/data-migration-generator';

/** `generated`, `nothing_to_do` or `blocked`. */
export function statusOf(result) {
  if (!result.files || result.files.length === 0) return 'nothing_to_do';
  return result.blocked ? 'blocked' : 'generated';
}

/** The diffs of the report that no statement resolves: [{diff_id, path, reason}]. */
export function skippedDiffs(result) {
  return (result.warnings ?? [])
    .filter((w) => w.code === 'unknown_diff_kind')
    .map((w) => ({ diff_id: w.diff_id ?? null, path: w.path ?? null, reason: w.message }));
}

/** A report.md this generator wrote. */
export function isOwnReportMd(bytes) {
  const text = new TextDecoder().decode(bytes);
  return text.startsWith('# Data migration for ') && text.includes(`${code(WORKFLOW)}`);
}

/** A summary.json this generator wrote. */
export function isOwnSummary(bytes) {
  try {
    return JSON.parse(new TextDecoder().decode(bytes))?.workflow === WORKFLOW;
  } catch {
    return false;
  }
}

/** Quotes one word for a POSIX shell when it needs it. */
export function shellQuote(word) {
  const s = String(word);
  if (/^[A-Za-z0-9_./:=@%+,-]+$/.test(s)) return s;
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** The guards a result's migration was written with, as its header says (`-- Guards: verify …`). */
function guardsOf(result) {
  const file = (result.files ?? []).find((f) => /^-- Guards: /m.test(f.content ?? ''));
  return file ? /^-- Guards: ([a-z]+)/m.exec(file.content)[1] : null;
}

/**
 * The command that applies the migration: the same report and options, plus `--apply`.
 * `options`: {dialect, migrationVersion, nameFrom, migrationTool, undo, concurrently, outOfOrder,
 * outputDir, allowDestructive}
 * (only what the caller chose; defaults are left out).
 */
export function applyCommand(reportPath, options = {}) {
  const args = ['--validation-report', reportPath];
  if (options.dialect) args.push('--dialect', options.dialect);
  if (options.migrationTool) args.push('--migration-tool', options.migrationTool);
  if (options.migrationVersion) args.push('--migration-version', options.migrationVersion);
  if (options.undo) args.push('--undo');
  if (options.concurrently) args.push('--concurrently');
  if (options.guards) args.push('--guards', options.guards);
  if (options.nameFrom) args.push('--name-from', options.nameFrom);
  if (options.outputDir && options.outputDir !== DEFAULT_OUTPUT_DIR) {
    args.push('--output-dir', options.outputDir);
  }
  if (options.allowDestructive) args.push('--allow-destructive');
  args.push('--apply');
  if (options.outOfOrder) args.push('--out-of-order');
  return `${COMMAND} ${args.map(shellQuote).join(' ')}`;
}

/**
 * summary.json of this generator.
 *
 * ctx: {
 *   runId,            the generator's run id (the report's run id)
 *   reportPath,       the validation report, relative to the project folder
 *   applied,          the migration is in the migrations folder (written now or already there)
 *   scriptPath,       where the migration is: the migrations folder when applied, else the
 *                     preview in the report folder; null when there is none
 *   reportsWritten,   every file of the report folder (preview migration, report.md, summary.json)
 *   governed,         files outside the report folder (the migration in the migrations folder)
 *   outputDir,        the migrations folder
 *   allowDestructive, destructive statements were allowed
 *   applyCommand,     see applyCommand()
 *   allowCommand,     the same with --allow-destructive (for blocked statements)
 * }
 */
export function buildSummary(result, ctx = {}) {
  const status = statusOf(result);
  const statements = result.statements ?? [];
  const warnings = result.warnings ?? [];
  const skipped = skippedDiffs(result);
  const summary = {
    workflow: WORKFLOW,
    version: VERSION,
    run_id: ctx.runId ?? result.run_id,
    status,
    applied: Boolean(ctx.applied),
    scope: {
      validation_report: ctx.reportPath ?? null,
      source_run_id: result.run_id,
      spec_path: result.report?.spec_path ?? null,
      spec_id: result.report?.spec_id ?? null,
      dialect: result.dialect,
      migration_tool: result.migration_tool,
      output_dir: ctx.outputDir ?? DEFAULT_OUTPUT_DIR,
      allow_destructive: Boolean(ctx.allowDestructive),
    },
    summary: {
      script_generated: status !== 'nothing_to_do',
      script_path: ctx.scriptPath ?? null,
      migration_version: result.version ?? null,
      operations: { ...(result.operations ?? {}) },
      destructive_operations_found: Boolean(result.destructive_operations_found),
      blocked_statements: statements.filter((s) => s.blocked).length,
      statements: statements.length,
      warnings: warnings.length,
      skipped_diffs: skipped.length,
      skipped,
      nothing_to_do: result.nothing_to_do ?? null,
      files: (ctx.files ?? result.files ?? []).map((f) => ({ name: f.name, role: f.role, path: f.path ?? null })),
      irreversible_steps: statements.filter((s) => !s.reverse_sql).map((s) => ({
        diff_id: s.diff_id,
        operation: s.operation,
        target: s.target,
        reason: s.reverse_note ?? null,
      })),
    },
    risks: statements.map((s) => ({
      diff_id: s.diff_id,
      operation: s.operation,
      target: s.target,
      codes: (s.risks ?? []).map((r) => r.code),
      destructive: Boolean(s.destructive),
      blocked: Boolean(s.blocked),
    })),
    warnings: warnings.map((w) => ({
      code: w.code,
      message: w.message,
      diff_id: w.diff_id ?? null,
      path: w.path ?? null,
    })),
    writes: {
      reports: [...(ctx.reportsWritten ?? [])],
      governed: [...(ctx.governed ?? [])],
    },
    next_steps: nextSteps(result, status, ctx),
  };
  return summary;
}

function nextSteps(result, status, ctx) {
  const steps = [];
  if (status === 'blocked') {
    const n = result.statements.filter((s) => s.blocked).length;
    steps.push({
      cmd: ctx.allowCommand ?? null,
      why: `${n} destructive statement(s) are blocked; review them in report.md, then allow them with --allow-destructive.`,
    });
  } else if (status === 'generated' && !ctx.applied) {
    steps.push({
      cmd: ctx.applyCommand ?? null,
      why: 'Write the migration into the migrations folder.',
    });
  } else if (status === 'generated') {
    steps.push({
      cmd: null,
      why: `Run the migration with ${result.migration_tool} (for example \`flyway migrate\`).`,
    });
  }
  return steps;
}

/** A fence or inline code span longer than any run of backticks in `text`. */
function ticks(text, min) {
  if (!String(text).includes('`')) return '`'.repeat(min);
  const runs = String(text).match(/`+/g) ?? [];
  const longest = runs.reduce((m, r) => Math.max(m, r.length), 0);
  return '`'.repeat(Math.max(min, longest + 1));
}

/** Inline code that survives backticks inside (MySQL quotes names with them). */
export function code(text) {
  const s = String(text);
  const t = ticks(s, 1);
  const pad = s.startsWith('`') || s.endsWith('`') ? ' ' : '';
  return `${t}${pad}${s}${pad}${t}`;
}

function fenced(text, lang) {
  const t = ticks(text, 3);
  return `${t}${lang}\n${text.replace(/\n+$/, '')}\n${t}\n`;
}

/** One line of prose: no line breaks, so a value cannot start a Markdown block of its own. */
function line(text) {
  return String(text).replace(/[\r\n]+/g, ' ');
}

function riskText(s) {
  if (!s.risks || s.risks.length === 0) return 'none';
  return s.risks.map((r) => `${code(r.code)} (${r.category.replace(/_/g, '-')})`).join(', ');
}

/**
 * Where each statement starts: {file, line} in the forward files (a Flyway migration, a Liquibase
 * changelog, an up file), which hold the statements in their order; null where the text is not
 * found as it is. One pass over the files.
 */
function locate(files, statements) {
  const forward = files.filter((f) => f.role === 'migration' || f.role === 'changelog' || f.role === 'up' || f.role === 'deploy');
  const out = new Array(statements.length).fill(null);
  // A result that reads its files from the wasm module's memory (the Node entry's) knows where
  // each statement is: the lines are counted in the file's bytes, and no text is made.
  if (files.length && typeof files[0][BYTES] === 'function' && files[0][BYTES]() !== null) {
    return locateBytes(files, forward, statements, out);
  }
  let f = 0;
  let pos = 0;
  let line = 1;
  for (let i = 0; i < statements.length && f < forward.length; i++) {
    const sql = statements[i].sql;
    if (!sql) continue;
    let g = f;
    let at = forward[g].content.indexOf(sql, pos);
    while (at < 0 && g + 1 < forward.length) {
      g++;
      at = forward[g].content.indexOf(sql, 0);
    }
    if (at < 0) continue;
    if (g !== f) {
      f = g;
      pos = 0;
      line = 1;
    }
    const text = forward[f].content;
    for (let n = text.indexOf('\n', pos); n >= 0 && n < at; n = text.indexOf('\n', n + 1)) line++;
    pos = at;
    out[i] = { file: forward[f].name, line };
  }
  return out;
}

const BYTES = Symbol.for('smartspec.bytes');
const SPAN = Symbol.for('smartspec.span');
const KEPT = Symbol.for('smartspec.kept');

/** A statement's SQL; the Node command line's result gives it as a place in a file (edge.js). */
function sqlOf(result, s) {
  return s.sql === null && s[SPAN] ? result[KEPT].sqlOf(s) : s.sql;
}

/**
 * locate() on the files' bytes, step for step: a statement's SQL is looked for as bytes (UTF-8
 * matches only at the start of a character, so the first match is the text's first), its own
 * bytes when a file holds them, and the lines are counted as bytes `\n`. No text is made.
 */
function locateBytes(files, forward, statements, out) {
  // Made once: nothing here calls the module, whose memory stays where it is meanwhile.
  const views = new Map();
  const bytesOf = (file) => {
    let b = views.get(file);
    if (!b) {
      const v = file[BYTES]();
      b = Buffer.from(v.buffer, v.byteOffset, v.byteLength);
      views.set(file, b);
    }
    return b;
  };
  let f = 0;
  let pos = 0;
  let line = 1;
  for (let i = 0; i < statements.length && f < forward.length; i++) {
    const s = statements[i];
    const span = s[SPAN];
    const sql = span ? bytesOf(files[span[0]]).subarray(span[1], span[2]) : s.sql;
    if (!sql || sql.length === 0) continue;
    let g = f;
    let at = bytesOf(forward[g]).indexOf(sql, pos);
    while (at < 0 && g + 1 < forward.length) {
      g++;
      at = bytesOf(forward[g]).indexOf(sql, 0);
    }
    if (at < 0) continue;
    if (g !== f) {
      f = g;
      pos = 0;
      line = 1;
    }
    const text = bytesOf(forward[f]);
    // Latin-1 maps each byte to one character: the line breaks are where the bytes have them.
    const between = text.toString('latin1', pos, at);
    for (let n = between.indexOf('\n'); n >= 0; n = between.indexOf('\n', n + 1)) line++;
    pos = at;
    out[i] = { file: forward[f].name, line };
  }
  return out;
}

/**
 * report.md of this generator.
 *
 * ctx: the buildSummary() context, plus
 *   fileName       the migration's file name (result.files[0].name)
 *   applyCommand   the exact command that applies this migration
 *   allowCommand   the same with --allow-destructive (shown when statements are blocked)
 */
export function buildReportMd(result, ctx = {}) {
  return [...reportMdParts(result, ctx)].join('');
}

/**
 * buildReportMd()'s text in consecutive parts of a few thousand lines, to be written as it is
 * made: the strings of its lines then die young (150 000 lines held to the end took 45 MB).
 */
export function* reportMdParts(result, ctx = {}) {
  const status = statusOf(result);
  const statements = result.statements ?? [];
  const warnings = result.warnings ?? [];
  const blocked = statements.filter((s) => s.blocked);
  const fileName = ctx.fileName ?? result.files?.[0]?.name ?? null;
  // A part ends with a line break; the last one, which holds the Apply section, with exactly one.
  let out = [];
  const p = (...lines) => out.push(...lines);
  const full = () => out.length >= 4096;
  const part = () => {
    out.push('');
    const text = out.join('\n');
    out = [];
    return text;
  };

  p(`# Data migration for ${code(result.run_id)}`, '');
  p(`- Status: **${status.replace(/_/g, ' ')}**`);
  const source = ctx.reportPath === '-' ? 'standard input (`-`)' : ctx.reportPath ? code(ctx.reportPath) : 'given as an object';
  p(`- Source report: ${source} (run ${code(result.run_id)})`);
  if (result.report?.workflow || result.report?.validator_version || result.report?.status) {
    const parts = [];
    if (result.report.workflow) parts.push(code(result.report.workflow));
    if (result.report.validator_version) parts.push(`version ${code(result.report.validator_version)}`);
    if (result.report.status) parts.push(`status ${code(result.report.status)}`);
    p(`- Validator: ${parts.join(', ')}`);
  }
  if (result.report?.spec_path || result.report?.spec_id) {
    const spec = [result.report.spec_path && code(result.report.spec_path), result.report.spec_id && `(${code(result.report.spec_id)})`]
      .filter(Boolean)
      .join(' ');
    p(`- Spec: ${spec}`);
  }
  p(`- Generator: ${code(WORKFLOW)} ${VERSION}, run ${code(ctx.runId ?? result.run_id)}`);
  p(`- Dialect: ${result.dialect}`);
  p(`- Migration tool: ${result.migration_tool}`);
  const guards = guardsOf(result);
  if (guards) p(`- Guards: ${guards}`);
  if (fileName) p(`- Migration file: ${code(fileName)}`);
  const others = (ctx.files ?? result.files ?? []).filter((f) => f.name !== fileName);
  for (const f of others) p(`- Also: ${code(f.name)} (${f.role})`);
  if (ctx.applied && ctx.scriptPath) {
    p(`- Applied: yes, the migration is at ${code(ctx.scriptPath)}`);
  } else if (status !== 'nothing_to_do') {
    p(`- Applied: no (preview)${ctx.previewPath ? `; the migration is previewed at ${code(ctx.previewPath)}` : ''}`);
  }
  p('');

  const skipped = skippedDiffs(result);
  if (skipped.length) {
    p(`## Skipped diffs`, '');
    p(`${skipped.length} diff(s) of the report are skipped: no statement resolves them, and the schema keeps what they describe.`, '');
    for (const k of skipped) {
      const where = [k.diff_id && `diff ${code(k.diff_id)}`, k.path && code(k.path)].filter(Boolean).join(', ');
      p(`- ${where}: ${line(k.reason)}`);
      if (full()) yield part();
    }
    p('');
  }

  if (status === 'nothing_to_do') {
    p('## Nothing to do', '');
    p(`${line(result.nothing_to_do ?? 'The report asks for no schema change.')}`, '');
    p('No migration file was written.', '');
  } else {
    p('## What would be applied', '');
    const n = statements.length;
    p(`${n} statement(s), run in this order${blocked.length ? `; ${blocked.length} of them blocked` : ''}.`, '');
    const ops = Object.entries(result.operations ?? {});
    if (ops.length) {
      p(`Operations: ${ops.map(([k, v]) => `${code(k)} ${v}`).join(', ')}.`, '');
    }
    const where = locate(result.files ?? [], statements);
    p('The SQL of each statement with a risk, and of each blocked one, is shown in full; each other statement names the file and line where it starts.', '');
    for (let i = 0; i < statements.length; i++) {
      const s = statements[i];
      p(`### ${i + 1}. ${code(s.diff_id)} ${s.operation} ${code(s.target)}${s.blocked ? ' (blocked)' : ''}`, '');
      p(`- Risks: ${riskText(s)}`);
      if (s.blocked) p('- Blocked: destructive, needs `--allow-destructive`');
      else if (s.destructive) p('- Destructive: allowed by `--allow-destructive`');
      const at = where[i];
      if (at && !s.blocked && !s.destructive && (s.risks ?? []).length === 0) {
        p(`- SQL: ${code(at.file)}, line ${at.line}`, '');
      } else {
        p('');
        p(fenced(sqlOf(result, s), 'sql'));
      }
      if (full()) yield part();
    }
  }

  if (status !== 'nothing_to_do') {
    p('## Undo', '');
    const irreversible = statements.filter((s) => !s.reverse_sql);
    const partial = statements.filter((s) => s.reverse_sql && s.reverse_note);
    if (irreversible.length === 0 && partial.length === 0) {
      p('Every step has an exact reverse (in the undo, rollback or down file, when the tool writes one).', '');
    } else {
      if (irreversible.length) {
        p('Irreversible: no statement undoes these steps, and none is faked; the undo, rollback and down files say so:', '');
        for (const s of irreversible) {
          p(`- ${code(s.diff_id)} ${s.operation} ${code(s.target)}: ${line(s.reverse_note ?? '')}`);
          if (full()) yield part();
        }
        p('');
      }
      if (partial.length) {
        p('Undone in structure only:', '');
        for (const s of partial) {
          p(`- ${code(s.diff_id)} ${s.operation} ${code(s.target)}: ${line(s.reverse_note)}`);
          if (full()) yield part();
        }
        p('');
      }
    }
  }

  p('## Blocked destructive statements', '');
  if (blocked.length === 0) {
    const allowed = statements.filter((s) => s.destructive);
    if (allowed.length) {
      p(`None blocked: ${allowed.length} destructive statement(s) are allowed by \`--allow-destructive\`: ${allowed.map((s) => `${code(s.diff_id)} ${s.operation} ${code(s.target)}`).join('; ')}.`, '');
    } else {
      p('None.', '');
    }
  } else {
    p('These statements destroy data and are blocked. The migration cannot be applied until they are allowed:', '');
    for (const s of blocked) {
      p(`- ${code(s.diff_id)} ${s.operation} ${code(s.target)}: ${riskText(s)}`);
      if (full()) yield part();
    }
    p('');
    p('To allow them, check that the data they remove is no longer needed (or back it up), then run again with `--allow-destructive`:', '');
    if (ctx.allowCommand) p(fenced(ctx.allowCommand, 'sh'));
  }

  p('## Warnings', '');
  if (warnings.length === 0) {
    p('None.', '');
  } else {
    for (const w of warnings) {
      const where = [w.diff_id && `diff ${code(w.diff_id)}`, w.path && code(w.path)].filter(Boolean).join(', ');
      p(`- ${code(w.code)} ${line(w.message)}${where ? ` (${where})` : ''}`);
      if (full()) yield part();
    }
    p('');
  }

  p('## Apply', '');
  if (status === 'nothing_to_do') {
    p('Nothing to apply.', '');
  } else if (status === 'blocked') {
    p('Blocked: see above. Once the destructive statements are allowed, this writes the migration into the migrations folder:', '');
    if (ctx.allowCommand) p(fenced(ctx.allowCommand, 'sh'));
  } else if (ctx.applied) {
    p(`The migration is in the migrations folder${ctx.scriptPath ? ` (${code(ctx.scriptPath)})` : ''}; run it with ${result.migration_tool}. Running this again changes nothing:`, '');
    if (ctx.applyCommand) p(fenced(ctx.applyCommand, 'sh'));
  } else {
    if (ctx.historyNote) {
      p(`This would be refused now, as the migrations folder stands: ${line(ctx.historyNote)}`, '');
    }
    p('To write the migration into the migrations folder:', '');
    if (ctx.applyCommand) p(fenced(ctx.applyCommand, 'sh'));
  }
  yield `${out.join('\n').replace(/\n+$/, '')}\n`;
}
