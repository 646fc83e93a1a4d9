// Helpers for the CLI tests: fresh project folders holding the examples, running the CLI in them,
// and listing what a run left behind.

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const PKG = path.join(ROOT, 'pkg');
export const CLI = path.join(PKG, 'bin', 'cli.js');
export const EXAMPLES = path.join(ROOT, 'examples');
export const REPORTS_ROOT = '.spec/reports/data-migration-generator';

export const RUN123 = 'examples/run-123/summary.json';
export const SHOP = 'examples/shop-mixed/summary.json';
export const RESULTS_ONLY = 'examples/results-only/summary.json';
export const RUN123_FILE = 'V202401011200__add_last_login_at_to_users.sql';
export const RUN123_SQL =
  'ALTER TABLE "public"."users" ADD COLUMN IF NOT EXISTS "last_login_at" TIMESTAMP WITH TIME ZONE';

const made = [];

/** A temporary folder (removed by cleanup()). */
export function tempDir(prefix = 'smartspec-cli-') {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), prefix)));
  made.push(dir);
  return dir;
}

/** A fresh project folder with a copy of examples/ in it. */
export function makeProject() {
  const dir = tempDir();
  fs.cpSync(EXAMPLES, path.join(dir, 'examples'), { recursive: true });
  return dir;
}

export function cleanup() {
  for (const dir of made.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
}

/** Runs the CLI in `cwd`; returns {code, stdout, stderr}. */
export function run(cwd, args, { cli = CLI } = {}) {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd, encoding: 'utf8', timeout: 60_000 });
  if (r.error) throw r.error;
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/**
 * Every file under `dir` (relative paths with `/`), with bytes and mtime, skipping `examples/`.
 * Symbolic links are listed as such and not followed.
 */
export function snapshot(dir, { skip = ['examples'] } = {}) {
  const out = {};
  const walk = (rel) => {
    for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (!rel && skip.includes(e.name)) continue;
      const abs = path.join(dir, r);
      if (e.isSymbolicLink()) out[r] = { link: fs.readlinkSync(abs) };
      else if (e.isDirectory()) walk(r);
      else {
        const st = fs.statSync(abs);
        out[r] = { bytes: fs.readFileSync(abs), mtimeMs: st.mtimeMs, ino: st.ino };
      }
    }
  };
  walk('');
  return out;
}

/** The file names of a snapshot, sorted. */
export function names(snap) {
  return Object.keys(snap).sort();
}

/** The one report folder of a project (asserting there is exactly one). */
export function reportDirs(dir) {
  const root = path.join(dir, REPORTS_ROOT);
  if (!fs.existsSync(root)) return [];
  return fs.readdirSync(root).sort().map((d) => `${REPORTS_ROOT}/${d}`);
}

export function readJson(file) {
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

/** A report derived from run-123 with `edit` applied to a deep copy. */
export function run123With(edit) {
  const report = readJson(path.join(EXAMPLES, 'run-123', 'summary.json'));
  edit(report);
  return `${JSON.stringify(report, null, 2)}\n`;
}
