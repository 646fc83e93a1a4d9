// The page: reads a validation report (dropped, picked or pasted), runs the generator's wasm module
// on it in a Web Worker (worker.js) so the page stays responsive, and previews the migration with
// the risks of each statement, building only the blocks on screen (view.js). The migration can be
// downloaded, copied, or written into a folder (File System Access API). Nothing is sent
// anywhere: the only requests are for the page's own files, which a service worker (sw.js) keeps
// so that the page also loads offline.
//
// Report content is untrusted: it reaches the DOM only through textContent and attributes set by
// name, never through innerHTML.

import { tokenize } from './sql.js';
import { applyToFolder } from './folder.js';
import { VirtualList } from './view.js';

/** Reports larger than this are refused before they are read. */
const MAX_REPORT_BYTES = 64 * 1024 * 1024;
/** A block with more characters than this is shown without highlighting (its text is the same). */
const HIGHLIGHT_LIMIT = 200_000;
/** Generation that takes longer than this shows its progress. */
const PROGRESS_DELAY_MS = 150;
/** Matches of a find counted at most. */
const FIND_LIMIT = 10_000;
/** Warnings listed before a “Show all” button. */
const WARNINGS_SHOWN = 100;
const WASM_URL = new URL('./pkg/wasm/smartspec_data_migration_generator_bg.wasm', import.meta.url);
/** The name a pasted report goes by (in the review folder and the CLI command). */
const PASTED_NAME = 'summary.json';

/**
 * Migration tools, in menu order (the first is the default). `id` is passed to generate() as
 * `migrationTool`; a tool the generator supports is added here.
 */
const TOOLS = [
  { id: 'flyway', label: 'Flyway', hint: 'V<version>__<description>.sql for flyway migrate; with undo files, U<version>__<description>.sql too.' },
  { id: 'liquibase', label: 'Liquibase', hint: 'A formatted SQL changelog: one changeset per step, each with its --rollback.' },
  { id: 'raw-sql', label: 'Plain SQL (up/down)', hint: '<version>_<description>.up.sql and .down.sql, for any tool that runs SQL files.' },
  { id: 'golang-migrate', label: 'golang-migrate', hint: '<version>_<description>.up.sql and .down.sql for migrate up / down; new enum values get a migration of their own.' },
  { id: 'dbmate', label: 'dbmate', hint: '<version>_<description>.sql with -- migrate:up and -- migrate:down sections, for dbmate up / rollback.' },
  { id: 'goose', label: 'goose', hint: '<version>_<description>.sql with -- +goose Up and -- +goose Down, for goose up / down.' },
  { id: 'atlas', label: 'Atlas', hint: '<version>_<description>.sql for an Atlas migration directory; run atlas migrate hash after adding it (the CLI\'s --apply rewrites atlas.sum itself).' },
  { id: 'sqitch', label: 'Sqitch', hint: 'deploy/, revert/ and verify/<change>.sql and the change\'s sqitch.plan line, for sqitch deploy --verify / revert.' },
];

/** Risk categories, in the order the page shows them (the generator's names, `_` read as `-`). */
const CATEGORIES = {
  destructive: { order: 0, about: 'Removes data. Blocked unless “Allow destructive changes” is ticked.' },
  'data-dependent': { order: 1, about: 'Fails, or needs a backfill, depending on the rows already in the table.' },
  heavy: { order: 2, about: 'Locks or rewrites a table; plan it for a quiet time.' },
};
const category = (c) => String(c).replace(/_/g, '-');
const categoryOrder = (c) => CATEGORIES[category(c)]?.order ?? 9;

const ERROR_TITLES = {
  invalid_json: 'This is not valid JSON',
  not_utf8: 'This file is not UTF-8 text',
  too_large: 'This file is too large',
  read_failed: 'This file could not be read',
  no_file: 'No file was given',
  not_a_report: 'This is JSON, but not a validation report',
  missing_field: 'A field the generator needs is missing',
  invalid_value: 'The report holds a value the generator cannot use',
  invalid_name: 'A name in the report cannot be used',
  invalid_type: 'A column type in the report cannot be used',
  invalid_default: 'A default value in the report cannot be used',
  invalid_check: 'A check expression in the report cannot be used',
  impossible_type_change: 'A type change in the report cannot be made in SQL',
  duplicate_diff_id: 'Two diffs in the report have the same id',
  unsupported_report_format: 'The report’s format is not one this generator reads',
  missing_version: 'The migration needs a version',
  invalid_option: 'An option cannot be used with this report',
  internal: 'The generator failed',
};

/** Option paths in the generator's errors, and the control each one belongs to. */
const OPTION_FIELDS = {
  dialect: 'dialect',
  'options.dialect': 'dialect',
  'options.version': 'version',
  'options.name_from': 'name-from-changes',
  'options.migration_tool': 'tool',
};

const $ = (id) => document.getElementById(id);

const state = {
  core: null, // {version, riskCodes, review} from the worker once it has loaded the module
  source: null, // {kind: 'file' | 'paste', key, name, size, bytes | text, note}
  result: null, // the worker's view of the result (worker.js, prepare())
  options: null,
  generation: 0,
  readToken: 0,
  views: [], // per file shown: {article, list: VirtualList, file, stmtBlock}
  find: { query: '', matches: [], index: -1, capped: false },
  jump: null, // {kind, k, stmt}
};

/** The worker running the generator, and the run in flight. */
const engine = {
  module: null, // the compiled WebAssembly.Module, given to every worker
  worker: null,
  ready: null, // a promise of the worker's ready message
  job: null, // {id, reveal, started, stage, timer}
  showing: null, // the job whose result is about to be shown
  seq: 0,
  requests: new Map(), // id -> {resolve, reject}
  sources: 0,
  warm: { page: false, worker: null }, // warmUp() has run; how the worker's warm-up ended
};

let resolveReady;
const ready = new Promise((r) => { resolveReady = r; });

// ---------------------------------------------------------------------------------------------
// DOM building: elements built from tag, attributes and children; strings become text nodes.

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    if (k === 'class') node.className = v;
    else if (k === 'text') node.textContent = v;
    else if (k === 'hidden') node.hidden = Boolean(v);
    else if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v === true ? '' : String(v));
  }
  append(node, children);
  return node;
}

function append(node, children) {
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    node.append(typeof c === 'string' ? document.createTextNode(c) : c);
  }
  return node;
}

function clear(node) {
  node.replaceChildren();
  return node;
}

function code(text) {
  return el('code', { text });
}

function formatBytes(n) {
  const fixed = (v) => (Number.isInteger(v) ? String(v) : v.toFixed(1));
  if (n < 1024) return `${n} byte${n === 1 ? '' : 's'}`;
  if (n < 1024 * 1024) return `${fixed(n / 1024)} KB`;
  return `${fixed(n / (1024 * 1024))} MB`;
}

function plural(n, one, many = `${one}s`) {
  return `${n} ${n === 1 ? one : many}`;
}

// ---------------------------------------------------------------------------------------------
// Start-up: compile the wasm module, start the worker that runs it, fill the data-driven parts.

