// Synthetic validation reports (contract: shared/report-format/README.md) of N tables × 8 columns:
//   id          integer, identity (always), primary key
//   name        varchar(255) NOT NULL, indexed
//   body        text
//   price       decimal(10,2)
//   active      boolean DEFAULT true
//   created_at  timestamp DEFAULT now()
//   meta        json
//   prev_id     integer, foreign key to the previous table's id (table 0 → table N-1: a ring)
// Scenarios:
//   create   every table is missing (one missing_table diff per table)
//   addcol   every table exists; each misses one nullable varchar(64) column `note`
// Diff ids are D00001, D00002, …, tables t00000, t00001, …; bench/flood.mjs gives its own
// (`names`: { id(i), table(i) }, either left out for the default).

export const SCENARIOS = ['create', 'addcol'];

export const tableName = (i) => `t${String(i).padStart(5, '0')}`;
export const diffId = (i) => `D${String(i + 1).padStart(5, '0')}`;
const DEFAULT_NAMES = { id: diffId, table: tableName };

function table(i, n, names) {
  const name = names.table(i);
  return {
    name,
    columns: [
      { name: 'id', type: 'integer', nullable: false, identity: 'always' },
      { name: 'name', type: 'varchar(255)', nullable: false },
      { name: 'body', type: 'text', nullable: true },
      { name: 'price', type: 'decimal(10,2)', nullable: true },
      { name: 'active', type: 'boolean', nullable: true, default: { kind: 'literal', value: true } },
      { name: 'created_at', type: 'timestamp', nullable: true, default: { kind: 'expression', value: 'now()' } },
      { name: 'meta', type: 'json', nullable: true },
      { name: 'prev_id', type: 'integer', nullable: true },
    ],
    primary_key: { name: `${name}_pkey`, columns: ['id'] },
    indexes: [{ name: `${name}_name_idx`, columns: ['name'], unique: false }],
    foreign_keys: [
      {
        name: `${name}_prev_id_fkey`,
        columns: ['prev_id'],
        references: { schema: 'public', table: names.table((i + n - 1) % n), columns: ['id'] },
        on_delete: 'no_action',
        on_update: 'no_action',
      },
    ],
  };
}

function diff(i, n, scenario, names) {
  const id = names.id(i);
  const common = {
    id,
    severity: 'high',
    confidence: 'high',
    check_id: scenario === 'create' ? 'DMV-002' : 'DMV-004',
    destructive: false,
    hazards: [],
  };
  if (scenario === 'create') {
    return {
      ...common,
      kind: 'missing_table',
      object: { schema: 'public', table: names.table(i) },
      expected: table(i, n, names),
      actual: null,
    };
  }
  return {
    ...common,
    kind: 'missing_column',
    object: { schema: 'public', table: names.table(i), column: 'note' },
    expected: { name: 'note', type: 'varchar(64)', nullable: true, default: null },
    actual: null,
  };
}

/** The report object for N tables in a scenario; `names` may give the diff ids and table names. */
export function makeReport(n, scenario, names = {}) {
  if (!SCENARIOS.includes(scenario)) throw new Error(`unknown scenario ${scenario}`);
  const given = { ...DEFAULT_NAMES, ...names };
  const diffs = [];
  for (let i = 0; i < n; i++) diffs.push(diff(i, n, scenario, given));
  return {
    workflow: 'smartspec_data_model_validator',
    version: '6.1.1',
    report_format: 'smartspec.dmv.summary/1',
    run_id: `bench-${scenario}-${n}`,
    status: 'fail',
    strict: false,
    timestamps: { started_at: '2024-01-01T11:59:58Z', finished_at: '2024-01-01T12:00:00Z' },
    scope: {
      spec_path: 'specs/bench/spec.md',
      spec_id: 'bench',
      dialect: 'postgres',
      orm: null,
      default_schema: 'public',
    },
    summary: { entities_total: n, entities_covered: n, errors: n, warnings: 0, reduced_coverage: false },
    results: [],
    diffs,
    warnings: [],
    writes: { reports: [] },
  };
}

/** The report as JSON text, as the validator writes it (one line per diff). */
export function reportText(n, scenario, names = {}) {
  const r = makeReport(n, scenario, names);
  const { diffs, ...head } = r;
  const headText = JSON.stringify({ ...head, diffs: [] });
  const body = diffs.map((d) => `  ${JSON.stringify(d)}`).join(',\n');
  return `${headText.slice(0, -3)}[\n${body}\n]}\n`;
}
