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
  if (st.size !== bytes.length) return { conflict: 'a different file is there' };
  const have = fs.readFileSync(file);
  return have.equals(bytes) ? 'identical' : { conflict: 'a different file is there' };
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

/**
 * Writes a set of files all or nothing as far as conflicts go: every target is checked first, and
 * when any holds a different file nothing at all is written (`write_conflict`, with `conflicts`).
 * `targets`: [{path (absolute), bytes (Buffer), label?, refresh?}]; `root`: the project folder, which
 * every target and created folder must stay inside. `refresh(existingBytes)` says whether a
 * different regular file at the target is the generator's own earlier output, which is then
 * replaced (status `updated`) instead of being a conflict. Returns
 * [{path, status: 'written' | 'identical' | 'updated'}].
 */
export function writeFiles(root, targets) {
  const unique = [];
  const seen = new Map();
  for (const t of targets) {
    const bytes = Buffer.isBuffer(t.bytes) ? t.bytes : Buffer.from(t.bytes, 'utf8');
    const prev = seen.get(t.path);
    if (prev) {
      if (!prev.bytes.equals(bytes)) {
        throw new FileError('write_conflict', `${relativePath(root, t.path)}: two different outputs would go to the same file`, { file: t.path });
      }
      continue;
    }
    const entry = { ...t, bytes };
    seen.set(t.path, entry);
    unique.push(entry);
  }
  for (const t of unique) resolveInside(root, t.path, t.label ?? 'output');

  const states = unique.map((t) => {
    let state = inspectTarget(t.path, t.bytes);
    if (typeof state === 'object' && state.conflict === 'a different file is there' && t.refresh
        && t.refresh(fs.readFileSync(t.path))) {
      state = 'refresh';
    }
    return { t, state };
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

  const results = [];
  for (const { t, state } of states) {
    if (state === 'identical') {
      results.push({ path: t.path, status: 'identical' });
      continue;
    }
    if (state === 'refresh') {
      results.push({ path: t.path, status: replaceFile(t.path, t.bytes) });
      continue;
    }
    const dir = path.dirname(t.path);
    fs.mkdirSync(dir, { recursive: true });
    resolveInside(root, dir, t.label ?? 'output'); // no link slipped in while the folder was made
    results.push({ path: t.path, status: writeFileNoClobber(t.path, t.bytes) });
  }
  return results;
}
