#!/usr/bin/env node
// Two builds of the package, timed in turn in one run: what a change of the core did to
// generate()'s time and memory and to the module's size.
//
//   node bench/compare.mjs --before <package dir> [--after <package dir>, default pkg/]
//   node bench/compare.mjs --rev <git revision> [--after ...]
//        [--rounds R] [--sizes 10000] [--scenarios create,addcol] [--drizzle] [--out <file>]
//
// A package dir is one that holds wasm/ as scripts/build.sh writes it (the repository's pkg/, or
// a copy). `--rev` builds that revision's package instead, in a temporary git worktree, with its
// own scripts/build.sh, and uses it as "before". That build (release, then wasm-opt) takes about
// 3 minutes on the project's shared 2-core machine: 211 s the first time, 172 s once the
// dependencies are compiled (they stay in a cargo target folder in the system's temporary
// folder, smartspec-compare-target), both at a load average of 10 to 13. The worktree is removed
// at the end.
//
// The reports are bench/reports.mjs's (N tables × 8 columns, create and addcol). For each size
// and scenario, R rounds, each of one fresh Node process per build, the builds taking turns and
// the one that goes first alternating from round to round. Each process is bench/cases/wasm.mjs
// (as bench/run.mjs runs it): initSync, the first generate() of the process, then warm calls
// after a second of untimed ones (GC before each), each in wall time and in the process's CPU
// time, and the wasm linear memory after the first call (it never shrinks: the peak of that
// call). Per build: the median of every warm sample of every round, the median first call, the
// median linear memory and its ratio to the report's size, and the spread of the processes' own
// warm medians. Then the .wasm files' sizes, raw and gzipped (zlib level 9, as bench/run.mjs and
// tests/size-budget.test.mjs), and after / before for each figure. Both builds must write the
// same SQL (same statement count and size) for a report, or the script says so.
//
// `--drizzle` adds the peer to every round (bench/cases/drizzle.mjs, after the two builds: a
// minute or more a process at N = 10 000) and prints drizzle-kit warm / warm generate() for each
// build, the ratio of bench/run.mjs's table, both from the same rounds.
//
// On a shared machine wall times move by tens of percent from one minute to the next (a process
// waiting for a core): ratios of builds measured in turn hold better than either time, and CPU
// time better than wall time (compare a build with itself, `--before pkg --after pkg`, to see
// how far the ratios move by chance: at N = 10 000, with 3 rounds at a load average of 10 to 14
// on 2 cores, 0.75 to 1.96 for warm wall time and 0.97 to 1.05 for CPU time).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';
import { reportText, SCENARIOS } from './reports.mjs';
import { median } from './stats.mjs';

const bench = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(bench, '..');
const WASM = path.join('wasm', 'smartspec_data_migration_generator_bg.wasm');

const args = process.argv.slice(2);
const value = (name, fallback) => {
  const i = args.indexOf(name);
  return i === -1 ? fallback : args[i + 1];
};
const ROUNDS = Number(value('--rounds', '3'));
const SIZES = value('--sizes', '10000').split(',').map(Number);
const CHOSEN = value('--scenarios', SCENARIOS.join(',')).split(',');
const OUT = value('--out', null);
const DRIZZLE = args.includes('--drizzle');
const REV = value('--rev', null);
let BEFORE = value('--before', null);
const AFTER = path.resolve(value('--after', path.join(root, 'pkg')));
// Warm calls per process, as bench/run.mjs.
const ITER = (n) => (n <= 10 ? 30 : n <= 1000 ? 15 : 7);
const ITER_DRIZZLE = (n) => (n <= 10 ? 10 : n <= 1000 ? 5 : 3);

const say = (line) => process.stderr.write(`==> ${line}\n`);
const loadavg = () => os.loadavg()[0];
if (!!REV === !!BEFORE) {
  console.error('give one of --before <package dir> and --rev <git revision>');
  process.exit(2);
}
for (const s of CHOSEN) if (!SCENARIOS.includes(s)) throw new Error(`unknown scenario ${s} (${SCENARIOS.join(', ')})`);

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'smartspec-compare-'));
const cleanups = [() => fs.rmSync(tmp, { recursive: true, force: true })];
process.on('exit', () => cleanups.reverse().forEach((f) => f()));
process.on('SIGINT', () => process.exit(130));

function run(cmd, argv, opts = {}) {
  const r = spawnSync(cmd, argv, { encoding: 'utf8', maxBuffer: 64 << 20, ...opts });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`${cmd} ${argv.join(' ')} exited with ${r.status}:\n${r.stderr}`);
  return r;
}

