// Private, throw-away database servers for the convergence tests.
//
// startPostgres() and startMariaDB() each create a fresh data directory in a temp dir
// (under os.tmpdir()), start a server that listens only on a unix socket inside that dir,
// wait until it accepts connections and return a handle:
//
//   {
//     kind: 'postgres' | 'mariadb',
//     dir,                      // the temp dir (data dir, socket, log)
//     socketDir (postgres) | socket (mariadb),
//     pid,                      // the server process this module started
//     exec(sql, db)   -> Promise<string>   run a script, stop at the first error
//     execOneString(sql, db) (postgres) -> Promise<string>   send it as one query string
//     query(sql, db)  -> Promise<string>   run SQL, return bare rows (no headers, no padding)
//     queryJson(sql, db) -> Promise<object[]>  each output line parsed as JSON
//     createDatabase(name), dropDatabase(name) -> Promise<void>
//     stop()          -> Promise<void>   kill the server by its pid, remove the temp dir
//   }
//
// SQL always goes to the command-line client on stdin (psql / mariadb). A failing statement
// rejects with an Error whose message holds the client's stderr.
//
// Speed matters more than durability: fsync is off, buffers are small, and stop() does an
// immediate shutdown; the data dir is deleted right after.

import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const STARTUP_TIMEOUT_MS = 30_000;

// ---------------------------------------------------------------------------------------------
// Process bookkeeping: every started server is stopped when this process ends.

const running = new Set();
let exitHooksInstalled = false;

function installExitHooks() {
  if (exitHooksInstalled) return;
  exitHooksInstalled = true;
  process.on('exit', () => {
    for (const srv of running) srv.stopSync();
  });
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    const onSignal = () => {
      for (const srv of running) srv.stopSync();
      process.removeListener(sig, onSignal);
      process.kill(process.pid, sig);
    };
    process.on(sig, onSignal);
  }
}

function isAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function sleepSync(ms) {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function which(cmd) {
  for (const dir of (process.env.PATH || '').split(path.delimiter)) {
    if (!dir) continue;
    const p = path.join(dir, cmd);
    try {
      fs.accessSync(p, fs.constants.X_OK);
      return p;
    } catch {
      // keep looking
    }
  }
  return null;
}

function readTail(file, max = 4000) {
  try {
    const text = fs.readFileSync(file, 'utf8');
    return text.length > max ? '…' + text.slice(-max) : text;
  } catch {
    return '';
  }
}

/** Runs a command, feeds `input` on stdin, resolves with stdout; rejects with stderr. */
function run(cmd, args, { input = '', env, what } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env: env ?? process.env, stdio: ['pipe', 'pipe', 'pipe'] });
    const out = [];
    const err = [];
    child.stdout.on('data', (d) => out.push(d));
    child.stderr.on('data', (d) => err.push(d));
    child.on('error', (e) => reject(new Error(`${what ?? cmd}: cannot run ${cmd}: ${e.message}`)));
    child.on('close', (code, signal) => {
      const stdout = Buffer.concat(out).toString('utf8');
      const stderr = Buffer.concat(err).toString('utf8');
      if (code === 0) {
        resolve({ stdout, stderr });
      } else {
        const e = new Error(
          `${what ?? cmd} failed (${signal ? 'signal ' + signal : 'exit ' + code}): ${stderr.trim() || stdout.trim()}`,
        );
        e.stderr = stderr;
        e.stdout = stdout;
        e.exitCode = code;
        reject(e);
      }
    });
    child.stdin.on('error', () => {}); // the client may exit before reading everything
    child.stdin.end(input);
  });
}

function makeTempDir(prefix) {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

function checkName(name) {
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(name)) {
    throw new Error(`database name ${JSON.stringify(name)} must match [A-Za-z_][A-Za-z0-9_]*`);
  }
  return name;
}

