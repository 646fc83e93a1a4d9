#!/usr/bin/env node
// Runs the convergence oracle for one corpus case from the command line.
//
//   node tests/db/check.mjs <case dir> [migration.sql | -] [--ignore-names=none|all|generated]
//                           [--no-rerun] [--keep] [--json]
//
// Without a migration file, the migration is empty: the output is then every difference between
// the case's before and desired, i.e. what a migration has to change. `-` reads the migration
// from stdin. Exit status: 0 when the migration converges
// (and its second run is clean), 1 when it does not, 2 on a usage or server error.
// --json prints the whole result, catalogs included.

import fs from 'node:fs';
import path from 'node:path';

import { checkCase, explain } from './converge.mjs';
import { readCase } from './corpus.mjs';
import { startServer } from './servers.mjs';

function usage(msg) {
  if (msg) console.error(msg);
  console.error(
    'usage: node tests/db/check.mjs <case dir> [migration.sql | -] [--ignore-names=none|all|generated] [--no-rerun] [--json]',
  );
  process.exit(2);
}

const args = process.argv.slice(2);
const flags = new Map();
const positional = [];
for (const a of args) {
  if (a.startsWith('--')) {
    const [k, v = 'true'] = a.slice(2).split('=');
    flags.set(k, v);
  } else positional.push(a);
}
if (positional.length < 1 || positional.length > 2) usage();
for (const k of flags.keys()) if (!['ignore-names', 'no-rerun', 'json'].includes(k)) usage(`unknown option --${k}`);

const c = readCase(path.resolve(positional[0]));
let migrationSql = '-- no migration\n';
if (positional[1] === '-') migrationSql = fs.readFileSync(0, 'utf8');
else if (positional[1]) migrationSql = fs.readFileSync(positional[1], 'utf8');
const rerun = !flags.has('no-rerun');

let server;
try {
  server = await startServer(c.dialect);
  const r = await checkCase({
    server,
    dialect: c.dialect,
    beforeSql: c.beforeSql,
    desiredSql: c.desiredSql,
    migrationSql,
    beforeDb: 'check_before',
    desiredDb: 'check_desired',
    ignoreNames: flags.get('ignore-names') ?? 'none',
    rerun,
  });
  if (flags.has('json')) {
    console.log(JSON.stringify(r, null, 2));
  } else {
    console.log(`${c.id} (${c.dialect}): ${explain(r)}  [${r.ms} ms]`);
    for (const d of r.differences) console.log(`  ${d}`);
  }
  process.exitCode = r.converged && r.rerunClean !== false ? 0 : 1;
} catch (e) {
  console.error(e.message);
  process.exitCode = 2;
} finally {
  if (server) await server.stop();
}
