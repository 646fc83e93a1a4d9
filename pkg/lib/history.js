// Node only: the migrations folder's history, checked before a run adds to it. A migration tool
// refuses a folder where two files share a version, and Flyway by default (outOfOrder=false)
// refuses a migration older than the newest one; a run that wrote such a file would leave a
// history the tool rejects, so it is refused before anything is written.

import fs from 'node:fs';
import path from 'node:path';

/** The versioned files of each tool: their kind, version and description, parsed from the name. */
const PATTERNS = {
  // Flyway: V<version>__<description>.sql (U for undo; R repeatable files have no version).
  flyway: /^([VU])(\d+(?:[._]\d+)*)__(.+)\.sql$/,
  // Liquibase formatted SQL, as this generator names it: <version>__<description>.changelog.sql.
  liquibase: /^()(\d+(?:[._]\d+)*)__(.+)\.changelog\.sql$/,
  // Plain SQL: <version>_<description>.up.sql / .down.sql.
  'raw-sql': /^()(\d+(?:[._]\d+)*)_(.+)\.(?:up|down)\.sql$/,
  // golang-migrate: the same, with a version that is a whole number.
  'golang-migrate': /^()(\d+)_(.+)\.(?:up|down)\.sql$/,
  // dbmate: <version>_<description>.sql, the version the digits before the first _.
  dbmate: /^()(\d+)_(.+)\.sql$/,
  // goose: <version>_<description>.sql likewise.
  goose: /^()(\d+)_(.+)\.sql$/,
  // Atlas: <version>_<description>.sql likewise (this generator's versions are whole numbers).
  atlas: /^()(\d+)_(.+)\.sql$/,
};

/** The tool's name for messages. */
const TOOL = { flyway: 'Flyway', liquibase: 'Liquibase', 'raw-sql': 'a migration tool', 'golang-migrate': 'golang-migrate', dbmate: 'dbmate', goose: 'goose', atlas: 'Atlas' };

/** `{kind, version: bigint[], text, description}` of a file name, or null. */
export function parseName(tool, name) {
  const m = PATTERNS[tool]?.exec(name);
  if (!m) return null;
  const parts = m[2].split(/[._]/).map((x) => BigInt(x));
  // 1.0 and 1 are the same version (Flyway drops trailing zeros when it compares).
  while (parts.length > 1 && parts[parts.length - 1] === 0n) parts.pop();
  const kind = m[1] || (name.endsWith('.down.sql') ? 'down' : name.endsWith('.up.sql') ? 'up' : 'changelog');
  return { kind, version: parts, text: m[2].replace(/_/g, '.'), description: m[3] };
}

export function compareVersions(a, b) {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i] ?? 0n;
    const y = b[i] ?? 0n;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

/** The kinds that make up one migration's history (undo and down files share their version). */
const FORWARD = new Set(['V', 'changelog', 'up']);

/**
 * Checks the files a run would add to `dir` (and its subfolders, which Flyway reads too) against
 * what is there. `files`: [{name, content}] of
 * the run (in its tool's naming); `tool`: flyway, liquibase, raw-sql, golang-migrate, dbmate, goose or atlas. A file that is already
 * there with the same bytes is part of the history already and is not checked again. Returns
 * null, or the first problem: {kind: 'duplicate_version' | 'out_of_order', ours, theirs, message}
 * (`ours` and `theirs` are file names; the message names both, relative to `dirLabel`).
 */
export function checkHistory(dir, files, tool, { outOfOrder = false, dirLabel = dir } = {}) {
  if (!PATTERNS[tool]) return null;
  if (!fs.existsSync(dir)) return null; // no folder yet: no history
  // Flyway (and Liquibase's includeAll) read subfolders too: so does this check.
  const present = listFiles(dir);
  const ours = new Set(files.map((f) => f.name));
  const fresh = files.filter((f) => !sameBytes(path.join(dir, f.name), f.content));
  if (fresh.length === 0) return null;
  const theirs = present
    .filter((rel) => !ours.has(rel))
    .map((rel) => ({ name: rel, ...parseName(tool, path.posix.basename(rel)) }))
    .filter((x) => x.version);
  const at = (n) => `${dirLabel}/${n}`;
  const who = TOOL[tool];

  for (const f of fresh) {
    const mine = parseName(tool, f.name);
    if (!mine) continue;
    const same = theirs.find((t) => t.kind === mine.kind && compareVersions(t.version, mine.version) === 0);
    if (same) {
      return {
        kind: 'duplicate_version',
        ours: f.name,
        theirs: same.name,
        message: `${at(f.name)} would have version ${mine.text}, which ${at(same.name)} already has (${
          same.description === mine.description ? 'with other content' : `as ${JSON.stringify(same.description)}`
        }); ${
          tool === 'dbmate'
            ? 'dbmate would run both and then fail to record the second (its schema_migrations.version is unique)'
            : `${who} refuses two migrations of one version`
        }. Nothing was written. Give this migration another version with --migration-version.`,
      };
    }
  }
  if (outOfOrder) return null;
  const newest = theirs.filter((t) => FORWARD.has(t.kind)).sort((a, b) => compareVersions(b.version, a.version))[0];
  if (!newest) return null;
  for (const f of fresh) {
    const mine = parseName(tool, f.name);
    if (!mine || !FORWARD.has(mine.kind)) continue;
    if (compareVersions(mine.version, newest.version) < 0) {
      const how = tool === 'flyway'
        ? 'Flyway, with its default outOfOrder=false, refuses a migration older than one it has applied'
        : tool === 'golang-migrate'
          ? 'golang-migrate never applies a migration older than the version a database is at'
          : tool === 'goose'
            ? 'goose refuses a migration older than one it has applied unless run with --allow-missing'
          : tool === 'atlas'
            ? 'Atlas, with its default --exec-order linear, refuses a migration older than one it has applied'
          : tool === 'dbmate'
            ? `dbmate would apply it after ${newest.name}, out of the order of its version (and dbmate --strict refuses it)`
            : `${who} would run it after ${newest.name}, out of the order of its version`;
      return {
        kind: 'out_of_order',
        ours: f.name,
        theirs: newest.name,
        message: `${at(f.name)} (version ${mine.text}) is older than ${at(newest.name)} (version ${newest.text}), the newest migration there; ${how}. Nothing was written. Give a newer version with --migration-version, or pass --out-of-order if the migrations are meant to run out of order (Flyway's outOfOrder=true).`,
      };
    }
  }
  return null;
}

/** Every file under `dir`, as paths relative to it with `/`; hidden entries are left out. */
function listFiles(dir, rel = '', out = [], depth = 0) {
  let entries;
  try {
    entries = fs.readdirSync(path.join(dir, rel), { withFileTypes: true });
  } catch {
    return out;
  }
  for (const e of entries) {
    if (e.name.startsWith('.')) continue;
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory() && depth < 16) listFiles(dir, r, out, depth + 1);
    else if (e.isFile() || e.isSymbolicLink()) out.push(r);
  }
  return out;
}

function sameBytes(file, content) {
  try {
    const have = fs.readFileSync(file);
    return have.equals(Buffer.from(content, 'utf8'));
  } catch {
    return false;
  }
}
