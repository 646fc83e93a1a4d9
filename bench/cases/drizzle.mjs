// The peer: drizzle-kit's programmatic API on the same change set, in a fresh process:
//   node --expose-gc cases/drizzle.mjs <N> <create|addcol> <iterations>
// The schema is N tables × the benchmark's 8 columns in drizzle-orm's pg-core. generateDrizzleJson
// turns the schema into drizzle-kit's snapshot (timed apart, as `snapshot_ms`); what is compared
// with the generator is generateMigration(previous snapshot, new snapshot): the diff and its SQL,
// warm (after the first call, a second of untimed calls, at least one: stats.mjs WARMUP_MS; then
// `iterations` calls, GC before each).
//   create  empty snapshot → the N tables
//   addcol  the N tables → the N tables with one more nullable varchar(64) column each
import { generateDrizzleJson, generateMigration } from 'drizzle-kit/api';
import {
  boolean,
  index,
  integer,
  json,
  numeric,
  pgTable,
  text,
  timestamp,
  varchar,
} from 'drizzle-orm/pg-core';
import { emit, timeOnce, timeOnceAsync, warmUp } from '../stats.mjs';
import { tableName } from '../reports.mjs';

const [nArg, scenario, iterArg] = process.argv.slice(2);
const n = Number(nArg);
const iterations = Number(iterArg ?? 3);

function schema(withNote) {
  const tables = [];
  const out = {};
  for (let i = 0; i < n; i++) {
    const name = tableName(i);
    const prev = (i + n - 1) % n;
    tables[i] = pgTable(
      name,
      {
        id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
        name: varchar('name', { length: 255 }).notNull(),
        body: text('body'),
        price: numeric('price', { precision: 10, scale: 2 }),
        active: boolean('active').default(true),
        created_at: timestamp('created_at').defaultNow(),
        meta: json('meta'),
        prev_id: integer('prev_id').references(() => tables[prev].id),
        ...(withNote ? { note: varchar('note', { length: 64 }) } : {}),
      },
      (t) => [index(`${name}_name_idx`).on(t.name)],
    );
    out[name] = tables[i];
  }
  return out;
}

let prev;
let cur;
let snapshotMs;
if (scenario === 'create') {
  prev = generateDrizzleJson({});
  const s = timeOnce(() => generateDrizzleJson(schema(false), prev.id));
  cur = s.value;
  snapshotMs = s.ms;
} else if (scenario === 'addcol') {
  prev = generateDrizzleJson(schema(false));
  const s = timeOnce(() => generateDrizzleJson(schema(true), prev.id));
  cur = s.value;
  snapshotMs = s.ms;
} else {
  throw new Error(`unknown scenario ${scenario}`);
}

const first = await timeOnceAsync(() => generateMigration(prev, cur));
const statements = first.value;
const warmupCalls = await warmUp(() => generateMigration(prev, cur));
const warm = [];
const warmCpu = [];
for (let i = 0; i < iterations; i++) {
  const t = await timeOnceAsync(() => generateMigration(prev, cur));
  warm.push(t.ms);
  warmCpu.push(t.cpu_ms);
}
emit({
  snapshot_ms: snapshotMs,
  first_ms: first.ms,
  first_cpu_ms: first.cpu_ms,
  warmup_calls: warmupCalls,
  warm_ms: warm,
  warm_cpu_ms: warmCpu,
  statements: statements.length,
  sql_bytes: Buffer.byteLength(statements.join(';\n')),
  sample: statements.slice(0, 2),
});
