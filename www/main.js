// The page: reads a validation report (dropped, picked or pasted), runs the generator's wasm module
// on it in this page, and previews the migration with the risks of each statement. The migration
// can be downloaded, copied, or written into a folder (File System Access API). Nothing is sent
// anywhere: the only requests are for the page's own files, all made while it loads.
//
// Report content is untrusted: it reaches the DOM only through textContent and attributes set by
// name, never through innerHTML.

import { segment, tokenize } from './sql.js';
import { zip } from './zip.js';
import { applyToFolder } from './folder.js';
import { reviewFolder } from './review.js';

/** Reports larger than this are refused before they are read. */
const MAX_REPORT_BYTES = 64 * 1024 * 1024;
/** A file with more characters than this is shown without highlighting (its text is the same). */
const HIGHLIGHT_LIMIT = 1_000_000;
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
  core: null, // the wasm module's exports
  lib: null, // pkg/lib/summary.js, when present
  source: null, // {kind: 'file' | 'paste', name, size, text, note}
  result: null,
  options: null,
  generation: 0,
  readToken: 0,
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
// Start-up: load the wasm module and the package's report builders, fill the data-driven parts.

async function start() {
  $('max-size').textContent = formatBytes(MAX_REPORT_BYTES);
  const tool = $('tool');
  for (const t of TOOLS) tool.append(el('option', { value: t.id, text: t.label }));
  tool.value = TOOLS[0].id;
  showToolHint();
  wireInputs();

  try {
    const core = await import('./pkg/wasm/smartspec_data_migration_generator.js');
    await core.default();
    state.core = core;
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
  try {
    state.lib = await import('./pkg/lib/summary.js');
  } catch {
    state.lib = null; // the review folder is left out
  }
  $('generator-version').textContent = `SmartSpec Data Migration Generator ${state.core.version()}`;
  buildLegend();
  setMessage('No report yet: drop a summary.json, choose one, or paste it.');
  document.documentElement.dataset.ready = 'true';
  resolveReady();
}

function showToolHint() {
  const t = TOOLS.find((x) => x.id === $('tool').value) ?? TOOLS[0];
  $('tool-hint').textContent = t.hint;
}

function buildLegend() {
  const body = clear($('legend-body'));
  let codes = [];
  try {
    codes = state.core.riskCodes() ?? [];
  } catch {
    codes = [];
  }
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
  for (const id of ['dialect', 'tool', 'allow-destructive', 'undo', 'concurrently', 'name-from-changes', 'name-from-spec']) {
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
}

async function takeFiles(files) {
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
  let text;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    fail({ code: 'not_utf8', detail: `${file.name} is not UTF-8 text, so it cannot be a JSON report.` }, { name: file.name, size: file.size });
    return;
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  state.source = { kind: 'file', name: file.name, size: file.size, text, note };
  regenerate();
}

async function takeText(text, what) {
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
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  state.source = { kind: 'paste', name: PASTED_NAME, label: what, size, text, note: null };
  regenerate();
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
    version: $('version').value.trim(),
    nameFrom,
  };
}

/** What generate() is given. */
function coreOptions(o) {
  const opts = { migrationTool: o.tool, allowDestructive: o.allowDestructive, undo: o.undo, concurrently: o.concurrently };
  if (o.version) opts.version = o.version;
  if (o.nameFrom !== 'changes') opts.nameFrom = o.nameFrom;
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
    allowDestructive: o.allowDestructive,
  };
}

function regenerate() {
  if (!state.core || !state.source) return;
  const options = readOptions();
  let result = null;
  let error = null;
  try {
    result = state.core.generate(state.source.text, options.dialect || undefined, coreOptions(options));
  } catch (e) {
    error = e;
  }
  state.options = options;
  if (error) {
    state.result = null;
    render();
    showError(describeError(error, state.source.text));
    markField(error);
    setStatus('error');
    setMessage('');
    return;
  }
  state.result = result;
  render();
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
  state.source = null;
  state.result = null;
  render(source);
  showError(err);
  setStatus('error');
  setMessage('');
}

function markField(error) {
  const id = error && OPTION_FIELDS[error.path];
  if (id) $(id).setAttribute('aria-invalid', 'true');
  if (error && error.code === 'missing_version') $('version').setAttribute('aria-invalid', 'true');
}

