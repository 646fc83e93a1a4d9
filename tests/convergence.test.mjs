// Every corpus case (tests/corpus/README.md) and every hand-written fixture (tests/fixtures/, the
// same folder format), proven on real servers: build `before`, apply the generated migration,
// compare the catalog with one built from `desired`; apply the migration a second time, which
// must succeed and change nothing. Then a table of the results.
//
//   node --test tests/convergence.test.mjs          (after scripts/build.sh)
//   CASES=sakila node --test tests/convergence.test.mjs   only cases whose id contains "sakila"
//   CASES=fixtures/ node --test tests/convergence.test.mjs   only the fixtures
//   GUARDS=exists node --test tests/convergence.test.mjs   with --guards exists (none: one run only,
//                                                          as plain DDL runs once)
//
// Cases a report cannot make converge, because the report lacks the information, are listed in
// EXCLUDED with the reason (and in tests/README.md); each must still fail, so the list cannot go
// stale. Under CI=true a server that cannot start fails the suite.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { diffCatalogs } from './db/compare.mjs';
import { checkCase } from './db/converge.mjs';
import { isEmptySql, listCases } from './db/corpus.mjs';
import { introspect } from './db/introspect.mjs';
import { listFixtures } from './fixtures/fixtures.mjs';
import { startMariaDB, startPostgres } from './db/servers.mjs';
import { generate } from './support/wasm.mjs';

const CI = /^(true|1|yes)$/i.test(process.env.CI ?? '');
const FILTER = process.env.CASES ?? '';
const GUARDS = process.env.GUARDS ? { guards: process.env.GUARDS } : {};

/** Cases that cannot converge from their report alone, with the reason. */
export const EXCLUDED = {
  'sqldef-mysql/ModifyUnnamedForeignKey':
    'the foreign key is re-created under its old name; MariaDB then replaces the index it had made for the old key ' +
    '(author_id) with one named after the constraint. The report does not mention that index, since it is the same ' +
    'before and after, so the migration cannot keep its name.',
};

const corpusCases = listCases().map((c) => ({ ...c, group: 'corpus' }));
const fixtureCases = listFixtures().map((c) => ({ ...c, id: `fixtures/${c.id}`, group: 'fixtures' }));
/**
 * Cases whose migration converges but whose rollback cannot give `before` back from the report
 * alone, with the reason. Each must still fail to roll back, so the list cannot go stale.
 */
export const ROLLBACK_EXCLUDED = {};

const cases = [...corpusCases, ...fixtureCases].filter((c) => c.id.includes(FILTER));
const servers = {};
const startErrors = {};
const results = { postgres: [], mysql: [] };

before(async () => {
  const [pg, my] = await Promise.allSettled([startPostgres(), startMariaDB()]);
  for (const [dialect, r] of [['postgres', pg], ['mysql', my]]) {
    if (r.status === 'fulfilled') servers[dialect] = r.value;
    else {
      startErrors[dialect] = r.reason;
      console.error(`\n${'!'.repeat(78)}\n${dialect} server could not start: ${r.reason.message}\n` +
        `${CI ? 'CI=true: its cases FAIL.' : 'Its cases are SKIPPED (CI=true makes this a failure).'}\n${'!'.repeat(78)}\n`);
    }
  }
});

after(async () => {
  await Promise.allSettled(Object.values(servers).map((s) => s.stop()));
  printTable();
});

