// Flyway files: names follow Flyway's documented rule; statements that cannot share a
// transaction get a migration of their own with `executeInTransaction=false`, and the files run
// on PostgreSQL one by one as Flyway runs them (each transactional file inside BEGIN/COMMIT, each
// non-transactional one statement by statement); undo files return the schema to `before`.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { diffCatalogs } from './db/compare.mjs';
import { listCases } from './db/corpus.mjs';
import { introspect } from './db/introspect.mjs';
import { startPostgres } from './db/servers.mjs';
import { generate, readExample } from './support/wasm.mjs';

const CI = /^(true|1|yes)$/i.test(process.env.CI ?? '');

// Flyway's rule for versioned and undo migrations: prefix V or U, a version of digits separated
// by dots or underscores, the separator "__", a description, the suffix ".sql".
const FLYWAY_NAME = /^(?<prefix>[VU])(?<version>\d+(?:[._]\d+)*)__(?<description>[A-Za-z0-9_]+)\.sql$/;

/** Flyway's version order: numeric part by part, dots and underscores alike. */
function compareVersions(a, b) {
  const pa = a.split(/[._]/).map(BigInt);
  const pb = b.split(/[._]/).map(BigInt);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i] ?? 0n;
    const y = pb[i] ?? 0n;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

describe('file names', () => {
  it('every Flyway file of every example and corpus case follows the rule, in run order', () => {
    let checked = 0;
    const reports = [readExample('run-123'), readExample('shop-mixed'), ...listCases().map((c) => JSON.stringify(c.summary))];
    for (const report of reports) {
      for (const dialect of ['PostgreSQL', 'MySQL']) {
        let out;
        try {
          out = generate(report, dialect, { undo: true, concurrently: true, allowDestructive: true });
        } catch {
          continue; // a report of the other dialect may not render (tested elsewhere)
        }
        const migrations = out.files.filter((f) => f.role === 'migration');
        for (const f of out.files) {
          if (f.role === 'conf') {
            assert.ok(migrations.some((m) => `${m.name}.conf` === f.name), `${f.name} sits beside its migration`);
            assert.equal(f.content, 'executeInTransaction=false\n');
            continue;
          }
          const m = FLYWAY_NAME.exec(f.name);
          assert.ok(m, `${f.name} does not follow Flyway's naming rule`);
          assert.equal(m.groups.prefix, f.role === 'undo' ? 'U' : 'V');
          checked++;
        }
        const versions = migrations.map((f) => FLYWAY_NAME.exec(f.name).groups.version);
        const sorted = [...versions].sort(compareVersions);
        assert.deepEqual(versions, sorted, 'files are listed in the order Flyway runs them');
        assert.equal(new Set(versions).size, versions.length, 'versions are unique');
      }
    }
    assert.ok(checked > 700, `only ${checked} names checked`);
  });

  it('the rule rejects what Flyway would not run', () => {
    for (const bad of ['V1_add.sql', 'V__x.sql', 'v1__x.sql', 'V1..2__x.sql', 'V1__x.SQL', 'V1__../x.sql']) {
      assert.equal(FLYWAY_NAME.test(bad), false, bad);
    }
  });
});

