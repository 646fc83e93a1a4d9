// Node only: Atlas's migration directory integrity file, atlas.sum, computed as Atlas computes it
// (sql/migrate in Atlas's source: the folder's *.sql files, not its subfolders, in the order of
// their names' bytes; one SHA-256 running over each file's name and then its bytes, its digest
// taken after each file; the first line the digest of the list of names and digests).

import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/** The name of the integrity file. */
export const ATLAS_SUM = 'atlas.sum';

// A leading `atlas:<name> <args>` directive on a file's first line (`atlas:sum ignore` leaves
// the file's bytes out of the sum).
const DIRECTIVE = /^([ -~]*)atlas:(\w+)(?: +(.+))*/;

const byNameBytes = (a, b) => Buffer.compare(Buffer.from(a.name, 'utf8'), Buffer.from(b.name, 'utf8'));

/**
 * The text of atlas.sum for `files` ([{name, bytes: Buffer | string}], in any order): `h1:<sum>`,
 * then `<name> h1:<hash>` for each file, each line ended by `\n`.
 */
export function atlasSum(files) {
  const sorted = files.map((f) => ({ name: f.name, bytes: Buffer.from(f.bytes) })).sort(byNameBytes);
  const running = createHash('sha256');
  const lines = [];
  for (const f of sorted) {
    running.update(f.name, 'utf8');
    const m = DIRECTIVE.exec(f.bytes.toString('latin1'));
    if (m && m[2] === 'sum' && m[3] === 'ignore') continue;
    running.update(f.bytes);
    lines.push({ name: f.name, hash: running.copy().digest('base64') });
  }
  const total = createHash('sha256');
  for (const l of lines) total.update(l.name, 'utf8').update(l.hash, 'utf8');
  return `h1:${total.digest('base64')}\n${lines.map((l) => `${l.name} h1:${l.hash}\n`).join('')}`;
}

/** The *.sql files Atlas reads in `dir` (regular files at its top, subfolders left out). */
export function atlasFiles(dir) {
  let entries;
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch (e) {
    if (e.code === 'ENOENT') return [];
    throw e;
  }
  return entries
    .filter((e) => e.name.endsWith('.sql') && (e.isFile() || (e.isSymbolicLink() && fs.statSync(path.join(dir, e.name), { throwIfNoEntry: false })?.isFile())))
    .map((e) => ({ name: e.name, bytes: fs.readFileSync(path.join(dir, e.name)) }));
}

/**
 * The folder's atlas.sum as it stands, and as it becomes with `files` ([{name, content}]) added:
 * {now: its text or null, current: the sum of the folder as it is, after: with them}.
 */
export function atlasSums(dir, files) {
  const ours = new Set(files.map((f) => f.name));
  const there = atlasFiles(dir);
  let now = null;
  try {
    now = fs.readFileSync(path.join(dir, ATLAS_SUM), 'utf8');
  } catch (e) {
    if (e.code !== 'ENOENT') throw e;
  }
  const others = there.filter((f) => !ours.has(f.name));
  return {
    now,
    current: atlasSum(there),
    after: atlasSum([...others, ...files.map((f) => ({ name: f.name, bytes: f.content }))]),
  };
}

/** Whether `bytes` look like an atlas.sum (its first line the folder's sum). */
export function isAtlasSum(bytes) {
  return /^h1:[A-Za-z0-9+/]{43}=\n/.test(bytes.toString('utf8'));
}
