#!/usr/bin/env node
// Hash flood: how long generate() takes on a report whose names were crafted to collide in the
// core's hash maps, against a report of the same shape and size with ordinary names.
//
//   node bench/flood.mjs [--n 80000] [--pkg <package dir>, default pkg/] [--scenario addcol|create]
//                        [--craft ids|tables|ids,tables] [--dialect PostgreSQL|MySQL] [--rounds R]
//                        [--keep <dir>]
//
// The names are crafted against the unkeyed hash the core used until its redesign (src/hash.rs,
// `Fast`, at e8c7d52; the core now uses SipHash-1-3 under a key drawn per process, which no
// report can aim at, so this benchmark shows the crafted report taking as long as an ordinary
// one). That hash: its state s starts at 0 and takes each 8-byte
// little-endian word w of a string as s = (s + w) * K (mod 2^64); a last partial word carries its
// length in its top byte; a `str` then adds the byte 0xff (std's `write_str` terminator), and
// `finish` folds the state (murmur3's finish, a bijection: equal states give equal hashes).
//
// The method. Two words x1, x2 (a 16-byte block) take a state s to
//   ((s + x1) * K + x2) * K = (s * K + f) * K,   f = x1 * K + x2  (mod 2^64),
// so blocks with the same f leave the same state whatever state they start from, and can be
// chained: ids made of k blocks, each picked from a class of m blocks of one f, have the same
// state after the blocks, so the same hash. One pair of such blocks (m = 2) gives 2^k colliding ids
// of 16k bytes: 80 000 ids would need k = 17 (272 bytes), over the 200 characters a diff id may
// have (src/plan.rs, `check_diff_id`) and the 63 bytes of a PostgreSQL table name. So this script
// gathers m = ceil(sqrt(N)) blocks of one f (m = 283 for N = 80 000) and makes the ids of two
// blocks, m^2 >= N of them, after a common prefix of 8 bytes: 40 bytes each, and the same for
// table names. A class is found byte by byte: byte j of x2 = f - x1 * K depends only on the bytes
// 0..j of x1, so a depth-first walk over x1's bytes, low to high, keeps only branches whose byte
// of x2 so far is a letter or digit (about 15 of the 62 letters and digits at each step), and
// reaches a block at every leaf, with no search over the 2^64 values.
// The script re-implements the hash with BigInt and prints how many distinct hashes the names
// have: 1 for crafted ones, N for ordinary ones (a seeded random string of the same alphabet and
// length, after the same prefix).
//
// Which maps a report's names go through (src/, as of e8c7d52):
//   - `Planner::seen` (src/plan.rs): every diff id, one insert per diff, whatever the report.
//     With all ids colliding, insert i compares its key with the i earlier ones: N^2/2 string
//     comparisons, the flood (ids of 40 bytes within the 200 allowed).
//   - `risk::assess`'s `created` (src/risk.rs): every created table's schema-qualified name
//     (one insert per missing_table diff), looked up for each CREATE INDEX, ADD FOREIGN KEY,
//     ADD COLUMN, key or unique of the plan: in the create scenario one insert and two lookups
//     per table, so colliding table names cost about 1.5 N^2 comparisons (`--craft tables`).
//     In addcol no table is created and the set stays empty.
//   - on MySQL (`--dialect MySQL`), `mysql_order` (src/plan.rs) puts every (table, index) a
//     plan creates in `recreated` and every (table, column) it adds in `added`, one insert per
//     table in create and in addcol alike, whatever else the plan holds: table names crafted
//     this way collide there too (the same state after the name, the same suffix after it).
//   - the others are keyed by names too but are off the default path or bounded: lib.rs
//     `assign_parts` (created tables, enum values; PostgreSQL with `concurrently` or new enum
//     values only), plan.rs `mark_replacements` (index and key names; only when a plan drops an
//     index, unique or primary key), `mysql_order`'s other sets (drops, nullability) and
//     `set_aside_foreign_keys` (type changes), `Reader::enums` (enum names), a table's column names (over 16
//     columns; bounded by the table) and an enum's values. Each can be flooded by a report made
//     for it (N drops, N enums, ...); this script does ids and created tables.
// A report must stay under the core's limit of 64 MiB (src/report.rs, MAX_REPORT_BYTES): addcol
// at N = 80 000 is 28.6 MB; create, with these 40-byte names, is 1.3 kB a table, so N <= 50 000.
//
// Each report is timed in a fresh Node process (`generate(text, dialect)`, one call: the
// first of the process, as the CLI makes it), the package loaded as tests/support/wasm.mjs does
// (<pkg>/wasm glue, initSync), in wall time and in the process's CPU time. Both runs must
// succeed with the same files, statement count and SQL size, or the script fails. Prints both
// times (medians over --rounds, the two reports taking turns) and crafted / ordinary.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { reportText, SCENARIOS } from './reports.mjs';
import { median, timeOnce } from './stats.mjs';

