// The generator, off the page's main thread: a module Web Worker that decodes the report, runs
// generate() on it, and hands the page what it needs to show the result without building large
// objects on the main thread (copying 30 000 statement objects into the page would take longer
// than generating them). It keeps the whole result and builds the ZIP downloads on request.
//
// Messages in (each with an `id`):
//   {type: 'init', module}                  module: the compiled WebAssembly.Module
//   {type: 'generate', id, source, dialect, options, chosen, reportPath}
//       source: {key, bytes} (a file's bytes: decoded here, UTF-8 only) or {key, text}
//   {type: 'zip', id, run, what}            what: 'all' (the migration files) or 'review'
// Messages out:
//   {type: 'ready', version, riskCodes} | {type: 'init-failed', message}
//   {type: 'progress', id, stage}           stage: 'reading' | 'generating' | 'preparing'
//   {type: 'result', id, view}              see prepare()
//   {type: 'error', id, error}              {code, path, diffId, detail, message, first}
//   {type: 'zip', id, name, bytes, files} | {type: 'zip-failed', id, message}

import init, { generate, riskCodes, version } from './pkg/wasm/smartspec_data_migration_generator.js';
import { segment } from './sql.js';
import { parseTimestamp, zip } from './zip.js';
import { reviewFolder, reviewPlan } from './review.js';

/** Statements per page of details (one JSON string each, parsed by the page when shown). */
const PAGE_SIZE = 256;
/** Lines per block of a file shown without statement blocks. */
const TEXT_BLOCK_LINES = 40;

let lib = null;
let source = null; // {key, text}
let last = null; // {run, result, text, reportPath, chosen}

let started = null; // the promise of start(): messages wait for it

self.onmessage = async (e) => {
  const m = e.data;
  try {
    if (m.type === 'init') {
      started = start(m.module);
      await started;
      return;
    }
    await started;
    if (m.type === 'generate') run(m);
    else if (m.type === 'zip') await archive(m);
  } catch (err) {
    if (m.type === 'init') self.postMessage({ type: 'init-failed', message: messageOf(err) });
    else if (m.type === 'zip') self.postMessage({ type: 'zip-failed', id: m.id, message: messageOf(err) });
    else self.postMessage({ type: 'error', id: m.id, error: { code: 'internal', detail: messageOf(err) } });
  }
};

const messageOf = (e) => (e && e.message ? e.message : String(e));

async function start(module) {
  await init({ module_or_path: module });
  try {
    lib = await import('./pkg/lib/summary.js');
  } catch {
    lib = null; // the review folder is left out
  }
  let codes = [];
  try {
    codes = riskCodes() ?? [];
  } catch {
    codes = [];
  }
  self.postMessage({ type: 'ready', version: version(), riskCodes: codes, review: Boolean(lib) });
}

function run(m) {
  last = null;
  let text;
  if (source && source.key === m.source.key) {
    text = source.text;
  } else {
    source = null;
    if (m.source.bytes) {
      self.postMessage({ type: 'progress', id: m.id, stage: 'reading' });
      try {
        text = new TextDecoder('utf-8', { fatal: true }).decode(m.source.bytes);
      } catch {
        self.postMessage({ type: 'error', id: m.id, error: { code: 'not_utf8' } });
        return;
      }
    } else {
      text = m.source.text;
    }
    if (text.charCodeAt(0) === 0xfeff) text = text.slice(1); // a byte order mark, as the CLI skips it
    source = { key: m.source.key, text };
  }
  self.postMessage({ type: 'progress', id: m.id, stage: 'generating' });
  let result;
  try {
    result = generate(text, m.dialect || undefined, m.options);
  } catch (e) {
    const error = e && typeof e === 'object' && typeof e.code === 'string'
      ? { code: e.code, path: e.path ?? null, diffId: e.diffId ?? null, detail: e.detail ?? e.message ?? null }
      : { code: 'internal', detail: messageOf(e) };
    error.first = text.trimStart()[0] ?? '';
    self.postMessage({ type: 'error', id: m.id, error });
    return;
  }
  self.postMessage({ type: 'progress', id: m.id, stage: 'preparing' });
  last = { run: m.id, result, text, reportPath: m.reportPath, chosen: m.chosen };
  const { view, transfer } = prepare(result, m);
  self.postMessage({ type: 'result', id: m.id, view }, transfer);
}

/**
 * What the page shows, in a form that is cheap to copy: the files' text as strings, each file's
 * blocks (the header, one per statement, or runs of lines) as offsets in typed arrays, the
 * statements' flags in a typed array and their details as JSON strings of PAGE_SIZE statements.
 */
