// A made-up validation report that the worker (worker.js) runs through generate() while the page
// is idle, before any report is given. The browser compiles a WebAssembly module's functions on
// their first call and optimises those that run often only later, on other threads: the first
// real report would pay for both (0.5 s more at 10 000 tables). Running this report first moves
// that work to the time the page waits for a file. Its result is never shown.
//
// The report holds `n` created tables (the columns, keys, indexes, checks and foreign keys of a
// usual schema) and, on `n` other tables, added, changed and dropped columns and indexes.

const table = (i) => `warm_up_${i}`;

function createdTable(i, n) {
  const name = table(i);
  return {
    id: `W${i}`,
    kind: 'missing_table',
    destructive: false,
    hazards: [],
    object: { schema: 'public', table: name },
    expected: {
      name,
      columns: [
        { name: 'id', type: 'bigint', nullable: false, default: null, identity: 'always' },
        { name: 'name', type: 'varchar(255)', nullable: false, default: null },
        { name: 'status', type: 'varchar(20)', nullable: false, default: { kind: 'literal', value: 'new' } },
        { name: 'total', type: 'numeric(12,2)', nullable: false, default: { kind: 'literal', value: 0 } },
        { name: 'active', type: 'boolean', nullable: true, default: { kind: 'literal', value: true } },
        { name: 'note', type: 'text', nullable: true, default: null },
        { name: 'meta', type: 'json', nullable: true, default: null },
        { name: 'placed_at', type: 'timestamp', nullable: false, default: { kind: 'expression', value: 'now()' } },
        { name: 'prev_id', type: 'bigint', nullable: true, default: null },
      ],
      primary_key: { name: `${name}_pkey`, columns: ['id'] },
      foreign_keys: [{
        name: `${name}_prev_id_fkey`,
        columns: ['prev_id'],
        references: { schema: 'public', table: table((i + n - 1) % n), columns: ['id'] },
        on_delete: 'cascade',
        on_update: 'no_action',
      }],
      unique_constraints: [{ name: `${name}_name_placed_at_key`, columns: ['name', 'placed_at'] }],
      indexes: [{ name: `${name}_status_idx`, columns: ['status'], unique: false }],
      checks: [{ name: `${name}_total_check`, expression: '(total >= 0)' }],
    },
    actual: null,
  };
}

function changedTable(i) {
  const t = table(i);
  const object = (extra) => ({ schema: 'public', table: t, ...extra });
  const diff = (k, kind, rest) => ({ id: `W${i}${k}`, kind, destructive: false, hazards: [], ...rest });
  return [
    diff('a', 'missing_column', { object: object({ column: 'code' }), expected: { name: 'code', type: 'varchar(64)', nullable: true, default: null }, actual: null }),
    diff('b', 'type_mismatch', {
      object: object({ column: 'amount' }),
      expected: { name: 'amount', type: 'varchar(50)', nullable: false, default: null },
      actual: { name: 'amount', type: 'varchar(20)', nullable: false, default: null },
    }),
    diff('c', 'nullability_mismatch', {
      object: object({ column: 'email' }),
      expected: { name: 'email', type: 'varchar(255)', nullable: true, default: null },
      actual: { name: 'email', type: 'varchar(255)', nullable: false, default: null },
    }),
    diff('d', 'missing_index', { object: object({ index: `${t}_code_idx` }), expected: { name: `${t}_code_idx`, columns: ['code'], unique: true }, actual: null }),
    {
      ...diff('e', 'extra_column', {
        object: object({ column: 'legacy' }),
        expected: null,
        actual: { name: 'legacy', type: 'boolean', nullable: true, default: { kind: 'literal', value: false } },
      }),
      destructive: true,
    },
  ];
}

/** The report's JSON text: `n` tables created and `n` tables changed. */
export function warmReport(n) {
  const diffs = [];
  for (let i = 0; i < n; i++) diffs.push(createdTable(i, n));
  for (let i = n; i < 2 * n; i++) diffs.push(...changedTable(i));
  return JSON.stringify({
    workflow: 'smartspec_data_model_validator',
    version: '6.1.1',
    report_format: 'smartspec.dmv.summary/1',
    run_id: 'warm-up',
    status: 'fail',
    strict: false,
    timestamps: { finished_at: '2024-01-01T00:00:00Z' },
    scope: { spec_path: 'warm-up.sql', spec_id: 'warm-up', dialect: 'postgres', default_schema: 'public' },
    summary: { diffs_total: diffs.length },
    results: [],
    diffs,
    warnings: [],
  });
}