const bench = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(bench, '..');
const GLUE = 'smartspec_data_migration_generator.js';
const WASM = 'smartspec_data_migration_generator_bg.wasm';

// ---------------------------------------------------------------------------------------------
// The child: one generate() in a fresh process.

if (process.argv[2] === '--child') {
  const [pkg, reportPath, dialect] = process.argv.slice(3);
  const glue = await import(path.join(pkg, 'wasm', GLUE));
  glue.initSync({ module: fs.readFileSync(path.join(pkg, 'wasm', WASM)) });
  const text = fs.readFileSync(reportPath, 'utf8');
  const { ms, cpu_ms, value } = timeOnce(() => glue.generate(text, dialect, null));
  process.stdout.write(
    `${JSON.stringify({
      ms,
      cpu_ms,
      files: value.files.map((f) => f.name),
      statements: value.statements.length,
      sql_bytes: value.files.reduce((n, f) => n + Buffer.byteLength(f.content), 0),
      operations: value.operations,
      warnings: value.warnings.length,
    })}\n`,
  );
  process.exit(0);
}

// ---------------------------------------------------------------------------------------------
// The hash of src/hash.rs, in BigInt.

const MASK = (1n << 64n) - 1n;
const K = 0xf1357aea2e62a9c5n;

class Fast {
  constructor() {
    this.s = 0n;
  }
  add(word) {
    this.s = ((this.s + word) * K) & MASK;
  }
  /** `Hasher::write`: whole 8-byte words, then the rest with its length in the top byte. */
  write(bytes) {
    const whole = bytes.length - (bytes.length % 8);
    for (let i = 0; i < whole; i += 8) this.add(bytes.readBigUInt64LE(i));
    if (whole < bytes.length) {
      let last = 0n;
      for (let i = whole; i < bytes.length; i++) last |= BigInt(bytes[i]) << BigInt(8 * (i - whole));
      this.add(last | (BigInt(bytes.length - whole) << 56n));
    }
  }
  /** `impl Hash for str`: the bytes, then `write_u8(0xff)`. */
  str(s) {
    this.write(Buffer.from(s, 'utf8'));
    this.add(0xffn);
  }
  /** `finish`: murmur3's fold. */
  finish() {
    let x = this.s;
    x ^= x >> 33n;
    x = (x * 0xff51afd7ed558ccdn) & MASK;
    return x ^ (x >> 33n);
  }
}

/** The hash of a `str` (an id in `Planner::seen`: `Cow<str>` hashes as its `str`). */
function hashStr(s) {
  const h = new Fast();
  h.str(s);
  return h.finish();
}

/**
 * The hash of a `QualifiedName { schema, name }` (derived: the discriminant of the `Option`, 1 for
 * Some and the schema, 0 for None; then the name), followed by the `str`s of `more` (a tuple).
 */
function hashQualified(schema, name, ...more) {
  const h = new Fast();
  if (schema == null) {
    h.add(0n);
  } else {
    h.add(1n);
    h.str(schema);
  }
  for (const s of [name, ...more]) h.str(s);
  return h.finish();
}

