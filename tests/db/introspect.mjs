// Reads a database's catalog back from the server and normalizes it, following
// tests/corpus/README.md "What equal means".
//
//   introspectPostgres(server, db, options?)  -> Promise<Catalog>   (schema public)
//   introspectMariaDB(server, db, options?)   -> Promise<Catalog>   (the database db)
//   introspect(server, db, options?)          -> dispatches on server.kind
//
// options.ignoreNames: 'none' (default) | 'all' | 'generated' — drops constraint and index
// names from the catalog (all of them, or only those the server would have made up).
// Names can also be ignored later, at comparison time (compare.mjs).
//
// Catalog (plain JSON; tables, columns and enums keyed by name in sorted order, lists sorted):
//
//   {
//     dialect: 'postgres' | 'mysql',
//     enums:  { <name>: [value, ...] },                 // PostgreSQL enum types, values in order
//     tables: {
//       <name>: {
//         columns: {
//           <name>: {
//             type,                                     // normalized, see normalizePgType / normalizeMyType
//             nullable: boolean,
//             default: null | { kind: 'literal' | 'expression', value: string },
//             identity?: 'always' | 'by_default',       // serial / nextval() default = 'by_default'
//             auto_increment?: true,                    // MySQL
//             enum?: <type name>,                       // PostgreSQL enum (or array of enum) column
//             enum_values?: [value, ...],               // MySQL enum column
//             generated?: <expression>, extra?: <text>  // out of contract, shown so they differ
//           }
//         },
//         primary_key: null | { name, columns },
//         foreign_keys: [{ name, columns, references: { table, columns, schema? }, on_delete, on_update, ...flags }],
//         unique_constraints: [{ name, columns, ...flags }],
//         indexes: [{ name, columns, unique, ...flags }],  // PG: not those backing a PK/unique constraint
//         checks: [{ name, expression }],
//         flags?: [text]                                // partitioned, inherits, unlogged, ...
//       }
//     },
//     others: [text]   // objects outside the contract: "view v", "sequence s", "function f(integer)", ...
//   }
//
// Foreign-key actions are 'no_action' | 'restrict' | 'cascade' | 'set_null' | 'set_default';
// on MySQL, NO ACTION is read as 'restrict' (InnoDB treats the two the same).

// ---------------------------------------------------------------------------------------------
// Shared normalization helpers

const NUMERIC_RE = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;

/** '4.990' -> '4.99', '-0.0' -> '0', '007' -> '7', '1.5e2' -> '150'; null when not a number. */
export function canonicalNumber(text) {
  const s = String(text).trim();
  const m = NUMERIC_RE.exec(s);
  if (!m || (m[2] === '' && (m[3] === undefined || m[3] === ''))) return null;
  let [, sign, int, frac = '', exp] = m;
  if (exp !== undefined) {
    // shift the decimal point exactly, without floating point
    let digits = int + frac;
    let point = int.length + Number(exp);
    if (point < 0) {
      digits = '0'.repeat(-point) + digits;
      point = 0;
    }
    if (point > digits.length) digits += '0'.repeat(point - digits.length);
    int = digits.slice(0, point);
    frac = digits.slice(point);
  }
  int = int.replace(/^0+/, '') || '0';
  frac = frac.replace(/0+$/, '');
  if (int === '0' && frac === '') sign = '';
  if (sign === '+') sign = '';
  return sign + int + (frac ? '.' + frac : '');
}

function sortByName(list) {
  return list.sort((a, b) => cmpStr(a.name ?? '', b.name ?? '') || cmpStr(JSON.stringify(a), JSON.stringify(b)));
}

function cmpStr(a, b) {
  return a < b ? -1 : a > b ? 1 : 0;
}

function sortedObject(entries) {
  const out = {};
  for (const [k, v] of entries.sort((a, b) => cmpStr(a[0], b[0]))) out[k] = v;
  return out;
}

/** Groups rows by a key, keeping order. */
function groupBy(rows, key) {
  const m = new Map();
  for (const r of rows) {
    const k = typeof key === 'function' ? key(r) : r[key];
    if (!m.has(k)) m.set(k, []);
    m.get(k).push(r);
  }
  return m;
}

function emptyTable() {
  return { columns: {}, primary_key: null, foreign_keys: [], unique_constraints: [], indexes: [], checks: [] };
}

