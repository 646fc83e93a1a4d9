// Sqitch (`--migration-tool sqitch`): the files follow Sqitch's layout and plan grammar, and real
// Sqitch (Debian's sqitch 1.3 with DBD::Pg and DBD::mysql) deploys them with --verify, verifies
// and reverts them on PostgreSQL 15 and MariaDB 10.11, for the shipped examples, 12 corpus cases
// per dialect and every fixture, the schema compared after each step; the verify script fails
// when an object the change made is there but differs.

import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
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

const SQITCH = process.env.SQITCH ?? 'sqitch';
const CLI = path.join(root, 'pkg', 'bin', 'cli.js');
const CORPUS_PER_DIALECT = 12;
const FIXTURES = listFixtures();
const CORPUS = listCases();
const dialectName = (d) => (d === 'postgres' ? 'PostgreSQL' : 'MySQL');

const ENUM_USED = enumUsedCase('sqitch-enum-used');

// Sqitch's plan grammar (App::Sqitch::Plan): a change name does not begin or end with
// punctuation (other than _) and holds no blank, ':', '@', '#' or '\'; then the planned time,
// the planner's name and <email>, and an optional note.
const PUNCT = '-!"#$%&\'()*+,./:;<=>?@[\\\\\\]^`{|}~';
const NAME = `(?![${PUNCT}])[^\\s:@#\\\\]+(?<![${PUNCT}])`;
const CHANGE_LINE = new RegExp(`^(${NAME}) (\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}Z) ([^<]+) <([^>]+)>(?: # (.*))?$`);

/** The plan's pragmas and change lines. */
function readPlan(text) {
  const lines = text.split('\n');
  assert.equal(lines.pop(), '', 'the plan ends with a newline');
  const pragmas = {};
  const changes = [];
  for (const l of lines) {
    if (l === '' || l.startsWith('@')) continue;
    const p = /^%([\w-]+)=(.*)$/.exec(l);
    if (p) {
      pragmas[p[1]] = p[2];
      continue;
    }
    const m = CHANGE_LINE.exec(l);
    assert.ok(m, `a change line as Sqitch reads it: ${l}`);
    changes.push({ name: m[1], at: m[2], planner: m[3], email: m[4], note: m[5] });
  }
  return { pragmas, changes };
}

/** Each of `parts` found in `text` in order, each after the one before. */
function inOrder(text, parts, what) {
  let pos = 0;
  for (const p of parts) {
    const at = text.indexOf(p, pos);
    assert.ok(at >= 0, `${what}: ${p.slice(0, 120)}`);
    pos = at + p.length;
  }
}

