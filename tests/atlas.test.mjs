// Atlas (`--migration-tool atlas`): no Atlas binary can be had here (a Go program, not on npm,
// PyPI or Debian's archive), so this test reads the files by Atlas's rules, written here from its
// documentation and its source (sql/migrate: dir.go, lex.go; cmd/atlas: the txmode directive):
//
// - a migration directory is the folder's `*.sql` files (not its subfolders), in the order of
//   their names; a file's version is the part of its name before the first `_`;
// - a file's directives are its leading comment lines (`--` or `#`) when a blank line follows
//   them; a line holding `atlas:<name> <args>` is a directive (`txmode none`: the file's
//   statements run outside a transaction, each on its own; otherwise one transaction per file);
// - statements end at `;` outside quotes ('…', "…", `…`, with backslash escapes), PostgreSQL
//   dollar quotes, comments and parentheses; comments before a statement are not sent;
// - atlas.sum: `h1:<sum>` then `<file> h1:<hash>` per file, where <hash> is the base64 SHA-256
//   digest, after that file, of one hash running over each file's name and then its bytes, and
//   <sum> the base64 SHA-256 of every file name and hash in turn.
//
// Then each file's statements run on PostgreSQL 15 and MariaDB 10.11 as Atlas sends them: the
// schema must converge to `desired`. (Atlas keeps no down files in the directory: `atlas migrate
// down` plans the undo from the database itself.)

import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it, test } from 'node:test';

import { diffCatalogs } from './db/compare.mjs';
import { isEmptySql, listCases } from './db/corpus.mjs';
import { introspect } from './db/introspect.mjs';
import { suiteServers } from './db/suite.mjs';
import { enumUsedCase, listFixtures } from './fixtures/fixtures.mjs';
import { generate, readExample, root } from './support/wasm.mjs';

const CLI = path.join(root, 'pkg', 'bin', 'cli.js');
const CORPUS_PER_DIALECT = 12;
const FIXTURES = listFixtures();
const CORPUS = listCases();
const dialectName = (d) => (d === 'postgres' ? 'PostgreSQL' : 'MySQL');

const ENUM_USED = enumUsedCase('atlas-enum-used');

/** The file's directives, as Atlas reads them: [[name, args]]. */
function directives(text) {
  const comments = [];
  let rest = text;
  while (rest.startsWith('#') || rest.startsWith('--')) {
    const nl = rest.indexOf('\n');
    if (nl === -1) {
      comments.push(rest);
      rest = '';
      break;
    }
    comments.push(rest.slice(0, nl).trim());
    rest = rest.slice(nl + 1);
  }
  if (rest !== '' && !rest.replace(/^[ \t]*/, '').startsWith('\n')) return [];
  return comments
    .map((c) => /^([ -~]*)atlas:(\w+)(?: +(.+))*/.exec(c))
    .filter(Boolean)
    .map((m) => [m[2], m[3] ?? '']);
}

/** The statements Atlas sends, each with its `;`, trimmed, comments before it left out. */
function atlasStatements(text, dialect) {
  const out = [];
  let i = 0;
  let start = -1; // where the statement being read began
  let depth = 0;
  const at = (s) => text.startsWith(s, i);
  while (i < text.length) {
    const c = text[i];
    if (start === -1) {
      if (/\s/.test(c)) { i++; continue; }
      if (at('--') || (dialect === 'MySQL' && c === '#')) { i = text.indexOf('\n', i) === -1 ? text.length : text.indexOf('\n', i) + 1; continue; }
      if (at('/*')) { i = text.indexOf('*/', i + 2) + 2; continue; }
      start = i;
    }
    if (c === "'" || c === '"' || c === '`') {
      i++;
      while (i < text.length && text[i] !== c) i += text[i] === '\\' && dialect === 'MySQL' ? 2 : 1;
      assert.ok(i < text.length, `an unterminated ${c} quote`);
      i++;
      continue;
    }
    if (c === '$' && dialect === 'PostgreSQL') {
      const m = /^\$([A-Za-z_][\w]*)?\$/.exec(text.slice(i));
      if (m) {
        const end = text.indexOf(m[0], i + m[0].length);
        assert.ok(end !== -1, `an unterminated ${m[0]} quote`);
        i = end + m[0].length;
        continue;
      }
    }
    if (at('--') || (dialect === 'MySQL' && c === '#')) { const nl = text.indexOf('\n', i); i = nl === -1 ? text.length : nl; continue; }
    if (at('/*')) { i = text.indexOf('*/', i + 2) + 2; continue; }
    if (c === '(') depth++;
    if (c === ')') depth--;
    if (c === ';' && depth === 0) {
      out.push(text.slice(start, i + 1).trim());
      start = -1;
    }
    i++;
  }
  assert.equal(start, -1, `a statement without its ; at the end: ${start === -1 ? '' : text.slice(start, start + 200)}`);
  return out;
}