function finishCatalog(dialect, tables, enums, others, options) {
  const outTables = {};
  for (const name of Object.keys(tables).sort()) {
    const t = tables[name];
    const done = {
      columns: sortedObject(Object.entries(t.columns)),
      primary_key: t.primary_key,
      foreign_keys: sortByName(t.foreign_keys),
      unique_constraints: sortByName(t.unique_constraints),
      indexes: sortByName(t.indexes),
      checks: sortByName(t.checks),
    };
    if (t.flags && t.flags.length) done.flags = [...t.flags].sort();
    outTables[name] = done;
  }
  const catalog = {
    dialect,
    enums: sortedObject(Object.entries(enums)),
    tables: outTables,
    others: [...new Set(others)].sort(),
  };
  const mode = options?.ignoreNames ?? 'none';
  return mode === 'none' ? catalog : stripNames(catalog, mode);
}

// ---------------------------------------------------------------------------------------------
// Names the server makes up

const PG_LABEL = { primary_key: 'pkey', foreign_keys: 'fkey', unique_constraints: 'key', indexes: 'idx', checks: 'check' };

function escapeRe(s) {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function bareColumn(c) {
  return String(c)
    .replace(/ (DESC|NULLS FIRST|NULLS LAST)$/g, '')
    .replace(/ DESC$/, '')
    .replace(/\(\d+\)$/, '')
    .replace(/^"(.*)"$/, '$1');
}

/**
 * True when `object.name` is a name PostgreSQL or MariaDB would have chosen itself, had the
 * object been declared without a name. `kind` is 'primary_key' | 'foreign_keys' |
 * 'unique_constraints' | 'indexes' | 'checks'; `table` is the catalog's table entry.
 */
export function looksGenerated(dialect, kind, tableName, object, table = {}) {
  const name = object?.name;
  if (name == null) return true;
  const cols = (object.columns ?? []).map(bareColumn);
  if (dialect === 'postgres') {
    // makeObjectName: <table>_<columns joined by _>_<label>, then a number on a clash; when that
    // is over 63 bytes, the table and column parts are cut so that the whole is 63 bytes.
    const label = PG_LABEL[kind];
    if (!label) return false;
    const m = new RegExp(`^(.*)_${label}\\d*$`).exec(name);
    if (!m) return false;
    const head = m[1];
    const cut = Buffer.byteLength(name) >= 60;
    const tableOk = (part) => part === tableName || (cut && part.length > 0 && tableName.startsWith(part));
    if (kind === 'primary_key') return tableOk(head);
    let colParts = [cols.join('_')];
    if (kind === 'checks') {
      // "<table>_<column>_check" for a one-column check, "<table>_check" otherwise
      if (tableOk(head)) return true;
      colParts = Object.keys(table.columns ?? {});
    }
    if (kind === 'indexes' && cols.length === 0) colParts = ['expr'];
    for (let i = head.indexOf('_'); i > 0; i = head.indexOf('_', i + 1)) {
      const t = head.slice(0, i);
      const c = head.slice(i + 1);
      if (tableOk(t) && colParts.some((p) => p === c || (cut && c.length > 0 && p.startsWith(c)))) return true;
    }
    return false;
  }
  // MariaDB / MySQL
  if (kind === 'primary_key') return true; // always PRIMARY
  if (kind === 'foreign_keys') return new RegExp(`^${escapeRe(tableName)}_ibfk_\\d+$`).test(name);
  if (kind === 'checks') {
    // unnamed table checks are CONSTRAINT_<n>; a column-level check takes the column's name
    return /^CONSTRAINT_\d+$/.test(name) || Object.hasOwn(table.columns ?? {}, name);
  }
  // unnamed keys take the name of their first column (then <col>_2, <col>_3, ...); the index
  // InnoDB adds for a foreign key takes the foreign key's name
  const first = cols[0] ?? '';
  if (name === first || new RegExp(`^${escapeRe(first)}_\\d+$`).test(name)) return true;
  if (kind === 'indexes') {
    return (table.foreign_keys ?? []).some(
      (fk) => fk.name === name && fk.columns.every((c, i) => cols[i] === c),
    );
  }
  return false;
}

/** Drops constraint and index names: all of them (mode "all") or the server-made ones ("generated"). */
export function stripNames(catalog, mode) {
  if (mode === 'none') return catalog;
  if (mode !== 'all' && mode !== 'generated') {
    throw new Error(`ignoreNames must be 'none', 'all' or 'generated', not ${JSON.stringify(mode)}`);
  }
  const out = structuredClone(catalog);
  for (const [tname, t] of Object.entries(out.tables)) {
    const strip = (kind, obj) => {
      if (!obj) return obj;
      if (mode === 'all' || looksGenerated(catalog.dialect, kind, tname, obj, catalog.tables[tname])) {
        const { name, ...rest } = obj;
        return rest;
      }
      return obj;
    };
    t.primary_key = strip('primary_key', t.primary_key);
    for (const kind of ['foreign_keys', 'unique_constraints', 'indexes', 'checks']) {
      t[kind] = t[kind].map((o) => strip(kind, o));
      t[kind].sort((a, b) => cmpStr(a.name ?? '', b.name ?? '') || cmpStr(JSON.stringify(a), JSON.stringify(b)));
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// PostgreSQL

const PG_FK_ACTION = { a: 'no_action', r: 'restrict', c: 'cascade', n: 'set_null', d: 'set_default' };

/** format_type() text -> the short form the reports use. */
export function normalizePgType(t) {
  let s = t.trim();
  let arr = '';
  const m = /^(.*?)((?:\[\])+)$/.exec(s);
  if (m) {
    s = m[1];
    arr = m[2];
  }
  s = s
    .replace(/^character varying(\(\d+\))?$/, (_, n) => (n ? `varchar${n}` : 'character varying'))
    .replace(/^character(\(\d+\))$/, 'char$1')
    .replace(/^timestamp(\(\d+\))? without time zone$/, 'timestamp$1')
    .replace(/^timestamp(\(\d+\))? with time zone$/, 'timestamptz$1')
    .replace(/^time(\(\d+\))? without time zone$/, 'time$1')
    .replace(/^time(\(\d+\))? with time zone$/, 'timetz$1')
    .replace(/^bit varying(\(\d+\))?$/, 'varbit$1');
  return s + arr;
}

const PG_NUMERIC_TYPES = /^(smallint|integer|bigint|numeric|real|double precision|money)\b/;
const PG_CAST = /^(.*)::("?[A-Za-z_][\w ."]*"?(?:\(\d+(?:,\d+)?\))?(?:\[\])*)$/s;

function unwrapParens(s) {
  // strip one pair of parentheses only when they enclose the whole text
  if (!s.startsWith('(') || !s.endsWith(')')) return null;
  let depth = 0;
  let inStr = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (inStr) {
      if (c === "'") {
        if (s[i + 1] === "'") i++;
        else inStr = false;
      }
      continue;
    }
    if (c === "'") inStr = true;
    else if (c === '(') depth++;
    else if (c === ')') {
      depth--;
      if (depth === 0 && i !== s.length - 1) return null;
    }
  }
  return s.slice(1, -1).trim();
}

/** A pg_get_expr() default -> null | {kind, value}. `type` is the normalized column type. */
export function normalizePgDefault(expr, type) {
  if (expr == null) return null;
  const original = expr.trim();
  let s = original;
  // peel casts and parentheses around a literal: ('x'::text)::character varying, '-1'::integer, (-1)
  for (;;) {
    const inner = unwrapParens(s);
    if (inner != null) {
      s = inner;
      continue;
    }
    const m = PG_CAST.exec(s);
    if (m && !/'$/.test(m[2])) {
      s = m[1].trim();
      continue;
    }
    break;
  }
  if (/^NULL$/i.test(s)) return null;
  const isNumericType = PG_NUMERIC_TYPES.test(type) && !type.endsWith('[]');
  const str = /^'((?:[^']|'')*)'$/s.exec(s);
  if (str) {
    const value = str[1].replace(/''/g, "'");
    if (isNumericType && type !== 'money') {
      const n = canonicalNumber(value);
      if (n != null) return { kind: 'literal', value: n };
    }
    return { kind: 'literal', value };
  }
  if (/^(true|false)$/i.test(s)) return { kind: 'literal', value: s.toLowerCase() };
  const n = canonicalNumber(s);
  if (n != null) return { kind: 'literal', value: n };
  // expressions: the server's own rendering, except the synonyms the reports merge
  if (/^CURRENT_TIMESTAMP$/i.test(original) || /^now\(\)$/i.test(original)) return { kind: 'expression', value: 'now()' };
  return { kind: 'expression', value: original };
}

