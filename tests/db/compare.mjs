// Compares two normalized catalogs (introspect.mjs).
//
//   diffCatalogs(a, b, { ignoreNames = 'none', labels = ['a', 'b'] } = {})
//     -> null when equal
//     -> { message, differences: [string, ...] } otherwise
//
// `message` names the first differing object, e.g.
//   table film: column rating: type "text" vs "mpaa_rating"
// followed by "(+N more)" when there are more. `differences` lists every difference in a fixed
// order: dialect, enums, tables (columns, primary key, foreign keys, unique constraints, indexes,
// checks, flags), then objects outside the contract. In each line the value from `a` comes first;
// `labels` names the two sides in "only in …" lines.
//
// ignoreNames: 'none' compares constraint and index names; 'all' ignores them; 'generated'
// ignores only names the server made up (see introspect.mjs looksGenerated). Objects whose
// names are compared are matched by name; the others are matched by their definition.

import { stripNames } from './introspect.mjs';

const KINDS = [
  ['foreign_keys', 'foreign key'],
  ['unique_constraints', 'unique constraint'],
  ['indexes', 'index'],
  ['checks', 'check'],
];

function show(v) {
  if (v === undefined) return 'none';
  if (v === null) return 'none';
  if (typeof v === 'object' && !Array.isArray(v) && 'kind' in v && 'value' in v) {
    return v.kind === 'literal' ? `literal ${JSON.stringify(v.value)}` : `expression ${v.value}`;
  }
  return JSON.stringify(v);
}

function same(x, y) {
  return JSON.stringify(x ?? null) === JSON.stringify(y ?? null);
}

function union(a, b) {
  return [...new Set([...Object.keys(a ?? {}), ...Object.keys(b ?? {})])].sort();
}

/** Field-by-field differences of two plain objects, as "field x vs y" strings. */
function fieldDiffs(x, y, skip = []) {
  const out = [];
  for (const k of union(x, y)) {
    if (skip.includes(k)) continue;
    if (!same(x?.[k], y?.[k])) out.push(`${k} ${show(x?.[k])} vs ${show(y?.[k])}`);
  }
  return out;
}

function describe(label, obj) {
  const cols = obj.columns ? `(${obj.columns.join(', ')})` : '';
  if (obj.name != null) return `${label} ${obj.name}`;
  if (obj.expression != null) return `${label} (${obj.expression})`;
  if (obj.references) return `${label} ${cols} -> ${obj.references.table}(${obj.references.columns.join(', ')})`;
  return `${label} ${cols}${obj.unique ? ' unique' : ''}`;
}

/** Keys objects by name when they have one, else by definition; duplicates get #n. */
function keyed(list) {
  const m = new Map();
  for (const o of list ?? []) {
    const base = o.name != null ? `name:${o.name}` : `def:${JSON.stringify(o)}`;
    let k = base;
    for (let i = 2; m.has(k); i++) k = `${base}#${i}`;
    m.set(k, o);
  }
  return m;
}

export function diffCatalogs(a, b, { ignoreNames = 'none', labels = ['a', 'b'] } = {}) {
  if (ignoreNames !== 'none') {
    a = stripNames(a, ignoreNames);
    b = stripNames(b, ignoreNames);
  }
  const [la, lb] = labels;
  const diffs = [];

  if (a.dialect !== b.dialect) diffs.push(`dialect ${show(a.dialect)} vs ${show(b.dialect)}`);

  for (const name of union(a.enums, b.enums)) {
    const x = a.enums?.[name];
    const y = b.enums?.[name];
    if (!x) diffs.push(`enum ${name}: only in ${lb}`);
    else if (!y) diffs.push(`enum ${name}: only in ${la}`);
    else if (!same(x, y)) diffs.push(`enum ${name}: values ${show(x)} vs ${show(y)}`);
  }

  for (const tname of union(a.tables, b.tables)) {
    const x = a.tables?.[tname];
    const y = b.tables?.[tname];
    if (!x) {
      diffs.push(`table ${tname}: only in ${lb}`);
      continue;
    }
    if (!y) {
      diffs.push(`table ${tname}: only in ${la}`);
      continue;
    }
    const at = `table ${tname}`;

    for (const cname of union(x.columns, y.columns)) {
      const cx = x.columns?.[cname];
      const cy = y.columns?.[cname];
      if (!cx) diffs.push(`${at}: column ${cname}: only in ${lb}`);
      else if (!cy) diffs.push(`${at}: column ${cname}: only in ${la}`);
      else for (const d of fieldDiffs(cx, cy)) diffs.push(`${at}: column ${cname}: ${d}`);
    }

    const px = x.primary_key ?? null;
    const py = y.primary_key ?? null;
    if (!px && py) diffs.push(`${at}: ${describe('primary key', py)}: only in ${lb}`);
    else if (px && !py) diffs.push(`${at}: ${describe('primary key', px)}: only in ${la}`);
    else if (px && py) {
      for (const d of fieldDiffs(px, py)) diffs.push(`${at}: primary key: ${d}`);
    }

    for (const [kind, label] of KINDS) {
      const mx = keyed(x[kind]);
      const my = keyed(y[kind]);
      for (const k of [...new Set([...mx.keys(), ...my.keys()])].sort()) {
        const ox = mx.get(k);
        const oy = my.get(k);
        if (!ox) diffs.push(`${at}: ${describe(label, oy)}: only in ${lb}`);
        else if (!oy) diffs.push(`${at}: ${describe(label, ox)}: only in ${la}`);
        else for (const d of fieldDiffs(ox, oy, ['name'])) diffs.push(`${at}: ${describe(label, ox)}: ${d}`);
      }
    }

    if (!same(x.flags ?? [], y.flags ?? [])) diffs.push(`${at}: flags ${show(x.flags ?? [])} vs ${show(y.flags ?? [])}`);
  }

  const ox = new Set(a.others ?? []);
  const oy = new Set(b.others ?? []);
  for (const o of [...new Set([...ox, ...oy])].sort()) {
    if (!ox.has(o)) diffs.push(`${o}: only in ${lb}`);
    else if (!oy.has(o)) diffs.push(`${o}: only in ${la}`);
  }

  if (diffs.length === 0) return null;
  const more = diffs.length > 1 ? ` (+${diffs.length - 1} more)` : '';
  return {
    message: diffs[0] + more,
    differences: diffs,
    toString() {
      return this.message;
    },
  };
}
