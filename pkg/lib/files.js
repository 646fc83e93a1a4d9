// Node only: paths that must stay inside the project folder, and writes that are atomic and never
// replace a file that differs.
//
// A write goes to a fresh temporary file in the target's folder (created with `wx`), is flushed
// with fsync, and is then hard-linked to the target name. link(2) fails when the name exists, so a
// file that appeared meanwhile (another writer) is never replaced; the temporary name is removed
// afterwards. A target that already holds the same bytes is left alone.

import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';

/** An error with a `code`: `path_outside`, `write_conflict` or `write_failed`. */
export class FileError extends Error {
  constructor(code, message, extra = {}) {
    super(message);
    this.name = 'FileError';
    this.code = code;
    Object.assign(this, extra);
  }
}

/** `p` relative to `root`, with `/` separators (for messages and reports). */
export function relativePath(root, p) {
  const rel = path.relative(root, p);
  return (rel === '' ? '.' : rel).split(path.sep).join('/');
}

function isInside(root, p) {
  const rel = path.relative(root, p);
  return rel === '' || (!rel.startsWith(`..${path.sep}`) && rel !== '..' && !path.isAbsolute(rel));
}

/**
 * Resolves `p` (relative to `root`, or absolute) and checks that it stays inside `root`: no `..`
 * escape, no absolute path elsewhere, and no symlink on the way that leads out (the deepest part
 * of the path that exists is resolved with realpath). Returns the absolute path, with the existing
 * part resolved. `label` names the path in messages (`--out`).
 */
export function resolveInside(root, p, label = 'path') {
  const realRoot = fs.realpathSync(root);
  if (typeof p !== 'string' || p === '' || p.includes('\0')) {
    throw new FileError('path_outside', `${label}: ${JSON.stringify(p)} is not a usable path`, { label });
  }
  const abs = path.resolve(realRoot, p);
  if (!isInside(realRoot, abs)) {
    throw new FileError(
      'path_outside',
      `${label}: ${p} is outside the project folder (${realRoot}); give a path inside it`,
      { label, path: p },
    );
  }
  // The deepest part that exists, resolved; the rest does not exist yet and so holds no link.
  let existing = abs;
  const rest = [];
  for (;;) {
    let st = null;
    try {
      st = fs.lstatSync(existing);
    } catch (e) {
      if (e.code === 'ELOOP') {
        throw new FileError(
          'path_outside',
          `${label}: ${p}: ${relativePath(realRoot, existing)} is a link that leads nowhere (ELOOP)`,
          { label, path: p },
        );
      }
      if (e.code !== 'ENOENT' && e.code !== 'ENOTDIR') throw e;
    }
    if (st) break;
    rest.unshift(path.basename(existing));
    existing = path.dirname(existing);
  }
  let real;
  try {
    real = fs.realpathSync(existing);
  } catch (e) {
    throw new FileError(
      'path_outside',
      `${label}: ${p}: ${relativePath(realRoot, existing)} is a link that leads nowhere (${e.code})`,
      { label, path: p },
    );
  }
  const resolved = path.join(real, ...rest);
  if (!isInside(realRoot, resolved)) {
    throw new FileError(
      'path_outside',
      `${label}: ${p} leads outside the project folder through a symbolic link (${relativePath(realRoot, existing)} -> ${real})`,
      { label, path: p },
    );
  }
  return resolved;
}

/**
 * What is at `file` now, compared with `bytes`: `new` (nothing there), `identical`, or a conflict
 * `{conflict: reason}`.
 */
export function inspectTarget(file, bytes) {
  let st;
  try {
    st = fs.lstatSync(file);
  } catch (e) {
    if (e.code === 'ENOENT') return 'new';
    if (e.code === 'ENOTDIR') return { conflict: 'a file stands where a folder on its path should be' };
    throw e;
  }
  if (st.isSymbolicLink()) return { conflict: 'a symbolic link is there' };
  if (st.isDirectory()) return { conflict: 'a folder is there' };
  if (!st.isFile()) return { conflict: 'something that is not a regular file is there' };
  if (!isParts(bytes) && st.size !== byteLength(bytes)) return { conflict: 'a different file is there' };
  return sameAsFile(file, st.size, bytes) ? 'identical' : { conflict: 'a different file is there' };
}