// What the core's `Fast` (src/hash.rs at e8c7d52) gave natively for these, through
// `BuildHasherDefault::hash_one` of a `str`, of a `QualifiedName` in schema `public` and of
// `(QualifiedName { schema: None, .. }, Name("note"))`: the port above must give the same.
const KNOWN = [
  ['abc', 0x7a507cb22e195a5bn, 0x9d30f34f38b1e058n, 0x7adf687b07ee8f64n],
  ['D00001', 0xae6484fc6bdfa4b9n, 0xd57c58caae795788n, 0xe9ae8dd3cc0448c8n],
  ['t00000_prev_id_fkey', 0x958bc939ca7a0effn, 0x3a920466aaa590e2n, 0x30710fdcce6d6be5n],
];
for (const [s, str, qualified, pair] of KNOWN) {
  if (hashStr(s) !== str || hashQualified('public', s) !== qualified || hashQualified(null, s, 'note') !== pair) {
    throw new Error(`the BigInt port of src/hash.rs hashes ${s} wrongly`);
  }
}

/**
 * The maps the table names of a report of this scenario go through on this dialect, with the
 * key each table puts in it. On MySQL a PostgreSQL report's schemas are left out (None).
 */
function tableMaps(dialect, scenario) {
  const maps = [];
  if (scenario === 'create') {
    const schema = dialect === 'MySQL' ? null : 'public';
    maps.push(['risk::assess created', (t) => hashQualified(schema, t)]);
    if (dialect === 'MySQL') maps.push(['mysql_order recreated', (t) => hashQualified(null, t, `${t}_name_idx`)]);
  } else if (dialect === 'MySQL') {
    maps.push(['mysql_order added', (t) => hashQualified(null, t, 'note')]);
  }
  return maps;
}

// ---------------------------------------------------------------------------------------------
// Crafting.

const ALPHABET = Buffer.from('0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz');
const OK = new Uint8Array(256);
for (const b of ALPHABET) OK[b] = 1;

