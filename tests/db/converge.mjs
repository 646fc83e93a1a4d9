// The convergence oracle (tests/corpus/README.md): load `before`, apply the migration, read the
// catalog back; load `desired` into another empty database, read its catalog; the two must be
// equal. Then apply the migration a second time: it must succeed and change nothing.
//
//   checkCase({
//     server,                 // handle from servers.mjs
//     dialect,                // 'postgres' | 'mysql' (must match the server)
//     beforeSql, desiredSql, migrationSql,
//     beforeDb = 'conv_before', desiredDb = 'conv_desired',   // database names to (re)create
//     ignoreNames = 'none',   // 'none' | 'all' | 'generated'
//     rerun = true,           // apply the migration a second time and check nothing changes
//     keepDatabases = false,  // leave both databases behind for inspection
//   }) -> Promise<{
//     converged: boolean,          // migrated catalog equals the desired catalog
//     rerunClean: boolean | null,  // second run succeeded and changed nothing (null: not run)
//     error: null | { phase: 'before' | 'desired' | 'migration' | 'introspect', message },
//     firstDifference: string | null,   // migrated vs desired, first difference
//     differences: string[],            // all of them
//     rerunError: string | null,        // the second run failed with this error
//     rerunDifference: string | null,   // catalog after the second run vs after the first
//     catalogs: { migrated, desired },  // normalized catalogs (introspect.mjs)
//     ms: number,
//   }>
//
// Each SQL file runs in its own client session and stops at its first error, so a session
// setting such as `SET FOREIGN_KEY_CHECKS=0` (the MySQL sakila desired files) applies to that
// file only.

import { diffCatalogs } from './compare.mjs';
import { isEmptySql } from './corpus.mjs';
import { introspect } from './introspect.mjs';

const KIND_FOR_DIALECT = { postgres: 'postgres', postgresql: 'postgres', mysql: 'mariadb', mariadb: 'mariadb' };

class PhaseError extends Error {
  constructor(phase, cause) {
    super(cause.message);
    this.phase = phase;
  }
}

async function step(phase, fn) {
  try {
    return await fn();
  } catch (e) {
    throw new PhaseError(phase, e);
  }
}

export async function checkCase({
  server,
  dialect,
  beforeSql,
  desiredSql,
  migrationSql,
  beforeDb = 'conv_before',
  desiredDb = 'conv_desired',
  ignoreNames = 'none',
  rerun = true,
  keepDatabases = false,
}) {
  const started = Date.now();
  const wanted = KIND_FOR_DIALECT[String(dialect).toLowerCase()];
  if (!wanted) throw new Error(`unknown dialect ${JSON.stringify(dialect)} (expected postgres or mysql)`);
  if (server.kind !== wanted) throw new Error(`dialect ${dialect} needs a ${wanted} server, got ${server.kind}`);
  if (beforeDb === desiredDb) throw new Error('beforeDb and desiredDb must differ');
  for (const [k, v] of Object.entries({ beforeSql, desiredSql, migrationSql })) {
    if (typeof v !== 'string') throw new Error(`${k} must be a string`);
  }

  const result = {
    converged: false,
    rerunClean: null,
    error: null,
    firstDifference: null,
    differences: [],
    rerunError: null,
    rerunDifference: null,
    catalogs: { migrated: null, desired: null },
    ms: 0,
  };

  const migrated = async () => {
    await step('before', () => server.createDatabase(beforeDb));
    if (!isEmptySql(beforeSql)) await step('before', () => server.exec(beforeSql, beforeDb));
    await step('migration', () => server.exec(migrationSql, beforeDb));
    return step('introspect', () => introspect(server, beforeDb));
  };
  const desired = async () => {
    await step('desired', () => server.createDatabase(desiredDb));
    await step('desired', () => server.exec(desiredSql, desiredDb));
    return step('introspect', () => introspect(server, desiredDb));
  };

  try {
    // The two databases are independent: build them side by side.
    const [m, d] = await Promise.allSettled([migrated(), desired()]);
    // Report a broken `desired` first: the case itself is wrong then, not the migration.
    if (d.status === 'rejected') throw d.reason;
    if (m.status === 'rejected') throw m.reason;
    result.catalogs = { migrated: m.value, desired: d.value };

    const diff = diffCatalogs(m.value, d.value, { ignoreNames, labels: ['migrated', 'desired'] });
    result.converged = diff === null;
    result.firstDifference = diff ? diff.differences[0] : null;
    result.differences = diff ? diff.differences : [];

    if (rerun) {
      try {
        await server.exec(migrationSql, beforeDb);
        const again = await step('introspect', () => introspect(server, beforeDb));
        const change = diffCatalogs(again, m.value, { labels: ['second run', 'first run'] });
        result.rerunDifference = change ? change.differences[0] : null;
        result.rerunClean = change === null;
      } catch (e) {
        if (e instanceof PhaseError) throw e;
        result.rerunError = e.message;
        result.rerunClean = false;
      }
    }
  } catch (e) {
    result.converged = false;
    result.error = { phase: e.phase ?? 'unknown', message: e.message };
  } finally {
    if (!keepDatabases) {
      await Promise.allSettled([server.dropDatabase(beforeDb), server.dropDatabase(desiredDb)]);
    }
    result.ms = Date.now() - started;
  }
  return result;
}

/** One line for a failed result: phase and error, or the first difference. */
export function explain(result) {
  if (result.error) return `${result.error.phase} failed: ${result.error.message}`;
  if (!result.converged) {
    const more = result.differences.length > 1 ? ` (+${result.differences.length - 1} more)` : '';
    return `did not converge: ${result.firstDifference}${more}`;
  }
  if (result.rerunClean === false) {
    return result.rerunError
      ? `second run failed: ${result.rerunError}`
      : `second run changed the catalog: ${result.rerunDifference}`;
  }
  return 'ok';
}