/** The size in bytes of a Buffer, of a view, or of a string written as UTF-8. */
function byteLength(bytes) {
  if (isView(bytes)) return bytes.view().length;
  return typeof bytes === 'string' ? Buffer.byteLength(bytes, 'utf8') : bytes.length;
}

/** `{parts: () => Iterable<string>}`: content as consecutive strings, made again for each pass. */
function isParts(c) {
  return c !== null && typeof c === 'object' && !ArrayBuffer.isView(c) && typeof c.parts === 'function';
}

/**
 * `{view: () => Uint8Array}`: bytes that live elsewhere (the wasm module's memory), asked for
 * again for each pass, as the memory's buffer may have been replaced meanwhile; never copied.
 */
function isView(c) {
  return c !== null && typeof c === 'object' && !ArrayBuffer.isView(c) && typeof c.view === 'function';
}

/** A view's bytes as a Buffer over the same memory. */
function viewBuffer(c) {
  const v = c.view();
  return Buffer.from(v.buffer, v.byteOffset, v.byteLength);
}

/** Two contents (Buffers, strings, parts or views) are the same bytes. */
function sameContent(a, b) {
  const whole = (c) => (isParts(c) ? [...c.parts()].join('') : isView(c) ? viewBuffer(c) : c);
  a = whole(a);
  b = whole(b);
  if (typeof a === 'string' && typeof b === 'string') return a === b;
  const buf = (x) => (typeof x === 'string' ? Buffer.from(x, 'utf8') : x);
  return buf(a).equals(buf(b));
}

/**
 * Writes `bytes` to `file` atomically and without replacing anything: returns `written`, or
 * `identical` when the same bytes are already there; throws `write_conflict` when a different file
 * is there (even one that appeared while writing).
 */
export function writeFileNoClobber(file, bytes) {
  const dir = path.dirname(file);
  const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}.${crypto.randomBytes(6).toString('hex')}.tmp`);
  const fd = fs.openSync(tmp, 'wx', 0o644);
  try {
    try {
      let off = 0;
      while (off < bytes.length) off += fs.writeSync(fd, bytes, off, bytes.length - off);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    try {
      fs.linkSync(tmp, file);
    } catch (e) {
      if (e.code === 'EEXIST') {
        const now = inspectTarget(file, bytes);
        if (now === 'identical') return 'identical';
        throw new FileError('write_conflict', `${file}: ${now.conflict ?? 'a file is there'}; it was left as it is`, { file });
      }
      if (e.code === 'EPERM' || e.code === 'ENOTSUP' || e.code === 'EOPNOTSUPP' || e.code === 'EXDEV') {
        // No hard links here (some network and FAT file systems): an exclusive copy still never
        // replaces an existing file, though it is not atomic.
        try {
          fs.copyFileSync(tmp, file, fs.constants.COPYFILE_EXCL);
        } catch (e2) {
          if (e2.code === 'EEXIST') {
            const now = inspectTarget(file, bytes);
            if (now === 'identical') return 'identical';
            throw new FileError('write_conflict', `${file}: ${now.conflict ?? 'a file is there'}; it was left as it is`, { file });
          }
          throw e2;
        }
      } else {
        throw e;
      }
    }
  } finally {
    try {
      fs.unlinkSync(tmp);
    } catch {
      // already gone
    }
  }
  syncDir(dir);
  return 'written';
}

function syncDir(dir) {
  let fd;
  try {
    fd = fs.openSync(dir, 'r');
    fs.fsyncSync(fd);
  } catch {
    // Not every platform can fsync a folder; the file itself is flushed.
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/**
 * Replaces `file` atomically with `bytes` (temporary file, fsync, rename). Only for files the
 * generator itself wrote in the review folder; migrations are never replaced.
 */
export function replaceFile(file, bytes) {
  const dir = path.dirname(file);
  const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}.${crypto.randomBytes(6).toString('hex')}.tmp`);
  const fd = fs.openSync(tmp, 'wx', 0o644);
  try {
    let off = 0;
    while (off < bytes.length) off += fs.writeSync(fd, bytes, off, bytes.length - off);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  try {
    fs.renameSync(tmp, file);
  } catch (e) {
    try { fs.unlinkSync(tmp); } catch { /* already gone */ }
    throw e;
  }
  syncDir(dir);
  return 'updated';
}