const PG_CATALOG_SQL = String.raw`
WITH rels AS (
  SELECT c.oid, c.relname, c.relkind, c.relpersistence, c.relispartition, c.relrowsecurity
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE n.nspname = 'public'
)
SELECT json_build_object('k', 'table', 'table', r.relname, 'relkind', r.relkind,
       'persistence', r.relpersistence, 'ispartition', r.relispartition, 'rls', r.relrowsecurity,
       'inherits', (SELECT array_agg(p.relname ORDER BY i.inhseqno) FROM pg_inherits i JOIN pg_class p ON p.oid = i.inhparent WHERE i.inhrelid = r.oid))
FROM rels r WHERE r.relkind IN ('r', 'p');

SELECT json_build_object('k', 'column', 'table', c.relname, 'name', a.attname, 'num', a.attnum,
       'type', format_type(a.atttypid, a.atttypmod), 'notnull', a.attnotnull,
       'default', pg_get_expr(d.adbin, d.adrelid), 'identity', a.attidentity, 'generated', a.attgenerated,
       'typtype', t.typtype, 'typname', t.typname,
       'elemtyptype', et.typtype, 'elemtypname', et.typname)
FROM pg_attribute a
JOIN pg_class c ON c.oid = a.attrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_type t ON t.oid = a.atttypid
LEFT JOIN pg_type et ON et.oid = t.typelem AND t.typcategory = 'A'
LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped;

SELECT json_build_object('k', 'constraint', 'table', c.relname, 'name', con.conname, 'type', con.contype,
       'def', pg_get_constraintdef(con.oid),
       'columns', (SELECT array_agg(a.attname ORDER BY k.o) FROM unnest(con.conkey) WITH ORDINALITY k(n, o)
                   JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.n),
       'reftable', fc.relname, 'refschema', fn.nspname,
       'refcolumns', (SELECT array_agg(a.attname ORDER BY k.o) FROM unnest(con.confkey) WITH ORDINALITY k(n, o)
                   JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.n),
       'deltype', con.confdeltype, 'updtype', con.confupdtype, 'matchtype', con.confmatchtype,
       'deferrable', con.condeferrable, 'deferred', con.condeferred, 'validated', con.convalidated,
       'noinherit', con.connoinherit, 'islocal', con.conislocal,
       'nullsnotdistinct', (SELECT i.indnullsnotdistinct FROM pg_index i WHERE i.indexrelid = con.conindid))
FROM pg_constraint con
JOIN pg_class c ON c.oid = con.conrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_class fc ON fc.oid = con.confrelid
LEFT JOIN pg_namespace fn ON fn.oid = fc.relnamespace
WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p');

SELECT json_build_object('k', 'index', 'table', c.relname, 'name', ic.relname, 'unique', i.indisunique,
       'primary', i.indisprimary, 'method', am.amname,
       'columns', (SELECT array_agg(pg_get_indexdef(i.indexrelid, k, true)
                          || CASE WHEN i.indoption[k - 1] & 1 = 1 THEN ' DESC' ELSE '' END
                          || CASE WHEN i.indoption[k - 1] & 1 = 1 AND i.indoption[k - 1] & 2 = 0 THEN ' NULLS LAST'
                                  WHEN i.indoption[k - 1] & 1 = 0 AND i.indoption[k - 1] & 2 = 2 THEN ' NULLS FIRST'
                                  ELSE '' END
                          ORDER BY k)
                   FROM generate_series(1, i.indnkeyatts) k),
       'include', (SELECT array_agg(pg_get_indexdef(i.indexrelid, k, true) ORDER BY k)
                   FROM generate_series(i.indnkeyatts + 1, i.indnatts) k),
       'predicate', pg_get_expr(i.indpred, i.indrelid),
       'nullsnotdistinct', i.indnullsnotdistinct,
       'backs_constraint', EXISTS (SELECT 1 FROM pg_constraint x
                                   WHERE x.conindid = i.indexrelid AND x.conrelid = i.indrelid AND x.contype IN ('p', 'u', 'x')))
FROM pg_index i
JOIN pg_class ic ON ic.oid = i.indexrelid
JOIN pg_class c ON c.oid = i.indrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_am am ON am.oid = ic.relam
WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p');

SELECT json_build_object('k', 'enum', 'name', t.typname,
       'values', (SELECT array_agg(e.enumlabel ORDER BY e.enumsortorder) FROM pg_enum e WHERE e.enumtypid = t.oid))
FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
WHERE n.nspname = 'public' AND t.typtype = 'e';

-- objects outside the contract
SELECT json_build_object('k', 'other', 'what',
       CASE c.relkind WHEN 'v' THEN 'view' WHEN 'm' THEN 'materialized view' WHEN 'f' THEN 'foreign table'
                      WHEN 'c' THEN 'composite type' ELSE 'relation(' || c.relkind::text || ')' END || ' ' || c.relname)
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = 'public' AND c.relkind NOT IN ('r', 'p', 'i', 'I', 'S', 't');

-- sequences, except those owned by a serial/identity column or used by a column default
SELECT json_build_object('k', 'other', 'what', 'sequence ' || s.relname)
FROM pg_class s JOIN pg_namespace n ON n.oid = s.relnamespace
WHERE n.nspname = 'public' AND s.relkind = 'S'
  AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = s.oid
                  AND d.refclassid = 'pg_class'::regclass AND d.refobjsubid > 0 AND d.deptype IN ('a', 'i'))
  AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_attrdef'::regclass
                  AND d.refclassid = 'pg_class'::regclass AND d.refobjid = s.oid);

SELECT json_build_object('k', 'other', 'what',
       CASE p.prokind WHEN 'p' THEN 'procedure' WHEN 'a' THEN 'aggregate' WHEN 'w' THEN 'window function' ELSE 'function' END
       || ' ' || p.oid::regprocedure::text)
FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
WHERE n.nspname NOT IN ('pg_catalog', 'information_schema')
  AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e');

SELECT json_build_object('k', 'other', 'what',
       CASE t.typtype WHEN 'd' THEN 'domain' WHEN 'r' THEN 'range type' WHEN 'm' THEN 'multirange type'
                      WHEN 'b' THEN 'base type' WHEN 'p' THEN 'pseudo type' ELSE 'type(' || t.typtype::text || ')' END
       || ' ' || t.typname)
FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
WHERE n.nspname = 'public' AND t.typtype NOT IN ('e', 'c')
  AND NOT EXISTS (SELECT 1 FROM pg_type o WHERE o.typarray = t.oid)
  AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_type'::regclass AND d.objid = t.oid AND d.deptype = 'e');

SELECT json_build_object('k', 'other', 'what', 'schema ' || n.nspname)
FROM pg_namespace n
WHERE n.nspname NOT IN ('public', 'pg_catalog', 'information_schema', 'pg_toast')
  AND n.nspname NOT LIKE 'pg_temp_%' AND n.nspname NOT LIKE 'pg_toast_temp_%';

SELECT json_build_object('k', 'other', 'what', 'extension ' || e.extname)
FROM pg_extension e WHERE e.extname <> 'plpgsql';

SELECT json_build_object('k', 'other', 'what', 'trigger ' || t.tgname || ' on ' || c.relname)
FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE NOT t.tgisinternal AND n.nspname = 'public';

SELECT json_build_object('k', 'other', 'what', 'rule ' || r.rulename || ' on ' || c.relname)
FROM pg_rewrite r JOIN pg_class c ON c.oid = r.ev_class JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = 'public' AND r.rulename <> '_RETURN';

SELECT json_build_object('k', 'other', 'what', 'policy ' || p.polname || ' on ' || c.relname)
FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = 'public';

SELECT json_build_object('k', 'other', 'what', 'statistics object ' || s.stxname)
FROM pg_statistic_ext s JOIN pg_namespace n ON n.oid = s.stxnamespace WHERE n.nspname = 'public';

SELECT json_build_object('k', 'other', 'what', 'collation ' || c.collname)
FROM pg_collation c JOIN pg_namespace n ON n.oid = c.collnamespace WHERE n.nspname = 'public';

SELECT json_build_object('k', 'other', 'what', 'operator ' || o.oid::regoperator::text)
FROM pg_operator o JOIN pg_namespace n ON n.oid = o.oprnamespace WHERE n.nspname = 'public';
`;

