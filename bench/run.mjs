#!/usr/bin/env node
// The benchmark (`make bench`, or `node bench/run.mjs` after scripts/build.sh): synthetic reports of
// N tables × 8 columns (bench/reports.mjs), "create" and "addcol", for N = 10, 1 000 and 10 000.
// In one run, each measure in a fresh process, one after the other:
//   wasm         generate() through the built module in Node: init, first call, warm median;
//                wasm linear memory and resident set (cases/wasm.mjs)
//   boundary     the report as JSON text vs as an object, and the input side alone: the core's
//                reader, serde_json and serde-wasm-bindgen, built into bench/object-in
//                (cases/boundary.mjs)
//   native       the core in process (bench/native): read, generate, output JSON, warm median
//   process      target/release/smartspec-generate --sql, wall time and peak RSS (/usr/bin/time -v)
//   cli          node pkg/bin/cli.js, cold, end to end, in a temporary project folder
//   drizzle-kit  generateMigration on the same change set (cases/drizzle.mjs)
// and the cold CLI on the shipped example (examples/run-123). Also, as figures that let runs on
// different days be compared (the VM's speed varies from day to day):
//   calibration  a fixed loop of integer arithmetic in Node, at the start and at the end
//                (cases/calibrate.mjs)
//   instructions what bench/native executes for N = 1 000, create and addcol (one read of the
//                report, then one generate_packed_text), counted by valgrind's callgrind: the
//                same for the same build and input whatever the machine is doing
// Prints a table and the ratios, and writes everything to bench/results.json.
//
// Flags: --sizes 10,1000   which N (default 10,1000,10000)
//        --no-drizzle      skip the peer
//        --no-build        use the bench crates as they are (bench/target, bench/object-in/pkg)
//        --rounds R        run every case R times, round by round, and take the median (default 1)
//        --out <file>      where to write the results (default bench/results.json)
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';
import { reportText, SCENARIOS } from './reports.mjs';
import { median, ms } from './stats.mjs';

const bench = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(bench, '..');
const args = process.argv.slice(2);
const flag = (name) => args.includes(name);
const value = (name, fallback) => {
  const i = args.indexOf(name);
  return i === -1 ? fallback : args[i + 1];
};
const SIZES = value('--sizes', '10,1000,10000').split(',').map(Number);
const OUT = path.resolve(value('--out', path.join(bench, 'results.json')));
const ROUNDS = Number(value('--rounds', '1'));

// Warm iterations per N (medians are taken over these).
const ITER = {
  wasm: (n) => (n <= 10 ? 30 : n <= 1000 ? 15 : 7),
  native: (n) => (n <= 10 ? 30 : n <= 1000 ? 15 : 7),
  process: (n) => (n <= 10 ? 15 : n <= 1000 ? 10 : 5),
  cli: (n) => (n <= 10 ? 10 : n <= 1000 ? 7 : 5),
  drizzle: (n) => (n <= 10 ? 10 : n <= 1000 ? 5 : 3),
};
const CLI_EXAMPLE_RUNS = 20;

const env = { ...process.env, PATH: `${root}/node_modules/.bin:${os.homedir()}/.cargo/bin:${process.env.PATH}` };
const say = (line) => process.stderr.write(`==> ${line}\n`);
const loadavg = () => os.loadavg().map((x) => Math.round(x * 100) / 100);

function run(cmd, argv, opts = {}) {
  const r = spawnSync(cmd, argv, { encoding: 'utf8', maxBuffer: 64 << 20, env, ...opts });
  if (r.error) throw r.error;
  if (r.status !== 0) {
    throw new Error(`${cmd} ${argv.join(' ')} exited with ${r.status}:\n${r.stderr}`);
  }
  return r;
}

/** Runs a measuring child and returns the JSON object it prints last. */
function child(cmd, argv) {
  const r = run(cmd, argv, { cwd: bench });
  const lines = r.stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1]);
}

const node = (script, ...rest) => child(process.execPath, ['--expose-gc', path.join(bench, script), ...rest]);

// ---------------------------------------------------------------------------------------------
// What is measured must be there.