if (REV) {
  const dir = path.join(tmp, 'rev');
  const commit = run('git', ['rev-parse', '--verify', `${REV}^{commit}`], { cwd: root }).stdout.trim();
  say(`building ${REV} (${commit.slice(0, 7)}) in a temporary worktree`);
  run('git', ['worktree', 'add', '--detach', '--quiet', dir, commit], { cwd: root });
  cleanups.push(() => spawnSync('git', ['worktree', 'remove', '--force', dir], { cwd: root }));
  const t0 = Date.now();
  run(path.join(dir, 'scripts', 'build.sh'), [], {
    cwd: dir,
    stdio: ['ignore', 'inherit', 'inherit'],
    env: {
      ...process.env,
      // wasm-opt (npm binaryen) and wasm-bindgen as this checkout has them.
      PATH: `${path.join(root, 'node_modules', '.bin')}:${os.homedir()}/.cargo/bin:${process.env.PATH}`,
      CARGO_TARGET_DIR: path.join(os.tmpdir(), 'smartspec-compare-target'),
    },
  });
  say(`built in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  BEFORE = path.join(dir, 'pkg');
}
BEFORE = path.resolve(BEFORE);

const builds = [
  { key: 'before', dir: BEFORE, label: REV ? `${REV} (built)` : BEFORE },
  { key: 'after', dir: AFTER, label: AFTER },
];
for (const b of builds) {
  if (!fs.existsSync(path.join(b.dir, WASM))) throw new Error(`${path.join(b.dir, WASM)} is missing (scripts/build.sh)`);
}
if (DRIZZLE && !fs.existsSync(path.join(bench, 'node_modules', 'drizzle-kit'))) {
  say('installing the peer (drizzle-kit, drizzle-orm) into bench/node_modules');
  run('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: bench, stdio: 'inherit' });
}

const child = (argv) => JSON.parse(run(process.execPath, ['--expose-gc', ...argv], { cwd: bench }).stdout.trim().split('\n').pop());
const measure = (build, file, n) => child([path.join(bench, 'cases', 'wasm.mjs'), file, String(ITER(n)), build.dir]);

const load = { start: loadavg() };
const cases = [];
for (const n of SIZES) {
  for (const scenario of CHOSEN) {
    const text = reportText(n, scenario);
    const file = path.join(tmp, `report-${scenario}-${n}.json`);
    fs.writeFileSync(file, text);
    const c = { n, scenario, report_bytes: Buffer.byteLength(text), before: [], after: [], drizzle: [] };
    for (let round = 0; round < ROUNDS; round++) {
      const order = round % 2 ? [builds[1], builds[0]] : builds;
      for (const b of order) {
        say(`N = ${n} ${scenario}, round ${round + 1}/${ROUNDS}: ${b.key}`);
        c[b.key].push(measure(b, file, n));
      }
      if (DRIZZLE) {
        say(`N = ${n} ${scenario}, round ${round + 1}/${ROUNDS}: drizzle-kit`);
        c.drizzle.push(child([path.join(bench, 'cases', 'drizzle.mjs'), String(n), scenario, String(ITER_DRIZZLE(n))]));
      }
    }
    fs.rmSync(file);
    cases.push(c);
  }
}
load.end = loadavg();

// ---------------------------------------------------------------------------------------------
// Figures.

function summary(runs, reportBytes) {
  const memory = median(runs.map((r) => r.wasm_memory_after_first));
  const perProcess = runs.map((r) => median(r.warm_ms));
  return {
    warm_ms: median(runs.flatMap((r) => r.warm_ms)),
    warm_cpu_ms: median(runs.flatMap((r) => r.warm_cpu_ms)),
    first_cpu_ms: median(runs.map((r) => r.first_cpu_ms)),
    warm_process_medians_ms: perProcess,
    first_ms: median(runs.map((r) => r.first_ms)),
    first_calls_ms: runs.map((r) => r.first_ms),
    memory_bytes: memory,
    memory_over_report: memory / reportBytes,
    sql_bytes: runs[0].sql_bytes,
    statements: runs[0].statements,
    same_output_every_run: runs.every((r) => r.sql_bytes === runs[0].sql_bytes && r.statements === runs[0].statements),
  };
}
const size = (dir) => {
  const bytes = fs.readFileSync(path.join(dir, WASM));
  return { raw: bytes.length, gzip: zlib.gzipSync(bytes, { level: 9 }).length };
};

const results = {
  date: new Date().toISOString(),
  command: `node bench/compare.mjs ${args.join(' ')}`,
  before: builds[0].label,
  after: builds[1].label,
  rounds: ROUNDS,
  load,
  size: { before: size(BEFORE), after: size(AFTER) },
  cases: cases.map((c) => ({
    n: c.n,
    scenario: c.scenario,
    report_bytes: c.report_bytes,
    before: summary(c.before, c.report_bytes),
    after: summary(c.after, c.report_bytes),
    drizzle_warm_ms: DRIZZLE ? median(c.drizzle.flatMap((r) => r.warm_ms)) : null,
    drizzle_warm_cpu_ms: DRIZZLE ? median(c.drizzle.flatMap((r) => r.warm_cpu_ms)) : null,
  })),
};
if (OUT) fs.writeFileSync(OUT, `${JSON.stringify({ ...results, samples: cases }, null, 1)}\n`);

const f = (x, d = 1) => (x == null ? '–' : x.toFixed(d));
const ratio = (a, b) => `${(a / b).toFixed(3)}×`;
const spread = (xs) => `${f(Math.min(...xs))} to ${f(Math.max(...xs))}`;
console.log(`before: ${results.before}`);
console.log(`after:  ${results.after}`);
console.log(`${ROUNDS} round(s), one process per build a round; load average (1 min) ${f(load.start, 2)} at start, ${f(load.end, 2)} at end`);
console.log('');
const rows = [['N', 'scenario', 'report', 'measure', 'before', 'after', 'after / before']];
for (const c of results.cases) {
  const { before: b, after: a } = c;
  const head = [c.n.toLocaleString('en-US').replace(/,/g, ' '), c.scenario, `${(c.report_bytes / 1e6).toFixed(2)} MB`];
  rows.push([...head, 'warm generate(), ms (median of all samples)', f(b.warm_ms, 2), f(a.warm_ms, 2), ratio(a.warm_ms, b.warm_ms)]);
  rows.push(['', '', '', "  processes' own warm medians, ms", spread(b.warm_process_medians_ms), spread(a.warm_process_medians_ms), '']);
  rows.push(['', '', '', '  the same in CPU time, ms', f(b.warm_cpu_ms, 2), f(a.warm_cpu_ms, 2), ratio(a.warm_cpu_ms, b.warm_cpu_ms)]);
  rows.push(['', '', '', 'first call, ms (median)', f(b.first_ms), f(a.first_ms), ratio(a.first_ms, b.first_ms)]);
  rows.push(['', '', '', '  the same in CPU time, ms', f(b.first_cpu_ms), f(a.first_cpu_ms), ratio(a.first_cpu_ms, b.first_cpu_ms)]);
  rows.push(['', '', '', 'linear memory after the first call, MB', f(b.memory_bytes / 1e6, 2), f(a.memory_bytes / 1e6, 2), ratio(a.memory_bytes, b.memory_bytes)]);
  rows.push(['', '', '', '  × the report', `${f(b.memory_over_report, 2)}×`, `${f(a.memory_over_report, 2)}×`, '']);
  const same = b.sql_bytes === a.sql_bytes && b.statements === a.statements && b.same_output_every_run && a.same_output_every_run;
  if (c.drizzle_warm_ms != null) {
    rows.push(['', '', '', 'drizzle-kit warm, ms (same rounds)', f(c.drizzle_warm_ms), '', '']);
    rows.push(['', '', '', '  drizzle-kit / warm generate()', `${f(c.drizzle_warm_ms / b.warm_ms)}×`, `${f(c.drizzle_warm_ms / a.warm_ms)}×`, '']);
    rows.push(['', '', '', 'drizzle-kit warm, CPU ms', f(c.drizzle_warm_cpu_ms), '', '']);
    rows.push(['', '', '', '  drizzle-kit / warm generate(), CPU time', `${f(c.drizzle_warm_cpu_ms / b.warm_cpu_ms)}×`, `${f(c.drizzle_warm_cpu_ms / a.warm_cpu_ms)}×`, '']);
  }
  rows.push(['', '', '', 'SQL, statements', `${b.sql_bytes} B, ${b.statements}`, `${a.sql_bytes} B, ${a.statements}`, same ? 'same' : 'DIFFERENT']);
}
const { before: sb, after: sa } = results.size;
rows.push(['', '', '', '.wasm raw, bytes', String(sb.raw), String(sa.raw), ratio(sa.raw, sb.raw)]);
rows.push(['', '', '', '.wasm gzipped (zlib 9), bytes', String(sb.gzip), String(sa.gzip), ratio(sa.gzip, sb.gzip)]);
const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
for (const r of rows) console.log(r.map((cell, i) => (i < 4 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  ').trimEnd());
if (results.cases.some((c) => c.before.sql_bytes !== c.after.sql_bytes || c.before.statements !== c.after.statements)) {
  console.log('\nThe builds write different SQL for the same report: the figures compare different work.');
}
