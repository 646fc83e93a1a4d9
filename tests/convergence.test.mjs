// Every corpus case, proven on real servers (tests/corpus/README.md): build `before`, apply the
// generated migration, compare the catalog with one built from `desired`; apply the migration a
// second time, which must succeed and change nothing. Then a table of the results.
//
//   node --test tests/convergence.test.mjs          (after scripts/build.sh)
//   CASES=sakila node --test tests/convergence.test.mjs   only cases whose id contains "sakila"
//
// Cases a report cannot make converge, because the report lacks the information, are listed in
// EXCLUDED with the reason (and in tests/README.md); each must still fail, so the list cannot go
// stale. Under CI=true a server that cannot start fails the suite.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { checkCase } from './db/converge.mjs';
import { listCases } from './db/corpus.mjs';
import { startMariaDB, startPostgres } from './db/servers.mjs';
import { generate } from './support/wasm.mjs';

const CI = /^(true|1|yes)$/i.test(process.env.CI ?? '');
const FILTER = process.env.CASES ?? '';

/** Cases that cannot converge from their report alone, with the reason. */
export const EXCLUDED = {
  'sqldef-mysql/ModifyUnnamedForeignKey':
    'the foreign key is re-created under its old name; MariaDB then replaces the index it had made for the old key ' +
    '(author_id) with one named after the constraint. The report does not mention that index, since it is the same ' +
    'before and after, so the migration cannot keep its name.',
};

const cases = listCases().filter((c) => c.id.includes(FILTER));
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
  const rows = [['dialect', 'cases', 'converged', 're-run clean', 'excluded', 'failed']];
  for (const dialect of ['postgres', 'mysql']) {
    const r = results[dialect];
    if (!r.length) continue;
    rows.push([
      dialect === 'postgres' ? 'PostgreSQL 15' : 'MariaDB 10.11 (MySQL dialect)',
      String(r.length),
      String(r.filter((x) => x.converged).length),
      String(r.filter((x) => x.rerunClean).length),
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
  const out = generate(JSON.stringify(c.summary), c.dialect === 'postgres' ? 'PostgreSQL' : 'MySQL', { allowDestructive: true });
  const migrationSql = out.files.map((f) => f.content).join('\n');
  const r = await checkCase({
    server, dialect: c.dialect, beforeSql: c.beforeSql, desiredSql: c.desiredSql, migrationSql,
    beforeDb: `cv_${c.dialect}_before`, desiredDb: `cv_${c.dialect}_desired`,
  });
  const why = r.error ? `${r.error.phase}: ${r.error.message.split('\n').slice(0, 3).join(' | ')}`
    : !r.converged ? `differs: ${r.firstDifference}`
    : r.rerunError ? `re-run failed: ${r.rerunError.split('\n')[0]}`
    : r.rerunClean === false ? `re-run changed: ${r.rerunDifference}` : null;
  return { id: c.id, converged: r.converged && !r.error, rerunClean: r.rerunClean === true, why };
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
          const r = await runCase(c);
          const excluded = EXCLUDED[c.id];
          r.excluded = Boolean(excluded);
          r.ok = excluded ? !(r.converged && r.rerunClean) : r.converged && r.rerunClean;
          results[dialect].push(r);
          if (excluded) {
            assert.ok(!(r.converged && r.rerunClean), `${c.id} is excluded (${excluded}) but now converges: remove it from EXCLUDED`);
          } else {
            assert.ok(r.converged && r.rerunClean, r.why);
          }
        });
      }
    });
  }
});