const wasmPath = path.join(root, 'pkg', 'wasm', 'smartspec_data_migration_generator_bg.wasm');
if (!fs.existsSync(wasmPath)) {
  console.error(`${wasmPath} is missing: run scripts/build.sh (make bench builds it first)`);
  process.exit(2);
}
const stale = ['src', 'Cargo.toml', 'Cargo.lock']
  .flatMap((p) => walk(path.join(root, p)))
  .filter((f) => fs.statSync(f).mtimeMs > fs.statSync(wasmPath).mtimeMs);
if (stale.length) say(`warning: ${stale.length} source file(s) are newer than the wasm module (${path.relative(root, stale[0])}, …); run scripts/build.sh`);

function walk(p) {
  if (!fs.existsSync(p)) return [];
  if (!fs.statSync(p).isDirectory()) return [p];
  return fs.readdirSync(p).flatMap((e) => walk(path.join(p, e)));
}

const wantDrizzle = !flag('--no-drizzle');
if (wantDrizzle && !fs.existsSync(path.join(bench, 'node_modules', 'drizzle-kit'))) {
  say('installing the peer (drizzle-kit, drizzle-orm) into bench/node_modules');
  run('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: bench, stdio: 'inherit' });
}

if (!fs.existsSync('/usr/bin/time')) say('warning: /usr/bin/time is missing (Debian package `time`): no peak RSS of processes');

const benchTarget = path.join(bench, 'target');
const cargoEnv = { ...env, CARGO_TARGET_DIR: benchTarget };
if (!flag('--no-build')) {
  say('building target/release/smartspec-generate, bench/native and bench/object-in (incremental)');
  run('cargo', ['build', '--release', '--quiet', '--bin', 'smartspec-generate'], { cwd: root, stdio: 'inherit' });
  run('cargo', ['build', '--release', '--quiet'], { cwd: path.join(bench, 'native'), env: cargoEnv, stdio: 'inherit' });
  run(
    'wasm-pack',
    ['--log-level', 'warn', 'build', '--release', '--target', 'web', '--no-pack', '--out-dir', 'pkg', '--out-name', 'object_in'],
    { cwd: path.join(bench, 'object-in'), env: cargoEnv, stdio: ['ignore', 'ignore', 'inherit'] },
  );
}
const nativeBench = path.join(benchTarget, 'release', 'bench-native');
const nativeCli = path.join(root, 'target', 'release', 'smartspec-generate');
const variantWasm = path.join(bench, 'object-in', 'pkg', 'object_in_bg.wasm');
for (const f of [nativeBench, nativeCli, variantWasm]) {
  if (!fs.existsSync(f)) throw new Error(`${f} is missing (run without --no-build)`);
}

// ---------------------------------------------------------------------------------------------
// Machine, versions, sizes.

const firstLine = (cmd, argv) => {
  try {
    return spawnSync(cmd, argv, { encoding: 'utf8', env }).stdout.trim().split('\n')[0];
  } catch {
    return null;
  }
};
const pkgVersion = (dir) => JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')).version;
const gzipSize = (file) => zlib.gzipSync(fs.readFileSync(file), { level: 9 }).length;
const memTotal = Number(/MemTotal:\s+(\d+)/.exec(fs.readFileSync('/proc/meminfo', 'utf8'))?.[1] ?? 0) * 1024;

const results = {
  date: new Date().toISOString(),
  command: `node bench/run.mjs ${args.join(' ')}`.trim(),
  rounds: ROUNDS,
  machine: {
    cpu: os.cpus()[0]?.model,
    cores: os.cpus().length,
    memory_bytes: memTotal,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
  },
  versions: {
    generator: pkgVersion(path.join(root, 'pkg')),
    node: process.version,
    rustc: firstLine('rustc', ['--version']),
    wasm_bindgen: firstLine('wasm-bindgen', ['--version']),
    drizzle_kit: wantDrizzle ? pkgVersion(path.join(bench, 'node_modules', 'drizzle-kit')) : null,
    drizzle_orm: wantDrizzle ? pkgVersion(path.join(bench, 'node_modules', 'drizzle-orm')) : null,
  },
  load: { start: loadavg() },
  calibration: { start: node('cases/calibrate.mjs') },
  wasm_size: {
    raw: fs.statSync(wasmPath).size,
    gzip: gzipSize(wasmPath),
    object_in_variant_raw: fs.statSync(variantWasm).size,
    object_in_variant_gzip: gzipSize(variantWasm),
  },
  cases: [],
};

// ---------------------------------------------------------------------------------------------
// The cases.

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'smartspec-bench-'));
process.on('exit', () => fs.rmSync(tmp, { recursive: true, force: true }));