describe('Sqitch files follow its layout and plan grammar', () => {
  test('every example, fixture and corpus report: deploy holds the steps, revert the undo, verify a check per step, the plan one change', () => {
    let checked = 0;
    let checks = 0;
    const reports = [
      ...['run-123', 'shop-mixed'].map((e) => ({ id: e, text: readExample(e), dialect: null })),
      ...[...FIXTURES, ...CORPUS].map((c) => ({ id: c.id, text: JSON.stringify(c.summary), dialect: dialectName(c.dialect) })),
    ];
    for (const r of reports) {
      for (const allowDestructive of [false, true]) {
        const out = generate(r.text, r.dialect, { migrationTool: 'sqitch', allowDestructive });
        if (out.nothing_to_do) continue;
        const change = `${out.version}_${out.description}`;
        assert.deepEqual(out.files.map((f) => [f.name, f.role]), [
          [`deploy/${change}.sql`, 'deploy'], [`revert/${change}.sql`, 'revert'], [`verify/${change}.sql`, 'verify'], ['sqitch.plan', 'plan'],
        ], r.id);
        const [deploy, revert, verify, plan] = out.files.map((f) => f.content);
        inOrder(deploy, out.statements.map((s) => s.sql), `${r.id} deploy`);
        inOrder(revert, out.undo.filter((u) => u.sql).map((u) => u.sql), `${r.id} revert`);
        if (out.dialect === 'MySQL') assert.doesNotMatch(deploy, /^(BEGIN|COMMIT);$/m);
        const { pragmas, changes } = readPlan(plan);
        assert.equal(pragmas['syntax-version'], '1.0.0');
        assert.match(pragmas.project, new RegExp(`^${NAME}$`));
        assert.deepEqual(changes.map((c) => c.name), [change]);
        const n = (verify.match(/^(DO \$verify|SET @smartspec_verify = )/gm) ?? []).length;
        checks += n;
        checked++;
      }
    }
    assert.ok(checked > 300, `${checked} runs`);
    assert.ok(checks > checked, `${checks} checks in ${checked} verify scripts`);
  });

  test('PostgreSQL: new enum values before BEGIN, the rest in one transaction, concurrent builds after COMMIT', () => {
    const out = generate(ENUM_USED.summary, 'PostgreSQL', { migrationTool: 'sqitch' });
    const deploy = out.files[0].content;
    assert.match(deploy, /ADD VALUE[\s\S]*\nBEGIN;\n[\s\S]*SET DEFAULT 'a'[\s\S]*\nCOMMIT;\n$/);
    assert.doesNotMatch(deploy.slice(deploy.indexOf('\nBEGIN;\n')), /ADD VALUE/);
    const index = FIXTURES.find((f) => f.dialect === 'postgres' && generate(JSON.stringify(f.summary), 'PostgreSQL', { concurrently: true }).files.some((x) => /concurrent_indexes/.test(x.name)));
    const conc = generate(JSON.stringify(index.summary), 'PostgreSQL', { migrationTool: 'sqitch', concurrently: true }).files[0].content;
    assert.match(conc, /\nCOMMIT;\n[\s\S]*\nCREATE (UNIQUE )?INDEX CONCURRENTLY /);
  });

  test('the plan line: planned at the version\'s time, else the epoch; the project the spec id', () => {
    const out = generate(readExample('run-123'), null, { migrationTool: 'sqitch' });
    assert.equal(out.files[3].content, '%syntax-version=1.0.0\n%project=my-feature\n\n202401011200_add_last_login_at_to_users 2024-01-01T12:00:00Z SmartSpec Data Migration Generator <generator@smartspec.invalid> # 1 step(s) from the data model validation report run-123\n');
    const v7 = generate(readExample('run-123'), null, { migrationTool: 'sqitch', version: '7' });
    assert.match(v7.files[3].content, /\n7_add_last_login_at_to_users 1970-01-01T00:00:00Z /);
  });
});

