// Real Liquibase (npm liquibase@4.28.1: Liquibase 4.28 with its JDBC drivers, on the machine's
// Java) runs the generated formatted-SQL changelog against PostgreSQL 15 and MariaDB 10.11 on
// 127.0.0.1: `update`, then `rollback-count` back to the start. The schema is checked after each
// step against states built independently: `desired` after the update, `before` after a full
// rollback, and, for the shipped examples, after every single rollback the state reached by
// applying the forward steps before it one by one.
//
// Irreversible steps are never faked: Liquibase refuses to roll back past them, and the test
// checks that it does.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import { diffCatalogs } from './db/compare.mjs';
import { listCases } from './db/corpus.mjs';
import { introspect } from './db/introspect.mjs';
import { startMariaDB, startPostgres } from './db/servers.mjs';
import { generate, readExample, root } from './support/wasm.mjs';

const CI = /^(true|1|yes)$/i.test(process.env.CI ?? '');
const LIQUIBASE = process.env.LIQUIBASE ?? path.join(root, 'node_modules', 'liquibase', 'dist', 'liquibase', 'liquibase');
const CORPUS_PER_DIALECT = 6;

const servers = {};
const startErrors = {};
let missing = null;

before(async () => {
  if (!fs.existsSync(LIQUIBASE)) missing = `${LIQUIBASE} is missing: run npm ci (scripts/setup.sh does)`;
  const [pg, my] = await Promise.allSettled([startPostgres({ tcp: true }), startMariaDB({ tcp: true })]);
  for (const [d, r] of [['postgres', pg], ['mysql', my]]) {
    if (r.status === 'fulfilled') servers[d] = r.value;
    else startErrors[d] = r.reason;
  }
});

after(async () => {
  await Promise.allSettled(Object.values(servers).map((s) => s.stop()));
});

function ready(t, dialect) {
  const problem = missing ?? (servers[dialect] ? null : `${dialect} server: ${startErrors[dialect]?.message}`);
  if (!problem) return true;
  if (CI) throw new Error(problem);
  t.skip(problem);
  return false;
}

function jdbc(server, db) {
  return server.kind === 'postgres'
    ? { url: `jdbc:postgresql://127.0.0.1:${server.port}/${db}`, user: 'postgres' }
    : { url: `jdbc:mariadb://127.0.0.1:${server.port}/${db}`, user: 'root' };
}

/** Runs Liquibase; resolves with {code, output}. */
function liquibase(server, db, dir, command, extra = []) {
  const { url, user } = jdbc(server, db);
  const args = ['--search-path', dir, '--log-level=severe', '--show-banner=false', command,
    `--url=${url}`, `--username=${user}`, '--password=', '--changelog-file=changelog.sql', ...extra];
  return new Promise((resolve) => {
    const child = spawn(LIQUIBASE, args, { env: { ...process.env, JAVA_OPTS: '-Xshare:auto -XX:TieredStopAtLevel=1' } });
    let output = '';
    child.stdout.on('data', (d) => { output += d; });
    child.stderr.on('data', (d) => { output += d; });
    child.on('close', (code) => resolve({ code, output }));
  });
}

/** The catalog without Liquibase's own bookkeeping tables. */
async function catalog(server, db) {
  const c = await introspect(server, db);
  for (const name of Object.keys(c.tables)) {
    if (/^databasechangelog(lock)?$/i.test(name)) delete c.tables[name];
  }
  c.others = (c.others ?? []).filter((o) => !/databasechangelog/i.test(o));
  return c;
}

async function fresh(server, db, sql) {
  await server.dropDatabase(db).catch(() => {});
  await server.createDatabase(db);
  if (sql && sql.replace(/--[^\n]*/g, '').trim()) await server.exec(sql, db);
}

function writeChangelog(result) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'smartspec-lb-'));
  const file = result.files.find((f) => f.role === 'changelog');
  assert.ok(file, 'a changelog file');
  fs.writeFileSync(path.join(dir, 'changelog.sql'), file.content);
  return dir;
}