/** Common handle plumbing: stop() / stopSync() and registration for exit cleanup. */
function attachLifecycle(handle, child, { stopSignal, logFile }) {
  let exited = false;
  const exitedPromise = new Promise((resolve) => {
    child.on('exit', (code, signal) => {
      exited = true;
      handle.exitInfo = { code, signal };
      resolve();
    });
  });
  const removeDir = () => fs.rmSync(handle.dir, { recursive: true, force: true });

  handle.stopSync = () => {
    // For process exit: no event loop any more, so wait by polling.
    running.delete(handle);
    if (!exited && isAlive(handle.pid)) {
      try {
        process.kill(handle.pid, stopSignal);
      } catch {
        // already gone
      }
      const deadline = Date.now() + 3000;
      while (isAlive(handle.pid) && Date.now() < deadline) sleepSync(20);
      if (isAlive(handle.pid)) {
        try {
          process.kill(handle.pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
    }
    try {
      removeDir();
    } catch {
      // best effort at exit
    }
  };

  handle.stop = async () => {
    running.delete(handle);
    if (!exited) {
      try {
        process.kill(handle.pid, stopSignal);
      } catch {
        // already gone
      }
      let timer;
      const timeout = new Promise((resolve) => {
        timer = setTimeout(() => resolve('timeout'), 10_000);
      });
      const outcome = await Promise.race([exitedPromise, timeout]);
      clearTimeout(timer); // a pending timer would keep the process alive
      if (outcome === 'timeout') {
        try {
          process.kill(handle.pid, 'SIGKILL');
        } catch {
          // already gone
        }
        await exitedPromise;
      }
    }
    removeDir();
  };

  handle.isRunning = () => !exited;
  handle.log = () => readTail(logFile);
  handle.whenExited = exitedPromise;
  running.add(handle);
  installExitHooks();
}

async function waitUntilReady(handle, probe, what) {
  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  let lastError;
  for (let delay = 20; ; delay = Math.min(delay * 1.5, 200)) {
    if (!handle.isRunning()) {
      const info = handle.exitInfo ?? {};
      const log = handle.log();
      handle.stopSync();
      throw new Error(
        `${what} exited during startup (code ${info.code}, signal ${info.signal}). Server log:\n${log}`,
      );
    }
    try {
      await probe();
      return;
    } catch (e) {
      lastError = e;
    }
    if (Date.now() > deadline) {
      const log = handle.log();
      handle.stopSync();
      throw new Error(
        `${what} did not accept connections within ${STARTUP_TIMEOUT_MS} ms: ${lastError?.message}\nServer log:\n${log}`,
      );
    }
    await sleep(delay);
  }
}

// ---------------------------------------------------------------------------------------------
// PostgreSQL

function findPostgresBin() {
  if (process.env.PG_BIN) {
    const dir = process.env.PG_BIN;
    if (fs.existsSync(path.join(dir, 'postgres')) && fs.existsSync(path.join(dir, 'initdb'))) return dir;
    throw new Error(
      `PG_BIN=${dir} does not hold the PostgreSQL server binaries (postgres, initdb). ` +
        'Install the Debian package postgresql-15 (apt-get install -y postgresql-15) and point PG_BIN at /usr/lib/postgresql/15/bin, or unset PG_BIN.',
    );
  }
  const candidates = [];
  const base = '/usr/lib/postgresql';
  try {
    const versions = fs
      .readdirSync(base)
      .filter((v) => /^\d+$/.test(v))
      .sort((x, y) => (x === '15' ? -1 : y === '15' ? 1 : Number(y) - Number(x)));
    for (const v of versions) candidates.push(path.join(base, v, 'bin'));
  } catch {
    // not a Debian layout
  }
  const onPath = which('postgres');
  if (onPath) candidates.push(path.dirname(onPath));
  for (const dir of candidates) {
    if (fs.existsSync(path.join(dir, 'postgres')) && fs.existsSync(path.join(dir, 'initdb'))) return dir;
  }
  throw new Error(
    `PostgreSQL server binaries (postgres, initdb) not found (looked in: ${candidates.join(', ') || base + '/<version>/bin'}). ` +
      'Install the Debian package postgresql-15 (apt-get install -y postgresql-15), or set PG_BIN to the directory holding them.',
  );
}

function findPsql(binDir) {
  const local = path.join(binDir, 'psql');
  if (fs.existsSync(local)) return local;
  const p = which('psql');
  if (p) return p;
  throw new Error('psql not found. Install the Debian package postgresql-client-15 (apt-get install -y postgresql-client-15).');
}

/** uid/gid to run the PostgreSQL server as: it refuses to run as root. */
function postgresUser() {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return null;
  const r = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
  const g = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
  if (r.status !== 0 || g.status !== 0) {
    throw new Error(
      'Running as root, and there is no "postgres" OS user to run the PostgreSQL server as ' +
        '(the Debian package postgresql-15 creates it; or run the tests as a non-root user).',
    );
  }
  return { uid: Number(r.stdout.trim()), gid: Number(g.stdout.trim()) };
}

function chownTree(dir, user) {
  if (!user) return;
  fs.chownSync(dir, user.uid, user.gid);
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) chownTree(p, user);
    else fs.chownSync(p, user.uid, user.gid);
  }
}

/** A TCP port on 127.0.0.1 that was free a moment ago. */
export async function freePort() {
  const net = await import('node:net');
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/**
 * `tcp: true` also listens on 127.0.0.1 (a free port, as `handle.port`), for clients that only
 * speak TCP, such as JDBC drivers; otherwise the server has no network at all.
 */
export async function startPostgres({ port, tcp = false } = {}) {
  port = port ?? (tcp ? await freePort() : 5432);
  const bin = findPostgresBin();
  const psql = findPsql(bin);
  const user = postgresUser();

  const dir = makeTempDir('smartspec-pg-');
  const dataDir = path.join(dir, 'data');
  const logFile = path.join(dir, 'server.log');
  try {
    chownTree(dir, user);
    const init = spawnSync(
      path.join(bin, 'initdb'),
      ['-D', dataDir, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--locale=C', '--no-sync', '--no-instructions'],
      { encoding: 'utf8', ...(user ?? {}), cwd: dir },
    );
    if (init.status !== 0) {
      throw new Error(`initdb failed (exit ${init.status}): ${(init.stderr || init.stdout || String(init.error)).trim()}`);
    }
  } catch (e) {
    fs.rmSync(dir, { recursive: true, force: true });
    throw e;
  }

  const logFd = fs.openSync(logFile, 'a');
  if (user) fs.fchownSync(logFd, user.uid, user.gid);
  const settings = {
    listen_addresses: tcp ? '127.0.0.1' : '',
    unix_socket_directories: dir,
    port: String(port),
    fsync: 'off',
    synchronous_commit: 'off',
    full_page_writes: 'off',
    shared_buffers: '32MB',
    max_connections: '30',
    max_wal_size: '256MB',
    wal_level: 'minimal',
    max_wal_senders: '0',
    checkpoint_timeout: '1h',
    autovacuum: 'off',
    logging_collector: 'off',
    log_min_messages: 'warning',
    jit: 'off',
  };
  const args = ['-D', dataDir];
  for (const [k, v] of Object.entries(settings)) args.push('-c', `${k}=${v}`);
  const child = spawn(path.join(bin, 'postgres'), args, {
    stdio: ['ignore', logFd, logFd],
    cwd: dir,
    ...(user ?? {}),
  });
  fs.closeSync(logFd);
  child.unref();
  if (!child.pid) {
    fs.rmSync(dir, { recursive: true, force: true });
    throw new Error('could not start the PostgreSQL server process');
  }

  const env = { ...process.env, PGOPTIONS: '-c client_min_messages=warning', PGCONNECT_TIMEOUT: '5' };
  delete env.PGSERVICE;
  delete env.PGPASSWORD;
  const baseArgs = (db) => ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-h', dir, '-p', String(port), '-U', 'postgres', '-d', db];

  const handle = {
    kind: 'postgres',
    dir,
    socketDir: dir,
    host: tcp ? '127.0.0.1' : null,
    port,
    pid: child.pid,
    async exec(sql, db = 'postgres') {
      const { stdout } = await run(psql, [...baseArgs(db), '-f', '-'], { input: sql, env, what: `psql (database ${db})` });
      return stdout;
    },
    // The whole text as one query string (psql -c), as a driver's Exec sends a file: the server
    // runs it as one implicit transaction.
    async execOneString(sql, db = 'postgres') {
      const { stdout } = await run(psql, [...baseArgs(db), '-c', sql], { env, what: `psql -c (database ${db})` });
      return stdout;
    },
    async query(sql, db = 'postgres') {
      const { stdout } = await run(psql, [...baseArgs(db), '-A', '-t', '-f', '-'], {
        input: sql,
        env,
        what: `psql (database ${db})`,
      });
      return stdout;
    },
    async queryJson(sql, db = 'postgres') {
      const out = await handle.query(sql, db);
      return out
        .split('\n')
        .filter((l) => l.trim() !== '')
        .map((l) => JSON.parse(l));
    },
    async createDatabase(name) {
      checkName(name);
      await handle.exec(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE);\nCREATE DATABASE "${name}" TEMPLATE template0;\n`);
    },
    async dropDatabase(name) {
      checkName(name);
      await handle.exec(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE);\n`);
    },
  };
  // SIGQUIT = immediate shutdown: no checkpoint; the data dir is deleted anyway.
  attachLifecycle(handle, child, { stopSignal: 'SIGQUIT', logFile });
  await waitUntilReady(handle, () => handle.query('SELECT 1'), `PostgreSQL (${path.join(bin, 'postgres')})`);
  return handle;
}

// ---------------------------------------------------------------------------------------------
// MariaDB

function findMariaDB() {
  const sbin = ['/usr/sbin', '/usr/local/sbin', '/usr/libexec'];
  const find = (names, dirs = []) => {
    for (const n of names) {
      const p = which(n);
      if (p) return p;
      for (const d of dirs) if (fs.existsSync(path.join(d, n))) return path.join(d, n);
    }
    return null;
  };
  const server = find(['mariadbd', 'mysqld'], sbin);
  const installDb = find(['mariadb-install-db', 'mysql_install_db'], ['/usr/bin', ...sbin]);
  if (!server || !installDb) {
    throw new Error(
      `MariaDB server binaries not found (${!server ? 'mariadbd' : 'mariadb-install-db'} is missing). ` +
        'Install the Debian package mariadb-server (apt-get install -y mariadb-server).',
    );
  }
  const client = find(['mariadb', 'mysql'], ['/usr/bin']);
  if (!client) {
    throw new Error('The mariadb command-line client is not found. Install the Debian package mariadb-client.');
  }
  return { server, installDb, client };
}

export async function startMariaDB({ tcp = false } = {}) {
  const port = tcp ? await freePort() : null;
  const { server, installDb, client } = findMariaDB();
  const asRoot = typeof process.getuid === 'function' && process.getuid() === 0;

  const dir = makeTempDir('smartspec-mariadb-');
  const dataDir = path.join(dir, 'data');
  const socket = path.join(dir, 'mysqld.sock');
  const logFile = path.join(dir, 'server.log');
  const userArgs = asRoot ? ['--user=root'] : [];
  // Speed over durability; the same InnoDB file sizes must be used by the bootstrap and the server.
  const innodb = [
    '--innodb-buffer-pool-size=64M',
    '--innodb-log-file-size=8M',
    '--innodb-flush-log-at-trx-commit=0',
    '--innodb-flush-method=nosync',
    '--innodb-doublewrite=0',
  ];

  const init = spawnSync(
    installDb,
    [
      '--no-defaults',
      `--datadir=${dataDir}`,
      ...userArgs,
      '--auth-root-authentication-method=normal',
      '--skip-test-db',
      '--skip-name-resolve',
      // Not innodb-fast-shutdown=2 here: with nosync the bootstrap's system tablespace would
      // never reach the disk, and the server then refuses to start.
      ...innodb,
    ],
    { encoding: 'utf8', cwd: dir },
  );
  if (init.status !== 0) {
    fs.rmSync(dir, { recursive: true, force: true });
    throw new Error(
      `mariadb-install-db failed (exit ${init.status}): ${(init.stderr || init.stdout || String(init.error)).trim()}`,
    );
  }

  const logFd = fs.openSync(logFile, 'a');
  const args = [
    '--no-defaults',
    ...userArgs,
    `--datadir=${dataDir}`,
    `--socket=${socket}`,
    `--pid-file=${path.join(dir, 'mariadbd.pid')}`,
    `--log-error=${logFile}`,
    ...(tcp ? ['--bind-address=127.0.0.1', `--port=${port}`] : ['--skip-networking']),
    '--skip-grant-tables',
    '--skip-name-resolve',
    '--skip-log-bin',
    '--performance-schema=OFF',
    '--max-connections=50',
    // Same spelling of names on every platform; the corpus keeps table names as written.
    '--lower-case-table-names=0',
    '--character-set-server=utf8mb4',
    '--collation-server=utf8mb4_general_ci',
    ...innodb,
    '--innodb-fast-shutdown=2',
  ];
  const child = spawn(server, args, { stdio: ['ignore', logFd, logFd], cwd: dir });
  fs.closeSync(logFd);
  child.unref();
  if (!child.pid) {
    fs.rmSync(dir, { recursive: true, force: true });
    throw new Error('could not start the MariaDB server process');
  }

  const baseArgs = (db) => [
    '--no-defaults',
    `--socket=${socket}`,
    '--user=root',
    '--batch',
    '--default-character-set=utf8mb4',
    ...(db ? [`--database=${db}`] : []),
  ];

  const handle = {
    kind: 'mariadb',
    dir,
    socket,
    host: tcp ? '127.0.0.1' : null,
    port,
    pid: child.pid,
    async exec(sql, db) {
      // --batch stops at the first error (no --force).
      const { stdout } = await run(client, baseArgs(db), { input: sql, what: `mariadb (database ${db ?? '-'})` });
      return stdout;
    },
    async query(sql, db) {
      const { stdout } = await run(client, [...baseArgs(db), '--raw', '--skip-column-names'], {
        input: sql,
        what: `mariadb (database ${db ?? '-'})`,
      });
      return stdout;
    },
    async queryJson(sql, db) {
      const out = await handle.query(sql, db);
      return out
        .split('\n')
        .filter((l) => l.trim() !== '')
        .map((l) => JSON.parse(l));
    },
    async createDatabase(name) {
      checkName(name);
      await handle.exec(`DROP DATABASE IF EXISTS \`${name}\`;\nCREATE DATABASE \`${name}\`;\n`);
    },
    async dropDatabase(name) {
      checkName(name);
      await handle.exec(`DROP DATABASE IF EXISTS \`${name}\`;\n`);
    },
  };
  attachLifecycle(handle, child, { stopSignal: 'SIGTERM', logFile });
  await waitUntilReady(handle, () => handle.query('SELECT 1'), `MariaDB (${server})`);
  return handle;
}

/** Starts the server for a corpus dialect: 'postgres' or 'mysql'. */
export function startServer(dialect) {
  if (dialect === 'postgres') return startPostgres();
  if (dialect === 'mysql' || dialect === 'mariadb') return startMariaDB();
  throw new Error(`unknown dialect ${JSON.stringify(dialect)} (expected postgres or mysql)`);
}
