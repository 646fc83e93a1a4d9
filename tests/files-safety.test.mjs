// Writes stay inside the project and never clobber: paths (`--out`, `--output-dir`), run ids and
// file names derived from the report cannot escape the project folder; concurrent and repeated
// `--apply` runs never overwrite or truncate a migration; a write interrupted by SIGKILL leaves
// no partial migration. Complements tests/cli.test.mjs (`--out ../x`, `--output-dir` absolute,
// symlinked folders, a symlink at the migration target, no temporary files after a run).
//   node --test tests/files-safety.test.mjs      (needs the wasm module: scripts/build.sh)

import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

import {
  CLI,
  EXAMPLES as EXAMPLES_DIR,
  PKG,
  REPORTS_ROOT,
  RUN123,
  RUN123_FILE,
  cleanup,
  makeProject,
  names,
  run,
  run123With,
  snapshot,
  tempDir,
} from './support/cli.mjs';

after(cleanup);

/** Every entry under `dir`, recursively, relative, skipping examples/ (links not followed). */
function tree(dir) {
  return names(snapshot(dir));
}

/** A project folder inside a parent folder of its own, so that writes next to it can be seen. */
function nestedProject() {
  const parent = tempDir('smartspec-parent-');
  const dir = path.join(parent, 'project');
  fs.mkdirSync(dir);
  fs.cpSync(path.join(PKG, '..', 'examples'), path.join(dir, 'examples'), { recursive: true });
  return { parent, dir };
}

/** Files named like something a migration tool would run. */
const MIGRATION_NAME = /^(?:[VU][0-9][^/]*\.sql(?:\.conf)?|[0-9][^/]*\.(?:changelog|up|down)\.sql)$/;

/** The files a clean `--apply` run of `args` writes into db/migrations: name -> bytes. */
function expectedMigrations(args) {
  const dir = makeProject();
  for (const [name, text] of Object.entries(args.files ?? {})) fs.writeFileSync(path.join(dir, name), text);
  const r = run(dir, [...args.cli, '--apply', '--quiet']);
  assert.equal(r.code, 0, r.stderr);
  const out = {};
  for (const f of fs.readdirSync(path.join(dir, 'db/migrations'))) {
    out[f] = fs.readFileSync(path.join(dir, 'db/migrations', f));
  }
  return out;
}