/** The plain words for an I/O error code, for messages. */
const IO_WORDS = {
  EACCES: 'permission denied',
  EPERM: 'permission denied (the operation is not permitted)',
  EROFS: 'the file system is read-only',
  ENOSPC: 'the disk is full',
  EDQUOT: 'the disk quota is exhausted',
  EFBIG: 'the file is too large for the file system',
  EIO: 'the disk reported an input/output error',
  EMFILE: 'too many open files',
  ENFILE: 'too many open files in the system',
  ENAMETOOLONG: 'the name is too long',
  ENOTDIR: 'a file stands where a folder on its path should be',
  EISDIR: 'a folder is there',
};

/** `the disk is full (ENOSPC)`: an I/O error in plain words, its code kept for searching. */
export function describeIoError(e) {
  const words = e && IO_WORDS[e.code];
  if (words) return `${words} (${e.code})`;
  return e?.code ? `${e.message}` : String(e?.message ?? e);
}

/**
 * The temporary name of a write: hidden, beside the target, with the writer's process id so that
 * a later run can tell a killed writer's leftover from a live one's.
 */
function tempName(file) {
  return path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${crypto.randomBytes(6).toString('hex')}.tmp`);
}
const TEMP_NAME = /^\.(.+)\.(\d+)\.[0-9a-f]{12}\.tmp$/;

function alive(pid) {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return e.code === 'EPERM';
  }
}

/**
 * Removes the temporary files that a killed writer left in `dir` (names made by this module whose
 * process no longer runs); a live writer's are left alone. Returns the names removed. Nothing that
 * is not such a temporary file is ever touched, and a failure to remove one is ignored (a
 * temporary file is hidden and never named like a migration).
 */
export function removeStaleTemps(dir) {
  let names;
  try {
    names = fs.readdirSync(dir);
  } catch {
    return [];
  }
  const removed = [];
  for (const name of names) {
    const m = TEMP_NAME.exec(name);
    if (!m || alive(Number(m[2]))) continue;
    const file = path.join(dir, name);
    try {
      if (!fs.lstatSync(file).isFile()) continue;
      fs.unlinkSync(file);
      removed.push(file);
    } catch {
      // gone already, or not ours to remove
    }
  }
  return removed;
}

/** How much is written between two points where an interruption can be noticed. */
const CHUNK = 1 << 20;

/** A content's bytes by chunks; a string's (never split inside a surrogate pair) in one reused buffer. */
let scratchBuffer = null;
function* encodedChunks(content) {
  if (isParts(content)) {
    for (const part of content.parts()) yield* encodedChunks(String(part));
    return;
  }
  if (isView(content)) {
    const length = content.view().length;
    // Each chunk is a view made when it is needed: the writer yields between chunks.
    for (let off = 0; off < length; off += CHUNK) yield viewBuffer(content).subarray(off, Math.min(off + CHUNK, length));
    return;
  }
  if (typeof content !== 'string') {
    for (let off = 0; off < content.length; off += CHUNK) yield content.subarray(off, Math.min(off + CHUNK, content.length));
    return;
  }
  scratchBuffer ??= Buffer.allocUnsafeSlow(3 * CHUNK);
  for (let off = 0; off < content.length;) {
    let end = Math.min(off + CHUNK, content.length);
    if (end < content.length && (content.charCodeAt(end - 1) & 0xfc00) === 0xd800) end--;
    const length = scratchBuffer.write(off === 0 && end === content.length ? content : content.slice(off, end), 0, 'utf8');
    yield scratchBuffer.subarray(0, length);
    off = end;
  }
}

/** The regular file `file`, of `size` bytes, holds exactly `content`. */
function sameAsFile(file, size, content) {
  const fd = fs.openSync(file, 'r');
  try {
    const have = Buffer.allocUnsafe(Math.min(size, 3 * CHUNK) + 1);
    let pos = 0;
    for (const chunk of encodedChunks(content)) {
      if (pos + chunk.length > size) return false;
      let got = 0;
      while (got < chunk.length) {
        const n = fs.readSync(fd, have, got, chunk.length - got, pos + got);
        if (n === 0) return false;
        got += n;
      }
      if (!have.subarray(0, got).equals(chunk)) return false;
      pos += chunk.length;
    }
    return pos === size;
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Writes a set of files all or nothing:
 *
 * 1. every target is checked first; when any holds a different file nothing at all is written
 *    (`write_conflict`, with `conflicts`);
 * 2. every file to write is written in full to a temporary file beside its target and flushed
 *    (a full disk or a read-only folder fails here, before any target name exists);
 * 3. the temporary files are given their names, in the order of `targets`: a new file by link(2),
 *    which never replaces a file that appeared meanwhile, a refreshed one by rename(2).
 *
 * When anything fails, or the run is interrupted (`signal`, with writeFilesAsync()), the temporary
 * files are removed, the targets named so far are removed again (a refreshed file gets its earlier
 * bytes back), the folders the run created are removed, and a FileError says what failed
 * (`write_failed`, with `file`, `errno` and `kept`: what could not be undone; or `interrupted`).
 * Temporary files that a killed run left beside the targets are removed first.
 *
 * `targets`: [{path (absolute), bytes (Buffer or string), label?, refresh?}]; `root`: the project folder, which
 * every target and created folder must stay inside. `refresh(existingBytes)` says whether a
 * different regular file at the target is the generator's own earlier output, which is then
 * replaced (status `updated`) instead of being a conflict. Returns
 * [{path, status: 'written' | 'identical' | 'updated'}].
 */
export function writeFiles(root, targets) {
  const steps = writeSteps(root, targets);
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}

/**
 * writeFiles(), giving the event loop a turn between chunks of at most 1 MiB so that `signal`
 * (an AbortSignal: SIGINT, SIGTERM) can stop the run; then nothing of it is left (FileError
 * `interrupted`, with `reason`).
 */
export async function writeFilesAsync(root, targets, { signal } = {}) {
  const steps = writeSteps(root, targets);
  let r = steps.next();
  for (;;) {
    if (r.done) return r.value;
    await new Promise((resolve) => setImmediate(resolve));
    if (signal?.aborted) {
      const reason = signal.reason;
      r = steps.throw(new FileError('interrupted', `interrupted${typeof reason === 'string' ? ` (${reason})` : ''}`, { reason }));
    } else {
      r = steps.next();
    }
  }
}

function* writeSteps(root, targets) {
  const unique = [];
  const seen = new Map();
  for (const t of targets) {
    // Strings and parts are encoded a chunk at a time, never copied whole into a Buffer.
    const bytes = typeof t.bytes === 'string' || Buffer.isBuffer(t.bytes) || isParts(t.bytes) || isView(t.bytes) ? t.bytes : Buffer.from(t.bytes);
    const prev = seen.get(t.path);
    if (prev) {
      if (!sameContent(prev.bytes, bytes)) {
        throw new FileError('write_conflict', `${relativePath(root, t.path)}: two different outputs would go to the same file`, { file: t.path });
      }
      continue;
    }
    const entry = { ...t, bytes };
    seen.set(t.path, entry);
    unique.push(entry);
  }
  for (const t of unique) resolveInside(root, t.path, t.label ?? 'output');

  for (const dir of new Set(unique.map((t) => path.dirname(t.path)))) removeStaleTemps(dir);

  const states = unique.map((t) => {
    let state = inspectTarget(t.path, t.bytes);
    let old = null;
    if (typeof state === 'object' && state.conflict === 'a different file is there' && t.refresh) {
      old = fs.readFileSync(t.path);
      if (t.refresh(old)) state = 'refresh';
    }
    return { t, state, old };
  });
  const conflicts = states.filter((s) => typeof s.state === 'object');
  if (conflicts.length) {
    const lines = conflicts.map((c) => `${relativePath(root, c.t.path)}: ${c.state.conflict}`);
    throw new FileError(
      'write_conflict',
      `will not overwrite ${lines.join('; ')}. Nothing was written. Move the file away, or choose another folder (--out, --output-dir).`,
      { conflicts: conflicts.map((c) => ({ path: c.t.path, reason: c.state.conflict })) },
    );
  }

  const job = { dirs: [], temps: new Map(), done: [] };
  let current = null;
  try {
    // 2. Everything written to temporary files.
    for (const s of states) {
      if (s.state === 'identical') continue;
      current = s.t.path;
      makeDirs(root, path.dirname(s.t.path), s.t.label ?? 'output', job);
      const tmp = tempName(s.t.path);
      const fd = fs.openSync(tmp, 'wx', 0o644);
      job.temps.set(s.t.path, tmp);
      try {
        for (const chunk of encodedChunks(s.t.bytes)) {
          let done = 0;
          while (done < chunk.length) done += fs.writeSync(fd, chunk, done, chunk.length - done);
          yield;
        }
        fs.fsyncSync(fd);
      } finally {
        fs.closeSync(fd);
      }
      yield;
    }
    // 3. The names, in order.
    const results = [];
    for (const s of states) {
      current = s.t.path;
      if (s.state === 'identical') {
        results.push({ path: s.t.path, status: 'identical' });
        continue;
      }
      const tmp = job.temps.get(s.t.path);
      if (s.state === 'refresh') {
        fs.renameSync(tmp, s.t.path);
        job.temps.delete(s.t.path);
        job.done.push({ path: s.t.path, old: s.old });
        results.push({ path: s.t.path, status: 'updated' });
        continue;
      }
      const status = linkNew(tmp, s.t.path, s.t.bytes, root);
      if (status === 'written') job.done.push({ path: s.t.path, old: null });
      results.push({ path: s.t.path, status });
    }
    current = null;
    for (const dir of new Set(states.map((s) => path.dirname(s.t.path)))) syncDir(dir);
    return results;
  } catch (e) {
    removeTemps(job);
    const kept = undo(job);
    if (e instanceof FileError) {
      if (kept.length) e.kept = kept;
      throw e;
    }
    throw new FileError('write_failed', `${current ? relativePath(root, current) : 'output'}: ${describeIoError(e)}`, {
      file: current,
      errno: e?.code ?? null,
      kept,
      cause: e,
    });
  } finally {
    removeTemps(job);
  }
}

function removeTemps(job) {
  for (const tmp of job.temps.values()) {
    try {
      fs.unlinkSync(tmp);
    } catch {
      // already gone
    }
  }
  job.temps.clear();
}

/** Gives the temporary file `tmp` the name `file`, never replacing a file that is there. */
function linkNew(tmp, file, bytes, root) {
  const taken = () => {
    const now = inspectTarget(file, bytes);
    if (now === 'identical') return 'identical';
    throw new FileError(
      'write_conflict',
      `will not overwrite ${relativePath(root, file)}: ${now.conflict ?? 'a file is there'} (it appeared while this run was writing). Nothing was written.`,
      { file, conflicts: [{ path: file, reason: now.conflict ?? 'a file is there' }] },
    );
  };
  try {
    fs.linkSync(tmp, file);
    return 'written';
  } catch (e) {
    if (e.code === 'EEXIST') return taken();
    if (e.code !== 'EPERM' && e.code !== 'ENOTSUP' && e.code !== 'EOPNOTSUPP' && e.code !== 'EXDEV') throw e;
  }
  // No hard links here (some network and FAT file systems): an exclusive copy still never
  // replaces an existing file, though it is not atomic.
  try {
    fs.copyFileSync(tmp, file, fs.constants.COPYFILE_EXCL);
    return 'written';
  } catch (e) {
    if (e.code === 'EEXIST') return taken();
    throw e;
  }
}

/** Creates `dir` and its missing parents one by one, noting each one created (for undo()). */
function makeDirs(root, dir, label, job) {
  const missing = [];
  let d = dir;
  while (!fs.existsSync(d)) {
    missing.unshift(d);
    const up = path.dirname(d);
    if (up === d) break;
    d = up;
  }
  for (const m of missing) {
    try {
      fs.mkdirSync(m);
      job.dirs.push(m);
    } catch (e) {
      if (e.code !== 'EEXIST') {
        throw new FileError('write_failed', `${relativePath(root, m)}: cannot create the folder: ${describeIoError(e)}`, {
          file: m,
          folder: true,
          errno: e.code ?? null,
          cause: e,
        });
      }
    }
  }
  resolveInside(root, dir, label); // no link slipped in while the folder was made
}

/** Takes back what a failed or interrupted run did; returns what could not be taken back. */
function undo(job) {
  const kept = [];
  for (const d of job.done.reverse()) {
    try {
      if (d.old) replaceFile(d.path, d.old);
      else fs.unlinkSync(d.path);
    } catch {
      kept.push(d.path);
    }
  }
  for (const dir of job.dirs.reverse()) {
    try {
      fs.rmdirSync(dir);
    } catch {
      // not empty (another writer) or already gone
    }
  }
  return kept;
}