/** Wall time and peak RSS of a process; the RSS through /usr/bin/time -v (Debian package `time`), none without it. */
function measureProcess(cmd, argv, opts = {}) {
  const timeFile = path.join(tmp, 'time.txt');
  const haveTime = fs.existsSync('/usr/bin/time');
  const full = haveTime ? ['/usr/bin/time', ['-v', '-o', timeFile, cmd, ...argv]] : [cmd, argv];
  const t0 = process.hrtime.bigint();
  const r = spawnSync(full[0], full[1], { stdio: ['ignore', 'ignore', 'pipe'], env, ...opts });
  const wall = ms(process.hrtime.bigint() - t0);
  if (r.status !== 0) throw new Error(`${cmd} ${argv.join(' ')} exited with ${r.status}: ${r.stderr}`);
  let maxRss = null;
  if (haveTime) {
    const kb = /Maximum resident set size \(kbytes\): (\d+)/.exec(fs.readFileSync(timeFile, 'utf8'));
    maxRss = kb ? Number(kb[1]) * 1024 : null;
  }
  return { wall_ms: wall, max_rss: maxRss };
}

function repeat(times, fn) {
  const runs = [];
  for (let i = 0; i < times; i++) runs.push(fn(i));
  return runs;
}

function cliProject() {
  const dir = fs.mkdtempSync(path.join(tmp, 'project-'));
  return dir;
}

const cli = path.join(root, 'pkg', 'bin', 'cli.js');
let cliRun = 0;
function cliOnce(report, project) {
  cliRun += 1;
  return measureProcess(process.execPath, [cli, '--validation-report', report, '--out', `out-${cliRun}`], { cwd: project });
}

function measureCase(n, scenario, file, text) {
  const c = { n, scenario, report_bytes: Buffer.byteLength(text), load_before: loadavg() };
  say(`N = ${n} ${scenario} (${(c.report_bytes / 1e6).toFixed(2)} MB): wasm`);
  c.wasm = node('cases/wasm.mjs', file, String(ITER.wasm(n)));
  c.wasm.warm_median_ms = median(c.wasm.warm_ms);

  say(`N = ${n} ${scenario}: object-in vs string-in`);
  c.boundary = node('cases/boundary.mjs', file, String(ITER.wasm(n)));

  say(`N = ${n} ${scenario}: native core`);
  const nat = JSON.parse(run(nativeBench, [file, String(ITER.native(n))]).stdout);
  c.native = {
    parse_median_ms: median(nat.parse_ns.map(ms)),
    generate_median_ms: median(nat.generate_ns.map(ms)),
    total_median_ms: median(nat.total_ns.map(ms)),
    total_ms: nat.total_ns.map(ms),
    sql_bytes: nat.sql_bytes,
    statements: nat.statements,
    packed_bytes: nat.packed_bytes,
    heap: nat.heap,
  };

  say(`N = ${n} ${scenario}: native process`);
  const proc = repeat(ITER.process(n), () => measureProcess(nativeCli, [file, '--sql']));
  c.native_process = {
    wall_median_ms: median(proc.map((r) => r.wall_ms)),
    max_rss_median: median(proc.map((r) => r.max_rss)),
    wall_ms: proc.map((r) => r.wall_ms),
  };

  say(`N = ${n} ${scenario}: cold CLI`);
  const project = cliProject();
  const clis = repeat(ITER.cli(n), () => cliOnce(file, project));
  c.cli = {
    wall_median_ms: median(clis.map((r) => r.wall_ms)),
    max_rss_median: median(clis.map((r) => r.max_rss)),
    wall_ms: clis.map((r) => r.wall_ms),
  };
  fs.rmSync(project, { recursive: true, force: true });

  if (wantDrizzle) {
    say(`N = ${n} ${scenario}: drizzle-kit`);
    c.drizzle = node('cases/drizzle.mjs', String(n), scenario, String(ITER.drizzle(n)));
    c.drizzle.warm_median_ms = median(c.drizzle.warm_ms);
    c.ratios = {
      drizzle_over_wasm_warm: c.drizzle.warm_median_ms / c.wasm.warm_median_ms,
      drizzle_over_wasm_first: c.drizzle.first_ms / c.wasm.first_ms,
      drizzle_over_native: c.drizzle.warm_median_ms / c.native.total_median_ms,
    };
  }
  c.memory = {
    wasm_memory_over_report: c.wasm.wasm_memory_after_first / c.report_bytes,
    node_rss_growth_over_report: (c.wasm.max_rss_after_first - c.wasm.rss_before_first) / c.report_bytes,
    native_max_rss_over_report: c.native_process.max_rss_median / c.report_bytes,
    native_heap_peak_over_report: c.native.heap.peak_generate / c.report_bytes,
  };
  c.load_after = loadavg();
  return c;
}