function same(a, b, what) {
  const d = diffCatalogs(a, b, { labels: ['liquibase', 'expected'] });
  assert.equal(d, null, `${what}: ${d?.message}`);
}

/** update, then a full rollback: desired after the update, before after the rollback. */
async function roundTrip(dialect, id, beforeSql, desiredSql, report) {
  const server = servers[dialect];
  const result = generate(report, dialect === 'postgres' ? 'PostgreSQL' : 'MySQL', { migrationTool: 'liquibase', allowDestructive: true });
  const n = result.statements.length;
  const dir = writeChangelog(result);
  try {
    const [work, want] = [`lb_${dialect}_work`, `lb_${dialect}_want`];
    await fresh(server, want, beforeSql);
    const beforeCatalog = await catalog(server, want);
    await fresh(server, want, desiredSql);
    const desiredCatalog = await catalog(server, want);
    await fresh(server, work, beforeSql);
    const up = await liquibase(server, work, dir, 'update');
    assert.equal(up.code, 0, `${id}: liquibase update failed:\n${up.output.slice(-3000)}`);
    same(await catalog(server, work), desiredCatalog, `${id} after update`);
    const back = await liquibase(server, work, dir, 'rollback-count', [`--count=${n}`]);
    assert.equal(back.code, 0, `${id}: liquibase rollback-count failed:\n${back.output.split("\n").filter((l) => /Reason|ERROR|Error|Position/.test(l)).slice(0, 6).join("\n")}`);
    same(await catalog(server, work), beforeCatalog, `${id} after rollback-count ${n}`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Corpus cases whose every step has a reverse, the smallest first. */
function reversibleCases(dialect) {
  return listCases()
    .filter((c) => c.dialect === dialect)
    .map((c) => ({ c, r: generate(JSON.stringify(c.summary), dialect === 'postgres' ? 'PostgreSQL' : 'MySQL', { migrationTool: 'liquibase', allowDestructive: true }) }))
    .filter(({ r }) => r.statements.length >= 2 && r.statements.every((s) => s.reverse_sql))
    .sort((a, b) => a.r.statements.length - b.r.statements.length || a.c.id.localeCompare(b.c.id))
    .map(({ c }) => c);
}

describe('Liquibase update and rollback', { concurrency: 2 }, () => {
  describe('shipped examples, step by step (PostgreSQL)', { concurrency: 1 }, () => {
    const USERS = `CREATE TABLE public.users (id uuid PRIMARY KEY, email varchar(255), age varchar(10), legacy_flag boolean);`;
    const SHOP_BEFORE = `CREATE TYPE public.order_status AS ENUM ('pending', 'paid', 'refunded');
      ${USERS}
      CREATE TABLE public.legacy_sessions (id bigint PRIMARY KEY);`;

    for (const [name, beforeSql] of [['run-123', USERS], ['shop-mixed', SHOP_BEFORE]]) {
      it(name, async (t) => {
        if (!ready(t, 'postgres')) return;
        const server = servers.postgres;
        const result = generate(readExample(name), 'PostgreSQL', { migrationTool: 'liquibase', allowDestructive: true });
        const steps = result.statements;
        // The state after the first k steps, built by running their SQL directly.
        const states = [];
        for (let k = 0; k <= steps.length; k++) {
          await fresh(server, 'lb_prefix', beforeSql);
          for (const s of steps.slice(0, k)) await server.exec(s.sql, 'lb_prefix');
          states.push(await catalog(server, 'lb_prefix'));
        }
        const dir = writeChangelog(result);
        try {
          await fresh(server, 'lb_steps', beforeSql);
          const up = await liquibase(server, 'lb_steps', dir, 'update');
          assert.equal(up.code, 0, up.output.slice(-3000));
          same(await catalog(server, 'lb_steps'), states[steps.length], `${name} after update`);
          for (let k = steps.length; k >= 1; k--) {
            const back = await liquibase(server, 'lb_steps', dir, 'rollback-count', ['--count=1']);
            if (!steps[k - 1].reverse_sql) {
              // Irreversible: Liquibase refuses, and nothing changes.
              assert.notEqual(back.code, 0, `${name}: step ${k} (${steps[k - 1].operation}) has no rollback, yet it rolled back`);
              assert.match(back.output, /does not support automatic rollback generation for raw sql changes/);
              same(await catalog(server, 'lb_steps'), states[k], `${name} after the refused rollback of step ${k}`);
              return;
            }
            assert.equal(back.code, 0, `${name}: rollback of step ${k} (${steps[k - 1].operation}) failed:\n${back.output.slice(-3000)}`);
            same(await catalog(server, 'lb_steps'), states[k - 1], `${name} after rolling back step ${k} (${steps[k - 1].operation})`);
          }
        } finally {
          fs.rmSync(dir, { recursive: true, force: true });
        }
      });
    }
  });

  // The precondition block as Liquibase's own precondition: an object already there in another
  // shape halts the update before its first changeset, naming the object, and nothing is run.
  for (const [dialect, before, message] of [
    ['postgres', 'CREATE TABLE public.users (id uuid PRIMARY KEY, last_login_at text);',
      /Expected 'ok' got 'table public\.users already exists and differs from this migration: last_login_at is text, not TIMESTAMP WITH TIME ZONE'/],
    ['mysql', 'CREATE TABLE users (id INT PRIMARY KEY, last_login_at TEXT);',
      /Expected 'ok' got 'users\.last_login_at is not timestamp'/],
  ]) {
    it(`${dialect}: an object in another shape halts the update at the precondition`, async (t) => {
      if (!ready(t, dialect)) return;
      const server = servers[dialect];
      const result = generate(readExample('run-123'), dialect === 'postgres' ? 'PostgreSQL' : 'MySQL', { migrationTool: 'liquibase' });
      const dir = writeChangelog(result);
      try {
        const db = `lb_${dialect}_pre`;
        await fresh(server, db, before);
        const up = await liquibase(server, db, dir, 'update');
        assert.notEqual(up.code, 0, up.output.slice(-3000));
        assert.match(up.output, message);
        // No changeset is recorded (on MariaDB the history table may not even exist yet).
        const history = dialect === 'postgres'
          ? "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND lower(table_name) = 'databasechangelog';"
          : "SELECT table_name FROM information_schema.tables WHERE table_schema = DATABASE() AND LOWER(table_name) = 'databasechangelog';";
        const table = (await server.query(history, db)).trim();
        if (table) assert.equal((await server.query(`SELECT COUNT(*) FROM ${table};`, db)).trim(), '0', 'no changeset ran');
        const type = dialect === 'postgres'
          ? "SELECT data_type FROM information_schema.columns WHERE table_name = 'users' AND column_name = 'last_login_at';"
          : "SELECT data_type FROM information_schema.columns WHERE table_schema = DATABASE() AND table_name = 'users' AND column_name = 'last_login_at';";
        assert.equal((await server.query(type, db)).trim(), 'text', 'the column is left as it was');
        // As the report found it, the same changelog runs.
        await fresh(server, db, before.replace(/, last_login_at [a-z]+/i, ''));
        const ok = await liquibase(server, db, dir, 'update');
        assert.equal(ok.code, 0, ok.output.slice(-3000));
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  }

  for (const dialect of ['postgres', 'mysql']) {
    describe(`corpus cases (${dialect})`, { concurrency: 1 }, () => {
      const cases = reversibleCases(dialect).slice(0, CORPUS_PER_DIALECT);
      it('has enough reversible cases', () => assert.equal(cases.length, CORPUS_PER_DIALECT));
      for (const c of cases) {
        it(c.id, async (t) => {
          if (!ready(t, dialect)) return;
          await roundTrip(dialect, c.id, c.beforeSql, c.desiredSql, JSON.stringify(c.summary));
        });
      }
    });
  }
});
