// Reads the migration corpus (tests/corpus, see its README.md).
//
//   listCases(root = CORPUS_DIR, { dialects = ['postgres', 'mysql'] }) -> Case[]
//                                            sorted by source, then case name; the SQLite cases
//                                            (tests/sqlite-convergence.test.mjs) only when asked for
//   readCase(dir)                -> Case
//
// Case: { id: '<source>/<case>', source, name, dir, dialect: 'postgres' | 'mysql' | 'sqlite',
//         beforeSql, desiredSql, summary (parsed summary.json), origin (first line of SOURCE.md),
//         fromEmpty (before holds only comments) }

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const CORPUS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'corpus');

/** SQL text with comments and whitespace removed is empty. */
export function isEmptySql(sql) {
  return (
    sql
      .replace(/\/\*[\s\S]*?\*\//g, '')
      .replace(/--[^\n]*/g, '')
      .trim() === ''
  );
}

export function readCase(dir) {
  const files = fs.readdirSync(dir);
  const before = files.find((f) => /^before\.(postgres|mysql|sqlite)\.sql$/.test(f));
  const desired = files.find((f) => /^desired\.(postgres|mysql|sqlite)\.sql$/.test(f));
  if (!before || !desired) throw new Error(`${dir}: needs before.<dialect>.sql and desired.<dialect>.sql`);
  const dialect = /^before\.(\w+)\.sql$/.exec(before)[1];
  if (desired !== `desired.${dialect}.sql`) throw new Error(`${dir}: ${before} and ${desired} name different dialects`);
  const beforeSql = fs.readFileSync(path.join(dir, before), 'utf8');
  const desiredSql = fs.readFileSync(path.join(dir, desired), 'utf8');
  const summaryPath = path.join(dir, 'summary.json');
  const summary = fs.existsSync(summaryPath) ? JSON.parse(fs.readFileSync(summaryPath, 'utf8')) : null;
  const sourcePath = path.join(dir, 'SOURCE.md');
  const origin = fs.existsSync(sourcePath) ? fs.readFileSync(sourcePath, 'utf8').split('\n')[0].trim() : '';
  const name = path.basename(dir);
  const source = path.basename(path.dirname(dir));
  return {
    id: `${source}/${name}`,
    source,
    name,
    dir,
    dialect,
    beforeSql,
    desiredSql,
    summary,
    origin,
    fromEmpty: isEmptySql(beforeSql),
  };
}

export function listCases(root = CORPUS_DIR, { dialects = ['postgres', 'mysql'] } = {}) {
  const cases = [];
  for (const source of fs.readdirSync(root).sort()) {
    const sdir = path.join(root, source);
    if (!fs.statSync(sdir).isDirectory()) continue;
    for (const name of fs.readdirSync(sdir).sort()) {
      const cdir = path.join(sdir, name);
      if (!fs.statSync(cdir).isDirectory()) continue;
      const c = readCase(cdir);
      if (dialects.includes(c.dialect)) cases.push(c);
    }
  }
  return cases;
}