function prepare(r, m) {
  const files = r.files ?? [];
  const statements = r.statements ?? [];
  const transfer = [];
  const forward = files.filter((f) => f.role === 'migration' || f.role === 'up');
  const home = forward.length === 1 ? files.indexOf(forward[0]) : -1;
  let placed = false;
  const views = files.map((f, i) => {
    let blocks = null;
    if (i === home && statements.length) {
      const segs = segment(f.content, statements);
      if (segs) {
        blocks = statementBlocks(segs, f.content.length);
        placed = true;
      }
    }
    if (!blocks) blocks = lineBlocks(f.content);
    blocks.lines = lineCounts(f.content, blocks);
    // Which block shows statement i (-1: none in this file).
    blocks.of = new Int32Array(statements.length).fill(-1);
    blocks.stmt.forEach((st, b) => { if (st >= 0) blocks.of[st] = b; });
    transfer.push(blocks.start.buffer, blocks.end.buffer, blocks.stmt.buffer, blocks.lines.buffer, blocks.of.buffer);
    const bytes = new TextEncoder().encode(f.content).length;
    let lines = 0;
    for (let at = f.content.indexOf('\n'); at !== -1; at = f.content.indexOf('\n', at + 1)) lines++;
    if (f.content.length && !f.content.endsWith('\n')) lines++;
    return { name: f.name, role: f.role, content: f.content, bytes, lines, blocks };
  });

  // Per statement: 1 has risks, 2 blocked, 4 destructive, 8 has undo SQL or a note; its risk count.
  const flags = new Uint8Array(statements.length);
  const risks = new Uint8Array(statements.length);
  let destructive = 0;
  let blocked = 0;
  statements.forEach((s, i) => {
    const n = s.risks?.length ?? 0;
    flags[i] = (n ? 1 : 0) | (s.blocked ? 2 : 0) | (s.destructive ? 4 : 0) | (s.reverse_sql || s.reverse_note ? 8 : 0);
    risks[i] = Math.min(255, n);
    if (s.destructive) destructive++;
    if (s.blocked) blocked++;
  });
  transfer.push(flags.buffer, risks.buffer);
  const pages = [];
  for (let i = 0; i < statements.length; i += PAGE_SIZE) {
    pages.push(JSON.stringify(statements.slice(i, i + PAGE_SIZE).map((s) => ({
      diff_id: s.diff_id,
      operation: s.operation,
      target: s.target,
      risks: s.risks ?? [],
      destructive: s.destructive,
      blocked: s.blocked,
      reverse_sql: s.reverse_sql ?? null,
      reverse_note: s.reverse_note ?? null,
      // The SQL travels in the file's text when the statement is found there.
      sql: placed ? undefined : s.sql,
    }))));
  }

  let review = null;
  if (lib && files.length) {
    try {
      const plan = reviewPlan(lib, r, { reportPath: m.reportPath, options: m.chosen });
      review = { runId: plan.runId, dir: plan.dir, fileNames: plan.fileNames, applyCommand: plan.applyCommand, allowCommand: plan.allowCommand };
    } catch (e) {
      console.warn('the review folder cannot be built:', e);
    }
  }

  const view = {
    run: m.id,
    run_id: r.run_id,
    dialect: r.dialect,
    migration_tool: r.migration_tool,
    version: r.version,
    report: r.report ?? {},
    operations: r.operations ?? {},
    warnings: r.warnings ?? [],
    nothing_to_do: r.nothing_to_do ?? null,
    blocked: Boolean(r.blocked),
    files: views,
    placed,
    statements: { count: statements.length, destructive, blocked, flags, risks, pages, pageSize: PAGE_SIZE },
    review,
  };
  return { view, transfer };
}

/** Blocks of a segmented file: the header (blank lines at its end left out) and each statement. */
function statementBlocks(segs, length) {
  const start = [];
  const end = [];
  const stmt = [];
  let at = 0;
  let n = 0;
  for (const s of segs) {
    const from = at;
    at += s.text.length;
    if (s.kind === 'gap') continue;
    if (s.kind === 'text') {
      if (s.text.trim() === '') continue;
      start.push(from);
      end.push(from + s.text.replace(/\n+$/, '').length);
      stmt.push(-1);
    } else {
      start.push(from);
      end.push(at);
      stmt.push(n++);
    }
  }
  if (at !== length) throw new Error('segments do not cover the file');
  return { start: Int32Array.from(start), end: Int32Array.from(end), stmt: Int32Array.from(stmt) };
}

/** Blocks of TEXT_BLOCK_LINES lines (each with its line feed), which joined give the text back. */
function lineBlocks(text) {
  const start = [];
  const end = [];
  let from = 0;
  while (from < text.length) {
    let to = from;
    for (let k = 0; k < TEXT_BLOCK_LINES && to < text.length; k++) {
      const nl = text.indexOf('\n', to);
      to = nl === -1 ? text.length : nl + 1;
    }
    start.push(from);
    end.push(to);
    from = to;
  }
  if (text.length === 0) {
    start.push(0);
    end.push(0);
  }
  return { start: Int32Array.from(start), end: Int32Array.from(end), stmt: new Int32Array(start.length).fill(-1) };
}

/** The number of lines each block shows (a line feed at its very end starts no line). */
function lineCounts(text, { start, end }) {
  const lines = new Int32Array(start.length);
  for (let b = 0; b < start.length; b++) {
    let n = 1;
    const last = end[b] - 1;
    for (let at = text.indexOf('\n', start[b]); at !== -1 && at < last; at = text.indexOf('\n', at + 1)) n++;
    lines[b] = n;
  }
  return lines;
}

/** The report's timestamps.finished_at as milliseconds (UTC), or null. */
function finishedAt(text) {
  try {
    return parseTimestamp(JSON.parse(text)?.timestamps?.finished_at);
  } catch {
    return null;
  }
}

async function archive(m) {
  if (!last || last.run !== m.run) throw new Error('the result this download belongs to has been replaced; try again');
  const r = last.result;
  const date = finishedAt(last.text) ?? undefined;
  let name;
  let entries;
  if (m.what === 'review') {
    if (!lib) throw new Error('the review folder is not available');
    const folder = reviewFolder(lib, r, { reportPath: last.reportPath, options: last.chosen });
    name = `${folder.runId}.zip`;
    entries = folder.files.map((f) => ({ name: `${folder.runId}/${f.name}`, data: f.content }));
  } else {
    name = `${r.run_id}-${r.dialect.toLowerCase()}-migrations.zip`;
    entries = r.files.map((f) => ({ name: f.name, data: f.content }));
  }
  const bytes = await zip(entries, { date });
  self.postMessage({ type: 'zip', id: m.id, name, bytes, files: entries.map((e) => e.name) }, [bytes.buffer]);
}