test('the CLI: --apply appends the change to the folder\'s plan; --check; a change planned otherwise is refused', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'smartspec-sqitch-cli-'));
  try {
    fs.writeFileSync(path.join(dir, 'run123.json'), readExample('run-123'));
    fs.writeFileSync(path.join(dir, 'shop.json'), readExample('shop-mixed'));
    const cli = (args) => spawnSync(process.execPath, [CLI, '--migration-tool', 'sqitch', ...args], { cwd: dir, encoding: 'utf8' });
    const planPath = path.join(dir, 'db', 'migrations', 'sqitch.plan');
    let r = cli(['--report', 'run123.json', '--apply']);
    assert.equal(r.status, 0, r.stderr);
    const first = fs.readFileSync(planPath, 'utf8');
    assert.equal(first, generate(readExample('run-123'), null, { migrationTool: 'sqitch' }).files[3].content);
    for (const d of ['deploy', 'revert', 'verify']) assert.ok(fs.existsSync(path.join(dir, 'db', 'migrations', d, '202401011200_add_last_login_at_to_users.sql')));
    // The team's own plan header and changes stay; the next change is appended.
    fs.writeFileSync(planPath, first.replace('%project=my-feature', '%project=team\n%uri=https://example.com/team') + '@v1 2024-01-02T00:00:00Z Team <team@example.com> # a tag\n');
    const edited = fs.readFileSync(planPath, 'utf8');
    assert.equal(cli(['--report', 'shop.json', '--check', '--allow-destructive']).status, 1);
    r = cli(['--report', 'shop.json', '--apply', '--allow-destructive']);
    assert.equal(r.status, 0, r.stderr);
    const after = fs.readFileSync(planPath, 'utf8');
    const shopLine = generate(readExample('shop-mixed'), null, { migrationTool: 'sqitch', allowDestructive: true }).files[3].content.split('\n')[3];
    assert.equal(after, `${edited}${shopLine}\n`);
    assert.deepEqual(readPlan(after).changes.map((c) => c.name.split('_')[0]), ['202401011200', readPlan(after).changes[1].name.split('_')[0]]);
    // Both runs are committed; applying again changes nothing.
    assert.equal(cli(['--report', 'shop.json', '--check', '--allow-destructive']).status, 0);
    assert.equal(cli(['--report', 'run123.json', '--check']).status, 0);
    assert.equal(cli(['--report', 'run123.json', '--apply', '--quiet']).status, 0);
    assert.equal(fs.readFileSync(planPath, 'utf8'), after);
    // The change planned otherwise: refused, nothing written.
    fs.writeFileSync(planPath, after.replace(/^(202401011200_add_last_login_at_to_users) \S+/m, '$1 2020-01-01T00:00:00Z'));
    const conflict = cli(['--report', 'run123.json', '--check']);
    assert.equal(conflict.status, 1);
    assert.match(conflict.stderr, /different db\/migrations\/sqitch\.plan: it plans/);
    fs.rmSync(path.join(dir, 'db', 'migrations', 'deploy', '202401011200_add_last_login_at_to_users.sql'));
    r = cli(['--report', 'run123.json', '--apply']);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /sqitch\.plan already plans the change 202401011200_add_last_login_at_to_users otherwise .*Sqitch refuses a plan that names one change twice/);
    assert.ok(!fs.existsSync(path.join(dir, 'db', 'migrations', 'deploy', '202401011200_add_last_login_at_to_users.sql')));
    const undo = cli(['--report', 'run123.json', '--undo']);
    assert.equal(undo.status, 2);
    assert.match(undo.stderr, /a Sqitch change carries its revert script already/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

// ---------------------------------------------------------------------------------------------

describe('real Sqitch: deploy --verify, verify, revert', { concurrency: 1 }, () => {
  const { servers, ready: serverReady } = suiteServers();
  const version = spawnSync(SQITCH, ['--version'], { encoding: 'utf8' });
  const missing = version.status === 0 ? null : `${SQITCH} is missing: scripts/setup.sh test installs Debian's sqitch`;
  const ready = (t, dialect) => serverReady(t, dialect, missing);

  /** Runs sqitch in `dir`; resolves with {code, output}. */
  function sqitch(server, db, dir, args) {
    const target = server.kind === 'postgres' ? `db:pg:${db}` : `db:mysql://root@/${db}?mysql_socket=${encodeURIComponent(server.socket)}`;
    const env = { ...process.env, HOME: dir, SQITCH_CONFIG: path.join(dir, 'sqitch.conf'), SQITCH_USER_CONFIG: path.join(dir, 'user.conf'), SQITCH_SYSTEM_CONFIG: path.join(dir, 'system.conf') };
    if (server.kind === 'postgres') Object.assign(env, { PGHOST: server.socketDir, PGPORT: String(server.port), PGUSER: 'postgres', PGOPTIONS: '-c client_min_messages=warning' });
    return new Promise((resolve) => {
      const child = spawn(SQITCH, [...args, ...(server.kind === 'mysql' || server.kind === 'mariadb' ? ['--registry', 'sqitch_registry'] : []), target], { cwd: dir, env });
      let output = '';
      child.stdout.on('data', (d) => { output += d; });
      child.stderr.on('data', (d) => { output += d; });
      child.on('error', (e) => resolve({ code: -1, output: e.message }));
      child.on('close', (code) => resolve({ code, output }));
    });
  }

  function project(server, files) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'smartspec-sqitch-'));
    for (const f of files) {
      fs.mkdirSync(path.dirname(path.join(dir, f.name)), { recursive: true });
      fs.writeFileSync(path.join(dir, f.name), f.content);
    }
    const engine = server.kind === 'postgres' ? 'pg' : 'mysql';
    fs.writeFileSync(path.join(dir, 'sqitch.conf'), `[core]\n\tengine = ${engine}\n`);
    fs.writeFileSync(path.join(dir, 'user.conf'), '[user]\n\tname = SmartSpec tests\n\temail = tests@smartspec.invalid\n');
    fs.writeFileSync(path.join(dir, 'system.conf'), '');
    return dir;
  }

  /** The catalog without Sqitch's registry (PostgreSQL: the schema sqitch in the database). */
  async function catalog(server, db) {
    const c = await introspect(server, db);
    c.others = (c.others ?? []).filter((o) => o !== 'schema sqitch');
    return c;
  }

  async function fresh(server, db, sql) {
    await server.dropDatabase(db).catch(() => {});
    await server.createDatabase(db);
    if (sql && !isEmptySql(sql)) await server.exec(sql, db);
  }

  function same(a, b, what) {
    const d = diffCatalogs(a, b, { labels: ['sqitch', 'expected'] });
    assert.equal(d, null, `${what}: ${d?.differences?.[0]}`);
  }

  /**
   * `sqitch deploy --verify`, compared with desired; `sqitch verify`; then, when every step has an
   * undo, `sqitch revert`, compared with before. Returns whether it reverted. `breakIt(db)`
   * (optional) changes an object after the deploy: `sqitch verify` must then fail with `broken`.
   */
  async function roundTrip(dialect, id, beforeSql, desiredSql, out, { breakIt, broken } = {}) {
    const server = servers[dialect];
    const dir = project(server, out.files);
    const [work, want] = [`sq_${dialect}_work`, `sq_${dialect}_want`];
    try {
      await fresh(server, want, beforeSql);
      const beforeCatalog = await introspect(server, want);
      await fresh(server, want, desiredSql);
      const desiredCatalog = await introspect(server, want);
      await fresh(server, work, beforeSql);
      const deploy = await sqitch(server, work, dir, ['deploy', '--verify']);
      assert.equal(deploy.code, 0, `${id}: sqitch deploy --verify failed:\n${deploy.output.slice(-3000)}`);
      assert.match(deploy.output, /\+ \S+ \.\. (\.+ )?ok/);
      same(await catalog(server, work), desiredCatalog, `${id} after sqitch deploy`);
      const verify = await sqitch(server, work, dir, ['verify']);
      assert.equal(verify.code, 0, `${id}: sqitch verify failed:\n${verify.output.slice(-3000)}`);
      if (breakIt) {
        await breakIt(server, work);
        const bad = await sqitch(server, work, dir, ['verify']);
        assert.notEqual(bad.code, 0, `${id}: verify passed a changed object:\n${bad.output}`);
        assert.match(bad.output, broken);
        return null;
      }
      if (!out.statements.every((s) => s.reverse_sql)) return false;
      const revert = await sqitch(server, work, dir, ['revert', '-y']);
      assert.equal(revert.code, 0, `${id}: sqitch revert failed:\n${revert.output.slice(-3000)}`);
      same(await catalog(server, work), beforeCatalog, `${id} after sqitch revert`);
      return true;
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
      await Promise.allSettled([server.dropDatabase(work), server.dropDatabase(want), ...(dialect === 'mysql' ? [server.dropDatabase('sqitch_registry')] : [])]);
    }
  }

  const USERS = 'CREATE TABLE public.users (id uuid PRIMARY KEY, email varchar(255), age varchar(10), legacy_flag boolean);';
  const SHOP_BEFORE = `CREATE TYPE public.order_status AS ENUM ('pending', 'paid', 'refunded');
    ${USERS}
    CREATE TABLE public.legacy_sessions (id bigint PRIMARY KEY);`;

  for (const [name, beforeSql] of [['run-123', USERS], ['shop-mixed', SHOP_BEFORE]]) {
    it(`shipped example ${name} (PostgreSQL)`, async (t) => {
      if (!ready(t, 'postgres')) return;
      const out = generate(readExample(name), 'PostgreSQL', { migrationTool: 'sqitch', allowDestructive: true });
      // The state the steps make, built by running their SQL directly.
      const desiredSql = `${beforeSql}\n${out.statements.map((s) => s.sql).join('\n')}`;
      assert.equal(await roundTrip('postgres', name, beforeSql, desiredSql, out), out.statements.every((s) => s.reverse_sql));
    });
  }

  it('verify fails when an object the change made is there but differs (PostgreSQL, MariaDB)', async (t) => {
    if (!ready(t, 'postgres') || !ready(t, 'mysql')) return;
    const pg = generate(readExample('run-123'), 'PostgreSQL', { migrationTool: 'sqitch' });
    await roundTrip('postgres', 'run-123 changed', USERS, `${USERS}\nALTER TABLE public.users ADD COLUMN last_login_at timestamptz;`, pg, {
      breakIt: (s, db) => s.exec('ALTER TABLE public.users ALTER COLUMN last_login_at TYPE text;', db),
      broken: /verify failed: column public\.users\.last_login_at exists as TIMESTAMP WITH TIME ZONE NULL/,
    });
    const my = generate(readExample('run-123'), 'MySQL', { migrationTool: 'sqitch' });
    const myUsers = 'CREATE TABLE users (id char(36) PRIMARY KEY, email varchar(255), age varchar(10), legacy_flag boolean);';
    await roundTrip('mysql', 'run-123 changed', myUsers, `${myUsers}\nALTER TABLE users ADD COLUMN last_login_at TIMESTAMP(6) NULL;`, my, {
      breakIt: (s, db) => s.exec('ALTER TABLE users MODIFY last_login_at TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6);', db),
      broken: /Unknown column 'verify failed: column users\.last_login_at exists as TIMESTAMP\(6\)/,
    });
  });

  it('verify fails when an index the change made is rebuilt on other columns, or one it dropped is back (PostgreSQL)', async (t) => {
    if (!ready(t, 'postgres')) return;
    const c = FIXTURES.find((f) => f.id === 'postgres/indexes');
    const out = generate(JSON.stringify(c.summary), 'PostgreSQL', { migrationTool: 'sqitch', allowDestructive: true });
    await roundTrip('postgres', 'indexes: other columns', c.beforeSql, c.desiredSql, out, {
      breakIt: (s, db) => s.exec('DROP INDEX public.events_user_id_created_at_idx; CREATE INDEX events_user_id_created_at_idx ON public.events (created_at, user_id);', db),
      broken: /verify failed: index events_user_id_created_at_idx on public\.events \(user_id, created_at\)/,
    });
    await roundTrip('postgres', 'indexes: dropped one back', c.beforeSql, c.desiredSql, out, {
      breakIt: (s, db) => s.exec('CREATE INDEX events_payload_idx ON public.events (kind);', db),
      broken: /verify failed: index events_payload_idx on public\.events is gone/,
    });
  });

  it('PostgreSQL: new enum values committed before the transaction that uses them', async (t) => {
    if (!ready(t, 'postgres')) return;
    const out = generate(ENUM_USED.summary, 'PostgreSQL', { migrationTool: 'sqitch' });
    assert.equal(await roundTrip('postgres', 'enum-used', ENUM_USED.beforeSql, ENUM_USED.desiredSql, out), true);
  });

  for (const dialect of ['postgres', 'mysql']) {
    it(`${dialect}: ${CORPUS_PER_DIALECT} reversible corpus cases and every fixture deploy, verify and revert`, async (t) => {
      if (!ready(t, dialect)) return;
      const corpus = CORPUS.filter((c) => c.dialect === dialect)
        .map((c) => ({ c, out: generate(JSON.stringify(c.summary), dialectName(dialect), { migrationTool: 'sqitch', allowDestructive: true }) }))
        .filter(({ out }) => out.statements.length >= 2 && out.statements.every((s) => s.reverse_sql))
        .sort((a, b) => a.out.statements.length - b.out.statements.length || a.c.id.localeCompare(b.c.id))
        .slice(0, CORPUS_PER_DIALECT);
      assert.equal(corpus.length, CORPUS_PER_DIALECT);
      const fixtures = FIXTURES.filter((f) => f.dialect === dialect)
        .map((c) => ({ c, out: generate(JSON.stringify(c.summary), dialectName(dialect), { migrationTool: 'sqitch', allowDestructive: true }) }))
        .filter(({ out }) => !out.nothing_to_do);
      let deployed = 0;
      let reverted = 0;
      for (const { c, out } of [...corpus, ...fixtures]) {
        if (await roundTrip(dialect, c.id, c.beforeSql, c.desiredSql, out)) reverted++;
        deployed++;
      }
      t.diagnostic(`${dialect}: ${deployed} deployed and verified (${corpus.length} corpus, ${fixtures.length} fixtures), ${reverted} reverted`);
      assert.ok(reverted >= CORPUS_PER_DIALECT + 15, `${reverted} reverted`);
    });
  }
});