async function start() {
  $('max-size').textContent = formatBytes(MAX_REPORT_BYTES);
  const tool = $('tool');
  for (const t of TOOLS) tool.append(el('option', { value: t.id, text: t.label }));
  tool.value = TOOLS[0].id;
  showToolHint();
  wireInputs();
  registerServiceWorker();

  try {
    const compiling = compileModule();
    // While the module downloads and compiles, off this thread.
    warmUp();
    engine.module = await compiling;
    state.core = await spawn();
  } catch (e) {
    setMessage('');
    showError({
      code: 'internal',
      title: 'The generator could not be loaded',
      detail: `${e && e.message ? e.message : e}. When serving this folder yourself, run scripts/build.sh and then scripts/build-www.sh, which put the wasm module into www/pkg/.`,
    });
    document.documentElement.dataset.ready = 'failed';
    return;
  }
  $('generator-version').textContent = `SmartSpec Data Migration Generator ${state.core.version}`;
  buildLegend();
  setMessage('No report yet: drop a summary.json, choose one, or paste it.');
  document.documentElement.dataset.ready = 'true';
  resolveReady();
}

/**
 * Lays out, once and out of sight, a statement block like those of a result: the first layout of
 * bold and italic monospace text loads those faces of the system's fonts, which can take a few
 * hundred milliseconds; done while the wasm module is fetched and compiled, before the page is
 * ready, it is not paid after a drop, however soon the drop comes.
 */
function warmUp() {
  const sample = {
    diff_id: 'D1', operation: 'drop_table', target: 't', blocked: true, destructive: true,
    risks: [{ code: 'drop-table', category: 'destructive' }], reverse_sql: 'SELECT 1;', reverse_note: 'a note',
  };
  // The find and jump bar and the facts, whose arrows, × and quotes may come from fallback fonts.
  const tools = $('sql-tools').cloneNode(true);
  tools.hidden = false;
  for (const e of [tools, ...tools.querySelectorAll('[id]')]) e.removeAttribute('id');
  for (const e of tools.querySelectorAll('[hidden]')) e.hidden = false;
  const box = el('div', { class: 'warm-up', 'aria-hidden': 'true', inert: true },
    // A file's header: its name in bold monospace at another size, the size, the buttons.
    el('article', { class: 'file' }, el('header', { class: 'file-head' },
      el('h3', { class: 'file-name' }, code('V1__create_t.sql')), el('span', { class: 'file-size', text: '1.8 MB · 9 lines' }),
      el('span', { class: 'file-buttons' }, el('button', { type: 'button', class: 'button primary' }, 'Download'), el('button', { type: 'button', class: 'button' }, 'Copy')))),
    el('p', { class: 'message', text: 'Generated 1 file with 3 statements.' }),
    el('p', { class: 'source' }, 'From ', el('code', { class: 'source-name', text: 'summary.json' }), ' (1 KB)'),
    tools,
    el('dl', { class: 'facts' }, el('div', { class: 'fact' }, el('dt', { text: 'Operations' }), el('dd', {}, code('create_table'), ' ×1 “…” ’ – ·'))),
    el('div', { class: 'sql' }, el('div', { class: 'seg seg-text' }, codeBlock("-- comment\nDO $x$ BEGIN SELECT 'a', \"b\", 1; END $x$;", 'PostgreSQL', true)),
      renderStatement('-- [D1] drop_table t\nDROP TABLE "t";', sample, -1, 'PostgreSQL')));
  document.body.append(box);
  void box.offsetHeight;
  box.remove();
  engine.warm.page = true;
  warmed();
}

/**
 * The page is warm (data-warm="true") once warmUp() has run and the worker's own warm-up
 * (worker.js) is over: data-warm-up says whether it ran to its end ('done'), a report came first
 * ('stopped') or it failed ('failed': the page works, only its first run is slower).
 */
function warmed() {
  const { page, worker } = engine.warm;
  if (worker) document.documentElement.dataset.warmUp = worker;
  if (page && worker) document.documentElement.dataset.warm = 'true';
}

/** The wasm module, compiled once (while it downloads) and handed to each worker. */
async function compileModule() {
  const response = await fetch(WASM_URL);
  if (!response.ok) throw new Error(`${WASM_URL.pathname}: HTTP ${response.status}`);
  if (typeof WebAssembly.compileStreaming === 'function' && /application\/wasm/.test(response.headers.get('content-type') ?? '')) {
    return WebAssembly.compileStreaming(response);
  }
  return WebAssembly.compile(await response.arrayBuffer());
}

/** Starts a worker; resolves with its ready message. */
function spawn() {
  const worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module', name: 'generator' });
  engine.worker = worker;
  engine.ready = new Promise((resolve, reject) => {
    let started = false;
    worker.onmessage = (e) => {
      const m = e.data;
      if (m.type === 'ready') {
        started = true;
        resolve({ version: m.version, riskCodes: m.riskCodes, review: m.review });
      } else if (m.type === 'init-failed') {
        reject(new Error(m.message));
      } else {
        onWorkerMessage(worker, m);
      }
    };
    worker.onerror = (e) => {
      e.preventDefault?.();
      if (engine.worker !== worker) return;
      const message = e.message || 'the worker running the generator could not start';
      reject(new Error(message));
      // A worker that ran and then died is replaced; one that cannot start is not tried again.
      if (started) workerFailed(message);
      else if (engine.job) failedToStart(message);
    };
  });
  worker.postMessage({ type: 'init', module: engine.module });
  return engine.ready;
}

/** Stops the worker (and the run in flight) and starts a fresh one. */
function restartWorker() {
  engine.worker?.terminate();
  for (const { reject } of engine.requests.values()) reject(new Error('the generator was restarted'));
  engine.requests.clear();
  return spawn();
}

/** The worker died (out of memory, a crash): say so and start another. */
function workerFailed(message) {
  const job = engine.job;
  endJob();
  if (job) {
    state.result = null;
    render();
    showError({ code: 'internal', title: 'The generator stopped', detail: `${message}. The page has started it again; try once more.` });
    setStatus('error');
    setMessage('');
  }
  restartWorker().catch(() => {});
}

/** A fresh worker (after a run was stopped) could not start: the run in flight says so. */
function failedToStart(message) {
  endJob();
  state.result = null;
  render();
  showError({ code: 'internal', title: 'The generator could not be started', detail: `${message}. Reload the page.` });
  setStatus('error');
  setMessage('');
}

function onWorkerMessage(worker, m) {
  if (worker !== engine.worker) return;
  if (m.type === 'warm') {
    engine.warm.worker = m.state;
    warmed();
    return;
  }
  if (m.type === 'zip' || m.type === 'zip-failed') {
    const req = engine.requests.get(m.id);
    engine.requests.delete(m.id);
    if (!req) return;
    if (m.type === 'zip') req.resolve(m);
    else req.reject(new Error(m.message));
    return;
  }
  if (m.type === 'details') {
    // The rest of the statements' details, for the result shown or about to be.
    const r = [state.result, engine.showing?.view].find((v) => v && v.run === m.id);
    if (r) detailsCame(r, m);
    return;
  }
  const job = engine.job;
  if (!job || m.id !== job.id) return; // a run that was replaced
  if (m.type === 'progress') {
    job.stage = m.stage;
    performance.mark(`smartspec:${m.stage}`);
    showProgress(job);
  } else if (m.type === 'result') {
    performance.mark('smartspec:result');
    endJob();
    // Built in a task of its own: the message's copy into this thread is the one before.
    job.view = m.view;
    engine.showing = job;
    setTimeout(() => {
      if (engine.showing !== job || engine.job) return; // replaced meanwhile
      engine.showing = null;
      shown(m.view, job);
    }, 0);
  } else if (m.type === 'error') {
    endJob();
    failed(m.error, job);
  }
}

