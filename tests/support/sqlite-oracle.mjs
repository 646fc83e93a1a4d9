// The Node side of the SQLite oracle (tests/support/sqlite_oracle.py does the work on the engine).
//
//   const oracle = await startOracle();   one python3 process for the whole suite
//   await oracle.run(job)                  -> the engine's answer (see sqlite_oracle.py)
//   await oracle.tables(sql)               -> the names of the tables `sql` creates
//   await oracle.columns(sql)              -> { table: [column names] } for the same
//   await oracle.reference(fromSql, toSql) -> Files of the manual's rebuild, to test the oracle itself
//   oracle.stop()
//
//   toolFiles(result, tool) -> { up: File[], down: File[] | null }   how each tool runs the files:
//     flyway     V files in order, each in a transaction unless its `.conf` says
//                executeInTransaction=false; the U files (undo) in reverse order the same way
//     liquibase  each changeset in a transaction unless runInTransaction:false; the rollback is
//                the changesets' `--rollback` lines, last changeset first
//     raw-sql    the up file as a plain script (autocommit, stops at the first error, as
//                `sqlite3 db < file` with .bail on); the down file the same way
//   File = { name, sql, tx }

import { spawn } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';

const ENGINE = path.join(path.dirname(fileURLToPath(import.meta.url)), 'sqlite_oracle.py');

export async function startOracle() {
  const child = spawn(process.env.PYTHON ?? 'python3', [ENGINE], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => { stderr += d; });
  const lines = readline.createInterface({ input: child.stdout });
  const waiting = [];
  let dead = null;
  lines.on('line', (line) => waiting.shift()?.resolve(JSON.parse(line)));
  child.on('exit', (code) => {
    dead = new Error(`the SQLite oracle (python3 ${ENGINE}) exited with ${code}: ${stderr.trim()}`);
    for (const w of waiting.splice(0)) w.reject(dead);
  });
  child.on('error', (e) => {
    dead = e;
    for (const w of waiting.splice(0)) w.reject(e);
  });
  // Queued: one answer per job, in order.
  let chain = Promise.resolve();
  const ask = (job) => {
    const p = chain.then(() => new Promise((resolve, reject) => {
      if (dead) return reject(dead);
      waiting.push({ resolve, reject });
      child.stdin.write(`${JSON.stringify(job)}\n`);
    }));
    chain = p.catch(() => {});
    return p;
  };
  // The engine answers this only when python3 and its sqlite3 module work.
  const probe = await ask({ op: 'version' });
  return {
    version: probe.sqlite_version,
    run: (job) => ask(job),
    tables: async (sql) => Object.keys((await ask({ op: 'tables', sql })).tables),
    columns: async (sql) => (await ask({ op: 'tables', sql })).tables,
    reference: async (fromSql, toSql) => (await ask({ op: 'reference', from: fromSql, to: toSql })).files,
    stop: () => { child.stdin.end(); },
  };
}

/** Liquibase formatted SQL: its changesets, each with its rollback. */
export function liquibaseChangesets(text) {
  const sets = [];
  let cur = null;
  for (const line of text.split('\n')) {
    const m = /^--changeset\s+(\S+)(.*)$/.exec(line);
    if (m) {
      cur = { id: m[1], tx: !/runInTransaction:false/.test(m[2]), body: [], rollback: [] };
      sets.push(cur);
      continue;
    }
    if (!cur) continue;
    const r = /^--rollback\s?(.*)$/.exec(line);
    if (r) cur.rollback.push(r[1]);
    else if (!/^--comment:/.test(line)) cur.body.push(line);
  }
  return sets.map((s) => ({ ...s, body: s.body.join('\n').trim(), rollback: s.rollback.join('\n').trim() }));
}

export function toolFiles(result, tool) {
  const files = result.files;
  const conf = (f) => files.find((c) => c.name === `${f.name}.conf`);
  const inTx = (f) => !/executeInTransaction\s*=\s*false/.test(conf(f)?.content ?? '');
  if (tool === 'flyway') {
    const up = files.filter((f) => f.role === 'migration').sort((a, b) => flywayOrder(a.name, b.name))
      .map((f) => ({ name: f.name, sql: f.content, tx: inTx(f) }));
    const undo = files.filter((f) => f.role === 'undo').sort((a, b) => flywayOrder(b.name, a.name))
      .map((f) => ({ name: f.name, sql: f.content, tx: inTx(f) }));
    return { up, down: undo.length ? undo : null };
  }
  if (tool === 'raw-sql') {
    const up = files.filter((f) => f.role === 'up').map((f) => ({ name: f.name, sql: f.content, tx: false }));
    const down = files.filter((f) => f.role === 'down').map((f) => ({ name: f.name, sql: f.content, tx: false }));
    return { up, down: down.length ? down : null };
  }
  if (tool === 'liquibase') {
    const log = files.find((f) => f.role === 'changelog');
    const sets = liquibaseChangesets(log.content);
    const up = sets.map((s) => ({ name: `${log.name} ${s.id}`, sql: s.body, tx: s.tx }));
    const down = sets.slice().reverse().filter((s) => s.rollback)
      .map((s) => ({ name: `${log.name} ${s.id} rollback`, sql: s.rollback, tx: s.tx }));
    return { up, down: sets.every((s) => s.rollback || !s.body) ? down : null };
  }
  throw new Error(`no runner for ${tool}`);
}

/** Flyway's version order: V<major>[.<part>]__… compared part by part as numbers. */
function flywayOrder(a, b) {
  const v = (n) => /^[VU]([\d.]+)__/.exec(n)?.[1].split('.').map(Number) ?? [];
  const x = v(a);
  const y = v(b);
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const d = (x[i] ?? -1) - (y[i] ?? -1);
    if (d) return d;
  }
  return a < b ? -1 : a > b ? 1 : 0;
}