/** A small seeded generator (mulberry32), so that every run crafts the same names. */
function random(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * `m` distinct 16-byte blocks of letters and digits with the same f = x1 * K + x2 (mod 2^64):
 * the depth-first walk of the header, trying x1's bytes in a shuffled order at each depth.
 */
function collidingBlocks(m, seed = 1) {
  const rand = random(seed);
  const f = BigInt(Math.floor(rand() * 2 ** 32)) | (BigInt(Math.floor(rand() * 2 ** 32)) << 32n);
  const blocks = [];
  const order = () => [...ALPHABET].sort(() => rand() - 0.5);
  function walk(j, partial) {
    if (blocks.length >= m) return;
    for (const b of order()) {
      const word = partial | (BigInt(b) << BigInt(8 * j));
      // Byte j of x2 depends on x1's bytes 0..j only.
      const x2 = (f - word * K) & MASK;
      if (!OK[Number((x2 >> BigInt(8 * j)) & 0xffn)]) continue;
      if (j === 7) {
        const block = Buffer.alloc(16);
        block.writeBigUInt64LE(word, 0);
        block.writeBigUInt64LE(x2, 8);
        blocks.push(block.toString('latin1'));
        if (blocks.length >= m) return;
      } else {
        walk(j + 1, word);
      }
    }
  }
  walk(0, 0n);
  if (blocks.length < m) throw new Error(`found ${blocks.length} blocks of one class, not ${m}`);
  return blocks;
}

/** N crafted names: the prefix (8 bytes) and two blocks of one class. */
function craftedNames(n, prefix, seed) {
  const m = Math.ceil(Math.sqrt(n));
  const blocks = collidingBlocks(m, seed);
  return Array.from({ length: n }, (_, i) => prefix + blocks[i % m] + blocks[Math.floor(i / m)]);
}

/** N ordinary names of the same length and alphabet (seeded, distinct). */
function ordinaryNames(n, prefix, seed) {
  const rand = random(seed);
  const seen = new Set();
  const out = [];
  while (out.length < n) {
    let s = prefix;
    for (let i = 0; i < 32; i++) s += String.fromCharCode(ALPHABET[Math.floor(rand() * ALPHABET.length)]);
    if (!seen.has(s)) {
      seen.add(s);
      out.push(s);
    }
  }
  return out;
}

const distinct = (xs) => new Set(xs).size;

// ---------------------------------------------------------------------------------------------
// The run.

await main();

async function main() {
  const args = process.argv.slice(2);
  const value = (name, fallback) => {
    const i = args.indexOf(name);
    return i === -1 ? fallback : args[i + 1];
  };
  const N = Number(value('--n', '80000'));
  const PKG = path.resolve(value('--pkg', path.join(root, 'pkg')));
  const SCENARIO = value('--scenario', 'addcol');
  const CRAFT = value('--craft', 'ids').split(',');
  const ROUNDS = Number(value('--rounds', '1'));
  const KEEP = value('--keep', null);
  const DIALECT = value('--dialect', 'PostgreSQL');
  const say = (line) => process.stderr.write(`==> ${line}\n`);

  if (!SCENARIOS.includes(SCENARIO)) throw new Error(`--scenario must be one of ${SCENARIOS.join(', ')}`);
  if (CRAFT.some((c) => c !== 'ids' && c !== 'tables')) throw new Error('--craft takes ids, tables or ids,tables');
  if (DIALECT !== 'PostgreSQL' && DIALECT !== 'MySQL') throw new Error('--dialect takes PostgreSQL or MySQL');
  const maps = tableMaps(DIALECT, SCENARIO);
  if (CRAFT.includes('tables') && !maps.length) {
    throw new Error('--craft tables needs --scenario create or --dialect MySQL: no map takes the table names of a PostgreSQL addcol plan');
  }
  if (!fs.existsSync(path.join(PKG, 'wasm', WASM))) throw new Error(`${path.join(PKG, 'wasm', WASM)} is missing: build the package (scripts/build.sh)`);

  const ordinaryIds = ordinaryNames(N, 'diff_id_', 11);
  const ordinaryTables = ordinaryNames(N, 'table_t_', 12);
  const crafted = {
    ids: CRAFT.includes('ids') ? craftedNames(N, 'diff_id_', 1) : ordinaryIds,
    tables: CRAFT.includes('tables') ? craftedNames(N, 'table_t_', 2) : ordinaryTables,
  };
  const ordinary = { ids: ordinaryIds, tables: ordinaryTables };

  // The names must be valid and distinct, and the crafted ones must collide.
  for (const [what, names] of Object.entries({ ...crafted, 'ordinary ids': ordinaryIds, 'ordinary tables': ordinaryTables })) {
    if (distinct(names) !== N) throw new Error(`${what}: ${distinct(names)} distinct names, not ${N}`);
    if (names.some((s) => s.length !== 40 || !/^[A-Za-z0-9_]+$/.test(s))) throw new Error(`${what}: a name is not 40 letters, digits or _`);
  }
  const hashes = {
    crafted_ids: distinct(crafted.ids.map(hashStr)),
    ordinary_ids: distinct(ordinary.ids.map(hashStr)),
    tables: Object.fromEntries(
      maps.map(([map, key]) => [map, { crafted: distinct(crafted.tables.map(key)), ordinary: distinct(ordinary.tables.map(key)) }]),
    ),
  };
  console.log(`N = ${N}, ${SCENARIO}, ${DIALECT}, crafted: ${CRAFT.join(' and ')} (40 bytes each)`);
  console.log(`distinct hashes (src/hash.rs in BigInt, full 64 bits):`);
  console.log(`  diff ids (Planner::seen): crafted ${hashes.crafted_ids}, ordinary ${hashes.ordinary_ids}`);
  for (const [map, h] of Object.entries(hashes.tables)) console.log(`  table keys (${map}): crafted ${h.crafted}, ordinary ${h.ordinary}`);
  if (CRAFT.includes('ids') && hashes.crafted_ids !== 1) throw new Error(`the crafted ids do not all collide: ${hashes.crafted_ids} distinct hashes`);
  for (const [map, h] of Object.entries(hashes.tables)) {
    if (CRAFT.includes('tables') && h.crafted !== 1) throw new Error(`the crafted tables do not all collide in ${map}: ${h.crafted} distinct hashes`);
  }
  console.log(`  e.g. ${crafted.ids[0]}, ${crafted.ids[1]}, ${crafted.ids[N - 1]}`);

  const tmp = KEEP ? path.resolve(KEEP) : fs.mkdtempSync(path.join(os.tmpdir(), 'smartspec-flood-'));
  fs.mkdirSync(tmp, { recursive: true });
  if (!KEEP) process.on('exit', () => fs.rmSync(tmp, { recursive: true, force: true }));
  const files = {};
  for (const [kind, names] of [['crafted', crafted], ['ordinary', ordinary]]) {
    const text = reportText(N, SCENARIO, { id: (i) => names.ids[i], table: (i) => names.tables[i] });
    files[kind] = { path: path.join(tmp, `${kind}.json`), bytes: Buffer.byteLength(text) };
    fs.writeFileSync(files[kind].path, text);
  }
  if (files.crafted.bytes !== files.ordinary.bytes) throw new Error('the two reports differ in size');
  console.log(`reports: ${(files.crafted.bytes / 1e6).toFixed(1)} MB each (${tmp})`);
  console.log(`package: ${PKG}`);

  const runs = { crafted: [], ordinary: [] };
  const load = [os.loadavg()[0]];
  for (let r = 0; r < ROUNDS; r++) {
    const order = r % 2 ? ['crafted', 'ordinary'] : ['ordinary', 'crafted'];
    for (const kind of order) {
      say(`round ${r + 1}/${ROUNDS}: ${kind}`);
      const c = spawnSync(process.execPath, ['--expose-gc', fileURLToPath(import.meta.url), '--child', PKG, files[kind].path, DIALECT], {
        encoding: 'utf8',
        maxBuffer: 64 << 20,
      });
      if (c.status !== 0) throw new Error(`generate() on the ${kind} report failed:\n${c.stderr}`);
      const out = JSON.parse(c.stdout.trim().split('\n').pop());
      runs[kind].push(out);
      say(`  ${out.ms.toFixed(0)} ms (CPU ${out.cpu_ms.toFixed(0)} ms)`);
    }
  }
  load.push(os.loadavg()[0]);
  // Same output shape: the names have the same length, so the SQL the same size.
  const shape = (o) => JSON.stringify([o.files.length, o.statements, o.sql_bytes, o.operations, o.warnings]);
  const shapes = new Set([...runs.crafted, ...runs.ordinary].map(shape));
  if (shapes.size !== 1) throw new Error(`the outputs differ in shape: ${[...shapes].join(' / ')}`);
  const o = runs.ordinary[0];
  console.log(`output of both: ${o.files.length} file(s), ${o.statements} statements, ${(o.sql_bytes / 1e6).toFixed(1)} MB of SQL`);

  const crafted_ms = median(runs.crafted.map((x) => x.ms));
  const ordinary_ms = median(runs.ordinary.map((x) => x.ms));
  const crafted_cpu_ms = median(runs.crafted.map((x) => x.cpu_ms));
  const ordinary_cpu_ms = median(runs.ordinary.map((x) => x.cpu_ms));
  const list = (xs, key) => xs.map((x) => x[key].toFixed(0)).join(', ');
  console.log(`generate(), first call of a fresh process (load average ${load.map((x) => x.toFixed(2)).join(' → ')}):`);
  console.log(`  ordinary ${ordinary_ms.toFixed(0)} ms (${list(runs.ordinary, 'ms')}), CPU ${ordinary_cpu_ms.toFixed(0)} ms (${list(runs.ordinary, 'cpu_ms')})`);
  console.log(`  crafted  ${crafted_ms.toFixed(0)} ms (${list(runs.crafted, 'ms')}), CPU ${crafted_cpu_ms.toFixed(0)} ms (${list(runs.crafted, 'cpu_ms')})`);
  console.log(`  crafted / ordinary: ${(crafted_ms / ordinary_ms).toFixed(1)}× (CPU time ${(crafted_cpu_ms / ordinary_cpu_ms).toFixed(1)}×)`);
  console.log(
    JSON.stringify({
      n: N,
      scenario: SCENARIO,
      dialect: DIALECT,
      craft: CRAFT,
      pkg: PKG,
      report_bytes: files.crafted.bytes,
      hashes,
      ordinary_ms,
      crafted_ms,
      ratio: crafted_ms / ordinary_ms,
      ordinary_cpu_ms,
      crafted_cpu_ms,
      cpu_ratio: crafted_cpu_ms / ordinary_cpu_ms,
    }),
  );
}