function request(message) {
  const id = ++engine.seq;
  return new Promise((resolve, reject) => {
    engine.requests.set(id, { resolve, reject });
    engine.worker.postMessage({ ...message, id });
  });
}

function registerServiceWorker() {
  if (!('serviceWorker' in navigator) || !window.isSecureContext) return;
  const hadController = Boolean(navigator.serviceWorker.controller);
  navigator.serviceWorker.addEventListener('controllerchange', () => {
    // A new version of the page was installed while this one is open.
    if (hadController) $('update').hidden = false;
  });
  navigator.serviceWorker.register(new URL('./sw.js', import.meta.url), { updateViaCache: 'none' }).catch((e) => {
    console.warn('offline use is not available:', e && e.message ? e.message : e);
  });
}

function showToolHint() {
  const t = TOOLS.find((x) => x.id === $('tool').value) ?? TOOLS[0];
  $('tool-hint').textContent = t.hint;
}

function buildLegend() {
  const body = clear($('legend-body'));
  const codes = state.core.riskCodes ?? [];
  const byCategory = new Map();
  for (const c of codes) {
    const cat = category(c.category);
    if (!byCategory.has(cat)) byCategory.set(cat, []);
    byCategory.get(cat).push(c);
  }
  const cats = [...byCategory.keys()].sort((a, b) => categoryOrder(a) - categoryOrder(b));
  for (const cat of cats) {
    body.append(el('h3', {}, badgeCategory(cat)), el('p', { class: 'hint', text: CATEGORIES[cat]?.about ?? '' }));
    const dl = el('dl', { class: 'legend-list' });
    for (const c of byCategory.get(cat)) dl.append(el('dt', {}, code(c.code)), el('dd', { text: c.description }));
    body.append(dl);
  }
}

function badgeCategory(cat) {
  const label = category(cat);
  return el('span', { class: `cat cat-${label}`, text: label });
}

// ---------------------------------------------------------------------------------------------
// Input: drop zone, file picker, paste box.

function wireInputs() {
  const zone = $('drop-zone');
  const input = $('file-input');
  zone.addEventListener('click', () => input.click());
  input.addEventListener('change', () => {
    const files = [...input.files];
    input.value = ''; // choosing the same file again still reads it
    takeFiles(files);
  });

  let depth = 0;
  const hasFiles = (e) => e.dataTransfer && [...e.dataTransfer.types].some((t) => t === 'Files' || t === 'text/plain');
  zone.addEventListener('dragenter', (e) => {
    if (!hasFiles(e)) return;
    e.preventDefault();
    depth++;
    zone.classList.add('dragging');
  });
  zone.addEventListener('dragover', (e) => {
    if (!hasFiles(e)) return;
    e.preventDefault();
    e.dataTransfer.dropEffect = 'copy';
  });
  zone.addEventListener('dragleave', () => {
    depth = Math.max(0, depth - 1);
    if (depth === 0) zone.classList.remove('dragging');
  });
  zone.addEventListener('drop', (e) => {
    e.preventDefault();
    depth = 0;
    zone.classList.remove('dragging');
    const files = [...(e.dataTransfer?.files ?? [])];
    if (files.length) {
      takeFiles(files);
      return;
    }
    const text = e.dataTransfer?.getData('text/plain') ?? '';
    if (text) takeText(text, 'dropped text');
    else takeFiles([]);
  });
  // A file dropped anywhere else on the page is read too, rather than replacing the page; text
  // dragged into the paste box lands there as usual.
  const carriesFiles = (e) => [...e.dataTransfer.types].includes('Files');
  const inTextField = (e) => e.target instanceof Element && e.target.closest('textarea, input');
  window.addEventListener('dragover', (e) => {
    if (e.defaultPrevented || !e.dataTransfer) return;
    if (carriesFiles(e)) {
      e.preventDefault();
      e.dataTransfer.dropEffect = 'copy';
    } else if (!inTextField(e)) {
      e.preventDefault();
      e.dataTransfer.dropEffect = 'none';
    }
  });
  window.addEventListener('drop', (e) => {
    if (e.defaultPrevented || !e.dataTransfer) return;
    if (carriesFiles(e)) {
      e.preventDefault();
      takeFiles([...e.dataTransfer.files]);
    } else if (!inTextField(e)) {
      e.preventDefault();
    }
  });

  const paste = $('paste');
  $('paste-go').addEventListener('click', () => takeText(paste.value, 'pasted text'));
  paste.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      takeText(paste.value, 'pasted text');
    }
  });
  paste.addEventListener('input', (e) => {
    if (e.inputType === 'insertFromPaste' || e.inputType === 'insertFromDrop') takeText(paste.value, 'pasted text');
  });

  // Options: any change generates again.
  for (const id of ['dialect', 'tool', 'guards', 'allow-destructive', 'undo', 'concurrently', 'name-from-changes', 'name-from-spec']) {
    $(id).addEventListener('change', () => {
      if (id === 'tool') showToolHint();
      regenerate();
    });
  }
  let timer = null;
  $('version').addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(regenerate, 250);
  });
  $('version').addEventListener('change', () => {
    clearTimeout(timer);
    regenerate();
  });

  $('download-all').addEventListener('click', downloadAll);
  $('download-review').addEventListener('click', downloadReview);
  $('apply').addEventListener('click', applyFolder);
  $('cancel').addEventListener('click', cancel);
  $('reload').addEventListener('click', () => location.reload());

  // Find in the SQL, and jumps between risky or blocked statements.
  const find = $('find');
  let findTimer = null;
  find.addEventListener('input', () => {
    clearTimeout(findTimer);
    findTimer = setTimeout(() => runFind(find.value, 1), 120);
  });
  find.addEventListener('keydown', (e) => {
    if (e.key === 'Enter') {
      e.preventDefault();
      clearTimeout(findTimer);
      if (find.value !== state.find.query) runFind(find.value, e.shiftKey ? -1 : 1);
      else stepFind(e.shiftKey ? -1 : 1);
    } else if (e.key === 'Escape' && find.value) {
      e.preventDefault();
      find.value = '';
      runFind('', 1);
    }
  });
  $('find-next').addEventListener('click', () => (find.value !== state.find.query ? runFind(find.value, 1) : stepFind(1)));
  $('find-prev').addEventListener('click', () => (find.value !== state.find.query ? runFind(find.value, -1) : stepFind(-1)));
  $('risk-next').addEventListener('click', () => jump('risky', 1));
  $('risk-prev').addEventListener('click', () => jump('risky', -1));
  $('blocked-next').addEventListener('click', () => jump('blocked', 1));
}

async function takeFiles(files) {
  performance.mark('smartspec:input');
  const token = ++state.readToken;
  await ready;
  if (files.length === 0) {
    fail({ code: 'no_file', detail: 'Nothing that could be read was dropped. Drop the summary.json file itself.' });
    return;
  }
  const file = files[0];
  const note = files.length > 1
    ? `${files.length} files were given; only ${file.name} is read (one report at a time).`
    : null;
  if (file.size > MAX_REPORT_BYTES) {
    fail({
      code: 'too_large',
      detail: `${file.name} is ${formatBytes(file.size)}; reports over ${formatBytes(MAX_REPORT_BYTES)} are refused, and this one was not read. A validation report is usually a few kilobytes: is this the right file?`,
    }, { name: file.name, size: file.size });
    return;
  }
  setMessage(`Reading ${file.name}…`);
  let bytes;
  try {
    bytes = new Uint8Array(await file.arrayBuffer());
  } catch (e) {
    if (token !== state.readToken) return;
    fail({ code: 'read_failed', detail: `${file.name}: ${e && e.message ? e.message : e}` }, { name: file.name, size: file.size });
    return;
  }
  if (token !== state.readToken) return; // a newer file was given meanwhile
  // The worker decodes it (UTF-8 only; a byte order mark is skipped, as the CLI does).
  state.source = { kind: 'file', key: ++engine.sources, name: file.name, size: file.size, bytes, note };
  regenerate({ reveal: true });
}

