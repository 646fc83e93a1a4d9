// Warm generate() of any built package, timed in CPU time (this process's user + system), for
// comparing builds in turn on a loaded machine, where wall time mostly measures the wait:
//   node --expose-gc bench/cases/cpu.mjs <package dir> <report.json> [iterations]
// Prints one JSON line: the first call, the median and least of `iterations` warm calls (after a
// second of untimed ones, a GC before each), in ms, and the wasm linear memory after the first
// call and at the end (bytes), with the report's size.
import fs from 'node:fs';
import path from 'node:path';

const [pkg, reportPath, iterArg] = process.argv.slice(2);
const iterations = Number(iterArg ?? 7);
const text = fs.readFileSync(reportPath, 'utf8');
const bytes = fs.readFileSync(path.join(pkg, 'wasm', 'smartspec_data_migration_generator_bg.wasm'));
const glue = await import(path.resolve(pkg, 'wasm', 'smartspec_data_migration_generator.js'));
const exports = glue.initSync({ module: bytes });
const cpu = (f) => {
  const start = process.cpuUsage();
  f();
  const d = process.cpuUsage(start);
  return (d.user + d.system) / 1e3;
};
const call = () => glue.generate(text, 'PostgreSQL', null);
const first = cpu(call);
const memoryAfterFirst = exports.memory.buffer.byteLength;
const end = Date.now() + 1000;
while (Date.now() < end) call();
const warm = [];
for (let i = 0; i < iterations; i++) {
  globalThis.gc?.();
  warm.push(cpu(call));
}
warm.sort((a, b) => a - b);
console.log(JSON.stringify({
  first_ms: first,
  median_ms: warm[warm.length >> 1],
  min_ms: warm[0],
  wasm_memory_after_first: memoryAfterFirst,
  wasm_memory: exports.memory.buffer.byteLength,
  report_bytes: Buffer.byteLength(text),
}));
