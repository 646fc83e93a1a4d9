// Builds generate()'s result object from what pack.rs packs (the layout is described
// there): a few large strings and one array of numbers cross the wasm boundary instead of one
// JSON value per field, and every statement's SQL is a slice of the file that holds it.
// wasm-bindgen ships this file beside the module's glue; scripts/build.sh makes a CommonJS copy
// for the require() glue. Plain ES2015, no imports.

// Text the module hands over as bytes of its memory. Node reads ASCII byte for byte (as latin1,
// which is ASCII for those bytes and the fastest of its decoders), several
// times faster than TextDecoder; anything else goes through TextDecoder (keeping a leading BOM).
const utf8 = new TextDecoder('utf-8', { ignoreBOM: true });
export function text_of(bytes, ascii) {
  if (ascii && typeof Buffer === 'function' && typeof Buffer.from === 'function') {
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
  }
  return utf8.decode(bytes);
}

// contents: each file's text. A statement's SQL is a slice of one of them.
export function assemble(meta, table, blob, nums, contents) {
  const out = JSON.parse(meta);
  for (let i = 0; i < out.files.length; i++) out.files[i].content = contents[i];
  return build(out, table, blob, nums, (file, start, end) => contents[file].slice(start, end), null);
}

// The result of generateRead(…, keep) (exports.rs), for the Node command line (lib/wasm-node.js):
// the files stay in the module's memory, `files` holding [address, length, ascii] of each, and
// each span of a file is a byte range. A file's `content` is read from there when first asked
// for, and `file[BYTES]()` is a view of its bytes; a statement or undo step whose SQL a file
// holds has `sql` null and `[SPAN]` [file, start, end] (its text: `result[KEPT].sqlOf(s)`). The
// caller calls `result[KEPT].release()` before the memory is used again: every `content` and
// `sql` is then read, and the result stands alone.
const KEPT = Symbol.for('smartspec.kept');
const BYTES = Symbol.for('smartspec.bytes');
const SPAN = Symbol.for('smartspec.span');
export function assemble_kept(meta, table, blob, nums, filesView, memory) {
  // A copy: the numbers arrive as a view of the module's memory, which is freed on return.
  const files = Array.from(filesView);
  const out = JSON.parse(meta);
  const kept = { live: true, release: null, sqlOf: null };
  const view = (i) => new Uint8Array(memory.buffer, files[3 * i], files[3 * i + 1]);
  const ascii = (i) => files[3 * i + 2] === 1;
  const texts = new Array(out.files.length).fill(null);
  const textOf = (i) => {
    if (texts[i] === null) texts[i] = text_of(view(i), ascii(i));
    return texts[i];
  };
  for (let i = 0; i < out.files.length; i++) {
    const f = out.files[i];
    lazy(f, 'content', () => textOf(i));
    Object.defineProperty(f, BYTES, { value: () => (kept.live ? view(i) : null) });
  }
  const result = build(out, table, blob, nums, (file, start, end) => [file, start, end], (obj, key, span) => {
    obj[SPAN] = span;
  });
  kept.sqlOf = (s) => {
    if (s.sql !== null || !s[SPAN]) return s.sql;
    const span = s[SPAN];
    // An ASCII file's bytes are its UTF-16 units: a slice of its text, once that is read.
    if (texts[span[0]] !== null && ascii(span[0])) return texts[span[0]].slice(span[1], span[2]);
    return text_of(view(span[0]).subarray(span[1], span[2]), ascii(span[0]));
  };
  kept.release = () => {
    if (!kept.live) return;
    for (let i = 0; i < out.files.length; i++) void out.files[i].content;
    for (const s of result.statements) if (s.sql === null && s[SPAN]) s.sql = kept.sqlOf(s);
    for (const u of result.undo) if (u.sql === null && u[SPAN]) u.sql = kept.sqlOf(u);
    kept.live = false;
  };
  Object.defineProperty(result, KEPT, { value: kept });
  return result;
}

// `obj[key]` read by `get` when first asked for (or set), then a plain value.
function lazy(obj, key, get) {
  const settle = (value) => Object.defineProperty(obj, key, { value, writable: true, enumerable: true, configurable: true });
  Object.defineProperty(obj, key, {
    enumerable: true,
    configurable: true,
    get() {
      const value = get();
      settle(value);
      return value;
    },
    set: settle,
  });
}

