// How the report crosses from JavaScript into wasm, in a fresh process:
//   node --expose-gc cases/boundary.mjs <report.json> <iterations>
// Each path is timed warm (after a second of untimed calls of them all, stats.mjs WARMUP_MS, then
// `iterations` calls, GC before each), in rotation so that load on the machine falls on all of
// them alike:
//   string_in          pkg/wasm generate(text): JSON text, read by the core's reader in wasm (the
//                      default)
//   object_in          pkg/wasm generate(object): the object is turned into JSON text inside
//                      wasm by JSON.stringify, then read as above
//   string_in_variant  bench/object-in generate_string(text): the core's reader and generate()
//                      built into the variant module; its output leaves as JSON text made in wasm,
//                      then JSON.parse (pkg/wasm builds its result in JavaScript from a packed
//                      form, src/edge.js), so it differs from string_in on the output side too
// (serde-wasm-bindgen is no longer timed as a whole call: the core's types are filled by its own
// JSON reader and do not implement Deserialize, so it can only be timed reading, below.)
// The input side alone (`read_median_ms`, bench/object-in's read_* exports: the report is read
// and dropped, nothing is generated):
//   string            JSON text, the core's reader, into the core's Report
//   string_serde      JSON text, serde_json, into the serde-derived mirror of the same types
//                     (bench/object-in/src/mirror.rs: what the core did before its own reader)
//   object_swb        object, serde-wasm-bindgen, into the same mirror
//   object_stringify  object, JSON.stringify in wasm, then the core's reader
// The object is made by JSON.parse before timing (a caller holding an object has already paid it).
// Also timed, as the floor of what crossing the boundary costs in JavaScript alone (`floor`):
//   encode_report    TextEncoder.encodeInto of the report text into a buffer (how text enters wasm)
//   parse_report     JSON.parse of the report text
//   stringify_report JSON.stringify of the report object
//   decode_sql       TextDecoder.decode of the SQL files as UTF-8 (how they leave wasm)
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { emit, median, timeOnce, warmUp } from '../stats.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..', '..');
const [reportPath, iterArg] = process.argv.slice(2);
const iterations = Number(iterArg ?? 10);

const text = fs.readFileSync(reportPath, 'utf8');
const object = JSON.parse(text);

const main = await import(path.join(root, 'pkg', 'wasm', 'smartspec_data_migration_generator.js'));
main.initSync({ module: fs.readFileSync(path.join(root, 'pkg', 'wasm', 'smartspec_data_migration_generator_bg.wasm')) });
const variant = await import(path.join(root, 'bench', 'object-in', 'pkg', 'object_in.js'));
variant.initSync({ module: fs.readFileSync(path.join(root, 'bench', 'object-in', 'pkg', 'object_in_bg.wasm')) });

const paths = {
  string_in: () => main.generate(text, null, null),
  object_in: () => main.generate(object, null, null),
  string_in_variant: () => variant.generate_string(text),
};
// The same SQL whichever way the report came in.
const sql = (r) => r.files.map((f) => f.content).join('');
const reference = sql(paths.string_in());
for (const [name, fn] of Object.entries(paths)) {
  if (sql(fn()) !== reference) throw new Error(`${name} gives other SQL than string_in`);
}
await warmUp(() => Object.values(paths).forEach((fn) => fn()));
const samples = Object.fromEntries(Object.keys(paths).map((k) => [k, []]));
for (let i = 0; i < iterations; i++) {
  for (const [name, fn] of Object.entries(paths)) samples[name].push(timeOnce(fn).ms);
}
const reads = {
  string: () => variant.read_string(text),
  string_serde: () => variant.read_string_serde(text),
  object_swb: () => variant.read_object(object),
  object_stringify: () => variant.read_object_stringify(object),
};
for (const [name, fn] of Object.entries(reads)) {
  if (fn() !== object.diffs.length) throw new Error(`${name} does not read every diff`);
}
await warmUp(() => Object.values(reads).forEach((fn) => fn()));
const read = Object.fromEntries(Object.keys(reads).map((k) => [k, []]));
for (let i = 0; i < iterations; i++) {
  for (const [name, fn] of Object.entries(reads)) read[name].push(timeOnce(fn).ms);
}

const sqlBytes = new TextEncoder().encode(sql(main.generate(text, null, null)));
const buffer = new Uint8Array(Buffer.byteLength(text));
const decoder = new TextDecoder();
const floorPaths = {
  encode_report: () => new TextEncoder().encodeInto(text, buffer),
  parse_report: () => JSON.parse(text),
  stringify_report: () => JSON.stringify(object),
  decode_sql: () => decoder.decode(sqlBytes),
};
const floor = Object.fromEntries(Object.keys(floorPaths).map((k) => [k, []]));
for (let i = 0; i < iterations; i++) {
  for (const [name, fn] of Object.entries(floorPaths)) floor[name].push(timeOnce(fn).ms);
}
emit({
  report_bytes: Buffer.byteLength(text),
  sql_bytes: sqlBytes.length,
  read_median_ms: Object.fromEntries(Object.entries(read).map(([k, v]) => [k, median(v)])),
  floor_median_ms: Object.fromEntries(Object.entries(floor).map(([k, v]) => [k, median(v)])),
  samples_ms: samples,
  median_ms: Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, median(v)])),
});
