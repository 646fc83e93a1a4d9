#!/usr/bin/env node
// Where generate() spends its time in Node, by function: the CPU profile of warm calls (after one
// untimed call) on a synthetic report, top functions by self time.
//   node --expose-gc bench/profile.mjs [N] [create|addcol] [calls] [--save <file.cpuprofile>]
// The shipped module has no names (wasm-opt drops them), so this one is made by wasm-bindgen from
// cargo's output as scripts/build.sh leaves it (target/wasm32-unknown-unknown/release), which keeps
// its name section; it is the same code before wasm-opt.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { Session } from 'node:inspector';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { reportText } from './reports.mjs';

const bench = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(bench, '..');
const args = process.argv.slice(2);
const saveAt = args.indexOf('--save');
const save = saveAt === -1 ? null : args.splice(saveAt, 2)[1];
const n = Number(args[0] ?? 10000);
const scenario = args[1] ?? 'create';
const calls = Number(args[2] ?? 3);

const name = 'smartspec_data_migration_generator';
const raw = path.join(process.env.CARGO_TARGET_DIR ?? path.join(root, 'target'), 'wasm32-unknown-unknown', 'release', `${name}.wasm`);
if (!fs.existsSync(raw)) {
  console.error(`${raw} is missing: run scripts/build.sh`);
  process.exit(2);
}
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'smartspec-profile-'));
process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
const wb = spawnSync('wasm-bindgen', ['--target', 'web', '--out-dir', dir, '--out-name', 'named', raw], {
  stdio: 'inherit',
  env: { ...process.env, PATH: `${os.homedir()}/.cargo/bin:${process.env.PATH}` },
});
if (wb.status !== 0) process.exit(1);

const glue = await import(path.join(dir, 'named.js'));
glue.initSync({ module: fs.readFileSync(path.join(dir, 'named_bg.wasm')) });
const text = reportText(n, scenario);
glue.generate(text, null, null);

const session = new Session();
session.connect();
const post = (method, params) =>
  new Promise((resolve, reject) => session.post(method, params, (e, r) => (e ? reject(e) : resolve(r))));
await post('Profiler.enable');
await post('Profiler.setSamplingInterval', { interval: 200 });
await post('Profiler.start');
const t0 = process.hrtime.bigint();
for (let i = 0; i < calls; i++) {
  globalThis.gc?.();
  glue.generate(text, null, null);
}
const wall = Number(process.hrtime.bigint() - t0) / 1e6;
const { profile } = await post('Profiler.stop');
if (save) fs.writeFileSync(save, JSON.stringify(profile));

const byId = new Map(profile.nodes.map((x) => [x.id, x]));
const self = new Map();
let total = 0;
profile.samples.forEach((id, i) => {
  const node = byId.get(id);
  const dt = profile.timeDeltas[i] ?? 0;
  const f = node.callFrame;
  const key = f.functionName || `(${path.basename(f.url) || 'native'}:${f.lineNumber + 1})`;
  self.set(key, (self.get(key) ?? 0) + dt);
  total += dt;
});
console.log(`N = ${n} ${scenario}: ${calls} warm call(s), ${(wall / calls).toFixed(0)} ms each; top functions by self time`);
for (const [key, us] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 25)) {
  const clean = key.replace(/\[[0-9a-f]{16}\]/g, '').replace(/::h[0-9a-f]{16}$/, '');
  console.log(`${(us / 1000 / calls).toFixed(1).padStart(8)} ms  ${((100 * us) / total).toFixed(1).padStart(5)}%  ${clean.slice(0, 130)}`);
}
