// `make demo` on a fresh clone of the committed tree: it sets itself up, builds, and ends by
// printing the SQL, leaving the run-123 migration in the review folder.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { root } from './support/wasm.mjs';

test('make demo on a fresh clone prints the SQL and leaves the run-123 migration', { timeout: 600_000 }, () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'smartspec-demo-'));
  try {
    execFileSync('git', ['clone', '--quiet', root, dir]);
    // Reuse compiled dependencies; everything else comes from the clone.
    const env = { ...process.env, CARGO_TARGET_DIR: path.join(root, 'target', 'demo-clone') };
    // As a user at a shell would run it, not as a sub-make of `make test`.
    for (const k of ['MAKEFLAGS', 'MAKELEVEL', 'MFLAGS', 'MAKEOVERRIDES']) delete env[k];
    const r = spawnSync('make', ['demo'], { cwd: dir, env, encoding: 'utf8', maxBuffer: 64 << 20 });
    assert.equal(r.status, 0, `make demo failed:\n${r.stdout}\n${r.stderr}`);
    const file = path.join(dir, '.spec/reports/data-migration-generator/run-123/V202401011200__add_last_login_at_to_users.sql');
    const sql = fs.readFileSync(file, 'utf8');
    assert.match(sql, /^ALTER TABLE "public"\."users" ADD COLUMN IF NOT EXISTS "last_login_at" TIMESTAMP WITH TIME ZONE;$/m);
    // It ends by printing the SQL: the last lines of stdout are the migration's last lines.
    const tail = sql.trimEnd().split('\n').slice(-3).join('\n');
    assert.ok(r.stdout.trimEnd().endsWith(tail), `stdout does not end with the SQL:\n${r.stdout.slice(-400)}`);
    assert.match(r.stdout, /run-123\/V202401011200__add_last_login_at_to_users\.sql/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
