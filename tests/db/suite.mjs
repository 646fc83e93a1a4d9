// Both real servers for one `node --test` suite: started in its `before`, stopped in its `after`.

import { after, before } from 'node:test';

import { startMariaDB, startPostgres } from './servers.mjs';

const CI = /^(true|1|yes)$/i.test(process.env.CI ?? '');

/**
 * Registers the suite's hooks (call it inside `describe`). `servers.postgres` / `servers.mysql`
 * hold those that started; `ready(t, dialect, problem)` is true when the dialect's server is up
 * and `problem` is empty, else fails the test under CI=true and skips it elsewhere, saying why.
 */
export function suiteServers({ tcp = false } = {}) {
  const servers = {};
  const startErrors = {};
  before(async () => {
    const [pg, my] = await Promise.allSettled([startPostgres({ tcp }), startMariaDB({ tcp })]);
    for (const [d, r] of [['postgres', pg], ['mysql', my]]) {
      if (r.status === 'fulfilled') servers[d] = r.value;
      else startErrors[d] = r.reason;
    }
  });
  after(async () => {
    await Promise.allSettled(Object.values(servers).map((s) => s.stop()));
  });
  function ready(t, dialect, problem = null) {
    problem ??= servers[dialect] ? null : `${dialect} server: ${startErrors[dialect]?.message}`;
    if (!problem) return true;
    if (CI) throw new Error(problem);
    t.skip(problem);
    return false;
  }
  return { servers, ready };
}