/**
 * Several rounds of one case as one: numbers become the median over the rounds, lists of numbers
 * (samples) are joined, anything else is the first round's.
 */
function mergeRounds(rounds) {
  const merge = (vals) => {
    const v0 = vals[0];
    if (typeof v0 === 'number') return median(vals);
    if (Array.isArray(v0)) return v0.every((x) => typeof x === 'number') ? vals.flat() : v0;
    if (v0 && typeof v0 === 'object') {
      return Object.fromEntries(Object.keys(v0).map((k) => [k, merge(vals.map((v) => v?.[k]))]));
    }
    return v0;
  };
  const merged = merge(rounds);
  merged.load_before = rounds.map((r) => r.load_before);
  merged.load_after = rounds.map((r) => r.load_after);
  merged.rounds = rounds.length;
  return merged;
}

const reports = [];
for (const n of SIZES) {
  for (const scenario of SCENARIOS) {
    const text = reportText(n, scenario);
    const file = path.join(tmp, `report-${scenario}-${n}.json`);
    fs.writeFileSync(file, text);
    reports.push({ n, scenario, file, text, rounds: [] });
  }
}
// Round by round, so that a change of load on the machine falls on every case alike.
for (let round = 1; round <= ROUNDS; round++) {
  if (ROUNDS > 1) say(`round ${round} of ${ROUNDS}`);
  for (const r of reports) r.rounds.push(measureCase(r.n, r.scenario, r.file, r.text));
}
for (const r of reports) {
  results.cases.push(mergeRounds(r.rounds));
  fs.rmSync(r.file);
}

// ---------------------------------------------------------------------------------------------
// The cold CLI on the shipped example, and what Node alone costs.

say(`cold CLI on examples/run-123 (${CLI_EXAMPLE_RUNS} runs, interleaved with node -e 0, cli --version and the native process)`);
const example = path.join(root, 'examples', 'run-123', 'summary.json');
const project = cliProject();
const exampleRuns = [];
const nodeRuns = [];
const versionRuns = [];
const nativeExample = [];
for (let i = 0; i < CLI_EXAMPLE_RUNS; i++) {
  exampleRuns.push(cliOnce(example, project));
  nodeRuns.push(measureProcess(process.execPath, ['-e', '0']));
  versionRuns.push(measureProcess(process.execPath, [cli, '--version']));
  nativeExample.push(measureProcess(nativeCli, [example, '--sql']));
}
fs.rmSync(project, { recursive: true, force: true });
results.cli_example = {
  report_bytes: fs.statSync(example).size,
  wall_median_ms: median(exampleRuns.map((r) => r.wall_ms)),
  wall_ms: exampleRuns.map((r) => r.wall_ms),
  max_rss_median: median(exampleRuns.map((r) => r.max_rss)),
  node_startup_median_ms: median(nodeRuns.map((r) => r.wall_ms)),
  cli_version_median_ms: median(versionRuns.map((r) => r.wall_ms)),
  native_process_median_ms: median(nativeExample.map((r) => r.wall_ms)),
  native_process_max_rss_median: median(nativeExample.map((r) => r.max_rss)),
};
results.load.end = loadavg();
results.calibration.end = node('cases/calibrate.mjs');

// ---------------------------------------------------------------------------------------------
// Instructions, which do not depend on the machine's speed.