async function takeText(text, what) {
  performance.mark('smartspec:input');
  ++state.readToken;
  await ready;
  const size = new Blob([text]).size;
  if (size > MAX_REPORT_BYTES) {
    fail({ code: 'too_large', detail: `The ${what} is ${formatBytes(size)}; reports over ${formatBytes(MAX_REPORT_BYTES)} are refused.` });
    return;
  }
  if (text.trim() === '') {
    fail({ code: 'invalid_json', detail: `The ${what} is empty: paste the report’s JSON.` });
    return;
  }
  state.source = { kind: 'paste', key: ++engine.sources, name: PASTED_NAME, label: what, size, text, note: null };
  regenerate({ reveal: true });
}

// ---------------------------------------------------------------------------------------------
// Options and generation.

function readOptions() {
  const nameFrom = document.querySelector('input[name="name-from"]:checked')?.value ?? 'changes';
  return {
    dialect: $('dialect').value, // '' = the report's own
    tool: $('tool').value || TOOLS[0].id,
    allowDestructive: $('allow-destructive').checked,
    undo: $('undo').checked,
    concurrently: $('concurrently').checked,
    guards: $('guards').value || 'verify',
    version: $('version').value.trim(),
    nameFrom,
  };
}

/** What generate() is given. */
function coreOptions(o) {
  const opts = { migrationTool: o.tool, allowDestructive: o.allowDestructive, undo: o.undo, concurrently: o.concurrently };
  if (o.version) opts.version = o.version;
  if (o.nameFrom !== 'changes') opts.nameFrom = o.nameFrom;
  if (o.guards !== 'verify') opts.guards = o.guards;
  return opts;
}

/** The options as the CLI's flags would give them: only what differs from the defaults. */
function chosenOptions(o) {
  return {
    dialect: o.dialect || null,
    migrationTool: o.tool !== TOOLS[0].id ? o.tool : null,
    migrationVersion: o.version || null,
    nameFrom: o.nameFrom !== 'changes' ? o.nameFrom : null,
    undo: o.undo,
    concurrently: o.concurrently,
    guards: o.guards !== 'verify' ? o.guards : null,
    allowDestructive: o.allowDestructive,
  };
}

/**
 * Generates again from the current source and options, in the worker. A run in flight is
 * stopped first (its worker is ended and a fresh one started), so only the newest run shows.
 * `reveal`: scroll the outcome into view (a new report, not an option changed).
 */
function regenerate({ reveal = false } = {}) {
  if (!state.core || !state.source) return;
  if (engine.job) {
    reveal ||= engine.job.reveal;
    endJob();
    restartWorker().catch(() => {});
  }
  engine.showing = null;
  const options = readOptions();
  const src = state.source;
  const job = { id: ++engine.seq, reveal, started: performance.now(), stage: 'starting', timer: 0, options };
  engine.job = job;
  $('result').setAttribute('aria-busy', 'true');
  job.timer = setTimeout(() => {
    job.timer = 0;
    showProgress(job);
    if (job.reveal) revealResult();
  }, PROGRESS_DELAY_MS);
  performance.mark('smartspec:generate-start');
  engine.worker.postMessage({
    type: 'generate',
    id: job.id,
    source: src.bytes ? { key: src.key, bytes: src.bytes } : { key: src.key, text: src.text },
    dialect: options.dialect,
    options: coreOptions(options),
    chosen: chosenOptions(options),
    reportPath: src.name,
  });
}

function endJob() {
  const job = engine.job;
  if (!job) return;
  clearTimeout(job.timer);
  clearInterval(job.ticker);
  engine.job = null;
  $('progress').hidden = true;
  $('result').removeAttribute('aria-busy');
}

const STAGES = {
  starting: 'Starting',
  reading: 'Reading the report',
  generating: 'Generating the migration',
  preparing: 'Preparing the preview',
};

function showProgress(job) {
  if (job.timer || engine.job !== job) return; // not shown for short runs
  const box = $('progress');
  box.hidden = false;
  const tick = () => {
    const s = ((performance.now() - job.started) / 1000).toFixed(1);
    $('progress-text').textContent = `${STAGES[job.stage] ?? 'Working'}… ${s} s`;
  };
  tick();
  if (!job.ticker) job.ticker = setInterval(tick, 200);
}

/** The Cancel button: stops the run in flight; the report stays, and any option change runs again. */
function cancel() {
  const job = engine.job;
  if (!job) return;
  endJob();
  restartWorker().catch(() => {});
  state.result = null;
  render();
  setStatus('cancelled');
  setMessage('Generation cancelled. Change an option, or drop the report again, to generate.');
}

function shown(view, job) {
  state.options = job.options;
  state.result = view;
  render();
  if (job.reveal) revealResult();
  // The SQL is painted in the next frame: a task queued from its animation frame callback runs
  // once that frame is done (bench/www.mjs reads this mark).
  requestAnimationFrame(() => setTimeout(() => performance.mark('smartspec:sql-visible'), 0));
}

function failed(error, job) {
  state.options = job.options;
  if (error.code === 'not_utf8') {
    const src = state.source;
    fail({ code: 'not_utf8', detail: `${src.name} is not UTF-8 text, so it cannot be a JSON report.` }, { name: src.name, size: src.size });
  } else {
    state.result = null;
    render();
    showError(describeError(error));
    markField(error);
    setStatus('error');
    setMessage('');
  }
  if (job.reveal) revealResult();
}

/** Brings the outcome (the error, or the result from its top) into view. */
function revealResult() {
  const error = $('error');
  const target = error.hidden ? $('result') : error;
  target.scrollIntoView({ block: 'start', behavior: 'instant' });
}

function setStatus(status) {
  const section = $('result');
  section.dataset.status = status;
  state.generation++;
  section.dataset.generation = String(state.generation);
}

function setMessage(text) {
  $('message').textContent = text;
}

/** An error before generation (the input itself): the previous preview is cleared. */
function fail(err, source = null) {
  engine.showing = null;
  if (engine.job) {
    endJob();
    restartWorker().catch(() => {});
  }
  state.source = null;
  state.result = null;
  render(source);
  showError(err);
  setStatus('error');
  setMessage('');
  revealResult();
}

function markField(error) {
  const id = error && OPTION_FIELDS[error.path];
  if (id) $(id).setAttribute('aria-invalid', 'true');
  if (error && error.code === 'missing_version') $('version').setAttribute('aria-invalid', 'true');
}