/** Spawns the CLI; a promise of {code, signal, stdout, stderr}, with the process as `.child`. */
function spawnCli(cwd, args, { nodeArgs = [], env = {} } = {}) {
  const child = spawn(process.execPath, [...nodeArgs, CLI, ...args], { cwd, env: { ...process.env, ...env } });
  const done = new Promise((resolve, reject) => {
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  done.child = child;
  return done;
}

describe('paths given on the command line stay inside the project', () => {
  const refusedWithNothingWritten = (args, message, setup) => {
    const { parent, dir } = nestedProject();
    const outside = tempDir('smartspec-outside-');
    setup?.(dir, outside);
    const before = fs.readdirSync(parent).sort();
    const r = run(dir, ['--validation-report', RUN123, ...args(dir, outside)]);
    assert.equal(r.code, 2, `${args(dir, outside).join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, message);
    assert.match(r.stderr, /Run with --help for usage\./);
    assert.equal(r.stdout, '');
    assert.deepEqual(fs.readdirSync(parent).sort(), before, 'something was written next to the project');
    assert.deepEqual(fs.readdirSync(outside).filter((n) => !n.startsWith('keep')), [], 'something was written outside');
    return { dir, outside };
  };

  test('--out with an absolute path outside the project is refused (exit 2)', () => {
    const { dir } = refusedWithNothingWritten((_d, o) => ['--out', path.join(o, 'reports')], /--out: .* is outside the project folder/);
    assert.deepEqual(tree(dir), []);
  });

  test('--output-dir .. and ../migrations are refused (exit 2)', () => {
    for (const p of ['..', '../migrations', 'db/../../migrations']) {
      const { dir } = refusedWithNothingWritten(() => ['--apply', '--output-dir', p], /--output-dir: .* is outside the project folder/);
      assert.deepEqual(tree(dir), []);
    }
  });

  test('--out that climbs out after a detour inside is refused (exit 2)', () => {
    for (const p of ['reports/../../x', './a/b/../../../x', `reports/${'../'.repeat(20)}tmp/x`]) {
      refusedWithNothingWritten(() => ['--out', p], /--out: .* is outside the project folder/);
    }
  });

  test('a chain of symbolic links that ends outside is refused (exit 2)', () => {
    refusedWithNothingWritten(
      () => ['--out', 'first/reports'],
      /--out: first\/reports leads outside the project folder through a symbolic link/,
      (dir, outside) => {
        fs.symlinkSync('second', path.join(dir, 'first'));
        fs.symlinkSync(outside, path.join(dir, 'second'));
      },
    );
  });

  test('a symbolic link on the default paths (.spec, db) that leads outside is refused (exit 2)', () => {
    const a = refusedWithNothingWritten(
      () => [],
      /report folder: .* leads outside the project folder through a symbolic link \(\.spec -> /,
      (dir, outside) => fs.symlinkSync(outside, path.join(dir, '.spec')),
    );
    assert.deepEqual(tree(a.dir), ['.spec']);
    const b = refusedWithNothingWritten(
      () => ['--apply'],
      /--output-dir: db\/migrations leads outside the project folder through a symbolic link \(db -> /,
      (dir, outside) => fs.symlinkSync(outside, path.join(dir, 'db')),
    );
    assert.deepEqual(tree(b.dir), ['db']);
  });

  test('a symbolic link loop, and a dangling link whose target is outside, are refused (exit 2)', () => {
    refusedWithNothingWritten(
      () => ['--out', 'loop/reports'],
      /^error: --out: loop\/reports.*(?:ELOOP|leads nowhere)/m,
      (dir) => fs.symlinkSync('loop', path.join(dir, 'loop')),
    );
    const { outside } = refusedWithNothingWritten(
      () => ['--apply', '--output-dir', 'dangling'],
      /--output-dir: dangling: dangling is a link that leads nowhere/,
      (dir, out) => fs.symlinkSync(path.join(out, 'not-yet'), path.join(dir, 'dangling')),
    );
    assert.ok(!fs.existsSync(path.join(outside, 'not-yet')), 'the link target was created');
  });

  test('a symbolic link planted at a review-folder file is never written through', () => {
    // Leading outside: exit 2, the outside file untouched, nothing written.
    const { outside, dir } = refusedWithNothingWritten(
      () => [],
      /report\.md leads outside the project folder through a symbolic link/,
      (d, out) => {
        fs.writeFileSync(path.join(out, 'keep.md'), 'keep\n');
        fs.mkdirSync(path.join(d, REPORTS_ROOT, 'run-123'), { recursive: true });
        fs.symlinkSync(path.join(out, 'keep.md'), path.join(d, REPORTS_ROOT, 'run-123', 'report.md'));
      },
    );
    assert.equal(fs.readFileSync(path.join(outside, 'keep.md'), 'utf8'), 'keep\n');
    assert.deepEqual(tree(dir), [`${REPORTS_ROOT}/run-123/report.md`]);

    // Leading to a file inside: a conflict (exit 1), the file untouched, nothing written.
    const dir2 = makeProject();
    fs.writeFileSync(path.join(dir2, 'notes.md'), 'notes\n');
    fs.mkdirSync(path.join(dir2, REPORTS_ROOT, 'run-123'), { recursive: true });
    fs.symlinkSync('../../../../notes.md', path.join(dir2, REPORTS_ROOT, 'run-123', 'report.md'));
    const r = run(dir2, ['--validation-report', RUN123, '--apply']);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /report\.md: a symbolic link is there/);
    assert.equal(fs.readFileSync(path.join(dir2, 'notes.md'), 'utf8'), 'notes\n');
    assert.deepEqual(tree(dir2), [`${REPORTS_ROOT}/run-123/report.md`, 'notes.md']);
  });

  test('the library refuses a NUL in --out and --output-dir (which argv cannot carry)', async () => {
    const node = await import(pathToFileURL(path.join(PKG, 'node.js')).href);
    const dir = makeProject();
    for (const opt of [{ out: 'rep\0orts' }, { outputDir: 'db\0/x' }, { out: '\0' }]) {
      assert.throws(
        () => node.migrate({ cwd: dir, validationReport: RUN123, apply: true, ...opt }),
        (e) => e.code === 'path_outside' && e.exitCode === 2 && /is not a usable path/.test(e.message),
        JSON.stringify(opt),
      );
    }
    assert.deepEqual(tree(dir), []);
  });
});

describe('names derived from the report stay plain file names', () => {
  test('a run_id holding /, .., NUL, a backslash or a leading dot is refused at $.run_id (exit 2), nothing written', () => {
    for (const runId of ['../x', '..', '.', 'a/b', '/etc', 'x/../../y', 'a\0b', 'a\\b', '..\\..\\x', '.hidden', 'r'.repeat(129), 'run 1', 'C:x', '']) {
      const { parent, dir } = nestedProject();
      fs.writeFileSync(path.join(dir, 'bad.json'), run123With((rep) => { rep.run_id = runId; }));
      const r = run(dir, ['--validation-report', 'bad.json', '--apply']);
      assert.equal(r.code, 2, `${JSON.stringify(runId)}: ${r.stderr}`);
      assert.match(r.stderr, /^error: bad\.json: \$\.run_id: run_id .* must be 1 to 128 letters, digits, '\.', '_' or '-'/m, JSON.stringify(runId));
      assert.deepEqual(tree(dir), ['bad.json'], JSON.stringify(runId));
      assert.deepEqual(fs.readdirSync(parent), ['project']);
    }
  });

  test('a spec_id with path characters, used with --name-from spec_id, only names a plain file', () => {
    for (const specId of ['../../../etc/passwd', '/abs/path', 'a\\..\\b', '..', 'x\0y', 'V1__x.sql/../../y']) {
      const { parent, dir } = nestedProject();
      fs.writeFileSync(path.join(dir, 'r.json'), run123With((rep) => { rep.scope.spec_id = specId; }));
      const r = run(dir, ['--validation-report', 'r.json', '--name-from', 'spec_id', '--apply', '--quiet']);
      if (r.code !== 0) {
        assert.equal(r.code, 2, r.stderr);
        assert.match(r.stderr, /\$\.scope\.spec_id/);
        continue;
      }
      const files = fs.readdirSync(path.join(dir, 'db/migrations'));
      assert.equal(files.length, 1);
      assert.match(files[0], /^V[0-9][0-9._]*__[a-z0-9_]+\.sql$/, JSON.stringify(specId));
      assert.deepEqual(fs.readdirSync(parent), ['project']);
      for (const f of tree(dir)) assert.ok(f === 'r.json' || f.startsWith('db/migrations/') || f.startsWith(`${REPORTS_ROOT}/run-123/`), f);
    }
  });

  test('--migration-version with path characters is refused (exit 2)', () => {
    for (const v of ['../1', '1/2', '1\\2', '..', '1..2/x']) {
      const dir = makeProject();
      const r = run(dir, ['--validation-report', RUN123, '--migration-version', v, '--apply']);
      assert.equal(r.code, 2, `${v}: ${r.stderr}`);
      assert.match(r.stderr, /--migration-version: /);
      assert.deepEqual(tree(dir), []);
    }
  });
});

describe('concurrent and repeated --apply never overwrite or truncate a migration', () => {
  const expected = () => expectedMigrations({ cli: ['--validation-report', RUN123] });

  test('runs started at the same moment on one project: one complete migration, every run succeeds, no temporary files', async () => {
    const want = expected();
    assert.deepEqual(Object.keys(want), [RUN123_FILE]);
    for (let round = 0; round < 4; round++) {
      const dir = makeProject();
      const runs = await Promise.all(
        Array.from({ length: round === 0 ? 2 : 3 }, () => spawnCli(dir, ['--validation-report', RUN123, '--apply'])),
      );
      for (const r of runs) assert.equal(r.code, 0, r.stderr);
      // Each run wrote the file or found it already there, identical.
      const wrote = runs.filter((r) => r.stdout.includes(`wrote db/migrations/${RUN123_FILE}`)).length;
      const found = runs.filter((r) => r.stdout.includes(`already present (identical) db/migrations/${RUN123_FILE}`)).length;
      assert.equal(wrote + found, runs.length, runs.map((r) => r.stdout).join('\n---\n'));
      assert.ok(wrote >= 1);
      assert.deepEqual(fs.readdirSync(path.join(dir, 'db/migrations')), [RUN123_FILE]);
      assert.ok(fs.readFileSync(path.join(dir, 'db/migrations', RUN123_FILE)).equals(want[RUN123_FILE]));
      const leftovers = tree(dir).filter((f) => path.basename(f).startsWith('.') || f.endsWith('.tmp'));
      assert.deepEqual(leftovers, []);
    }
  });

  test('two different reports racing for the same file name: exactly one wins, whole; the other exits 1 and writes nothing', async () => {
    const files = {
      'a.json': run123With((rep) => { rep.diffs[0].expected.type = 'timestamptz'; }),
      'b.json': run123With((rep) => { rep.diffs[0].expected.type = 'timestamp'; }),
    };
    const wantA = expectedMigrations({ files, cli: ['--validation-report', 'a.json'] });
    const wantB = expectedMigrations({ files, cli: ['--validation-report', 'b.json'] });
    assert.deepEqual(Object.keys(wantA), Object.keys(wantB), 'both reports name the same file');
    const name = Object.keys(wantA)[0];
    assert.ok(!wantA[name].equals(wantB[name]));
    for (let round = 0; round < 4; round++) {
      const dir = makeProject();
      for (const [n, t] of Object.entries(files)) fs.writeFileSync(path.join(dir, n), t);
      const [ra, rb] = await Promise.all([
        spawnCli(dir, ['--validation-report', 'a.json', '--apply']),
        spawnCli(dir, ['--validation-report', 'b.json', '--apply']),
      ]);
      assert.deepEqual([ra.code, rb.code].sort(), [0, 1], `${ra.stderr}\n---\n${rb.stderr}`);
      const [winner, loser] = ra.code === 0 ? [wantA, rb] : [wantB, ra];
      assert.match(loser.stderr, /will not overwrite|a different file is there/);
      const have = fs.readFileSync(path.join(dir, 'db/migrations', name));
      assert.ok(have.equals(winner[name]), 'the migration is the winner\'s, whole');
      // The review folder shows the same run: its preview is the applied file.
      const preview = fs.readFileSync(path.join(dir, REPORTS_ROOT, 'run-123', name));
      assert.ok(preview.equals(have), 'the preview is the losing run\'s');
      assert.deepEqual(fs.readdirSync(path.join(dir, 'db/migrations')), [name]);
      assert.deepEqual(tree(dir).filter((f) => path.basename(f).startsWith('.') || f.endsWith('.tmp')), []);
    }
  });

  test('a later run whose migration differs never replaces an applied one, even one the generator wrote', () => {
    const dir = makeProject();
    fs.writeFileSync(path.join(dir, 'b.json'), run123With((rep) => { rep.diffs[0].expected.type = 'timestamp'; }));
    assert.equal(run(dir, ['--validation-report', RUN123, '--apply']).code, 0);
    const file = path.join(dir, 'db/migrations', RUN123_FILE);
    const before = fs.statSync(file);
    const bytes = fs.readFileSync(file);
    for (const args of [['--validation-report', 'b.json', '--apply'], ['--validation-report', 'b.json', '--apply', '--allow-destructive']]) {
      const r = run(dir, args);
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stderr, new RegExp(`will not overwrite db/migrations/${RUN123_FILE.replace(/\./g, '\\.')}: a different file is there`));
      const now = fs.statSync(file);
      assert.ok(fs.readFileSync(file).equals(bytes));
      assert.equal(now.ino, before.ino);
      assert.equal(now.mtimeMs, before.mtimeMs);
      assert.equal(now.size, before.size);
    }
  });
});

describe('an interrupted write leaves no partial migration', () => {
  // A preload module (node --import) that SIGKILLs the CLI at a chosen point of its writes into
  // the migrations folder: in the middle of writing the temporary file, after writing it but before
  // linking it to its name, or right after linking the Nth file (before the temporary name is
  // removed). Deterministic, unlike a timer.
  const preloadDir = () => {
    const dir = tempDir('smartspec-preload-');
    const file = path.join(dir, 'kill.mjs');
    fs.writeFileSync(
      file,
      `import fs from 'node:fs';
const where = process.env.SMARTSPEC_KILL_AT;
const dirPart = process.env.SMARTSPEC_KILL_IN ?? '/db/migrations/';
let nth = Number(process.env.SMARTSPEC_KILL_NTH ?? '1');
const paths = new Map();
const die = () => process.kill(process.pid, 'SIGKILL');
const { openSync, writeSync, linkSync } = fs;
fs.openSync = function (p, ...rest) {
  const fd = openSync.call(this, p, ...rest);
  paths.set(fd, String(p));
  return fd;
};
fs.writeSync = function (fd, buf, off = 0, len, ...rest) {
  if (where === 'write' && (paths.get(fd) ?? '').includes(dirPart) && Buffer.isBuffer(buf)) {
    const n = len ?? buf.length - off;
    writeSync.call(this, fd, buf, off, Math.max(1, Math.floor(n / 2)));
    fs.fsyncSync(fd);
    die();
  }
  return writeSync.call(this, fd, buf, off, len, ...rest);
};
fs.linkSync = function (from, to) {
  if (String(to).includes(dirPart)) {
    if (where === 'link') die();
    if (where === 'linked') {
      linkSync.call(this, from, to);
      if (--nth === 0) die();
      return;
    }
  }
  return linkSync.call(this, from, to);
};
`,
    );
    return file;
  };

  /** Everything in db/migrations that a migration tool would pick up is whole and expected. */
  function assertNoPartialMigration(dir, want) {
    const migrations = path.join(dir, 'db/migrations');
    if (!fs.existsSync(migrations)) return [];
    const present = fs.readdirSync(migrations);
    for (const f of present) {
      if (MIGRATION_NAME.test(f)) {
        assert.ok(want[f], `unexpected ${f}`);
        assert.ok(fs.readFileSync(path.join(migrations, f)).equals(want[f]), `${f} is partial or different`);
      } else {
        // A temporary file: hidden, ending in .tmp, never named like a migration.
        assert.match(f, /^\.[^/]*\.tmp$/, `${f} is neither a migration nor a temporary file`);
      }
    }
    return present;
  }

  for (const where of ['write', 'link', 'linked']) {
    test(`SIGKILL ${{ write: 'in the middle of writing', link: 'before linking', linked: 'right after linking' }[where]} the migration: nothing partial; the next run completes it`, async () => {
      const want = expected();
      const dir = makeProject();
      const r = await spawnCli(dir, ['--validation-report', RUN123, '--apply'], {
        nodeArgs: ['--import', pathToFileURL(preloadDir()).href],
        env: { SMARTSPEC_KILL_AT: where },
      });
      assert.equal(r.signal, 'SIGKILL', `the run was not interrupted: ${r.code} ${r.stderr}`);
      const present = assertNoPartialMigration(dir, want);
      assert.equal(present.some((f) => f === RUN123_FILE), where === 'linked');
      // summary.json is written last: an interrupted run leaves none.
      assert.ok(!fs.existsSync(path.join(dir, REPORTS_ROOT, 'run-123', 'summary.json')));
      const again = run(dir, ['--validation-report', RUN123, '--apply']);
      assert.equal(again.code, 0, again.stderr);
      assertNoPartialMigration(dir, want);
      assert.ok(fs.readFileSync(path.join(dir, 'db/migrations', RUN123_FILE)).equals(want[RUN123_FILE]));
    });
  }

  function expected() {
    return expectedMigrations({ cli: ['--validation-report', RUN123] });
  }

  test('a migration that must run outside a transaction is never in the migrations folder without its .conf', async () => {
    const files = {
      'idx.json': run123With((rep) => {
        rep.diffs.push({
          id: 'D002',
          kind: 'missing_index',
          object: { schema: 'public', table: 'users', index: 'users_email_idx' },
          expected: { name: 'users_email_idx', columns: ['email'], unique: false },
          actual: null,
        });
      }),
    };
    const cli = ['--validation-report', 'idx.json', '--concurrently'];
    const want = expectedMigrations({ files, cli });
    const confs = Object.keys(want).filter((f) => f.endsWith('.conf'));
    assert.ok(confs.length >= 1, Object.keys(want).join(', '));
    // Interrupt after each file in turn.
    const count = Object.keys(want).length;
    for (let nth = 1; nth <= count; nth++) {
      const dir = makeProject();
      for (const [n, t] of Object.entries(files)) fs.writeFileSync(path.join(dir, n), t);
      const r = await spawnCli(dir, [...cli, '--apply'], {
        nodeArgs: ['--import', pathToFileURL(preloadDir()).href],
        env: { SMARTSPEC_KILL_AT: 'linked', SMARTSPEC_KILL_NTH: String(nth) },
      });
      assert.equal(r.signal, 'SIGKILL', `${nth}: ${r.code} ${r.stderr}`);
      const present = assertNoPartialMigration(dir, want);
      for (const conf of confs) {
        const migration = conf.slice(0, -'.conf'.length);
        if (present.includes(migration)) {
          assert.ok(present.includes(conf), `after ${nth} file(s): ${migration} is there without ${conf}, so it would run inside a transaction`);
        }
      }
    }
  });

  test('SIGKILL at random moments of a large --apply: whatever is there is whole', async () => {
    // A report whose migration is several megabytes, so that writing takes a while.
    const report = JSON.parse(run123With(() => {}));
    report.diffs = [];
    for (let t = 0; t < 600; t++) {
      report.diffs.push({
        id: `D${t}`,
        kind: 'missing_table',
        object: { schema: 'public', table: `t${t}` },
        expected: {
          name: `t${t}`,
          columns: Array.from({ length: 20 }, (_, c) => ({ name: `c${c}`, type: 'text', nullable: true, comment: 'x'.repeat(200) })),
        },
        actual: null,
      });
    }
    const files = { 'large.json': JSON.stringify(report) };
    const cli = ['--validation-report', 'large.json'];
    const want = expectedMigrations({ files, cli });
    // How long a whole run takes here, to spread the kills over it.
    const probe = makeProject();
    fs.writeFileSync(path.join(probe, 'large.json'), files['large.json']);
    const started = Date.now();
    assert.equal(run(probe, [...cli, '--apply', '--quiet']).code, 0);
    const full = Date.now() - started;
    for (const fraction of [0.6, 0.75, 0.85, 0.9, 0.95, 1.0]) {
      const dir = makeProject();
      fs.writeFileSync(path.join(dir, 'large.json'), files['large.json']);
      const pending = spawnCli(dir, [...cli, '--apply', '--quiet']);
      const timer = setTimeout(() => pending.child.kill('SIGKILL'), Math.round(full * fraction));
      const r = await pending;
      clearTimeout(timer);
      assert.ok(r.code === 0 || r.signal === 'SIGKILL', `${r.code} ${r.signal} ${r.stderr}`);
      assertNoPartialMigration(dir, want);
    }
  });
});

/** A report whose migration is several megabytes, so that writing it takes a while. */
function largeReport(tables = 600) {
  const report = JSON.parse(run123With(() => {}));
  report.diffs = [];
  for (let t = 0; t < tables; t++) {
    report.diffs.push({
      id: `D${t}`,
      kind: 'missing_table',
      object: { schema: 'public', table: `t${t}` },
      expected: {
        name: `t${t}`,
        columns: Array.from({ length: 20 }, (_, c) => ({ name: `c${c}`, type: 'text', nullable: true, comment: 'x'.repeat(200) })),
      },
      actual: null,
    });
  }
  return JSON.stringify(report);
}

/** Every file left under `dir`, temporary files included (examples/ and the report skipped). */
function leftovers(dir, skip = ['examples']) {
  return names(snapshot(dir, { skip }));
}

describe('SIGINT and SIGTERM take back what the run had begun', () => {
  // A preload that sends the run a signal at its first write into the migrations folder's
  // temporary file: the signal arrives while the migration is half written.
  const preload = () => {
    const file = path.join(tempDir('smartspec-signal-'), 'signal.mjs');
    fs.writeFileSync(
      file,
      `import fs from 'node:fs';
const paths = new Map();
let sent = false;
const { openSync, writeSync } = fs;
fs.openSync = function (p, ...rest) {
  const fd = openSync.call(this, p, ...rest);
  paths.set(fd, String(p));
  return fd;
};
fs.writeSync = function (fd, ...rest) {
  const n = writeSync.call(this, fd, ...rest);
  if (!sent && (paths.get(fd) ?? '').includes('/db/migrations/.')) {
    sent = true;
    process.kill(process.pid, process.env.SMARTSPEC_SIGNAL);
  }
  return n;
};
`,
    );
    return file;
  };

  for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]]) {
    test(`${signal} while the migration is half written: exit ${code}, nothing left, not even a temporary file`, async () => {
      const dir = makeProject();
      const report = path.join(tempDir('smartspec-large-'), 'large.json');
      fs.writeFileSync(report, largeReport());
      const r = await spawnCli(dir, ['--validation-report', report, '--apply'], {
        nodeArgs: ['--import', pathToFileURL(preload()).href],
        env: { SMARTSPEC_SIGNAL: signal },
      });
      assert.equal(r.code, code, `${r.signal} ${r.stderr}`);
      assert.match(r.stderr, new RegExp(`^error: interrupted \\(${signal}\\): the files this run had begun were removed; nothing was written`, 'm'));
      assert.deepEqual(leftovers(dir), [], 'the review folder, the migrations folder and their folders are gone again');
    });
  }

  test('SIGINT at random moments of a large --apply: the run is either whole or absent', async () => {
    const report = path.join(tempDir('smartspec-large-'), 'large.json');
    fs.writeFileSync(report, largeReport());
    const probe = makeProject();
    const started = Date.now();
    assert.equal(run(probe, ['--validation-report', report, '--apply', '--quiet']).code, 0);
    const full = Date.now() - started;
    const whole = leftovers(probe);
    for (const fraction of [0.3, 0.6, 0.8, 0.9, 1.0]) {
      const dir = makeProject();
      const pending = spawnCli(dir, ['--validation-report', report, '--apply', '--quiet']);
      const timer = setTimeout(() => pending.child.kill('SIGINT'), Math.round(full * fraction));
      const r = await pending;
      clearTimeout(timer);
      const left = leftovers(dir);
      if (r.code === 0) {
        assert.deepEqual(left, whole, `at ${fraction}: a complete run leaves every file`);
      } else if (r.code === 130) {
        // Interrupted while writing: the run said so and took everything back.
        assert.match(r.stderr, /interrupted \(SIGINT\)/);
        assert.deepEqual(left, [], `at ${fraction}: an interrupted run leaves nothing`);
      } else {
        // Ended by the signal itself, before the run began to write or after it had finished
        // (Node's default action outside the writes): nothing, or everything.
        assert.equal(r.signal, 'SIGINT', `at ${fraction}: ${r.code} ${r.signal} ${r.stderr}`);
        assert.ok(left.length === 0 || JSON.stringify(left) === JSON.stringify(whole), `at ${fraction}: ${left.join(', ')}`);
      }
    }
  });

  test('SIGINT while waiting for the report on standard input: exit 130 at once, nothing written', async () => {
    const dir = makeProject();
    const pending = spawnCli(dir, ['--validation-report', '-']);
    // Standard input stays open: the run waits for the report until it is interrupted.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    pending.child.kill('SIGINT');
    const r = await pending;
    assert.equal(r.code, 130, `${r.signal} ${r.stderr}`);
    assert.match(r.stderr, /interrupted \(SIGINT\) while reading standard input; nothing was written/);
    assert.deepEqual(leftovers(dir), []);
  });

  test("a later run removes the temporary files a killed run left, and leaves a live writer's alone", () => {
    const dir = makeProject();
    const migrations = path.join(dir, 'db/migrations');
    fs.mkdirSync(migrations, { recursive: true });
    // Process id 2^22 + 1 is above Linux's largest (pid_max), so no such process runs.
    const stale = `.${RUN123_FILE}.4194305.0123456789ab.tmp`;
    const live = `.${RUN123_FILE}.${process.pid}.0123456789ab.tmp`;
    fs.writeFileSync(path.join(migrations, stale), 'half a migr');
    fs.writeFileSync(path.join(migrations, live), 'being written');
    const r = run(dir, ['--validation-report', RUN123, '--apply']);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(fs.readdirSync(migrations).sort(), [live, RUN123_FILE].sort());
  });
});

describe('I/O failures name the file and say what was written', () => {
  const mounted = [];
  after(() => {
    for (const m of mounted.splice(0).reverse()) spawnSync('umount', ['-l', m]);
  });

  /** Mounts a tmpfs of `size` at `dir` (root only); whether it worked. */
  function tmpfs(dir, options) {
    const r = spawnSync('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', dir], { encoding: 'utf8' });
    if (r.status !== 0) return false;
    mounted.push(dir);
    return true;
  }

  /** A preload that fails every write below `dirPart` with `code`: the same error the kernel gives. */
  const injected = (code, dirPart) => {
    const file = path.join(tempDir('smartspec-fail-'), 'fail.mjs');
    fs.writeFileSync(
      file,
      `import fs from 'node:fs';
const fail = (p) => { const e = new Error(\`${code}: injected, \${p}\`); e.code = '${code}'; throw e; };
const { openSync, mkdirSync } = fs;
fs.openSync = function (p, flags, ...rest) {
  if (String(p).includes('${dirPart}') && flags !== 'r') fail(p);
  return openSync.call(this, p, flags, ...rest);
};
fs.mkdirSync = function (p, ...rest) {
  if (String(p).includes('${dirPart}')) fail(p);
  return mkdirSync.call(this, p, ...rest);
};
`,
    );
    return ['--import', pathToFileURL(file).href];
  };

  test('a full disk: exit 1, the file and "the disk is full" named, nothing written; with room the run completes', async (t) => {
    const report = path.join(tempDir('smartspec-large-'), 'large.json');
    fs.writeFileSync(report, largeReport());
    const want = expectedMigrations({ cli: ['--validation-report', report] });
    const size = Object.values(want).reduce((n, b) => n + b.length, 0);
    const dir = tempDir('smartspec-full-');
    // Room for the preview but not for the migration as well: the review folder fits, the whole
    // run does not.
    const real = tmpfs(dir, `size=${Math.ceil((size * 1.5) / 4096) * 4096}`);
    t.diagnostic(real ? 'a real tmpfs of 1.5x the migration' : 'mount is not allowed here: ENOSPC injected through a --import preload');
    const r = await spawnCli(dir, ['--validation-report', report, '--apply'], { nodeArgs: real ? [] : injected('ENOSPC', '/db/') });
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /^error: could not write (\.spec\/\S+|db\/migrations\/\S+): the disk is full \(ENOSPC\)\. Nothing was written: the review folder and the migrations folder are as they were\.$/m);
    assert.deepEqual(leftovers(dir, []), [], 'no file, no temporary file, no folder');
    if (real) {
      assert.equal(spawnSync('mount', ['-o', `remount,size=${Math.ceil((size * 4) / 4096) * 4096}`, dir]).status, 0);
      const again = await spawnCli(dir, ['--validation-report', report, '--apply', '--quiet']);
      assert.equal(again.code, 0, again.stderr);
      for (const [name, bytes] of Object.entries(want)) assert.ok(fs.readFileSync(path.join(dir, 'db/migrations', name)).equals(bytes));
    }
  });

  test('a read-only migrations folder: exit 1, "read-only" (not ENOENT), and the review folder is not written either', async (t) => {
    const dir = makeProject();
    const migrations = path.join(dir, 'db/migrations');
    fs.mkdirSync(migrations, { recursive: true });
    const real = tmpfs(migrations, 'size=1m') && spawnSync('mount', ['-o', 'remount,ro', migrations]).status === 0;
    t.diagnostic(real ? 'a read-only tmpfs' : 'mount is not allowed here: EROFS injected through a --import preload');
    const r = await spawnCli(dir, ['--validation-report', RUN123, '--apply'], { nodeArgs: real ? [] : injected('EROFS', '/db/migrations/') });
    assert.equal(r.code, 1, r.stderr);
    assert.ok(r.stderr.includes(`error: could not write db/migrations/${RUN123_FILE}: the file system is read-only (EROFS). Nothing was written`), r.stderr);
    assert.ok(!r.stderr.includes('ENOENT'), r.stderr);
    assert.deepEqual(leftovers(dir), [], 'the review folder was taken back');
  });

  test('a read-only project: the folder that cannot be created is named', async (t) => {
    const dir = tempDir('smartspec-ro-');
    const real = tmpfs(dir, 'size=1m,ro');
    t.diagnostic(real ? 'a read-only tmpfs' : 'mount is not allowed here: EROFS injected through a --import preload');
    const report = path.join(EXAMPLES_DIR, 'run-123', 'summary.json');
    const r = await spawnCli(dir, ['--validation-report', report], { nodeArgs: real ? [] : injected('EROFS', '/.spec') });
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /^error: could not create the folder \.spec: the file system is read-only \(EROFS\)\. Nothing was written/m);
  });

  test('permission denied: the file and "permission denied" named (injected EACCES: root ignores folder modes)', async () => {
    const dir = makeProject();
    const r = await spawnCli(dir, ['--validation-report', RUN123, '--apply'], { nodeArgs: injected('EACCES', '/db/migrations/') });
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /^error: could not (write db\/migrations\/\S+|create the folder db(\/migrations)?): permission denied \(EACCES\)\. Nothing was written/m);
    assert.deepEqual(leftovers(dir), []);
  });
});
