// One case of the default path, in a fresh process:
//   node --expose-gc cases/wasm.mjs <report.json> <iterations> [<package dir>, default pkg/]
// Loads the built module as Node's ES entry does (<package>/wasm glue + initSync), then times
//   init    compiling and instantiating the module (initSync)
//   first   the first generate() of the process, report passed as JSON text
//   warm    `iterations` further calls (GC before each), after a second of untimed ones
//           (stats.mjs, WARMUP_MS: V8 has then optimised the hot code)
// each as wall time and as the process's CPU time (first_cpu_ms, warm_cpu_ms),
// and reads the wasm linear memory (it only grows, so its size after a call is the peak) and the
// process's resident set (before the first call, and the peak).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { emit, timeOnce, warmUp } from '../stats.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const [reportPath, iterArg, pkgArg] = process.argv.slice(2);
const iterations = Number(iterArg ?? 10);
const pkg = pkgArg ? path.resolve(pkgArg) : path.join(root, 'pkg');

const text = fs.readFileSync(reportPath, 'utf8');
const bytes = fs.readFileSync(path.join(pkg, 'wasm', 'smartspec_data_migration_generator_bg.wasm'));
const glue = await import(path.join(pkg, 'wasm', 'smartspec_data_migration_generator.js'));

const init = timeOnce(() => glue.initSync({ module: bytes }));
const exports = init.value;
const memory = () => exports.memory.buffer.byteLength;
const memoryAfterInit = memory();
globalThis.gc?.();
const rssBefore = process.memoryUsage().rss;

const first = timeOnce(() => glue.generate(text, 'PostgreSQL', null));
const memoryAfterFirst = memory();
let result = first.value;
const sqlBytes = result.files.reduce((n, f) => n + Buffer.byteLength(f.content), 0);
const statements = result.statements.length;
const maxRssAfterFirst = process.resourceUsage().maxRSS * 1024;
first.value = null;
const files = result.files.map((f) => f.name);
result = null;

const warmupCalls = await warmUp(() => glue.generate(text, 'PostgreSQL', null));
const warm = [];
const warmCpu = [];
for (let i = 0; i < iterations; i++) {
  const t = timeOnce(() => glue.generate(text, 'PostgreSQL', null));
  warm.push(t.ms);
  warmCpu.push(t.cpu_ms);
}

emit({
  report_bytes: Buffer.byteLength(text),
  init_ms: init.ms,
  first_ms: first.ms,
  first_cpu_ms: first.cpu_ms,
  warmup_calls: warmupCalls,
  warm_ms: warm,
  warm_cpu_ms: warmCpu,
  sql_bytes: sqlBytes,
  statements,
  files,
  wasm_memory_after_init: memoryAfterInit,
  wasm_memory_after_first: memoryAfterFirst,
  wasm_memory_after_warm: memory(),
  rss_before_first: rssBefore,
  max_rss_after_first: maxRssAfterFirst,
  max_rss: process.resourceUsage().maxRSS * 1024,
});