describe('running the files as Flyway runs them (PostgreSQL 15)', { concurrency: 1 }, () => {
  let server = null;
  let startError = null;
  before(async () => {
    try { server = await startPostgres(); } catch (e) { startError = e; }
  });
  after(async () => { await server?.stop(); });

  function ready(t) {
    if (server) return true;
    if (CI) throw startError;
    t.skip(`PostgreSQL unavailable: ${startError?.message}`);
    return false;
  }

  async function fresh(db, sql) {
    await server.dropDatabase(db).catch(() => {});
    await server.createDatabase(db);
    if (sql) await server.exec(sql, db);
  }

  /** Each file in its own transaction unless its .conf says otherwise, as Flyway does. */
  async function runFlyway(files, db, role = 'migration') {
    for (const f of files.filter((x) => x.role === role)) {
      const own = files.some((c) => c.name === `${f.name}.conf`);
      await server.exec(own ? f.content : `BEGIN;\n${f.content}\nCOMMIT;\n`, db);
    }
  }

  const ENUM_USED = {
    run_id: 'enum-then-used', report_format: 'smartspec.dmv.summary/1', workflow: 'smartspec_data_model_validator',
    timestamps: { finished_at: '2025-03-01T10:00:00Z' }, scope: { dialect: 'postgres', default_schema: 'public' },
    diffs: [
      { id: 'D001', kind: 'enum_values_mismatch', object: { schema: 'public', enum: 'order_status' },
        expected: { values: ['pending', 'paid', 'shipped'] }, actual: { values: ['pending', 'paid'] } },
      { id: 'D002', kind: 'missing_column', object: { schema: 'public', table: 'orders', column: 'status' },
        expected: { name: 'status', type: 'order_status', enum: 'order_status', nullable: false, default: { kind: 'literal', value: 'shipped' } },
        actual: null },
    ],
  };
  const ENUM_BEFORE = `CREATE TYPE public.order_status AS ENUM ('pending', 'paid');
    CREATE TABLE public.orders (id int PRIMARY KEY); INSERT INTO public.orders VALUES (1);`;

  it('an enum value added and then used: two migrations, the first outside a transaction', async (t) => {
    if (!ready(t)) return;
    const out = generate(ENUM_USED, 'PostgreSQL');
    assert.deepEqual(out.files.map((f) => f.name), [
      'V202503011000.1__alter_type_order_status_alter_orders_enum_values.sql',
      'V202503011000.1__alter_type_order_status_alter_orders_enum_values.sql.conf',
      'V202503011000.2__alter_type_order_status_alter_orders.sql',
    ]);
    assert.match(out.files[0].content, /ALTER TYPE "public"\."order_status" ADD VALUE IF NOT EXISTS 'shipped' AFTER 'paid';/);
    assert.match(out.files[2].content, /ADD COLUMN IF NOT EXISTS "status" "public"\."order_status" NOT NULL DEFAULT 'shipped';/);

    // In one transaction PostgreSQL refuses to use the new value: the split is what makes it run.
    await fresh('fw_one', ENUM_BEFORE);
    const all = out.files.filter((f) => f.role === 'migration').map((f) => f.content).join('\n');
    await assert.rejects(server.exec(`BEGIN;\n${all}\nCOMMIT;\n`, 'fw_one'), /unsafe use of new value "shipped"/);

    await fresh('fw_split', ENUM_BEFORE);
    await runFlyway(out.files, 'fw_split');
    const row = await server.query(`SELECT status::text FROM public.orders`, 'fw_split');
    assert.equal(row.trim(), 'shipped');
    // And again: every file re-runs cleanly.
    const first = await introspect(server, 'fw_split');
    await runFlyway(out.files, 'fw_split');
    assert.equal(diffCatalogs(await introspect(server, 'fw_split'), first), null);
  });

  it('--concurrently: indexes on existing tables in a migration of their own, outside a transaction', async (t) => {
    if (!ready(t)) return;
    const report = {
      run_id: 'concurrent-index', timestamps: { finished_at: '2025-03-01T10:00:00Z' }, scope: { dialect: 'postgres' },
      diffs: [{ id: 'D001', kind: 'missing_index', object: { schema: 'public', table: 'orders', index: 'orders_total_idx' },
        expected: { name: 'orders_total_idx', columns: ['total'], unique: false }, actual: null }],
    };
    const out = generate(report, 'PostgreSQL', { concurrently: true, undo: true });
    const names = out.files.map((f) => f.name);
    assert.deepEqual(names, [
      'V202503011000__add_orders_total_idx_to_orders_concurrent_indexes.sql',
      'V202503011000__add_orders_total_idx_to_orders_concurrent_indexes.sql.conf',
      'U202503011000__add_orders_total_idx_to_orders_concurrent_indexes.sql',
    ]);
    assert.match(out.files[0].content, /CREATE INDEX CONCURRENTLY IF NOT EXISTS "orders_total_idx" ON "public"\."orders" \("total"\);/);
    await fresh('fw_conc', 'CREATE TABLE public.orders (id int PRIMARY KEY, total int);');
    await assert.rejects(server.exec(`BEGIN;\n${out.files[0].content}\nCOMMIT;\n`, 'fw_conc'), /cannot run inside a transaction block/);
    await runFlyway(out.files, 'fw_conc');
    assert.match(await server.query(`SELECT indexdef FROM pg_indexes WHERE indexname = 'orders_total_idx'`, 'fw_conc'), /\(total\)/);
    await runFlyway(out.files, 'fw_conc', 'undo');
    assert.equal((await server.query(`SELECT count(*) FROM pg_indexes WHERE indexname = 'orders_total_idx'`, 'fw_conc')).trim(), '0');
  });

  it('undo files: V then U returns run-123 to before', async (t) => {
    if (!ready(t)) return;
    const BEFORE = `CREATE TABLE public.users (id uuid PRIMARY KEY, email varchar(255), age varchar(10), legacy_flag boolean);`;
    const out = generate(readExample('run-123'), 'PostgreSQL', { undo: true });
    assert.deepEqual(out.files.map((f) => f.role), ['migration', 'undo']);
    await fresh('fw_undo_want', BEFORE);
    await fresh('fw_undo', BEFORE);
    await runFlyway(out.files, 'fw_undo');
    assert.notEqual(diffCatalogs(await introspect(server, 'fw_undo'), await introspect(server, 'fw_undo_want')), null);
    await runFlyway(out.files, 'fw_undo', 'undo');
    assert.equal(diffCatalogs(await introspect(server, 'fw_undo'), await introspect(server, 'fw_undo_want')), null);
  });
});
