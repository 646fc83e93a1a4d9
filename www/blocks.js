// How the page's SQL view (view.js) cuts a migration file into blocks, worked out in the worker
// (worker.js) and sent to the page as offsets in typed arrays: a block is [start[b], end[b]) of
// the file's text, shows statement stmt[b] (-1: none) and lines[b] lines, and is probably
// heights[b] pixels tall. What is done here once per block or statement is not done on the
// page's main thread, which builds only the blocks in view.

/** Lines per block of a file shown without statement blocks. */
export const TEXT_BLOCK_LINES = 40;

/**
 * Blocks of a file whose statements are at `bounds` (statementBounds()): the text before the
 * first one (blank lines at its end left out, none when it is blank), then each statement.
 */
export function statementBlocks(text, bounds) {
  const count = bounds.length / 2;
  let header = bounds[0];
  while (header > 0 && text[header - 1] === '\n') header--;
  const first = text.slice(0, header).trim() === '' ? 0 : 1;
  const start = new Int32Array(count + first);
  const end = new Int32Array(count + first);
  const stmt = new Int32Array(count + first);
  if (first) {
    end[0] = header;
    stmt[0] = -1;
  }
  for (let k = 0; k < count; k++) {
    start[k + first] = bounds[2 * k];
    end[k + first] = bounds[2 * k + 1];
    stmt[k + first] = k;
  }
  return { start, end, stmt };
}

/** Blocks of TEXT_BLOCK_LINES lines (each with its line feed), which joined give the text back. */
export function lineBlocks(text) {
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

/**
 * The number of lines each block shows (a line feed at its very end starts no line), and the
 * file's: one pass over its line feeds, the blocks in order and apart.
 */
export function lineCounts(text, { start, end }) {
  const n = start.length;
  const lines = new Int32Array(n).fill(1);
  let total = 0;
  let b = 0;
  for (let at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n', at + 1)) {
    total++;
    while (b < n && at >= end[b] - 1) b++;
    if (b < n && at >= start[b]) lines[b]++;
  }
  if (text.length && !text.endsWith('\n')) total++;
  return { lines, total };
}

/** The length of `text` in UTF-8 (as TextEncoder would encode it), without encoding it. */
export function utf8Length(text) {
  let n = text.length;
  const wide = /[^\x00-\x7f]+/g;
  for (let m = wide.exec(text); m !== null; m = wide.exec(text)) {
    // 2 bytes below U+0800; 3 from there (a lone surrogate becomes U+FFFD); 4 for a pair.
    for (const ch of m[0]) n += ch.length === 2 ? 2 : ch.charCodeAt(0) < 0x800 ? 1 : 2;
  }
  return n;
}

/** Heights (px) of the parts of a block, as style.css sets them for the SQL view. */
export const LINE_PX = 20;
export const CODE_PAD_PX = 20;

/**
 * Statement flags (worker.js, prepare()): 1 has risks, 2 blocked, 4 destructive, 8 has undo SQL
 * or a note. The estimated height of the column of marks beside a statement with these flags and
 * `risks` risk marks.
 */
export function marksHeight(flags, risks) {
  let h = 20 + 20; // padding, the diff id line
  if (flags & 2) h += 6 + 22 + 6 + 36; // BLOCKED and why
  else if (flags & 4) h += 6 + 24;
  h += risks ? risks * (24 + 5) + 1 : 6 + 20;
  if (flags & 8) h += 6 + 21;
  return h;
}

/** The height each block of a file probably has: its lines, or its marks when they are taller. */
export function blockHeights({ stmt, lines }, flags, risks) {
  const heights = new Float64Array(stmt.length);
  for (let b = 0; b < stmt.length; b++) {
    const code = lines[b] * LINE_PX + CODE_PAD_PX;
    const s = stmt[b];
    heights[b] = 1 + (s < 0 ? code : Math.max(code, marksHeight(flags[s], risks[s])));
  }
  return heights;
}

/** The height each statement of a list of statements (not placed in a file) probably has. */
export function listHeights(flags, risks) {
  const heights = new Float64Array(flags.length);
  for (let i = 0; i < flags.length; i++) heights[i] = 1 + Math.max(LINE_PX * 2 + CODE_PAD_PX, marksHeight(flags[i], risks[i]));
  return heights;
}

/** The statements with risk marks or blocked (where the jumps go), and the blocked ones. */
export function markedStatements(flags) {
  let risky = 0;
  let blocked = 0;
  for (const f of flags) {
    if (f & 3) risky++;
    if (f & 2) blocked++;
  }
  const out = { risky: new Int32Array(risky), blocked: new Int32Array(blocked) };
  risky = 0;
  blocked = 0;
  flags.forEach((f, i) => {
    if (f & 3) out.risky[risky++] = i;
    if (f & 2) out.blocked[blocked++] = i;
  });
  return out;
}
