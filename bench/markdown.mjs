#!/usr/bin/env node
// Prints the tables of BENCHMARKS.md from a results file written by bench/run.mjs:
//   node bench/markdown.mjs [bench/results.json]
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const bench = path.dirname(fileURLToPath(import.meta.url));
const file = process.argv[2] ?? path.join(bench, 'results.json');
const r = JSON.parse(fs.readFileSync(file, 'utf8'));

const f = (x, unit = '') => {
  if (x == null || Number.isNaN(x)) return '–';
  const s = x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2);
  return `${s}${unit}`;
};
const n = (x) => x.toLocaleString('en-US').replace(/,/g, ' ');
const size = (b) => (b >= 1e6 ? `${(b / 1e6).toFixed(1)} MB` : `${(b / 1e3).toFixed(1)} kB`);
/** A Markdown table; the first `left` columns are aligned left, the others right. */
const table = (head, rows, left = 2) =>
  [`| ${head.join(' | ')} |`, `|${head.map((h, i) => (i < left ? '---' : '--:')).join('|')}|`, ...rows.map((x) => `| ${x.join(' | ')} |`)].join('\n');

console.log(`Run: ${r.date.slice(0, 16).replace('T', ' ')} UTC, \`${r.command}\`, ${r.rounds} round(s); load average (1, 5, 15 min) ${r.load.start.join(', ')} at start, ${r.load.end.join(', ')} at end.\n`);

if (r.calibration) {
  const ins = r.instructions ?? {};
  const count = (x) => (x == null ? '–' : `${(x / 1e6).toFixed(1)} million`);
  console.log(
    `Machine speed: the calibration loop (\`bench/cases/calibrate.mjs\`) took ${f(r.calibration.start.median_ms)} ms at the start and ${f(r.calibration.end.median_ms)} ms at the end. Instructions of \`bench/native\` at N = 1 000 (callgrind, whatever the machine's speed): ${count(ins.create)} for create, ${count(ins.addcol)} for addcol.\n`,
  );
}

console.log('### Time (ms, medians) and the peer\n');
console.log(
  table(
    ['N', 'scenario', 'report', 'SQL', 'wasm first call', 'wasm warm', 'native core', 'native process', 'cold CLI', 'drizzle-kit warm', 'drizzle-kit / wasm warm', 'drizzle-kit / native core'],
    r.cases.map((c) => [
      n(c.n),
      c.scenario,
      size(c.report_bytes),
      size(c.native.sql_bytes),
      f(c.wasm.first_ms),
      `**${f(c.wasm.warm_median_ms)}**`,
      f(c.native.total_median_ms),
      f(c.native_process.wall_median_ms),
      f(c.cli.wall_median_ms),
      f(c.drizzle?.warm_median_ms),
      c.ratios ? `**${f(c.ratios.drizzle_over_wasm_warm)}×**` : '–',
      c.ratios ? `${f(c.ratios.drizzle_over_native)}×` : '–',
    ]),
  ),
);

console.log('\n### Where the time goes\n');
console.log(
  table(
    ['N', 'scenario', 'native: read JSON', 'native: generate (packed)', 'JS floor: encode report', 'JS floor: JSON.parse report', 'JS floor: decode SQL', 'JS floor, sum', 'wasm init', 'drizzle-kit snapshot'],
    r.cases.map((c) => [
      n(c.n),
      c.scenario,
      f(c.native.parse_median_ms),
      f(c.native.generate_median_ms),
      f(c.boundary.floor_median_ms.encode_report),
      f(c.boundary.floor_median_ms.parse_report),
      f(c.boundary.floor_median_ms.decode_sql),
      f(c.boundary.floor_median_ms.encode_report + c.boundary.floor_median_ms.parse_report + c.boundary.floor_median_ms.decode_sql),
      f(c.wasm.init_ms),
      f(c.drizzle?.snapshot_ms),
    ]),
  ),
);

console.log('\n### Memory (peak)\n');
console.log(
  table(
    ['N', 'scenario', 'report', 'wasm linear memory', '× report', 'Node RSS growth', '× report', 'native process RSS', '× report', 'native heap', '× report'],
    r.cases.map((c) => [
      n(c.n),
      c.scenario,
      size(c.report_bytes),
      size(c.wasm.wasm_memory_after_first),
      f(c.memory.wasm_memory_over_report, '×'),
      size(c.wasm.max_rss_after_first - c.wasm.rss_before_first),
      f(c.memory.node_rss_growth_over_report, '×'),
      size(c.native_process.max_rss_median),
      f(c.memory.native_max_rss_over_report, '×'),
      size(c.native.heap.peak_generate ?? c.native.heap.peak_pack),
      f(c.memory.native_heap_peak_over_report, '×'),
    ]),
  ),
);

console.log('\n### Object-in vs string-in (ms, warm medians)\n');
console.log(
  table(
    ['N', 'scenario', 'string-in (default)', 'object-in, JSON.stringify in wasm', 'string-in, variant module', 'JSON.stringify alone'],
    r.cases.map((c) => {
      const m = c.boundary.median_ms;
      return [n(c.n), c.scenario, `**${f(m.string_in)}**`, f(m.object_in), f(m.string_in_variant), f(c.boundary.floor_median_ms.stringify_report)];
    }),
  ),
);

console.log('\nThe input side alone: the report read and dropped, by the core\'s reader into its `Report`, by serde_json and serde-wasm-bindgen into the serde-derived mirror of the same types (bench/object-in/src/mirror.rs) (ms, warm medians)\n');
console.log(
  table(
    ['N', 'scenario', "JSON text, the core's reader", 'JSON text, serde_json', 'object, serde-wasm-bindgen', "object → JSON.stringify → the core's reader", "serde-wasm-bindgen / the core's reader"],
    r.cases.map((c) => {
      const m = c.boundary.read_median_ms;
      return [n(c.n), c.scenario, `**${f(m.string)}**`, f(m.string_serde), f(m.object_swb), f(m.object_stringify), f(m.object_swb / m.string, '×')];
    }),
  ),
);

const e = r.cli_example;
console.log('\n### Cold CLI on examples/run-123 (ms, medians)\n');
console.log(
  table(
    ['what', 'wall'],
    [
      ['`node pkg/bin/cli.js --validation-report examples/run-123/summary.json --out <tmp>`', `**${f(e.wall_median_ms)}**`],
      ['`node pkg/bin/cli.js --version` (loads the module and the wasm)', f(e.cli_version_median_ms)],
      ['`node -e 0`', f(e.node_startup_median_ms)],
      ['`target/release/smartspec-generate examples/run-123/summary.json --sql`', f(e.native_process_median_ms)],
    ],
    1,
  ),
);

console.log('\n### Size\n');
const w = r.wasm_size;
console.log(
  table(
    ['module', 'raw', 'gzipped (zlib 9)'],
    [
      ['pkg/wasm/smartspec_data_migration_generator_bg.wasm', `${n(w.raw)} B`, `**${n(w.gzip)} B** (${f(w.gzip / 1024)} KiB)`],
      ['bench/object-in (adds serde_json and serde-wasm-bindgen reading)', `${n(w.object_in_variant_raw)} B`, `${n(w.object_in_variant_gzip)} B`],
    ],
    1,
  ),
);

console.log('\n### Targets\n');
console.log(
  table(
    ['target', 'measured', 'limit', 'met'],
    r.targets.map((t) => [t.name, `${f(t.measured)} ${t.unit}`, `${t.name.includes('faster') ? '≥' : '≤'} ${t.limit} ${t.unit}`, t.met ? 'yes' : '**no**']),
    1,
  ),
);