function describeError(e, text) {
  if (!e || typeof e !== 'object' || typeof e.code !== 'string') {
    return {
      code: 'internal',
      detail: `${e && e.message ? e.message : String(e)}. Reload the page before trying again.`,
    };
  }
  const out = { code: e.code, detail: e.detail ?? e.message, path: e.path ?? null, diffId: e.diffId ?? null };
  const first = text.trimStart()[0];
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
  clear($('files'));
  clear($('facts')).hidden = true;
  clear($('nothing')).hidden = true;
  clear($('warning-list'));
  $('warnings').hidden = true;
  $('actions').hidden = true;
  $('action-status').textContent = '';

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
  const o = state.options;
  const files = r.files ?? [];
  const statements = r.statements ?? [];
  const blocked = statements.filter((s) => s.blocked);
  const status = files.length === 0 ? 'nothing_to_do' : r.blocked ? 'blocked' : 'generated';

  renderFacts(r, o, statements, blocked);
  renderWarnings(r.warnings ?? []);

  if (status === 'nothing_to_do') {
    const box = $('nothing');
    box.hidden = false;
    box.append(el('h3', { text: 'Nothing to do' }), el('p', { class: 'nothing-reason', text: sentence(r.nothing_to_do ?? 'The report asks for no schema change.') }),
      el('p', { class: 'hint', text: 'No migration file was made.' }));
    setMessage('No migration was made.');
  } else if (status === 'blocked') {
    setMessage(`${plural(blocked.length, 'destructive statement')} ${blocked.length === 1 ? 'is' : 'are'} BLOCKED. The file below still holds ${blocked.length === 1 ? 'it' : 'them'}, for review; tick “Allow destructive changes” to allow ${blocked.length === 1 ? 'it' : 'them'}.`);
  } else {
    setMessage(`Generated ${plural(files.length, 'file')} with ${plural(statements.length, 'statement')}.`);
  }

  if (files.length) renderActions(r, o, files, status);
  const container = $('files');
  let placed = false;
  // Statements sit beside the text of the one forward file (a Liquibase changelog and undo or
  // down files are shown as they are, with the statements listed on their own).
  const forward = files.filter((f) => f.role === 'migration' || f.role === 'up');
  for (const f of files) {
    const { article, segmented } = renderFile(f, r, forward.length === 1 && f === forward[0] ? statements : null);
    container.append(article);
    placed ||= segmented;
  }
  // Statements that could not be placed in a file's text are listed on their own, with their risks.
  if (!placed && statements.length) container.append(renderStatementList(statements, r.dialect));
  setStatus(status);
}

function sentence(s) {
  const t = String(s);
  return t ? t[0].toUpperCase() + t.slice(1) + (/[.!?]$/.test(t) ? '' : '.') : t;
}

function renderFacts(r, o, statements, blocked) {
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
  if (statements.length) {
    const destructive = statements.filter((s) => s.destructive).length;
    const parts = [plural(statements.length, 'statement')];
    if (destructive) parts.push(`${destructive} destructive`);
    if (blocked.length) parts.push(`${blocked.length} blocked`);
    row('Statements', parts.join(', '));
    const ops = Object.entries(r.operations ?? {});
    if (ops.length) {
      row('Operations', el('span', { class: 'ops' }, ops.map(([k, v]) => el('span', { class: 'op' }, code(k), ` ×${v}`)))).classList.add('fact-wide');
    }
  }
  const view = review();
  if (view) {
    if (r.blocked) row('Allow and apply with the CLI', el('code', { class: 'command', text: view.allowCommand }));
    else row('Apply with the CLI', el('code', { class: 'command', text: view.applyCommand }));
  }
}

/**
 * The CLI's review folder for the current result (pkg/lib/summary.js), or null when that module
 * is not there or fails: it is an extra, and the preview does without it.
 */
function review() {
  const r = state.result;
  if (!state.lib || !r || !r.files?.length) return null;
  try {
    return reviewFolder(state.lib, r, { reportPath: state.source.name, options: chosenOptions(state.options) });
  } catch (e) {
    console.warn('the review folder cannot be built:', e);
    return null;
  }
}

function renderWarnings(warnings) {
  if (!warnings.length) return;
  $('warnings').hidden = false;
  $('warnings-title').textContent = `Warnings (${warnings.length})`;
  const list = $('warning-list');
  for (const w of warnings) {
    const where = [];
    if (w.diff_id) where.push('diff ', code(w.diff_id));
    if (w.path) where.push(where.length ? ', ' : '', code(w.path));
    list.append(el('li', {},
      el('span', { class: 'warning-text', text: sentence(w.message) }),
      ' ',
      el('span', { class: 'warning-meta' }, where.length ? ['(', ...where, ') '] : null, el('code', { class: 'warning-code', text: w.code }))));
  }
}

