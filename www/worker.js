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
//   {type: 'warm', state}                   the warm-up (below) is over: 'done', 'stopped' by a
//                                           request that came first, or 'failed'
//   {type: 'progress', id, stage}           stage: 'reading' | 'generating' | 'preparing'
//   {type: 'result', id, view}              see prepare()
//   {type: 'details', id, from, pages}      the statements' details from page `from` on, after
//                                           the result (which holds the first page)
//   {type: 'error', id, error}              {code, path, diffId, detail, message, first}
//   {type: 'zip', id, name, bytes, files} | {type: 'zip-failed', id, message}

import init, { generate, riskCodes, version } from './pkg/wasm/smartspec_data_migration_generator.js';
import { statementBounds } from './sql.js';
import { blockHeights, lineBlocks, lineCounts, listHeights, markedStatements, statementBlocks, utf8Length } from './blocks.js';
import { parseTimestamp, zip } from './zip.js';
import { warmReport } from './warm.js';
import { reviewFolder, reviewPlan } from './review.js';

/** Statements per page of details (one JSON string each, parsed by the page when shown). */
const PAGE_SIZE = 256;

let lib = null;
let source = null; // {key, text}
let last = null; // {run, result, text, reportPath, chosen}

let started = null; // the promise of start(): messages wait for it
let asked = false; // a request has come: the warm-up stops

/**
 * The warm-up: reports of this many tables created and changed (warm.js), each generated in a
 * task of its own, in this dialect, and prepared as a result would be. The first calls compile
 * the generator's functions; the later ones run the often-called ones long enough for the
 * browser to optimise them, on another thread, while the page waits for a report. A report that
 * comes meanwhile waits for the step in progress only: no step is over 50 tables (tens of ms).
 */
const WARM_UP = [[4, 'PostgreSQL'], [4, 'MySQL'], [20, 'PostgreSQL'], [20, 'MySQL']];
for (let k = 0; k < 4; k++) WARM_UP.push([50, 'PostgreSQL'], [50, 'MySQL']);

self.onmessage = async (e) => {
  const m = e.data;
  if (m.type !== 'init') asked = true;
  try {
    if (m.type === 'init') {
      started = start(m.module);
      await started;
      warmUp();
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

/** Tells the page the stage a run is at; the worker's own timeline gets a mark of it too. */
function progress(id, stage) {
  performance.mark(`smartspec-worker:${stage}`);
  self.postMessage({ type: 'progress', id, stage });
}

function run(m) {
  last = null;
  let text;
  if (source && source.key === m.source.key) {
    text = source.text;
  } else {
    source = null;
    if (m.source.bytes) {
      progress(m.id, 'reading');
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
  progress(m.id, 'generating');
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
  progress(m.id, 'preparing');
  last = { run: m.id, result, text, reportPath: m.reportPath, chosen: m.chosen };
  const { view, transfer, details } = prepare(result, m);
  performance.mark('smartspec-worker:posting');
  self.postMessage({ type: 'result', id: m.id, view }, transfer);
  performance.mark('smartspec-worker:posted');
  // In a task of its own: the result is on its way first, and a newer request goes first too.
  if (view.statements.pages.length > 1) {
    setTimeout(() => {
      if (last?.run === m.id) self.postMessage({ type: 'details', id: m.id, from: 1, pages: details() });
    }, 0);
  }
}

/** Runs WARM_UP, each step in a task of its own; a request stops it before the next step. */
async function warmUp() {
  let state = 'done';
  for (const [n, dialect] of WARM_UP) {
    await new Promise((r) => setTimeout(r, 0));
    if (asked) {
      state = 'stopped';
      break;
    }
    try {
      prepare(generate(warmReport(n), dialect, { migrationTool: 'flyway' }), { id: 0, reportPath: 'summary.json', chosen: {} }).details();
    } catch (err) {
      console.warn('the warm-up failed:', messageOf(err));
      state = 'failed';
      break;
    }
  }
  self.postMessage({ type: 'warm', state });
}

/**
 * What the page shows, in a form that is cheap to copy: the files' text as strings, each file's
 * blocks (the header, one per statement, or runs of lines) as offsets, line counts and estimated
 * heights in typed arrays (blocks.js), the statements' flags and the lists the jumps go through
 * in typed arrays, and their details as JSON strings of PAGE_SIZE statements: the first with the
 * view, the others made by `details()` once the view is on its way.
 */
function prepare(r, m) {
  const files = r.files ?? [];
  const statements = r.statements ?? [];
  const transfer = [];
  const forward = files.filter((f) => f.role === 'migration' || f.role === 'up');
  const home = forward.length === 1 ? files.indexOf(forward[0]) : -1;
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
  let placed = false;
  const views = files.map((f, i) => {
    const text = f.content;
    let blocks = null;
    if (i === home && statements.length) {
      const bounds = statementBounds(text, statements);
      if (bounds) {
        blocks = statementBlocks(text, bounds);
        placed = true;
      }
    }
    if (!blocks) blocks = lineBlocks(text);
    const { lines, total } = lineCounts(text, blocks);
    blocks.lines = lines;
    blocks.heights = blockHeights(blocks, flags, risks);
    // Which block shows statement i (-1: none in this file).
    blocks.of = new Int32Array(statements.length).fill(-1);
    blocks.stmt.forEach((st, b) => { if (st >= 0) blocks.of[st] = b; });
    transfer.push(blocks.start.buffer, blocks.end.buffer, blocks.stmt.buffer, blocks.lines.buffer, blocks.of.buffer, blocks.heights.buffer);
    return { name: f.name, role: f.role, content: text, bytes: utf8Length(text), lines: total, blocks };
  });

  const marked = markedStatements(flags);
  // The heights of the statements listed on their own, when they are not placed in a file.
  const heights = !placed && statements.length ? listHeights(flags, risks) : null;
  transfer.push(flags.buffer, risks.buffer, marked.risky.buffer, marked.blocked.buffer);
  if (heights) transfer.push(heights.buffer);
  // The first page of details goes with the result (the first screen needs no more); the rest
  // follow in a message of their own, made once the result is on its way (details()).
  const page = (i) => JSON.stringify(statements.slice(i * PAGE_SIZE, (i + 1) * PAGE_SIZE).map((s) => ({
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
  })));
  const pageCount = Math.ceil(statements.length / PAGE_SIZE);
  const pages = new Array(pageCount).fill(null);
  if (pageCount) pages[0] = page(0);
  const details = () => {
    const rest = [];
    for (let i = 1; i < pageCount; i++) rest.push(page(i));
    return rest;
  };

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
    statements: { count: statements.length, destructive, blocked, flags, risks, risky: marked.risky, blockedList: marked.blocked, heights, pages, pageSize: PAGE_SIZE },
    review,
  };
  return { view, transfer, details };
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