/** The worker's error (code, path, diffId, detail, and `first`, the report's first character). */
function describeError(e) {
  if (!e || typeof e !== 'object' || typeof e.code !== 'string') {
    return {
      code: 'internal',
      detail: `${e && e.message ? e.message : String(e)}. Reload the page before trying again.`,
    };
  }
  const out = { code: e.code, detail: e.detail ?? e.message, path: e.path ?? null, diffId: e.diffId ?? null };
  const first = e.first ?? '';
  if ((e.code === 'invalid_value' || e.code === 'invalid_json') && e.path && e.path.startsWith('$[')) {
    out.title = ERROR_TITLES.not_a_report;
    out.hint = 'A validation report is a JSON object ({ … }) with run_id and diffs[]; this one’s top level is an array.';
  } else if (e.code === 'invalid_value' && e.path === '$' && first !== '{') {
    out.title = ERROR_TITLES.not_a_report;
    out.hint = 'A validation report is a JSON object ({ … }) with run_id and diffs[].';
  } else if (e.code === 'missing_field' && e.path === '$.run_id') {
    out.title = 'This does not look like a validation report';
    out.hint = 'The validator’s summary.json always has a run_id. Is this the right file?';
  } else if (e.code === 'invalid_json' && first === '<') {
    out.hint = 'It looks like HTML or XML; pick the summary.json the validator wrote.';
  } else if (e.code === 'missing_version') {
    out.hint = 'Enter a version in “Version override” (digits separated by . or _).';
  } else if (e.code === 'invalid_option' && e.path === '$.scope.spec_id') {
    out.hint = 'Choose “the changes” under “Name the file from”.';
  }
  if (e.path && OPTION_FIELDS[e.path]) {
    out.where = { options: 'the options', dialect: 'the Dialect menu', 'options.dialect': 'the Dialect menu',
      'options.version': 'the Version override field', 'options.name_from': '“Name the file from”',
      'options.migration_tool': 'the Migration tool menu' }[e.path];
  }
  return out;
}

function showError(err) {
  const box = clear($('error'));
  box.hidden = false;
  box.dataset.code = err.code;
  box.append(el('h3', { text: err.title ?? ERROR_TITLES[err.code] ?? 'Something went wrong' }));
  if (err.detail) box.append(el('p', { class: 'error-detail', text: err.detail }));
  if (err.hint) box.append(el('p', { class: 'error-hint', text: err.hint }));
  const dl = el('dl', { class: 'error-facts' });
  if (err.where) dl.append(el('dt', { text: 'Where' }), el('dd', { text: err.where }));
  else if (err.path) dl.append(el('dt', { text: 'Where' }), el('dd', {}, el('code', { class: 'error-path', text: err.path })));
  if (err.diffId) dl.append(el('dt', { text: 'Diff' }), el('dd', {}, code(err.diffId)));
  dl.append(el('dt', { text: 'Code' }), el('dd', {}, el('code', { class: 'error-code', text: err.code })));
  box.append(dl);
  box.append(el('p', { class: 'hint', text: 'The page still works: fix the report or the options, or drop another file.' }));
}

// ---------------------------------------------------------------------------------------------
// Rendering the result.

function render(sourceOverride = null) {
  for (const id of ['version', 'dialect', 'tool', 'name-from-changes']) $(id).removeAttribute('aria-invalid');
  clear($('error')).hidden = true;
  for (const v of state.views) v.list.destroy();
  state.views = [];
  state.find = { query: state.find.query, matches: [], index: -1, capped: false };
  state.jump = null;
  CSS.highlights?.delete('sql-find');
  clear($('files'));
  clear($('facts')).hidden = true;
  clear($('nothing')).hidden = true;
  clear($('warning-list'));
  $('warnings').hidden = true;
  $('actions').hidden = true;
  $('sql-tools').hidden = true;
  $('action-status').textContent = '';
  $('find-status').textContent = '';
  $('jump-status').textContent = '';

  const src = sourceOverride ?? state.source;
  const source = $('source');
  if (src) {
    source.hidden = false;
    clear(source).append(
      'From ',
      src.kind === 'paste' ? el('span', { text: src.label }) : el('code', { class: 'source-name', text: src.name }),
      ` (${formatBytes(src.size)})`,
    );
    if (src.note) source.append(el('span', { class: 'source-note', text: ` ${src.note}` }));
  } else {
    source.hidden = true;
  }

  const r = state.result;
  if (!r) return;
  r.pageCache ??= [];
  const o = state.options;
  const files = r.files ?? [];
  const stats = r.statements;
  const status = files.length === 0 ? 'nothing_to_do' : r.blocked ? 'blocked' : 'generated';

  renderFacts(r, o, stats);
  renderWarnings(r.warnings ?? []);

  if (status === 'nothing_to_do') {
    const box = $('nothing');
    box.hidden = false;
    box.append(el('h3', { text: 'Nothing to do' }), el('p', { class: 'nothing-reason', text: sentence(r.nothing_to_do ?? 'The report asks for no schema change.') }),
      el('p', { class: 'hint', text: 'No migration file was made.' }));
    setMessage('No migration was made.');
  } else if (status === 'blocked') {
    const n = stats.blocked;
    setMessage(`${plural(n, 'destructive statement')} ${n === 1 ? 'is' : 'are'} BLOCKED. The file below still holds ${n === 1 ? 'it' : 'them'}, for review; tick “Allow destructive changes” to allow ${n === 1 ? 'it' : 'them'}.`);
  } else {
    setMessage(`Generated ${plural(files.length, 'file')} with ${plural(stats.count, 'statement')}.`);
  }

  if (files.length) {
    renderActions(r, o, files, status);
    renderTools(r);
  }
  // Statements sit beside the text of the one forward file (a Liquibase changelog and undo or
  // down files are shown as they are, with the statements listed on their own).
  const container = $('files');
  files.forEach((f, i) => container.append(renderFile(r, i)));
  // Statements that could not be placed in a file's text are listed on their own, with their risks.
  if (!r.placed && stats.count) container.append(renderStatementList(r));
  for (const v of state.views) v.list.update();
  setStatus(status);
}

function sentence(s) {
  const t = String(s);
  return t ? t[0].toUpperCase() + t.slice(1) + (/[.!?]$/.test(t) ? '' : '.') : t;
}

/**
 * Statement i's details (worker.js, prepare()): parsed a page at a time, when first shown; null
 * while its page has not come yet (only the first comes with the result).
 */
function statementAt(r, i) {
  const { pageSize, pages } = r.statements;
  const p = Math.floor(i / pageSize);
  if (pages[p] === null) return null;
  r.pageCache[p] ??= JSON.parse(pages[p]);
  return r.pageCache[p][i % pageSize];
}

/** The details of the other statements came: blocks built without them are built again. */
function detailsCame(r, m) {
  m.pages.forEach((page, k) => { r.statements.pages[m.from + k] = page; });
  if (state.result !== r) return;
  for (const v of state.views) {
    if (!v.pending) continue;
    v.pending = false;
    v.list.refresh();
  }
  if (state.jump) showJump(state.jump);
}

function renderFacts(r, o, stats) {
  const dl = $('facts');
  dl.hidden = false;
  const row = (term, ...value) => {
    const div = el('div', { class: 'fact' }, el('dt', { text: term }), el('dd', {}, ...value));
    dl.append(div);
    return div;
  };
  row('Report run', code(r.run_id));
  const info = r.report ?? {};
  const bits = [];
  if (info.status) bits.push(`status ${info.status}`);
  bits.push(plural(info.diffs ?? 0, 'diff'), plural(info.results ?? 0, 'result'));
  if (info.validator_version) bits.push(`validator ${info.validator_version}`);
  row('Report', bits.join(' · '));
  if (info.spec_path || info.spec_id) {
    row('Spec', ...[info.spec_path && code(info.spec_path), info.spec_id && ' ', info.spec_id && code(`(${info.spec_id})`)]);
  }
  row('Dialect', `${r.dialect}${o.dialect ? ' (chosen)' : ' (auto)'}`);
  row('Tool', `${r.migration_tool}${r.version ? `, version ${r.version}` : ''}`);
  if (stats.count) {
    const parts = [plural(stats.count, 'statement')];
    if (stats.destructive) parts.push(`${stats.destructive} destructive`);
    if (stats.blocked) parts.push(`${stats.blocked} blocked`);
    row('Statements', parts.join(', '));
    const ops = Object.entries(r.operations ?? {});
    if (ops.length) {
      row('Operations', el('span', { class: 'ops' }, ops.map(([k, v]) => el('span', { class: 'op' }, code(k), ` ×${v}`)))).classList.add('fact-wide');
    }
  }
  const view = r.review;
  if (view) {
    if (r.blocked) row('Allow and apply with the CLI', el('code', { class: 'command', text: view.allowCommand }));
    else row('Apply with the CLI', el('code', { class: 'command', text: view.applyCommand }));
  }
}