/** Instructions of one bench-native run on `file`, by callgrind; null without valgrind. */
function instructions(file) {
  const r = spawnSync('valgrind', ['--tool=callgrind', '--callgrind-out-file=/dev/null', nativeBench, file, '0'], { encoding: 'utf8', env });
  if (r.error || r.status !== 0) return null;
  const m = /Collected : (\d+)/.exec(r.stderr);
  return m ? Number(m[1]) : null;
}
results.instructions = { n: 1000, create: null, addcol: null };
if (spawnSync('valgrind', ['--version']).status === 0) {
  say('instructions of bench/native at N = 1 000 (callgrind)');
  for (const scenario of SCENARIOS) {
    const file = path.join(tmp, `report-${scenario}-1000-instructions.json`);
    fs.writeFileSync(file, reportText(1000, scenario));
    results.instructions[scenario] = instructions(file);
    fs.rmSync(file);
  }
} else {
  say('warning: valgrind is missing (Debian package `valgrind`): no instruction counts');
}

// ---------------------------------------------------------------------------------------------
// Targets.

const big = results.cases.find((c) => c.n === 10000 && c.scenario === 'create');
const t = (name, measured, limit, unit, met) => ({ name, measured, limit, unit, met });
results.targets = [
  big && t('N = 10 000 create, warm in Node', big.wasm.warm_median_ms, 60, 'ms', big.wasm.warm_median_ms <= 60),
  big?.ratios && t('N = 10 000 create, times faster than drizzle-kit (warm)', big.ratios.drizzle_over_wasm_warm, 100, '×', big.ratios.drizzle_over_wasm_warm >= 100),
  t('cold CLI on examples/run-123', results.cli_example.wall_median_ms, 150, 'ms', results.cli_example.wall_median_ms <= 150),
  big && t('N = 10 000 create, wasm linear memory / report size', big.memory.wasm_memory_over_report, 4, '×', big.memory.wasm_memory_over_report <= 4),
  big && t('N = 10 000 create, native peak RSS / report size', big.memory.native_max_rss_over_report, 4, '×', big.memory.native_max_rss_over_report <= 4),
  big && t('N = 10 000 create, native peak heap / report size', big.memory.native_heap_peak_over_report, 4, '×', big.memory.native_heap_peak_over_report <= 4),
  t('wasm gzipped', results.wasm_size.gzip / 1024, 60, 'KiB', results.wasm_size.gzip <= 60 * 1024),
].filter(Boolean);

fs.writeFileSync(OUT, `${JSON.stringify(results, null, 2)}\n`);

// ---------------------------------------------------------------------------------------------
// The table.

const f1 = (x) => (x == null ? '–' : x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));
const mb = (b) => (b == null ? '–' : (b / 1e6).toFixed(b >= 1e7 ? 0 : b >= 1e6 ? 1 : 2));
const size = (b) => (b >= 1e6 ? `${mb(b)} MB` : `${(b / 1e3).toFixed(1)} kB`);
const rows = [
  ['N', 'scenario', 'report', 'wasm first ms', 'wasm warm ms', 'native ms', 'process ms', 'CLI ms', 'drizzle-kit ms', 'drizzle / wasm', 'drizzle / native', 'wasm mem MB', 'native RSS MB'],
];
for (const c of results.cases) {
  rows.push([
    String(c.n),
    c.scenario,
    size(c.report_bytes),
    f1(c.wasm.first_ms),
    f1(c.wasm.warm_median_ms),
    f1(c.native.total_median_ms),
    f1(c.native_process.wall_median_ms),
    f1(c.cli.wall_median_ms),
    f1(c.drizzle?.warm_median_ms),
    c.ratios ? `${f1(c.ratios.drizzle_over_wasm_warm)}×` : '–',
    c.ratios ? `${f1(c.ratios.drizzle_over_native)}×` : '–',
    mb(c.wasm.wasm_memory_after_first),
    mb(c.native_process.max_rss_median),
  ]);
}
const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
const line = (r) => r.map((x, i) => (i < 2 ? x.padEnd(widths[i]) : x.padStart(widths[i]))).join('  ');
console.log(`\nSmartSpec Data Migration Generator ${results.versions.generator}, ${results.machine.cpu} × ${results.machine.cores}, Node ${process.version}`);
console.log(`load average ${results.load.start.join(' ')} at start, ${results.load.end.join(' ')} at end; medians\n`);
console.log(line(rows[0]));
for (const r of rows.slice(1)) console.log(line(r));

