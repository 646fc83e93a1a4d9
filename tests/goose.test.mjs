// goose (`--migration-tool goose`): no goose binary can be had here (a Go program, not on npm,
// PyPI or Debian's archive), so this test reads the files by goose's documented rules, written
// here from its documentation and its parser's behaviour:
//
// - blank lines before the first annotation are skipped; annotations are lines starting `--`
//   whose rest, trimmed, is `+goose Up`, `+goose Down`, `+goose StatementBegin`,
//   `+goose StatementEnd` or `+goose NO TRANSACTION` (the last anywhere: no transaction for the
//   whole file); the file must start with `-- +goose Up` (comments may precede it);
// - outside StatementBegin/End, comment lines and blank lines before a statement are skipped, and
//   a statement ends at a line whose last word before a word starting with `--` ends with `;`;
//   between StatementBegin and StatementEnd every line is kept and the whole is one statement;
// - each statement is trimmed and sent to the server on its own, all of a file's statements in
//   one transaction unless NO TRANSACTION.
//
// Then each section's statements run on PostgreSQL 15 and MariaDB 10.11 as goose sends them: up
// must give `desired`, down `before`.

import assert from 'node:assert/strict';
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

const ENUM_USED = enumUsedCase('goose-enum-used');

const ANNOTATIONS = new Set(['+goose Up', '+goose Down', '+goose StatementBegin', '+goose StatementEnd', '+goose NO TRANSACTION']);

/** The statements goose sends for `direction` ('up' | 'down'), and whether in a transaction. */
function gooseRead(text, direction) {
  let section = null; // null before Up, then 'up' | 'down'
  let inBlock = false;
  let useTx = true;
  let buf = [];
  const out = { up: [], down: [] };
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  const flush = () => {
    out[section].push(buf.join('\n').trim());
    buf = [];
  };
  const endsStatement = (line) => {
    const words = [];
    for (const w of line.split(/\s+/).filter(Boolean)) {
      if (w.startsWith('--')) break;
      words.push(w);
    }
    return words.length > 0 && words[words.length - 1].endsWith(';');
  };
  for (const line of lines) {
    if (section === null && line.trim() === '') continue;
    const annotation = line.startsWith('--') ? line.slice(2).trim() : null;
    if (annotation !== null && ANNOTATIONS.has(annotation)) {
      if (annotation === '+goose NO TRANSACTION') useTx = false;
      else if (annotation === '+goose Up') {
        assert.equal(section, null, 'one -- +goose Up, first');
        section = 'up';
      } else if (annotation === '+goose Down') {
        assert.equal(section, 'up', '-- +goose Down after Up');
        assert.ok(!inBlock, 'Down inside a StatementBegin block');
        assert.equal(buf.join('').trim(), '', `an unfinished statement before Down: ${buf.join('\n')}`);
        section = 'down';
      } else if (annotation === '+goose StatementBegin') {
        assert.ok(section && !inBlock, 'StatementBegin inside a section, not nested');
        assert.equal(buf.join('').trim(), '', 'StatementBegin after a finished statement');
        inBlock = true;
      } else {
        assert.ok(inBlock, 'StatementEnd after StatementBegin');
        inBlock = false;
        flush();
      }
      continue;
    }
    if (section === null) {
      assert.match(line, /^--/, `only comments before -- +goose Up: ${JSON.stringify(line)}`);
      continue;
    }
    if (buf.length === 0 && (line.trim().startsWith('--') || line === '')) continue;
    buf.push(line);
    if (!inBlock && endsStatement(line)) flush();
  }
  assert.ok(section, 'a -- +goose Up annotation');
  assert.ok(!inBlock, 'a StatementEnd for every StatementBegin');
  assert.equal(buf.join('').trim(), '', `an unfinished statement at the end: ${buf.join('\n')}`);
  return { statements: out[direction], useTx };
}

/**
 * The file's precondition block as written (sent as one step: its statements one by one, or
 * between StatementBegin and End at once), in a list; an empty list when the file has none.
 */