function renderWarnings(warnings) {
  if (!warnings.length) return;
  $('warnings').hidden = false;
  $('warnings-title').textContent = `Warnings (${warnings.length})`;
  const list = $('warning-list');
  const item = (w) => {
    const where = [];
    if (w.diff_id) where.push('diff ', code(w.diff_id));
    if (w.path) where.push(where.length ? ', ' : '', code(w.path));
    return el('li', {},
      el('span', { class: 'warning-text', text: sentence(w.message) }),
      ' ',
      el('span', { class: 'warning-meta' }, where.length ? ['(', ...where, ') '] : null, el('code', { class: 'warning-code', text: w.code })));
  };
  for (const w of warnings.slice(0, WARNINGS_SHOWN)) list.append(item(w));
  if (warnings.length > WARNINGS_SHOWN) {
    const more = el('li', { class: 'warning-more' }, el('button', {
      type: 'button',
      class: 'button',
      onclick: () => {
        more.remove();
        for (const w of warnings.slice(WARNINGS_SHOWN)) list.append(item(w));
      },
    }, `Show the other ${warnings.length - WARNINGS_SHOWN}`));
    list.append(more);
  }
}

function renderActions(r, o, files, status) {
  $('actions').hidden = false;
  $('download-all').hidden = files.length < 2;
  const reviewButton = $('download-review');
  const reviewHint = $('review-hint');
  const reviewView = r.review;
  if (reviewView) {
    reviewButton.hidden = false;
    reviewHint.hidden = false;
    reviewHint.textContent = `The migration, report.md and summary.json, as the CLI writes them to ${reviewView.dir}/ when the report is ${state.source.name} in the project folder.`;
  } else {
    reviewButton.hidden = true;
    reviewHint.hidden = true;
  }
  const apply = $('apply');
  const hint = $('apply-hint');
  if (typeof window.showDirectoryPicker !== 'function') {
    apply.disabled = true;
    hint.textContent = 'Apply to folder needs a browser with the File System Access API (Chrome, Edge); download the file instead.';
  } else if (status === 'blocked') {
    apply.disabled = true;
    hint.textContent = 'Apply to folder is off while statements are blocked, as with the CLI’s --apply.';
  } else {
    apply.disabled = false;
    hint.textContent = 'Writes the migration into a folder you pick (your migrations folder, such as db/migrations). A file with the same content is left alone; a different file is never overwritten.';
  }
}

/** The find box and the jumps, with the counts they work on. */
function renderTools(r) {
  $('sql-tools').hidden = false;
  const { risky, blockedList: blocked } = r.statements;
  $('risk-next').disabled = risky.length === 0;
  $('risk-prev').disabled = risky.length === 0;
  $('blocked-next').hidden = blocked.length === 0;
  $('jump-status').textContent = risky.length
    ? `${plural(risky.length, 'statement')} with risk marks${blocked.length ? `, ${blocked.length} blocked` : ''}.`
    : 'No statement has a risk mark.';
  if ($('find').value) runFind($('find').value, 0);
}

/** A migration file: its name, buttons, and its text as a list of blocks built when in view. */
function renderFile(r, index) {
  const file = r.files[index];
  const { bytes, lines } = file;
  const article = el('article', { class: 'file', 'aria-label': `Migration file ${file.name}`, 'data-file-index': index });
  article.append(el('header', { class: 'file-head' },
    el('h3', { class: 'file-name' }, code(file.name)),
    el('span', { class: 'file-size', text: `${formatBytes(bytes)} · ${plural(lines, 'line')}` }),
    el('span', { class: 'file-buttons' },
      el('button', { type: 'button', class: 'button primary download', 'data-file': file.name, onclick: () => downloadFile(file) }, 'Download ', el('span', { class: 'visually-hidden', text: file.name })),
      el('button', { type: 'button', class: 'button copy', onclick: () => copyFile(file) }, 'Copy', el('span', { class: 'visually-hidden', text: ` ${file.name} to the clipboard` })))));

  const { start, end, stmt, heights } = file.blocks;
  const body = el('div', { class: 'sql', tabindex: '0', role: 'region', 'aria-label': `The SQL of ${file.name}` });
  article.append(body);
  const of = file.blocks.of;
  const stmtBlock = { get: (i) => (of[i] >= 0 ? of[i] : undefined) };
  const view = { article, file, index, stmtBlock, list: null, blocks: file.blocks };
  view.list = new VirtualList(body, {
    count: start.length,
    heights,
    render: (b) => {
      const text = file.content.slice(start[b], end[b]);
      let node;
      if (stmt[b] < 0) node = renderText(text, r.dialect);
      else {
        const s = statementAt(r, stmt[b]);
        if (!s) view.pending = true;
        node = s ? renderStatement(text, s, stmt[b], r.dialect) : renderPending(text, stmt[b], r);
      }
      markFound(view, b, node);
      return node;
    },
  });
  state.views.push(view);
  return article;
}

/** The comment line that opens a file's precondition block (see the README's Guards). */
const PRECONDITIONS = '\n-- Preconditions: ';

/**
 * A file's text before its first statement: the header, and the precondition block folded, so
 * that the DDL comes first. The fold's label is drawn by CSS from `data-label`, so that the
 * block's text is the file's text and nothing else (find, copy and the tests read it so).
 */
function renderText(text, dialect) {
  const at = text.indexOf(PRECONDITIONS);
  const highlight = text.length <= HIGHLIGHT_LIMIT;
  if (at < 0) return el('div', { class: 'seg seg-text' }, codeBlock(text, dialect, highlight));
  const head = text.slice(0, at + 1);
  const block = text.slice(at + 1);
  const lines = block.split('\n').length;
  const label = `Preconditions: ${lines} lines that check, before any change, each object this migration creates`;
  return el('div', { class: 'seg seg-text' }, codeBlock(head, dialect, highlight),
    el('details', { class: 'preconditions' },
      el('summary', { 'aria-label': label, 'data-label': label }),
      codeBlock(block, dialect, highlight)));
}

/** Statements not found in a file's text (a Liquibase changelog), listed with their risks. */
function renderStatementList(r) {
  const count = r.statements.count;
  const article = el('article', { class: 'file', 'aria-labelledby': 'statements-title', 'data-file-index': 'statements' });
  article.append(el('header', { class: 'file-head' }, el('h3', { id: 'statements-title', class: 'file-name', text: `Statements (${count})` })));
  const body = el('div', { class: 'sql', tabindex: '0', role: 'region', 'aria-label': 'The statements' });
  article.append(body);
  const stmtBlock = { get: (i) => i };
  const view = { article, file: null, index: -1, stmtBlock, list: null, blocks: null };
  view.list = new VirtualList(body, {
    count,
    heights: r.statements.heights,
    render: (i) => {
      const s = statementAt(r, i);
      if (!s) view.pending = true;
      return s ? renderStatement(s.sql, s, i, r.dialect) : renderPending('', i, r);
    },
  });
  state.views.push(view);
  return article;
}