// The statements and undo steps of the packed numbers; `fromFile(file, start, end)` gives the
// SQL a file holds, and `later(obj, key, what)`, when given, is called for each object whose
// `key` is such a SQL (left null until then).
function build(out, table, blob, nums, fromFile, later) {
  const names = JSON.parse(table);
  let p = 0;
  const text = () => {
    const start = nums[p];
    const end = nums[p + 1];
    p += 2;
    return blob.slice(start, end);
  };
  const optName = () => {
    const i = nums[p++];
    return i === 0 ? null : names[i - 1];
  };
  // [0] null, [1, file, start, end], [2, start, end], [3, statement]
  const sql = (statements) => {
    const kind = nums[p++];
    if (kind === 0) return null;
    if (kind === 1) {
      const file = nums[p];
      const start = nums[p + 1];
      const end = nums[p + 2];
      p += 3;
      return fromFile(file, start, end);
    }
    if (kind === 2) return text();
    if (kind === 3) return statements[nums[p++]].reverse_sql;
    throw new Error(`the generator's packed output is corrupt (sql kind ${kind} at ${p - 1})`);
  };
  const statements = new Array(nums[p++]);
  for (let i = 0; i < statements.length; i++) {
    const s = sql(statements);
    const diffId = text();
    const operation = names[nums[p++]];
    const target = text();
    const risks = new Array(nums[p++]);
    for (let r = 0; r < risks.length; r++) {
      risks[r] = { code: names[nums[p]], category: names[nums[p + 1]] };
      p += 2;
    }
    const flags = nums[p++];
    const reverse = sql(statements);
    const reverseNote = optName();
    statements[i] = {
      sql: later && Array.isArray(s) ? null : s,
      diff_id: diffId,
      operation,
      target,
      risks,
      destructive: (flags & 1) !== 0,
      blocked: (flags & 2) !== 0,
      reverse_sql: reverse,
      reverse_note: reverseNote,
      part: names[nums[p++]],
    };
    if (later && Array.isArray(s)) later(statements[i], 'sql', s);
  }
  const undo = new Array(nums[p++]);
  for (let i = 0; i < undo.length; i++) {
    // The statement it undoes: its diff id and target are the same strings.
    const of = statements[nums[p++]];
    const s = sql(statements);
    const operation = names[nums[p++]];
    const note = optName();
    undo[i] = { sql: later && Array.isArray(s) ? null : s, diff_id: of.diff_id, operation, target: of.target, note, part: names[nums[p++]] };
    if (later && Array.isArray(s)) later(undo[i], 'sql', s);
  }
  if (p !== nums.length) throw new Error(`the generator's packed output is corrupt (${nums.length - p} numbers left)`);
  out.statements = statements;
  out.undo = undo;
  return out;
}

// The options generate() reads (exports.rs, options_of), for the refusal of any other name.
const OPTION_NAMES = ['dialect', 'version', 'name_from', 'nameFrom', 'migration_tool', 'migrationTool',
  'undo', 'concurrently', 'allow_destructive', 'allowDestructive', 'guards'];

function edits(a, b) {
  const prev = [];
  for (let j = 0; j <= b.length; j++) prev.push(j);
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

// The first own property of `options` that is not an option, with the option nearest to it (the
// fewest edits once case, `_` and `-` are set aside, then the fewest as written): [name, nearest],
// or null when every property is an option.
export function unknown_option(options) {
  const fold = (s) => s.replace(/[_-]/g, '').toLowerCase();
  for (const key of Object.keys(options)) {
    if (OPTION_NAMES.indexOf(key) >= 0) continue;
    let best = OPTION_NAMES[0];
    let bestCost = [Infinity, Infinity];
    for (const name of OPTION_NAMES) {
      const cost = [edits(fold(key), fold(name)), edits(key, name)];
      if (cost[0] < bestCost[0] || (cost[0] === bestCost[0] && cost[1] < bestCost[1])) {
        best = name;
        bestCost = cost;
      }
    }
    return [key, best, OPTION_NAMES.join(', ')];
  }
  return null;
}
