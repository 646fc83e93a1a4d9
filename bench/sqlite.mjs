// SQLite generation against PostgreSQL's, on the benchmark's reports (bench/reports.mjs), in turn:
//   node --expose-gc bench/sqlite.mjs [--rounds R] [--calls C] [--n N,N,...]
// Each round and scenario runs in a fresh Node process that loads the built module (pkg/wasm),
// warms both dialects for a second each (warmUp in stats.mjs), then calls them in turn, C calls
// each (`global.gc()` before each), the order turning from call to call. Prints, per size and
// scenario, the median wall and CPU time of a call for each dialect and the median over the
// rounds of SQLite's ratio to PostgreSQL (the target: at most 1.5).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { reportText, SCENARIOS } from './reports.mjs';
import { median, warmUp } from './stats.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DIALECTS = ['PostgreSQL', 'SQLite'];
const args = process.argv.slice(2);

if (args[0] === '--child') {
  const [, reportPath, calls] = args;
  const text = fs.readFileSync(reportPath, 'utf8');
  const glue = await import(path.join(root, 'pkg', 'wasm', 'smartspec_data_migration_generator.js'));
  glue.initSync({ module: fs.readFileSync(path.join(root, 'pkg', 'wasm', 'smartspec_data_migration_generator_bg.wasm')) });
  const run = (d) => glue.generate(text, d, { migrationTool: 'flyway', allowDestructive: true });
  const times = Object.fromEntries(DIALECTS.map((d) => [d, { wall: [], cpu: [] }]));
  for (const d of DIALECTS) await warmUp(() => run(d));
  for (let i = 0; i < Number(calls); i++) {
    const order = i % 2 ? [...DIALECTS].reverse() : DIALECTS;
    for (const d of order) {
      globalThis.gc();
      const c0 = process.cpuUsage();
      const t0 = process.hrtime.bigint();
      run(d);
      const t1 = process.hrtime.bigint();
      const c = process.cpuUsage(c0);
      times[d].wall.push(Number(t1 - t0) / 1e6);
      times[d].cpu.push((c.user + c.system) / 1e3);
    }
  }
  const out = Object.fromEntries(DIALECTS.map((d) => [d, { wall: median(times[d].wall), cpu: median(times[d].cpu) }]));
  process.stdout.write(`${JSON.stringify(out)}\n`);
  process.exit(0);
}

const flag = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : dflt;
};
const rounds = Number(flag('--rounds', 5));
const calls = Number(flag('--calls', 10));
const sizes = flag('--n', '100,1000').split(',').map(Number);
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-sqlite-'));

console.log(`SQLite against PostgreSQL, in turn: ${rounds} rounds × ${calls} calls each, flyway, warm`);
console.log('| tables | scenario | PostgreSQL wall ms | SQLite wall ms | PostgreSQL CPU ms | SQLite CPU ms | SQLite/PostgreSQL (wall) | (CPU) |');
console.log('|---|---|---|---|---|---|---|---|');
for (const n of sizes) {
  for (const scenario of SCENARIOS) {
    const file = path.join(tmp, `${scenario}-${n}.json`);
    fs.writeFileSync(file, reportText(n, scenario));
    const results = [];
    for (let r = 0; r < rounds; r++) {
      const out = execFileSync(process.execPath, ['--expose-gc', fileURLToPath(import.meta.url), '--child', file, String(calls)], { encoding: 'utf8', maxBuffer: 1 << 26 });
      results.push(JSON.parse(out));
    }
    const m = (d, k) => median(results.map((x) => x[d][k]));
    const ratio = (k) => median(results.map((x) => x.SQLite[k] / x.PostgreSQL[k]));
    console.log(`| ${n} | ${scenario} | ${m('PostgreSQL', 'wall').toFixed(2)} | ${m('SQLite', 'wall').toFixed(2)} | ${m('PostgreSQL', 'cpu').toFixed(2)} | ${m('SQLite', 'cpu').toFixed(2)} | ${ratio('wall').toFixed(2)} | ${ratio('cpu').toFixed(2)} |`);
  }
}
fs.rmSync(tmp, { recursive: true, force: true });