export function preconditionBlock(content) {
  const m = /\n-- Preconditions: [^\n]*\n(?:-- \+goose StatementBegin\n)?([\s\S]*?)(?:\n-- \+goose StatementEnd)?\n\n/.exec(content);
  return m ? [m[1]] : [];
}

/** Each step's statements, as goose may send them: one by one, or the step at once. */
function matchesSteps(sent, steps, what) {
  let i = 0;
  for (const sql of steps) {
    if (sent[i] === sql) {
      i++;
      continue;
    }
    // One by one: the step's statements, in order, make it up exactly.
    let joined = '';
    while (i < sent.length && joined.length < sql.length) {
      joined += (joined ? '\n' : '') + sent[i];
      i++;
    }
    assert.equal(joined, sql, what);
  }
  assert.equal(i, sent.length, `${what}: nothing else is sent`);
}

describe('goose files follow its rules', () => {
  test('every example, fixture and corpus report: goose sends exactly the steps, then exactly the undo', () => {
    let checked = 0;
    let blocks = 0;
    const reports = [
      ...['run-123', 'shop-mixed'].map((e) => ({ id: e, text: readExample(e), dialect: null })),
      ...[...FIXTURES, ...CORPUS].map((c) => ({ id: c.id, text: JSON.stringify(c.summary), dialect: dialectName(c.dialect) })),
    ];
    for (const r of reports) {
      for (const allowDestructive of [false, true]) {
        const out = generate(r.text, r.dialect, { migrationTool: 'goose', allowDestructive });
        if (out.nothing_to_do) continue;
        assert.equal(out.files.length, 1, r.id);
        const [f] = out.files;
        assert.match(f.name, /^\d+_.+\.sql$/);
        assert.equal(f.name, generate(r.text, r.dialect, { migrationTool: 'dbmate', allowDestructive }).files[0].name);
        const up = gooseRead(f.content, 'up');
        const down = gooseRead(f.content, 'down');
        assert.equal(up.useTx, true, r.id);
        // Blocked steps are in the preview too (commented as blocked, not left out).
        matchesSteps(up.statements, [...preconditionBlock(f.content), ...out.statements.map((s) => s.sql)], `${r.id} up`);
        const undo = out.undo.filter((u) => u.sql).map((u) => u.sql);
        matchesSteps(down.statements, undo, `${r.id} down`);
        // MySQL: a statement at a time (its driver runs one statement per call by default).
        if (out.dialect === 'MySQL') {
          for (const s of [...up.statements, ...down.statements]) {
            assert.ok(!/;\s*\n/.test(s.replace(/'(?:[^'\\]|\\.|'')*'/g, "''")), `${r.id}: one MySQL statement per call: ${s.slice(0, 200)}`);
          }
        }
        blocks += (f.content.match(/^-- \+goose StatementBegin$/gm) ?? []).length;
        checked++;
      }
    }
    assert.ok(checked > 300, `${checked} runs`);
    assert.ok(blocks > 50, `${blocks} StatementBegin blocks`);
  });

  test('StatementBegin/End exactly where goose would split elsewhere: around PostgreSQL DO blocks, not around plain statements', () => {
    const run123 = generate(readExample('run-123'), null, { migrationTool: 'goose' }).files[0].content;
    // The precondition block is a DO block: in a block. The step is one plain statement: not.
    assert.match(run123, /\n-- Preconditions: [^\n]*\n-- \+goose StatementBegin\nDO \$smartspec\$ [\s\S]*\$smartspec\$;\n-- \+goose StatementEnd\n\n-- \[D001\] add_column public\.users\.last_login_at\nALTER TABLE "public"\."users" ADD COLUMN IF NOT EXISTS "last_login_at" TIMESTAMP WITH TIME ZONE;\n/);
    // The undo is one plain statement: no block.
    assert.match(run123, /-- \+goose Down\n\n-- undo \[D001\] add_column public\.users\.last_login_at\nALTER TABLE IF EXISTS "public"\."users" DROP COLUMN IF EXISTS "last_login_at";\n$/);
    // Without the block goose would cut the DO block at its first line ending with `;`.
    const unwrapped = run123.replace(/^-- \+goose Statement(Begin|End)\n/gm, '');
    const step = generate(readExample('run-123'), null, { migrationTool: 'goose' }).statements[0].sql;
    const block = preconditionBlock(run123);
    assert.equal(block.length, 1);
    matchesSteps(gooseRead(run123, 'up').statements, [...block, step], 'with the block');
    assert.throws(() => matchesSteps(gooseRead(unwrapped, 'up').statements, [...block, step], 'without the block'));
    assert.ok(gooseRead(unwrapped, 'up').statements.length > 3, 'cut inside the DO block');
  });

  test('a new enum value used later: committed by a NO TRANSACTION migration of its own, one version below', () => {
    const out = generate(ENUM_USED.summary, 'PostgreSQL', { migrationTool: 'goose' });
    assert.deepEqual(out.files.map((f) => f.name), [
      '202501010000_alter_type_status_alter_tasks_enum_values.sql',
      '202501010001_alter_type_status_alter_tasks.sql',
    ]);
    const [values, main] = out.files.map((f) => gooseRead(f.content, 'up'));
    assert.equal(values.useTx, false);
    assert.equal(main.useTx, true);
    assert.ok(values.statements.every((s) => /ADD VALUE/.test(s)));
    assert.match(main.statements.join('\n'), /SET DEFAULT 'a'/);
    assert.throws(() => generate(ENUM_USED.summary, 'PostgreSQL', { migrationTool: 'goose', concurrently: true }),
      (e) => e.code === 'invalid_option' && e.path === 'options.concurrently');
    for (const version of ['1.2', '0', '9223372036854775807']) {
      assert.throws(() => generate(ENUM_USED.summary, 'PostgreSQL', { migrationTool: 'goose', version }),
        (e) => e.code === 'invalid_option' && /goose versions are whole numbers \(digits only, from 1 to 9223372036854775806\)/.test(e.message), version);
    }
    // One more for the main migration still fits goose's signed 64 bits.
    const top = generate(ENUM_USED.summary, 'PostgreSQL', { migrationTool: 'goose', version: '9223372036854775806' });
    assert.deepEqual(top.files.map((f) => f.name.split('_')[0]), ['9223372036854775806', '9223372036854775807']);
  });

  test('the CLI: --migration-tool goose; usage errors; the history as goose reads it', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'smartspec-goose-cli-'));
    try {
      fs.writeFileSync(path.join(dir, 'report.json'), JSON.stringify(ENUM_USED.summary));
      const cli = (args) => spawnSync(process.execPath, [CLI, '--report', 'report.json', ...args], { cwd: dir, encoding: 'utf8' });
      assert.equal(cli(['--migration-tool', 'Goose', '--apply', '--quiet']).status, 0);
      assert.equal(cli(['--migration-tool', 'goose', '--check']).status, 0);
      for (const [args, message] of [
        [['--concurrently'], /--concurrently and --migration-tool goose contradict each other/],
        [['--undo'], /a goose migration carries its -- \+goose Down section already/],
      ]) {
        const r = cli(['--migration-tool', 'goose', ...args]);
        assert.equal(r.status, 2, r.stderr);
        assert.match(r.stderr, message);
      }
      const old = cli(['--migration-tool', 'goose', '--apply', '--migration-version', '202401010000']);
      assert.equal(old.status, 1);
      assert.match(old.stderr, /goose refuses a migration older than one it has applied unless run with --allow-missing/);
      fs.writeFileSync(path.join(dir, 'db', 'migrations', '202601010000_other.sql'), '-- +goose Up\n');
      const dup = cli(['--migration-tool', 'goose', '--apply', '--migration-version', '202601010000']);
      assert.equal(dup.status, 1);
      assert.match(dup.stderr, /goose refuses two migrations of one version/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

// ---------------------------------------------------------------------------------------------

describe('goose\'s statements on the real servers', { concurrency: 1 }, () => {
  const { servers, ready } = suiteServers();

  /** A section as goose runs it: each statement sent on its own, in one transaction unless NO TRANSACTION. */
  async function runSection(server, { statements, useTx }, db) {
    if (server.kind === 'postgres') {
      if (useTx) await server.exec(`BEGIN;\n${statements.map((s) => `${s}\n`).join('')}COMMIT;\n`, db);
      else for (const s of statements) await server.execOneString(s, db);
    } else {
      // One session, as goose's transaction holds one connection (session variables carry over).
      await server.exec(statements.map((s) => `${s}\n`).join(''), db);
    }
  }

  async function state(server, sql, db) {
    await server.createDatabase(db);
    if (!isEmptySql(sql)) await server.exec(sql, db);
    return introspect(server, db);
  }

  async function cycle(server, c, out) {
    const db = `gs_${server.kind}`;
    const beforeCatalog = await state(server, c.beforeSql, `${db}_before`);
    const desiredCatalog = await state(server, c.desiredSql, `${db}_desired`);
    await server.createDatabase(db);
    if (!isEmptySql(c.beforeSql)) await server.exec(c.beforeSql, db);
    try {
      for (const f of out.files) await runSection(server, gooseRead(f.content, 'up'), db);
      const up = diffCatalogs(await introspect(server, db), desiredCatalog, { labels: ['migrated', 'desired'] });
      assert.equal(up, null, `${c.id}: up: ${up?.differences?.[0]}`);
      if (!out.statements.every((s) => s.reverse_sql)) return false;
      for (const f of [...out.files].reverse()) await runSection(server, gooseRead(f.content, 'down'), db);
      const down = diffCatalogs(await introspect(server, db), beforeCatalog, { labels: ['rolled back', 'before'] });
      assert.equal(down, null, `${c.id}: down: ${down?.differences?.[0]}`);
      return true;
    } finally {
      await Promise.allSettled([db, `${db}_before`, `${db}_desired`].map((d) => server.dropDatabase(d)));
    }
  }

  it('PostgreSQL: the enum values migration, then the main one; down gives before back', async (t) => {
    if (!ready(t, 'postgres')) return;
    assert.equal(await cycle(servers.postgres, ENUM_USED, generate(ENUM_USED.summary, 'PostgreSQL', { migrationTool: 'goose' })), true);
  });

  for (const dialect of ['postgres', 'mysql']) {
    it(`${dialect}: every fixture and ${CORPUS_PER_DIALECT} reversible corpus cases converge and roll back`, async (t) => {
      if (!ready(t, dialect)) return;
      const corpus = CORPUS.filter((c) => c.dialect === dialect)
        .map((c) => ({ c, out: generate(JSON.stringify(c.summary), dialectName(dialect), { migrationTool: 'goose', allowDestructive: true }) }))
        .filter(({ out }) => out.statements.length >= 2 && out.statements.every((s) => s.reverse_sql))
        .sort((a, b) => a.out.statements.length - b.out.statements.length || a.c.id.localeCompare(b.c.id))
        .slice(0, CORPUS_PER_DIALECT);
      assert.equal(corpus.length, CORPUS_PER_DIALECT);
      const fixtures = FIXTURES.filter((f) => f.dialect === dialect)
        .map((c) => ({ c, out: generate(JSON.stringify(c.summary), dialectName(dialect), { migrationTool: 'goose', allowDestructive: true }) }))
        .filter(({ out }) => !out.nothing_to_do);
      let up = 0;
      let back = 0;
      for (const { c, out } of [...fixtures, ...corpus]) {
        if (await cycle(servers[dialect], c, out)) back++;
        up++;
      }
      t.diagnostic(`${dialect}: ${up} converged (${fixtures.length} fixtures, ${corpus.length} corpus), ${back} rolled back`);
      assert.ok(back >= 20 + CORPUS_PER_DIALECT, `${back} rolled back`);
    });
  }
});