/** Prints a plain-text table: the first two columns aligned left, the others right. */
const printTable = (rowsOf) => {
  const w = rowsOf[0].map((_, i) => Math.max(...rowsOf.map((r) => r[i].length)));
  for (const r of rowsOf) console.log(`  ${r.map((x, i) => (i < 2 ? x.padEnd(w[i]) : x.padStart(w[i]))).join('  ')}`);
};

console.log('\nthe whole call, string-in vs object-in (warm medians, ms)');
const b = [['N', 'scenario', 'string-in', 'object-in (JSON.stringify in wasm)', 'string-in (variant module)']];
for (const c of results.cases) {
  const m = c.boundary.median_ms;
  b.push([String(c.n), c.scenario, f1(m.string_in), f1(m.object_in), f1(m.string_in_variant)]);
}
printTable(b);

console.log('\nthe input side alone, the report read and dropped (warm medians, ms)');
const rd = [['N', 'scenario', "JSON text, the core's reader", 'JSON text, serde_json', 'object, serde-wasm-bindgen', "object → JSON.stringify → the core's reader", "serde-wasm-bindgen / the core's reader"]];
for (const c of results.cases) {
  const m = c.boundary.read_median_ms;
  rd.push([String(c.n), c.scenario, f1(m.string), f1(m.string_serde), f1(m.object_swb), f1(m.object_stringify), `${f1(m.object_swb / m.string)}×`]);
}
printTable(rd);

console.log('\nJavaScript alone, the floor of crossing the boundary (warm medians, ms)');
console.log('  N     scenario  encode report  JSON.parse report  JSON.stringify report  decode SQL  (SQL)');
for (const c of results.cases) {
  const f = c.boundary.floor_median_ms;
  console.log(`  ${String(c.n).padEnd(6)}${c.scenario.padEnd(10)}${f1(f.encode_report).padStart(13)}  ${f1(f.parse_report).padStart(17)}  ${f1(f.stringify_report).padStart(21)}  ${f1(f.decode_sql).padStart(10)}  ${size(c.boundary.sql_bytes)}`);
}

console.log('\nnative core phases (warm medians, ms): read JSON / generate, packed for the JavaScript edge');
for (const c of results.cases) {
  console.log(`  ${String(c.n).padEnd(6)}${c.scenario.padEnd(8)}${f1(c.native.parse_median_ms)} / ${f1(c.native.generate_median_ms)}   (${size(c.native.sql_bytes)} SQL, ${c.native.statements} statements, ${size(c.native.packed_bytes)} packed besides the SQL; heap peak ${size(c.native.heap.peak_generate)}, ${f1(c.memory.native_heap_peak_over_report)}× the report)`);
}

const e = results.cli_example;
console.log(`\ncold CLI on examples/run-123: ${f1(e.wall_median_ms)} ms (node -e 0: ${f1(e.node_startup_median_ms)} ms, cli --version: ${f1(e.cli_version_median_ms)} ms, native process: ${f1(e.native_process_median_ms)} ms)`);
const ins = results.instructions;
console.log(`machine: the calibration loop took ${f1(results.calibration.start.median_ms)} ms at the start, ${f1(results.calibration.end.median_ms)} ms at the end; bench/native at N = 1 000 executes ${ins.create ?? '–'} instructions (create), ${ins.addcol ?? '–'} (addcol)`);
console.log(`wasm: ${results.wasm_size.raw} bytes raw, ${results.wasm_size.gzip} bytes gzipped (object-in variant: ${results.wasm_size.object_in_variant_raw} raw, ${results.wasm_size.object_in_variant_gzip} gzipped)`);

console.log('\ntargets');
for (const x of results.targets) {
  console.log(`  ${x.met ? 'met    ' : 'NOT met'}  ${x.name}: ${f1(x.measured)} ${x.unit} (target ${x.name.includes('faster') ? '≥' : '≤'} ${x.limit} ${x.unit})`);
}
console.log(`\nresults: ${path.relative(process.cwd(), OUT)}`);