function stripCheck(def) {
  // pg_get_constraintdef: "CHECK ((a > 0))" [NOT VALID] [NO INHERIT]
  let s = def.trim();
  const flags = [];
  for (const suffix of [' NOT VALID', ' NO INHERIT']) {
    if (s.endsWith(suffix)) {
      s = s.slice(0, -suffix.length);
      flags.push(suffix.trim().toLowerCase().replace(' ', '_'));
    }
  }
  const m = /^CHECK \((.*)\)$/s.exec(s);
  return { expression: m ? m[1] : s, flags };
}

export async function introspectPostgres(server, db, options = {}) {
  const rows = await server.queryJson(PG_CATALOG_SQL, db);
  const tables = {};
  const enums = {};
  const others = [];
  const by = groupBy(rows, 'k');

  for (const r of by.get('table') ?? []) {
    const t = emptyTable();
    t.flags = [];
    if (r.relkind === 'p') t.flags.push('partitioned');
    if (r.ispartition) t.flags.push('partition');
    if (r.inherits) t.flags.push(`inherits ${r.inherits.join(', ')}`);
    if (r.persistence === 'u') t.flags.push('unlogged');
    if (r.rls) t.flags.push('row level security');
    tables[r.table] = t;
  }

  for (const r of by.get('column') ?? []) {
    const t = tables[r.table];
    if (!t) continue;
    const type = normalizePgType(r.type);
    const col = { type, nullable: !r.notnull, default: null };
    if (r.typtype === 'e') col.enum = r.typname;
    else if (r.elemtyptype === 'e') col.enum = r.elemtypname;
    if (r.identity === 'a') col.identity = 'always';
    else if (r.identity === 'd') col.identity = 'by_default';
    if (r.generated) {
      col.generated = `${r.default} (${r.generated === 's' ? 'stored' : r.generated})`;
    } else if (r.default != null && !col.identity && /^nextval\('(?:[^']|'')+'::regclass\)$/.test(r.default.trim())) {
      // serial / nextval() default: the same as an identity BY DEFAULT column
      col.identity = 'by_default';
    } else {
      col.default = normalizePgDefault(r.default, type);
    }
    t.columns[r.name] = col;
  }

  for (const r of by.get('constraint') ?? []) {
    const t = tables[r.table];
    if (!t) continue;
    const flags = {};
    if (r.deferrable) flags.deferrable = r.deferred ? 'initially_deferred' : 'initially_immediate';
    if (!r.validated) flags.not_valid = true;
    if (r.noinherit && r.type === 'c') flags.no_inherit = true; // only checks can be inherited
    if (!r.islocal) flags.inherited = true;
    switch (r.type) {
      case 'p':
        t.primary_key = { name: r.name, columns: r.columns ?? [], ...flags };
        break;
      case 'f': {
        const fk = {
          name: r.name,
          columns: r.columns ?? [],
          references: { table: r.reftable, columns: r.refcolumns ?? [] },
          on_delete: PG_FK_ACTION[r.deltype] ?? r.deltype,
          on_update: PG_FK_ACTION[r.updtype] ?? r.updtype,
          ...flags,
        };
        if (r.refschema !== 'public') fk.references.schema = r.refschema;
        if (r.matchtype === 'f') fk.match = 'full';
        else if (r.matchtype === 'p') fk.match = 'partial';
        t.foreign_keys.push(fk);
        break;
      }
      case 'u': {
        const u = { name: r.name, columns: r.columns ?? [], ...flags };
        if (r.nullsnotdistinct) u.nulls_not_distinct = true;
        t.unique_constraints.push(u);
        break;
      }
      case 'c': {
        const { expression, flags: checkFlags } = stripCheck(r.def);
        const c = { name: r.name, expression, ...flags };
        for (const f of checkFlags) c[f] = true;
        t.checks.push(c);
        break;
      }
      default:
        // exclusion constraints, constraint triggers: outside the contract
        others.push(`constraint ${r.name} on ${r.table}: ${r.def}`);
    }
  }

  for (const r of by.get('index') ?? []) {
    const t = tables[r.table];
    if (!t || r.backs_constraint) continue;
    const idx = { name: r.name, columns: r.columns ?? [], unique: !!r.unique };
    if (r.method !== 'btree') idx.method = r.method;
    if (r.include) idx.include = r.include;
    if (r.predicate) idx.where = r.predicate;
    if (r.nullsnotdistinct) idx.nulls_not_distinct = true;
    t.indexes.push(idx);
  }

  for (const r of by.get('enum') ?? []) enums[r.name] = r.values ?? [];
  for (const r of by.get('other') ?? []) others.push(r.what);

  return finishCatalog('postgres', tables, enums, others, options);
}