/**
 * Statement `index` while its details are on their way (a moment after the result): its SQL, and
 * BLOCKED or destructive from its flags; built again with its marks when they come.
 */
function renderPending(text, index, r) {
  const f = r.statements.flags[index];
  const cls = ['seg', 'stmt', 'pending'];
  if (f & 2) cls.push('blocked');
  else if (f & 4) cls.push('destructive-allowed');
  if (state.jump && state.jump.stmt === index) cls.push('current');
  const block = el('section', { class: cls.join(' '), 'aria-busy': 'true', tabindex: '-1', 'data-stmt': index });
  block.append(codeBlock(text, r.dialect, text.length <= HIGHLIGHT_LIMIT));
  const marks = el('div', { class: 'marks' }, el('p', { class: 'stmt-id', text: `Statement ${index + 1}` }));
  if (f & 2) marks.append(el('p', { class: 'mark mark-blocked', text: 'BLOCKED' }));
  else if (f & 4) marks.append(el('p', { class: 'mark mark-allowed', text: 'Destructive: allowed' }));
  if (f & 1) marks.append(el('p', { class: 'hint', text: 'Risk marks…' }));
  block.append(marks);
  return block;
}

function renderStatement(text, s, index, dialect) {
  const label = `${s.diff_id} ${s.operation} ${s.target}${s.blocked ? ', blocked' : ''}`;
  const cls = ['seg', 'stmt'];
  if (s.blocked) cls.push('blocked');
  else if (s.destructive) cls.push('destructive-allowed');
  if (state.jump && state.jump.stmt === index) cls.push('current');
  const block = el('section', {
    class: cls.join(' '), 'aria-label': label, tabindex: '-1', 'data-stmt': index, 'data-diff-id': s.diff_id, 'data-operation': s.operation,
  });
  block.append(codeBlock(text, dialect, text.length <= HIGHLIGHT_LIMIT));

  const marks = el('div', { class: 'marks' });
  marks.append(el('p', { class: 'stmt-id' }, code(s.diff_id), ' ', el('span', { text: s.operation.replace(/_/g, ' ') })));
  if (s.blocked) {
    marks.append(el('p', { class: 'mark mark-blocked', text: 'BLOCKED' }),
      el('p', { class: 'mark-why', text: 'Destructive: allowed only with “Allow destructive changes”.' }));
  } else if (s.destructive) {
    marks.append(el('p', { class: 'mark mark-allowed', text: 'Destructive: allowed' }));
  }
  const risks = [...(s.risks ?? [])].sort((a, b) => categoryOrder(a.category) - categoryOrder(b.category));
  if (risks.length) {
    const ul = el('ul', { class: 'risks', 'aria-label': 'Risks' });
    for (const risk of risks) {
      const label2 = category(risk.category);
      ul.append(el('li', { class: `risk risk-${label2}`, 'data-code': risk.code, title: describeRisk(risk.code) },
        el('span', { class: 'risk-code', text: risk.code }), ' ', el('span', { class: 'risk-cat', text: label2 })));
    }
    marks.append(ul);
  } else {
    marks.append(el('p', { class: 'no-risk', text: 'No risk marks' }));
  }
  if (s.reverse_sql || s.reverse_note) {
    const title = s.reverse_sql ? (s.reverse_note ? 'Undo SQL (partial)' : 'Undo SQL') : 'No undo SQL';
    const undo = el('details', { class: 'undo' }, el('summary', { text: title }));
    if (s.reverse_note) undo.append(el('p', { class: 'undo-note', text: sentence(s.reverse_note) }));
    if (s.reverse_sql) undo.append(codeBlock(s.reverse_sql, dialect, s.reverse_sql.length <= HIGHLIGHT_LIMIT));
    else undo.append(el('p', { class: 'hint', text: 'There is no SQL that undoes this step.' }));
    // Opening it changes the block's height: the list measures it again.
    undo.addEventListener('toggle', () => state.views.forEach((v) => v.list.schedule()));
    marks.append(undo);
  }
  block.append(marks);
  return block;
}

let riskDescriptions = null;
function describeRisk(codeName) {
  if (!state.core) return null; // the warm-up's sample, before the generator is loaded
  if (!riskDescriptions) {
    riskDescriptions = new Map();
    for (const c of state.core?.riskCodes ?? []) riskDescriptions.set(c.code, c.description);
  }
  return riskDescriptions.get(codeName) ?? null;
}

/** A <pre><code> holding `text` exactly, its tokens in spans by type. */
function codeBlock(text, dialect, highlight) {
  const codeEl = el('code', { class: 'sql-code' });
  if (!highlight) {
    codeEl.textContent = text;
  } else {
    const frag = document.createDocumentFragment();
    for (const t of tokenize(text, { dialect })) {
      if (t.type === 'space' || t.type === 'word' || t.type === 'punct') frag.append(document.createTextNode(t.text));
      else frag.append(el('span', { class: `tok-${t.type}`, text: t.text }));
    }
    codeEl.append(frag);
  }
  return el('pre', { class: 'code' }, codeEl);
}

// ---------------------------------------------------------------------------------------------
// Find in the SQL, and jumps between risky or blocked statements.

const escapeRegExp = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Finds `query` (any case) in every file shown; then goes to the first match (dir 1), the last (-1) or stays (0). */
function runFind(query, dir) {
  const r = state.result;
  const f = { query, matches: [], index: -1, capped: false };
  state.find = f;
  CSS.highlights?.delete('sql-find');
  if (!r || query === '') {
    $('find-status').textContent = '';
    return;
  }
  const re = new RegExp(escapeRegExp(query), 'gi');
  for (const v of state.views) {
    if (!v.file) continue;
    re.lastIndex = 0;
    let m;
    while ((m = re.exec(v.file.content)) !== null) {
      if (f.matches.length >= FIND_LIMIT) {
        f.capped = true;
        break;
      }
      f.matches.push({ view: v, at: m.index, length: m[0].length });
    }
    if (f.capped) break;
  }
  if (!f.matches.length) {
    $('find-status').textContent = 'Not found';
    return;
  }
  if (dir === 0) {
    $('find-status').textContent = `${f.capped ? `${FIND_LIMIT}+` : f.matches.length} found`;
    return;
  }
  f.index = dir > 0 ? -1 : f.matches.length;
  stepFind(dir);
}

function stepFind(dir) {
  const f = state.find;
  if (!f.matches.length) {
    if (f.query) $('find-status').textContent = 'Not found';
    return;
  }
  f.index = (f.index + dir + f.matches.length) % f.matches.length;
  const m = f.matches[f.index];
  $('find-status').textContent = `${f.index + 1} of ${f.capped ? `${FIND_LIMIT}+` : f.matches.length}`;
  const b = blockAt(m.view.blocks, m.at);
  m.view.article.scrollIntoView({ block: 'nearest', behavior: 'instant' });
  const node = m.view.list.scrollToIndex(b, 'center');
  if (!node) return;
  const folded = node.querySelector('details.preconditions:not([open])');
  markFound(m.view, b, node);
  if (folded?.open) {
    // The match unfolded the precondition block: measure the block again, then bring the match
    // itself (not the block's middle) into view.
    m.view.list.update();
    const [range] = CSS.highlights?.get('sql-find') ?? [];
    const box = m.view.list.scroller;
    if (range) box.scrollTop += range.getBoundingClientRect().top - box.getBoundingClientRect().top - box.clientHeight / 2;
    m.view.list.update();
  }
}