function renderActions(r, o, files, status) {
  $('actions').hidden = false;
  $('download-all').hidden = files.length < 2;
  const reviewButton = $('download-review');
  const reviewHint = $('review-hint');
  const reviewView = review();
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

/** A migration file: its name, buttons, and the SQL split into header and statements. */
function renderFile(file, r, statements) {
  const bytes = new TextEncoder().encode(file.content).length;
  const lines = file.content.split('\n').length - (file.content.endsWith('\n') ? 1 : 0);
  const article = el('article', { class: 'file', 'aria-label': `Migration file ${file.name}` });
  article.append(el('header', { class: 'file-head' },
    el('h3', { class: 'file-name' }, code(file.name)),
    el('span', { class: 'file-size', text: `${formatBytes(bytes)} · ${plural(lines, 'line')}` }),
    el('span', { class: 'file-buttons' },
      el('button', { type: 'button', class: 'button primary download', 'data-file': file.name, onclick: () => downloadFile(file) }, 'Download ', el('span', { class: 'visually-hidden', text: file.name })),
      el('button', { type: 'button', class: 'button copy', onclick: () => copyFile(file) }, 'Copy', el('span', { class: 'visually-hidden', text: ` ${file.name} to the clipboard` })))));

  const highlight = file.content.length <= HIGHLIGHT_LIMIT;
  const body = el('div', { class: 'sql' });
  const segs = statements ? segment(file.content, statements) : null;
  if (!segs) {
    body.append(el('div', { class: 'seg seg-text' }, codeBlock(file.content, r.dialect, highlight)));
  } else {
    for (const s of segs) {
      if (s.kind === 'gap') continue;
      if (s.kind === 'text') {
        if (s.text.trim() === '') continue;
        body.append(el('div', { class: 'seg seg-text' }, codeBlock(s.text.replace(/\n+$/, ''), r.dialect, highlight)));
      } else {
        body.append(renderStatement(s, r.dialect, highlight));
      }
    }
  }
  if (!highlight) article.append(el('p', { class: 'hint', text: 'This file is large, so it is shown without colours.' }));
  article.append(body);
  return { article, segmented: Boolean(segs) };
}

function renderStatementList(statements, dialect) {
  const article = el('article', { class: 'file', 'aria-labelledby': 'statements-title' });
  article.append(el('header', { class: 'file-head' }, el('h3', { id: 'statements-title', class: 'file-name', text: `Statements (${statements.length})` })));
  const body = el('div', { class: 'sql' });
  for (const stmt of statements) {
    body.append(renderStatement({ text: stmt.sql, stmt }, dialect, stmt.sql.length <= HIGHLIGHT_LIMIT));
  }
  article.append(body);
  return article;
}

function renderStatement(seg, dialect, highlight) {
  const s = seg.stmt;
  const label = `${s.diff_id} ${s.operation} ${s.target}${s.blocked ? ', blocked' : ''}`;
  const cls = ['seg', 'stmt'];
  if (s.blocked) cls.push('blocked');
  else if (s.destructive) cls.push('destructive-allowed');
  const block = el('section', { class: cls.join(' '), 'aria-label': label, 'data-diff-id': s.diff_id, 'data-operation': s.operation });
  block.append(codeBlock(seg.text, dialect, highlight));

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
    marks.append(undo);
  }
  block.append(marks);
  return block;
}

let riskDescriptions = null;
function describeRisk(codeName) {
  if (!riskDescriptions) {
    riskDescriptions = new Map();
    try {
      for (const c of state.core.riskCodes() ?? []) riskDescriptions.set(c.code, c.description);
    } catch {
      // no descriptions
    }
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
  saveBlob(file.name, new TextEncoder().encode(file.content), 'application/sql');
  actionStatus(`Downloading ${file.name}.`);
}

function downloadAll() {
  const r = state.result;
  if (!r || !r.files.length) return;
  const name = `${r.run_id}-${r.dialect.toLowerCase()}-migrations.zip`;
  saveBlob(name, zip(r.files.map((f) => ({ name: f.name, data: f.content }))), 'application/zip');
  actionStatus(`Downloading ${name} (${plural(r.files.length, 'file')}).`);
}

function downloadReview() {
  const view = review();
  if (!view) return;
  const name = `${view.runId}.zip`;
  saveBlob(name, zip(view.files.map((f) => ({ name: `${view.runId}/${f.name}`, data: f.content }))), 'application/zip');
  actionStatus(`Downloading ${name}: ${view.files.map((f) => f.name).join(', ')}.`);
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