// ---------------------------------------------------------------------------------------------
// MariaDB / MySQL

function sqlString(s) {
  return `'${String(s).replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
}

function myCatalogSql(db) {
  const d = sqlString(db);
  return `
SET SESSION group_concat_max_len = 1048576;
SELECT JSON_OBJECT('k', 'table', 'table', TABLE_NAME, 'type', TABLE_TYPE, 'engine', ENGINE,
       'options', CREATE_OPTIONS)
FROM information_schema.TABLES WHERE TABLE_SCHEMA = ${d};

SELECT JSON_OBJECT('k', 'column', 'table', TABLE_NAME, 'name', COLUMN_NAME, 'pos', ORDINAL_POSITION,
       'type', COLUMN_TYPE, 'nullable', IS_NULLABLE, 'default', COLUMN_DEFAULT, 'extra', EXTRA,
       'generated', IS_GENERATED, 'generation', GENERATION_EXPRESSION)
FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ${d};

SELECT JSON_OBJECT('k', 'index', 'table', TABLE_NAME, 'name', INDEX_NAME, 'nonunique', NON_UNIQUE,
       'seq', SEQ_IN_INDEX, 'column', COLUMN_NAME, 'subpart', SUB_PART, 'collation', COLLATION,
       'itype', INDEX_TYPE, 'ignored', IGNORED)
FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = ${d};

SELECT JSON_OBJECT('k', 'fk', 'table', r.TABLE_NAME, 'name', r.CONSTRAINT_NAME,
       'reftable', r.REFERENCED_TABLE_NAME, 'update', r.UPDATE_RULE, 'delete', r.DELETE_RULE,
       'match', r.MATCH_OPTION)
FROM information_schema.REFERENTIAL_CONSTRAINTS r WHERE r.CONSTRAINT_SCHEMA = ${d};

SELECT JSON_OBJECT('k', 'fkcol', 'table', TABLE_NAME, 'name', CONSTRAINT_NAME, 'pos', ORDINAL_POSITION,
       'column', COLUMN_NAME, 'refschema', REFERENCED_TABLE_SCHEMA, 'reftable', REFERENCED_TABLE_NAME,
       'refcolumn', REFERENCED_COLUMN_NAME)
FROM information_schema.KEY_COLUMN_USAGE
WHERE TABLE_SCHEMA = ${d} AND REFERENCED_TABLE_NAME IS NOT NULL;

SELECT JSON_OBJECT('k', 'check', 'table', TABLE_NAME, 'name', CONSTRAINT_NAME, 'clause', CHECK_CLAUSE,
       'level', LEVEL)
FROM information_schema.CHECK_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = ${d};

SELECT JSON_OBJECT('k', 'other', 'what', CONCAT(LOWER(ROUTINE_TYPE), ' ', ROUTINE_NAME))
FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = ${d};

SELECT JSON_OBJECT('k', 'other', 'what', CONCAT('trigger ', TRIGGER_NAME, ' on ', EVENT_OBJECT_TABLE))
FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = ${d};

SELECT JSON_OBJECT('k', 'other', 'what', CONCAT('event ', EVENT_NAME))
FROM information_schema.EVENTS WHERE EVENT_SCHEMA = ${d};

SELECT JSON_OBJECT('k', 'partition', 'table', TABLE_NAME, 'name', PARTITION_NAME)
FROM information_schema.PARTITIONS WHERE TABLE_SCHEMA = ${d} AND PARTITION_NAME IS NOT NULL;
`;
}

const MY_FK_ACTION = {
  'NO ACTION': 'restrict', // InnoDB: NO ACTION is RESTRICT
  RESTRICT: 'restrict',
  CASCADE: 'cascade',
  'SET NULL': 'set_null',
  'SET DEFAULT': 'set_default',
};

/** COLUMN_TYPE -> normalized type (+ enum values). */
export function normalizeMyType(columnType) {
  const t = columnType.trim();
  const lower = t.toLowerCase();
  const en = /^enum\((.*)\)$/is.exec(t);
  if (en) return { type: 'enum', enum_values: parseQuotedList(en[1]) };
  if (lower === 'tinyint(1)') return { type: 'boolean' };
  const m = /^(tinyint|smallint|mediumint|int|integer|bigint)(\(\d+\))?(.*)$/.exec(lower);
  if (m) return { type: `${m[1] === 'integer' ? 'int' : m[1]}${m[3]}`.trim() };
  if (/^year\(4\)$/.test(lower)) return { type: 'year' };
  if (/^set\(/.test(lower)) return { type: t };
  return { type: lower };
}

function parseQuotedList(text) {
  const out = [];
  const re = /'((?:[^'\\]|''|\\.)*)'/gs;
  let m;
  while ((m = re.exec(text))) out.push(m[1].replace(/''/g, "'").replace(/\\(.)/gs, '$1'));
  return out;
}

const MY_NUMERIC_TYPES = /^(tinyint|smallint|mediumint|int|bigint|decimal|numeric|float|double|real|boolean|year)\b/;

/** information_schema.COLUMNS.COLUMN_DEFAULT (MariaDB 10.2.7+ form) -> null | {kind, value}. */
export function normalizeMyDefault(raw, type) {
  if (raw == null) return null;
  const s = String(raw).trim();
  if (s === 'NULL') return null;
  const str = /^'((?:[^'\\]|''|\\.)*)'$/s.exec(s);
  if (str) {
    const value = str[1].replace(/''/g, "'").replace(/\\(.)/gs, '$1');
    if (MY_NUMERIC_TYPES.test(type)) {
      const n = canonicalNumber(value);
      if (n != null) return { kind: 'literal', value: n };
    }
    return { kind: 'literal', value };
  }
  const n = canonicalNumber(s);
  if (n != null) return { kind: 'literal', value: n };
  let m;
  if ((m = /^(?:current_timestamp|now|localtimestamp|localtime)(?:\((\d*)\))?$/i.exec(s))) {
    return { kind: 'expression', value: m[1] ? `CURRENT_TIMESTAMP(${m[1]})` : 'CURRENT_TIMESTAMP' };
  }
  if (/^(?:curdate\(\)|current_date(?:\(\))?)$/i.test(s)) return { kind: 'expression', value: 'CURRENT_DATE' };
  if ((m = /^(?:curtime|current_time)(?:\((\d*)\))?$/i.exec(s))) {
    return { kind: 'expression', value: m[1] ? `CURRENT_TIME(${m[1]})` : 'CURRENT_TIME' };
  }
  return { kind: 'expression', value: s };
}

export async function introspectMariaDB(server, db, options = {}) {
  const rows = await server.queryJson(myCatalogSql(db), db);
  const tables = {};
  const others = [];
  const by = groupBy(rows, 'k');

  for (const r of by.get('table') ?? []) {
    if (r.type === 'BASE TABLE' || r.type === 'SYSTEM VERSIONED') {
      const t = emptyTable();
      t.flags = [];
      if (r.type === 'SYSTEM VERSIONED') t.flags.push('system versioned');
      if (r.engine && r.engine.toLowerCase() !== 'innodb') t.flags.push(`engine ${r.engine}`);
      tables[r.table] = t;
    } else if (r.type === 'VIEW') {
      others.push(`view ${r.table}`);
    } else if (r.type === 'SEQUENCE') {
      others.push(`sequence ${r.table}`);
    } else {
      others.push(`${String(r.type).toLowerCase()} ${r.table}`);
    }
  }

  // Checks first: MariaDB renders JSON as LONGTEXT plus a column-level CHECK (json_valid(`c`)).
  const jsonChecks = new Set();
  for (const r of by.get('check') ?? []) {
    const t = tables[r.table];
    if (!t) continue;
    const clause = String(r.clause).trim();
    if (r.level === 'Column' && clause === `json_valid(\`${r.name.replace(/`/g, '``')}\`)`) {
      jsonChecks.add(`${r.table}\u0000${r.name}`);
      continue;
    }
    t.checks.push({ name: r.name, expression: clause });
  }

  for (const r of by.get('column') ?? []) {
    const t = tables[r.table];
    if (!t) continue;
    const { type: rawType, enum_values } = normalizeMyType(r.type);
    let type = rawType;
    if (type === 'longtext' && jsonChecks.has(`${r.table}\u0000${r.name}`)) type = 'json';
    const col = { type, nullable: r.nullable === 'YES', default: null };
    if (enum_values) col.enum_values = enum_values;
    const extra = String(r.extra ?? '')
      .split(/\s+(?=on update|auto_increment|INVISIBLE|VIRTUAL|STORED|PERSISTENT)/i)
      .map((x) => x.trim())
      .filter(Boolean);
    const rest = [];
    for (const e of extra) {
      if (/^auto_increment$/i.test(e)) col.auto_increment = true;
      else rest.push(e);
    }
    if (r.generated === 'ALWAYS' || r.generation) {
      col.generated = String(r.generation ?? '');
    } else {
      col.default = normalizeMyDefault(r.default, type);
    }
    if (rest.length) col.extra = rest.join(' ');
    t.columns[r.name] = col;
  }

  // indexes (STATISTICS: one row per column)
  const idxGroups = groupBy(by.get('index') ?? [], (r) => `${r.table}\u0000${r.name}`);
  for (const group of idxGroups.values()) {
    const first = group[0];
    const t = tables[first.table];
    if (!t) continue;
    group.sort((a, b) => a.seq - b.seq);
    const columns = group.map(
      (r) => `${r.column ?? '(expression)'}${r.subpart != null ? `(${r.subpart})` : ''}${r.collation === 'D' ? ' DESC' : ''}`,
    );
    const extra = {};
    if (first.itype && first.itype !== 'BTREE') extra.method = first.itype.toLowerCase();
    if (first.ignored === 'YES') extra.ignored = true;
    if (first.name === 'PRIMARY') {
      t.primary_key = { name: 'PRIMARY', columns, ...extra };
    } else if (Number(first.nonunique) === 0) {
      t.unique_constraints.push({ name: first.name, columns, ...extra });
    } else {
      t.indexes.push({ name: first.name, columns, unique: false, ...extra });
    }
  }

  // foreign keys
  const fkCols = groupBy(by.get('fkcol') ?? [], (r) => `${r.table}\u0000${r.name}`);
  for (const r of by.get('fk') ?? []) {
    const t = tables[r.table];
    if (!t) continue;
    const cols = (fkCols.get(`${r.table}\u0000${r.name}`) ?? []).sort((a, b) => a.pos - b.pos);
    const fk = {
      name: r.name,
      columns: cols.map((c) => c.column),
      references: { table: r.reftable, columns: cols.map((c) => c.refcolumn) },
      on_delete: MY_FK_ACTION[r.delete] ?? String(r.delete).toLowerCase(),
      on_update: MY_FK_ACTION[r.update] ?? String(r.update).toLowerCase(),
    };
    const refschema = cols[0]?.refschema;
    if (refschema && refschema !== db) fk.references.schema = refschema;
    t.foreign_keys.push(fk);
  }

  const parts = groupBy(by.get('partition') ?? [], 'table');
  for (const [table, list] of parts) {
    if (tables[table]) tables[table].flags.push(`partitioned (${list.length} partitions)`);
  }
  for (const r of by.get('other') ?? []) others.push(r.what);

  return finishCatalog('mysql', tables, {}, others, options);
}

/** Dispatches on server.kind ('postgres' | 'mariadb'). */
export function introspect(server, db, options) {
  if (server.kind === 'postgres') return introspectPostgres(server, db, options);
  if (server.kind === 'mariadb') return introspectMariaDB(server, db, options);
  throw new Error(`unknown server kind ${server.kind}`);
}
