// The shipped examples' PostgreSQL migrations, executed on PostgreSQL (PGlite: PostgreSQL
// compiled to wasm, one instance for the file). The oracle is the catalog afterwards, read from
// information_schema and pg_catalog, and a second run that must succeed and change nothing.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { PGlite } from '@electric-sql/pglite';
import { generate, readExample } from './support/wasm.mjs';

let db;
before(async () => { db = await PGlite.create(); });
after(async () => { await db?.close(); });

async function fresh(schema) {
  await db.exec(`DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public;`);
  await db.exec(`DO $$ BEGIN
    IF EXISTS (SELECT 1 FROM pg_type WHERE typname = 'order_status') THEN DROP TYPE public.order_status CASCADE; END IF;
  END $$;`);
  if (schema) await db.exec(schema);
}

async function columns() {
  const r = await db.query(`SELECT table_name, column_name, data_type, is_nullable, column_default
    FROM information_schema.columns WHERE table_schema = 'public' ORDER BY table_name, column_name`);
  return r.rows;
}

async function catalog() {
  const cols = await columns();
  const cons = await db.query(`SELECT conrelid::regclass::text AS tbl, conname, pg_get_constraintdef(oid) AS def
    FROM pg_constraint WHERE connamespace = 'public'::regnamespace AND contype <> 'n' ORDER BY 1, 2`);
  const idx = await db.query(`SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' ORDER BY 1`);
  const enums = await db.query(`SELECT t.typname, array_agg(e.enumlabel ORDER BY e.enumsortorder) AS labels
    FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid GROUP BY 1 ORDER BY 1`);
  return { cols, cons: cons.rows, idx: idx.rows, enums: enums.rows };
}

test('run-123: last_login_at is added to users as timestamp with time zone, and a re-run changes nothing', async () => {
  await fresh(`CREATE TABLE public.users (id bigint PRIMARY KEY, email varchar(255));
               INSERT INTO public.users VALUES (1, 'a@example.com');`);
  const out = generate(readExample('run-123'));
  assert.equal(out.files.length, 1);
  assert.equal(out.files[0].name, 'V202401011200__add_last_login_at_to_users.sql');
  await db.exec(out.files[0].content);
  const col = (await columns()).find((c) => c.column_name === 'last_login_at');
  assert.deepEqual(col, {
    table_name: 'users', column_name: 'last_login_at', data_type: 'timestamp with time zone',
    is_nullable: 'YES', column_default: null,
  });
  const first = await catalog();
  await db.exec(out.files[0].content);
  assert.deepEqual(await catalog(), first, 'the second run changes the catalog');
  const rows = await db.query('SELECT id, email, last_login_at FROM public.users');
  assert.deepEqual(rows.rows, [{ id: 1, email: 'a@example.com', last_login_at: null }]);
});

test('shop-mixed: every diff is resolved on PostgreSQL, and a re-run changes nothing', async () => {
  await fresh(`
    CREATE TYPE public.order_status AS ENUM ('pending', 'paid', 'refunded');
    CREATE TABLE public.users (id uuid PRIMARY KEY, email varchar(255), age varchar(10), legacy_flag boolean);
    CREATE TABLE public.legacy_sessions (id bigint PRIMARY KEY);
    CREATE TABLE public.payments (id int PRIMARY KEY, status public.order_status NOT NULL DEFAULT 'paid');
    INSERT INTO public.payments VALUES (1, 'pending');`);
  const out = generate(readExample('shop-mixed'), 'PostgreSQL', { allowDestructive: true });
  assert.equal(out.destructive_operations_found, true);
  assert.equal(out.blocked, false);
  await db.exec(out.files[0].content);
  const cat = await catalog();
  const tables = [...new Set(cat.cols.map((c) => c.table_name))].sort();
  assert.deepEqual(tables, ['orders', 'payments', 'users']);
  const users = cat.cols.filter((c) => c.table_name === 'users').map((c) => `${c.column_name}:${c.data_type}:${c.is_nullable}`);
  assert.deepEqual(users, ['age:integer:YES', 'display_name:character varying:NO', 'email:character varying:NO', 'id:uuid:NO']);
  assert.deepEqual(cat.enums, [{ typname: 'order_status', labels: ['pending', 'paid', 'shipped', 'cancelled'] }]);
  const orderCons = cat.cons.filter((c) => c.tbl === 'orders').map((c) => `${c.conname} ${c.def}`);
  assert.deepEqual(orderCons, [
    'orders_pkey PRIMARY KEY (id)',
    'orders_total_nonneg CHECK ((total_cents >= 0))',
    'orders_user_id_fkey FOREIGN KEY (user_id) REFERENCES users(id) ON DELETE CASCADE',
  ]);
  assert.ok(cat.idx.some((i) => i.indexname === 'orders_user_id_idx' && /\(user_id\)/.test(i.indexdef)));
  // The rebuilt enum kept the other table's column, its default and its row.
  const pay = await db.query(`SELECT status::text AS status, (SELECT column_default FROM information_schema.columns
    WHERE table_name = 'payments' AND column_name = 'status') AS def FROM public.payments`);
  assert.deepEqual(pay.rows, [{ status: 'pending', def: "'paid'::order_status" }]);
  await db.exec(out.files[0].content);
  assert.deepEqual(await catalog(), cat, 'the second run changes the catalog');
});

test('a column that already exists with another type makes the migration fail, naming it', async () => {
  await fresh(`CREATE TABLE public.users (id bigint PRIMARY KEY, last_login_at text);`);
  const out = generate(readExample('run-123'));
  await assert.rejects(db.exec(out.files[0].content),
    /table public\.users already exists and differs from this migration: last_login_at is text, not TIMESTAMP WITH TIME ZONE/);
});

test('an enum type that already exists with other values makes the migration fail, naming it', async () => {
  await fresh(`CREATE TYPE public.order_status AS ENUM ('a', 'b');
               CREATE TABLE public.users (id uuid PRIMARY KEY);`);
  const report = JSON.parse(readExample('shop-mixed'));
  report.diffs = [{ id: 'E1', kind: 'missing_enum', object: { schema: 'public', enum: 'order_status' },
    expected: { name: 'order_status', values: ['pending', 'paid'] }, actual: null }];
  const out = generate(report, 'PostgreSQL');
  await assert.rejects(db.exec(out.files[0].content),
    /type public\.order_status already exists and differs from this migration: its values are \{a,b\}/);
});