/** The file's precondition block as written, in a list; an empty list when it has none. */
function preconditionBlock(content) {
  const m = /\n-- Preconditions: [^\n]*\n([\s\S]*?)\n\n/.exec(content);
  return m ? [m[1]] : [];
}

/** Each step's statements, in order, make up exactly what Atlas sends. */
function matchesSteps(sent, steps, what) {
  let i = 0;
  for (const sql of steps) {
    let joined = '';
    while (i < sent.length && joined.length < sql.length) {
      joined += (joined ? '\n' : '') + sent[i];
      i++;
    }
    assert.equal(joined, sql, what);
  }
  assert.equal(i, sent.length, `${what}: nothing else is sent`);
}

/** atlas.sum for `files` ([{name, bytes}]), computed without a running hash: each file's hash is
 * the digest of every name and content up to it, hashed afresh. */
function independentSum(files) {
  const sorted = [...files].sort((a, b) => Buffer.compare(Buffer.from(a.name), Buffer.from(b.name)));
  const lines = sorted.map((f, k) => {
    const prefix = Buffer.concat(sorted.slice(0, k + 1).flatMap((g) => [Buffer.from(g.name), Buffer.from(g.bytes)]));
    return [f.name, createHash('sha256').update(prefix).digest('base64')];
  });
  const total = createHash('sha256').update(lines.map(([n, h]) => n + h).join('')).digest('base64');
  return `h1:${total}\n${lines.map(([n, h]) => `${n} h1:${h}\n`).join('')}`;
}

const readDir = (dir) => fs.readdirSync(dir).filter((n) => n.endsWith('.sql')).map((name) => ({ name, bytes: fs.readFileSync(path.join(dir, name)) }));