function printTable() {
  const rows = [['dialect', 'cases', 'converged', 're-run clean', 'rolled back', 'no rollback', 'excluded', 'failed']];
  for (const [dialect, group] of [['postgres', 'corpus'], ['mysql', 'corpus'], ['postgres', 'fixtures'], ['mysql', 'fixtures']]) {
    const r = results[dialect].filter((x) => x.group === group);
    if (!r.length) continue;
    rows.push([
      (dialect === 'postgres' ? 'PostgreSQL 15' : 'MariaDB 10.11 (MySQL dialect)') + (group === 'fixtures' ? ', fixtures' : ''),
      String(r.length),
      String(r.filter((x) => x.converged).length),
      String(r.filter((x) => x.rerunClean).length),
      String(r.filter((x) => x.rollback === true).length),
      String(r.filter((x) => x.rollback === null).length),
      String(r.filter((x) => x.excluded).length),
      String(r.filter((x) => !x.ok).length),
    ]);
  }
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  const line = (r) => r.map((c, i) => (i ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ');
  console.log(`\nConvergence on real servers\n${line(rows[0])}\n${widths.map((w) => '-'.repeat(w)).join('  ')}`);
  for (const r of rows.slice(1)) console.log(line(r));
  const failed = [...results.postgres, ...results.mysql].filter((x) => !x.ok);
  for (const f of failed) console.log(`  FAILED ${f.id}: ${f.why}`);
}

async function runCase(c) {
  const server = servers[c.dialect];
  if (!server) throw startErrors[c.dialect] ?? new Error(`no ${c.dialect} server`);
  const out = generate(JSON.stringify(c.summary), c.dialect === 'postgres' ? 'PostgreSQL' : 'MySQL', { allowDestructive: true, ...GUARDS });
  // Flyway may split a migration into parts (`V<v>.1__…`, `V<v>.2__…`, each with a `.conf` when it
  // runs outside a transaction): the migrations run in order, one after the other.
  const migrationSql = out.files.filter((f) => (f.role ?? 'migration') === 'migration').map((f) => f.content).join('\n');
  const beforeDb = `cv_${c.dialect}_before`;
  const desiredDb = `cv_${c.dialect}_desired`;
  const r = await checkCase({
    server, dialect: c.dialect, beforeSql: c.beforeSql, desiredSql: c.desiredSql, migrationSql,
    beforeDb, desiredDb, keepDatabases: true, rerun: GUARDS.guards !== 'none',
  });
  // the client's message without its blank and `-----` lines
  const brief = (m) => m.split('\n').filter((l) => l.trim() && !/^-+$/.test(l.trim())).slice(0, 4).join(' | ');
  const why = r.error ? `${r.error.phase}: ${brief(r.error.message)}`
    : !r.converged ? `differs: ${r.firstDifference}`
    : r.rerunError ? `re-run failed: ${brief(r.rerunError)}`
    : r.rerunClean === false ? `re-run changed: ${r.rerunDifference}` : null;
  const result = { id: c.id, group: c.group, converged: r.converged && !r.error, rerunClean: r.rerunClean === true || GUARDS.guards === 'none', why, rollback: null };
  // Where every step has a reverse, the down file applied after the migration must give back
  // `before` (in structure: rows removed by the migration are not restored, and say so).
  if (result.converged && result.rerunClean && out.statements.every((s) => s.reverse_sql)) {
    const dialectName = c.dialect === 'postgres' ? 'PostgreSQL' : 'MySQL';
    const down = generate(JSON.stringify(c.summary), dialectName, { allowDestructive: true, migrationTool: 'raw-sql', ...GUARDS })
      .files.find((f) => f.role === 'down').content;
    try {
      await server.exec(down, beforeDb);
      const back = await introspect(server, beforeDb);
      await server.dropDatabase(desiredDb);
      await server.createDatabase(desiredDb);
      if (!isEmptySql(c.beforeSql)) await server.exec(c.beforeSql, desiredDb);
      const d = diffCatalogs(back, await introspect(server, desiredDb), { labels: ['rolled back', 'before'] });
      result.rollback = d === null;
      if (d) result.why = `rollback differs: ${d.differences[0]}`;
    } catch (e) {
      result.rollback = false;
      result.why = `rollback failed: ${brief(e.message)}`;
    }
  }
  await Promise.allSettled([server.dropDatabase(beforeDb), server.dropDatabase(desiredDb)]);
  if (c.group === 'fixtures' && r.catalogs.desired) {
    // A hand-written fixture proves something only if `before` and `desired` differ: without the
    // migration, the catalogs must not be equal.
    const db = `cv_${c.dialect}_idle`;
    await server.createDatabase(db);
    try {
      if (!isEmptySql(c.beforeSql)) await server.exec(c.beforeSql, db);
      if (!diffCatalogs(await introspect(server, db), r.catalogs.desired)) {
        result.converged = false;
        result.why = 'fixture: before already equals desired, so it proves nothing';
      }
    } finally {
      await server.dropDatabase(db);
    }
  }
  return result;
}

describe('corpus convergence', { concurrency: 2 }, () => {
  for (const dialect of ['postgres', 'mysql']) {
    describe(dialect, { concurrency: 1 }, () => {
      for (const c of cases.filter((x) => x.dialect === dialect)) {
        it(c.id, async (t) => {
          if (!servers[dialect]) {
            if (CI) throw startErrors[dialect];
            t.skip(`${dialect} server unavailable`);
            return;
          }
          let r;
          try {
            r = await runCase(c);
          } catch (e) {
            // generate() refused the report: a failure like any other, counted in the table
            r = { id: c.id, group: c.group, converged: false, rerunClean: false, why: `generate: ${e.code ?? ''} ${e.message}` };
          }
          const excluded = EXCLUDED[c.id];
          r.excluded = Boolean(excluded);
          const noRollback = ROLLBACK_EXCLUDED[c.id];
          if (noRollback) r.rollbackExcluded = true;
          r.ok = excluded ? !(r.converged && r.rerunClean)
            : r.converged && r.rerunClean && (noRollback ? r.rollback === false : r.rollback !== false);
          results[dialect].push(r);
          if (excluded) {
            assert.ok(!(r.converged && r.rerunClean), `${c.id} is excluded (${excluded}) but now converges: remove it from EXCLUDED`);
          } else {
            assert.ok(r.converged && r.rerunClean, r.why);
            if (noRollback) {
              assert.equal(r.rollback, false, `${c.id} is listed in ROLLBACK_EXCLUDED (${noRollback}) but now rolls back: remove it`);
            } else {
              assert.notEqual(r.rollback, false, r.why);
            }
          }
        });
      }
    });
  }
});
