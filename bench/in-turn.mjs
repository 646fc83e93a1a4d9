// Two or more builds of the module timed in turn, warm, on the benchmark's reports:
//   node bench/in-turn.mjs [--rounds R] [--calls C] [--n N] NAME=PKGDIR NAME=PKGDIR ...
// PKGDIR is a package folder holding wasm/ (pkg/, or a copy of it made before a change). Each round
// and scenario (create, addcol) runs in a fresh Node process that loads every build side by side,
// warms each for a second (warmUp in stats.mjs), then calls them in turn, C calls each
// (`global.gc()` before each); the builds' order turns from round to round. Prints, per scenario and
// build, the median wall and CPU time (process.cpuUsage) of a call, and the median over the rounds
// of each build's ratio to the first build within the round; then each module's size. On a busy
// host the CPU time's ratios hold better than the wall time's.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { makeReport, SCENARIOS } from './reports.mjs';
import { median, warmUp } from './stats.mjs';

const WASM = 'smartspec_data_migration_generator_bg.wasm';
const GLUE = 'smartspec_data_migration_generator.js';

const args = process.argv.slice(2);
if (args[0] === '--child') {
  // One process: node --expose-gc in-turn.mjs --child <report.json> <calls> NAME=PKGDIR ...
  const [, reportPath, calls, ...builds] = args;
  const text = fs.readFileSync(reportPath, 'utf8');
  const loaded = [];
  for (const b of builds) {
    const [name, dir] = b.split('=');
    const glue = await import(path.join(path.resolve(dir), 'wasm', GLUE));
    glue.initSync({ module: fs.readFileSync(path.join(dir, 'wasm', WASM)) });
    loaded.push({ name, glue, wall: [], cpu: [] });
  }
  for (const b of loaded) await warmUp(() => b.glue.generate(text, 'PostgreSQL', null));
  for (let i = 0; i < Number(calls); i++) {
    for (const b of loaded) {
      globalThis.gc();
      const c0 = process.cpuUsage();
      const t0 = process.hrtime.bigint();
      b.glue.generate(text, 'PostgreSQL', null);
      const t1 = process.hrtime.bigint();
      const c = process.cpuUsage(c0);
      b.wall.push(Number(t1 - t0) / 1e6);
      b.cpu.push((c.user + c.system) / 1e3);
    }
  }
  const out = Object.fromEntries(loaded.map((b) => [b.name, { wall: median(b.wall), cpu: median(b.cpu) }]));
  process.stdout.write(`${JSON.stringify(out)}\n`);
  process.exit(0);
}

const flag = (name, fallback) => {
  const i = args.indexOf(name);
  if (i < 0) return fallback;
  const value = Number(args[i + 1]);
  args.splice(i, 2);
  return value;
};
const rounds = flag('--rounds', 5);
const calls = flag('--calls', 9);
const n = flag('--n', 10_000);
const builds = args;
if (builds.length < 2 || builds.some((b) => !/^[^=]+=.+/.test(b))) {
  console.error('usage: node bench/in-turn.mjs [--rounds R] [--calls C] [--n N] NAME=PKGDIR NAME=PKGDIR ...');
  process.exit(2);
}
const names = builds.map((b) => b.split('=')[0]);
const self = fileURLToPath(import.meta.url);
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'in-turn-'));
const results = {};
try {
  for (const scenario of SCENARIOS) fs.writeFileSync(path.join(tmp, `${scenario}.json`), JSON.stringify(makeReport(n, scenario)));
  for (let r = 0; r < rounds; r++) {
    for (const scenario of SCENARIOS) {
      const order = builds.map((_, i) => builds[(i + r) % builds.length]);
      const out = execFileSync('node', ['--expose-gc', self, '--child', path.join(tmp, `${scenario}.json`), String(calls), ...order], { encoding: 'utf8' });
      (results[scenario] ??= []).push(JSON.parse(out.trim().split('\n').pop()));
    }
  }
} finally {
  fs.rmSync(tmp, { recursive: true, force: true });
}
const f = (x) => x.toFixed(1);
console.log(`N = ${n}, ${rounds} rounds of ${calls} calls a build; ratios to ${names[0]}, within each round`);
for (const scenario of SCENARIOS) {
  for (const name of names) {
    const runs = results[scenario];
    const ratio = (key) => median(runs.map((o) => o[name][key] / o[names[0]][key])).toFixed(3);
    const each = runs.map((o) => (o[name].cpu / o[names[0]].cpu).toFixed(2)).join(' ');
    console.log(`${scenario.padEnd(7)} ${name.padEnd(12)} wall ${f(median(runs.map((o) => o[name].wall)))} ms (${ratio('wall')}×)  cpu ${f(median(runs.map((o) => o[name].cpu)))} ms (${ratio('cpu')}×; rounds ${each})`);
  }
}
for (const b of builds) {
  const [name, dir] = b.split('=');
  const bytes = fs.readFileSync(path.join(dir, 'wasm', WASM));
  console.log(`size    ${name.padEnd(12)} ${bytes.length} B raw, ${zlib.gzipSync(bytes, { level: 9 }).length} B gzipped (zlib level 9)`);
}