describe('Atlas files follow its rules', () => {
  test('every example, fixture and corpus report: Atlas sends exactly the steps, in a transaction unless txmode none', () => {
    let checked = 0;
    const reports = [
      ...['run-123', 'shop-mixed'].map((e) => ({ id: e, text: readExample(e), dialect: null })),
      ...[...FIXTURES, ...CORPUS].map((c) => ({ id: c.id, text: JSON.stringify(c.summary), dialect: dialectName(c.dialect) })),
    ];
    for (const r of reports) {
      for (const allowDestructive of [false, true]) {
        const out = generate(r.text, r.dialect, { migrationTool: 'atlas', allowDestructive });
        if (out.nothing_to_do) continue;
        // Named and split as dbmate's (the same parts, the same versions).
        assert.deepEqual(out.files.map((f) => f.name), generate(r.text, r.dialect, { migrationTool: 'dbmate', allowDestructive }).files.map((f) => f.name), r.id);
        const sent = [];
        // Each file: its precondition block (sent as the statements it holds), then its steps.
        const parts = ['enum_values', 'main', 'concurrent_indexes'].filter((p) => out.statements.some((s) => s.part === p));
        assert.equal(parts.length, out.files.length, r.id);
        const expected = out.files.flatMap((f, k) => [
          ...preconditionBlock(f.content),
          ...out.statements.filter((s) => s.part === parts[k]).map((s) => s.sql),
        ]);
        for (const f of out.files) {
          assert.match(f.name, /^\d+_[^_].*\.sql$/);
          assert.equal(f.role, 'migration');
          assert.deepEqual(directives(f.content), [], `${r.id}: no directive in a transactional file`);
          sent.push(...atlasStatements(f.content, out.dialect));
        }
        matchesSteps(sent, expected, r.id);
        checked++;
      }
    }
    assert.ok(checked > 300, `${checked} runs`);
  });

  test('a new enum value used later, and concurrent index builds: files of their own with -- atlas:txmode none', () => {
    const out = generate(ENUM_USED.summary, 'PostgreSQL', { migrationTool: 'atlas' });
    assert.deepEqual(out.files.map((f) => f.name), [
      '202501010000_alter_type_status_alter_tasks_enum_values.sql',
      '202501010001_alter_type_status_alter_tasks.sql',
    ]);
    assert.ok(out.files[0].content.startsWith('-- atlas:txmode none\n-- Generated by SmartSpec Data Migration Generator\n'));
    assert.deepEqual(directives(out.files[0].content), [['txmode', 'none']]);
    assert.deepEqual(directives(out.files[1].content), []);
    assert.ok(atlasStatements(out.files[0].content, 'PostgreSQL').every((s) => /ADD VALUE/.test(s)));

    const index = FIXTURES.find((f) => f.dialect === 'postgres' && generate(JSON.stringify(f.summary), 'PostgreSQL', { concurrently: true }).files.some((x) => /concurrent_indexes/.test(x.name)));
    assert.ok(index, 'a fixture with an index on an existing table');
    const conc = generate(JSON.stringify(index.summary), 'PostgreSQL', { migrationTool: 'atlas', concurrently: true });
    const last = conc.files[conc.files.length - 1];
    assert.match(last.name, /_concurrent_indexes\.sql$/);
    assert.deepEqual(directives(last.content), [['txmode', 'none']]);
    // The build is a statement of its own (not inside a DO block), which Atlas sends alone.
    assert.ok(atlasStatements(last.content, 'PostgreSQL').some((s) => /^CREATE (UNIQUE )?INDEX CONCURRENTLY /.test(s)));
  });

  test('report text in the header never becomes a directive', () => {
    const summary = JSON.parse(readExample('run-123'));
    summary.scope.spec_path = 'specs/x atlas:txmode none';
    const [f] = generate(summary, null, { migrationTool: 'atlas' }).files;
    assert.deepEqual(directives(f.content), []);
    assert.match(f.content, /^-- Spec: specs\/x atlas :txmode none/m);
  });

  test('versions: whole numbers, whose next ones keep their width (Atlas orders by file name)', () => {
    for (const version of ['1.2', '18446744073709551615']) {
      assert.throws(() => generate(ENUM_USED.summary, 'PostgreSQL', { migrationTool: 'atlas', version }),
        (e) => e.code === 'invalid_option' && /atlas versions are whole numbers/.test(e.message), version);
    }
    for (const version of ['8', '99', '998']) {
      assert.throws(() => generate(ENUM_USED.summary, 'PostgreSQL', { migrationTool: 'atlas', version }),
        (e) => e.code === 'invalid_option' && /Atlas orders migrations by file name.*give it a leading zero/.test(e.message), version);
    }
    const names = generate(ENUM_USED.summary, 'PostgreSQL', { migrationTool: 'atlas', version: '098' }).files.map((f) => f.name);
    assert.deepEqual(names.map((n) => n.split('_')[0]), ['098', '099']);
    assert.deepEqual([...names].sort(), names);
  });

  test('atlas.sum as Atlas writes it: Atlas\'s own directory and sum', () => {
    const dir = path.join(root, 'tests', 'atlas-sum');
    const files = readDir(dir);
    assert.equal(files.length, 3);
    assert.equal(independentSum(files), fs.readFileSync(path.join(dir, 'atlas.sum'), 'utf8'));
  });

  test('the CLI: --apply writes the migrations and rewrites atlas.sum over the whole folder; --check; the history', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'smartspec-atlas-cli-'));
    try {
      fs.writeFileSync(path.join(dir, 'enum.json'), JSON.stringify(ENUM_USED.summary));
      fs.writeFileSync(path.join(dir, 'run123.json'), readExample('run-123'));
      const cli = (args) => spawnSync(process.execPath, [CLI, '--migration-tool', 'atlas', ...args], { cwd: dir, encoding: 'utf8' });
      const migrations = path.join(dir, 'db', 'migrations');
      const sum = () => fs.readFileSync(path.join(migrations, 'atlas.sum'), 'utf8');

      let r = cli(['--report', 'run123.json', '--apply', '--quiet']);
      assert.equal(r.status, 0, r.stderr);
      assert.equal(readDir(migrations).length, 1);
      assert.equal(sum(), independentSum(readDir(migrations)));
      // A file of the team's own, hashed by Atlas before this run.
      fs.writeFileSync(path.join(migrations, '202402010000_team.sql'), "-- the team's\nCREATE TABLE t (id int);\n");
      fs.writeFileSync(path.join(migrations, 'atlas.sum'), independentSum(readDir(migrations)));
      // A subfolder is not part of Atlas's directory.
      fs.mkdirSync(path.join(migrations, 'old'));
      fs.writeFileSync(path.join(migrations, 'old', '1_old.sql'), 'SELECT 1;\n');

      assert.equal(cli(['--report', 'enum.json', '--check']).status, 1);
      r = cli(['--report', 'enum.json', '--apply', '--migration-version', '202501010000']);
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stdout, /db\/migrations\/atlas\.sum/);
      const names = readDir(migrations).map((f) => f.name);
      assert.equal(names.length, 4, names.join(' '));
      assert.equal(sum(), independentSum(readDir(migrations)));
      assert.equal(sum().split('\n').length, 6);
      assert.equal(cli(['--report', 'enum.json', '--check']).status, 0);
      assert.equal(cli(['--report', 'run123.json', '--check']).status, 0);
      // Applied again: nothing changes.
      assert.equal(cli(['--report', 'enum.json', '--apply', '--quiet']).status, 0);
      assert.equal(sum(), independentSum(readDir(migrations)));

      // A migration edited by hand without rehashing: --apply of another migration is refused,
      // the folder left as it was, and --check finds atlas.sum not the one --apply would leave.
      fs.appendFileSync(path.join(migrations, '202402010000_team.sql'), '-- edited\n');
      const before = sum();
      fs.writeFileSync(path.join(dir, 'later.json'), JSON.stringify({ ...ENUM_USED.summary, run_id: 'later' }));
      r = cli(['--report', 'later.json', '--apply', '--migration-version', '202601010000']);
      assert.equal(r.status, 1);
      assert.match(r.stderr, /atlas\.sum does not match the files of db\/migrations.*Atlas refuses the folder \(checksum mismatch\)/);
      assert.equal(sum(), before);
      assert.equal(readDir(migrations).length, 4);
      const check = cli(['--report', 'enum.json', '--check']);
      assert.equal(check.status, 1);
      assert.match(check.stderr, /different db\/migrations\/atlas\.sum: it is not the sum of the folder's files with this migration/);

      // Older than the newest, and a version already there.
      fs.writeFileSync(path.join(migrations, 'atlas.sum'), independentSum(readDir(migrations)));
      r = cli(['--report', 'later.json', '--apply', '--migration-version', '202301010000']);
      assert.equal(r.status, 1);
      assert.match(r.stderr, /Atlas, with its default --exec-order linear, refuses a migration older than one it has applied/);
      r = cli(['--report', 'later.json', '--apply', '--migration-version', '202402010000']);
      assert.equal(r.status, 1);
      assert.match(r.stderr, /Atlas refuses two migrations of one version/);

      for (const [args, message] of [
        [['--undo'], /an Atlas migration directory keeps no down files/],
      ]) {
        const u = cli(['--report', 'enum.json', ...args]);
        assert.equal(u.status, 2, u.stderr);
        assert.match(u.stderr, message);
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

// ---------------------------------------------------------------------------------------------

describe('Atlas\'s statements on the real servers', { concurrency: 1 }, () => {
  const { servers, ready } = suiteServers();

  /** A file as Atlas runs it: its statements one by one, in one transaction unless txmode none. */
  async function runFile(server, text, dialect, db) {
    const statements = atlasStatements(text, dialect);
    const none = directives(text).some(([n, a]) => n === 'txmode' && a === 'none');
    if (server.kind === 'postgres') {
      if (!none) await server.exec(`BEGIN;\n${statements.map((s) => `${s}\n`).join('')}COMMIT;\n`, db);
      else for (const s of statements) await server.execOneString(s, db);
    } else {
      await server.exec(statements.map((s) => `${s}\n`).join(''), db);
    }
  }

  async function converge(server, c, out) {
    const db = `at_${server.kind}`;
    await server.createDatabase(`${db}_desired`);
    try {
      if (!isEmptySql(c.desiredSql)) await server.exec(c.desiredSql, `${db}_desired`);
      const desiredCatalog = await introspect(server, `${db}_desired`);
      await server.createDatabase(db);
      if (!isEmptySql(c.beforeSql)) await server.exec(c.beforeSql, db);
      for (const f of out.files) await runFile(server, f.content, out.dialect, db);
      const up = diffCatalogs(await introspect(server, db), desiredCatalog, { labels: ['migrated', 'desired'] });
      assert.equal(up, null, `${c.id}: ${up?.differences?.[0]}`);
    } finally {
      await Promise.allSettled([db, `${db}_desired`].map((d) => server.dropDatabase(d)));
    }
  }

  it('PostgreSQL: the txmode none enum values file, then the main one; concurrent index builds', async (t) => {
    if (!ready(t, 'postgres')) return;
    await converge(servers.postgres, ENUM_USED, generate(ENUM_USED.summary, 'PostgreSQL', { migrationTool: 'atlas' }));
    const indexes = FIXTURES.filter((f) => f.dialect === 'postgres')
      .map((c) => ({ c, out: generate(JSON.stringify(c.summary), 'PostgreSQL', { migrationTool: 'atlas', concurrently: true, allowDestructive: true }) }))
      .filter(({ out }) => out.files.some((f) => /_concurrent_indexes\.sql$/.test(f.name)));
    assert.ok(indexes.length >= 1);
    for (const { c, out } of indexes) await converge(servers.postgres, c, out);
  });

  for (const dialect of ['postgres', 'mysql']) {
    it(`${dialect}: every fixture and ${CORPUS_PER_DIALECT} corpus cases converge`, async (t) => {
      if (!ready(t, dialect)) return;
      const corpus = CORPUS.filter((c) => c.dialect === dialect)
        .map((c) => ({ c, out: generate(JSON.stringify(c.summary), dialectName(dialect), { migrationTool: 'atlas', allowDestructive: true }) }))
        .filter(({ out }) => out.statements.length >= 2)
        .sort((a, b) => a.out.statements.length - b.out.statements.length || a.c.id.localeCompare(b.c.id))
        .slice(0, CORPUS_PER_DIALECT);
      assert.equal(corpus.length, CORPUS_PER_DIALECT);
      const fixtures = FIXTURES.filter((f) => f.dialect === dialect)
        .map((c) => ({ c, out: generate(JSON.stringify(c.summary), dialectName(dialect), { migrationTool: 'atlas', allowDestructive: true }) }))
        .filter(({ out }) => !out.nothing_to_do);
      for (const { c, out } of [...fixtures, ...corpus]) await converge(servers[dialect], c, out);
      t.diagnostic(`${dialect}: ${fixtures.length} fixtures and ${corpus.length} corpus cases converged`);
      assert.ok(fixtures.length >= 10);
    });
  }
});