/** The block holding offset `at` of a file (or the last one before it). */
function blockAt(blocks, at) {
  const { start } = blocks;
  let lo = 0;
  let hi = start.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (start[mid] <= at) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** Highlights the current match when it lies in block b of view v (just built as `node`). */
function markFound(v, b, node) {
  const f = state.find;
  const m = f.matches[f.index];
  if (!m || m.view !== v || !CSS.highlights) return;
  const { start, end } = v.blocks;
  if (m.at < start[b] || m.at >= end[b]) return;
  // A file's text before its first statement is its header and, folded, its precondition block:
  // two code elements, whose texts follow each other in the file.
  const codes = node.classList.contains('seg-text') ? [...node.querySelectorAll('pre.code > code')] : [node.querySelector('pre.code > code')];
  const from = m.at - start[b];
  const to = Math.min(end[b] - start[b], from + m.length);
  const range = document.createRange();
  const texts = [];
  for (const codeEl of codes) {
    const walker = document.createTreeWalker(codeEl, NodeFilter.SHOW_TEXT);
    for (let t = walker.nextNode(); t; t = walker.nextNode()) texts.push(t);
  }
  let pos = 0;
  let set = 0;
  for (const t of texts) {
    if (set === 2) break;
    const len = t.data.length;
    if (set === 0 && from < pos + len) {
      range.setStart(t, from - pos);
      set = 1;
    }
    if (set === 1 && to <= pos + len) {
      range.setEnd(t, to - pos);
      set = 2;
    }
    pos += len;
  }
  if (set !== 2) return;
  // A match in the folded precondition block unfolds it.
  const fold = range.startContainer.parentElement?.closest('details.preconditions');
  if (fold) fold.open = true;
  CSS.highlights.set('sql-find', new Highlight(range));
}

/** Says which statement a jump went to (what it is, once its details are there). */
function showJump({ kind, k, stmt }) {
  const r = state.result;
  const list = kind === 'blocked' ? r.statements.blockedList : r.statements.risky;
  const s = statementAt(r, stmt);
  $('jump-status').textContent = `${kind === 'blocked' ? 'Blocked' : 'Risky'} statement ${k + 1} of ${list.length}${s ? `: ${s.diff_id} ${s.operation.replace(/_/g, ' ')} ${s.target}` : ''}`;
}

/** Goes to the next (dir 1) or previous (-1) statement with risk marks, or the next blocked one. */
function jump(kind, dir) {
  const r = state.result;
  if (!r) return;
  const list = kind === 'blocked' ? r.statements.blockedList : r.statements.risky;
  if (!list?.length) return;
  const prev = state.jump;
  let k;
  if (prev && prev.kind === kind) k = (prev.k + dir + list.length) % list.length;
  else if (prev) {
    // From the statement shown: the next or previous one of this kind.
    k = dir > 0 ? list.findIndex((i) => i > prev.stmt) : list.findLastIndex((i) => i < prev.stmt);
    if (k === -1) k = dir > 0 ? 0 : list.length - 1;
  } else k = dir > 0 ? 0 : list.length - 1;
  const stmt = list[k];
  for (const node of document.querySelectorAll('#files .stmt.current')) node.classList.remove('current');
  state.jump = { kind, k, stmt };
  const v = state.views.find((x) => x.stmtBlock.get(stmt) !== undefined);
  if (!v) return;
  v.article.scrollIntoView({ block: 'nearest', behavior: 'instant' });
  const node = v.list.scrollToIndex(v.stmtBlock.get(stmt), 'start');
  showJump(state.jump);
  if (node) {
    node.classList.add('current');
    node.focus({ preventScroll: true });
  }
}

// ---------------------------------------------------------------------------------------------
// Download, clipboard, folder.

function saveBlob(name, bytes, type) {
  const url = URL.createObjectURL(new Blob([bytes], { type }));
  const a = el('a', { href: url, download: name, hidden: true });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

function actionStatus(text) {
  const box = $('action-status');
  box.textContent = text;
  delete box.dataset.outcome;
}

function downloadFile(file) {
  // A string in a Blob is written as UTF-8, without a byte order mark.
  saveBlob(file.name, file.content, 'application/sql');
  actionStatus(`Downloading ${file.name}.`);
}

/** A ZIP the worker builds (deflated, dated from the report's finished_at). */
async function downloadZip(what) {
  const r = state.result;
  if (!r || !r.files.length) return;
  if (engine.job) {
    actionStatus('The migration is being generated again: download once it is shown.');
    return;
  }
  actionStatus('Compressing…');
  try {
    const z = await request({ type: 'zip', run: r.run, what });
    if (state.result !== r) return;
    saveBlob(z.name, z.bytes, 'application/zip');
    actionStatus(what === 'review'
      ? `Downloading ${z.name} (${formatBytes(z.bytes.length)}): ${z.files.map((f) => f.split('/').pop()).join(', ')}.`
      : `Downloading ${z.name} (${plural(z.files.length, 'file')}, ${formatBytes(z.bytes.length)}).`);
  } catch (e) {
    actionStatus(`The archive could not be made: ${e && e.message ? e.message : e}`);
  }
}

function downloadAll() {
  return downloadZip('all');
}

function downloadReview() {
  if (!state.result?.review) return undefined;
  return downloadZip('review');
}

async function copyFile(file) {
  try {
    if (!navigator.clipboard?.writeText) throw new Error('the clipboard is not available here');
    await navigator.clipboard.writeText(file.content);
    actionStatus(`Copied ${file.name} to the clipboard.`);
  } catch (e) {
    actionStatus(`Could not copy to the clipboard (${e && e.message ? e.message : e}); use Download instead.`);
  }
}

async function applyFolder() {
  const r = state.result;
  if (!r || !r.files.length || r.blocked) return;
  const files = r.files;
  let dir;
  try {
    dir = await window.showDirectoryPicker({ id: 'smartspec-migrations', mode: 'readwrite' });
  } catch (e) {
    actionStatus(e && e.name === 'AbortError' ? 'No folder was picked: nothing was written.' : `Could not open a folder: ${e && e.message ? e.message : e}`);
    return;
  }
  if (state.result !== r) return;
  let outcome;
  try {
    outcome = await applyToFolder(dir, files);
  } catch (e) {
    actionStatus(`Writing into “${dir.name}” failed: ${e && e.message ? e.message : e}`);
    return;
  }
  const lines = outcome.files.map((f) => {
    switch (f.status) {
      case 'written': return `Wrote ${f.name} into “${dir.name}”.`;
      case 'identical': return `${f.name} is already in “${dir.name}” with the same content: left alone.`;
      case 'conflict': return `A different ${f.name} is already in “${dir.name}”: it was not overwritten.`;
      default: return `${f.name} was not written.`;
    }
  });
  if (outcome.files.some((f) => f.status === 'conflict')) lines.push('Nothing was written. Compare the two files, then remove or rename the old one, or set another version.');
  const box = $('action-status');
  box.textContent = lines.join(' ');
  box.dataset.outcome = outcome.files.some((f) => f.status === 'conflict') ? 'conflict' : outcome.written ? 'written' : 'identical';
}

start();
