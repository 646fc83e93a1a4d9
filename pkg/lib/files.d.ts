// Types of lib/files.js (Node only): paths that must stay inside the project folder, and writes
// that are atomic and never replace a file that differs.

export type FileErrorCode = 'path_outside' | 'write_conflict' | 'write_failed';

export declare class FileError extends Error {
  constructor(code: FileErrorCode, message: string, extra?: Record<string, unknown>);
  name: 'FileError';
  code: FileErrorCode;
  /** The option or role the path came from (`--out`). */
  label?: string;
  /** The path as given. */
  path?: string;
  /** The file that could not be written. */
  file?: string;
  /** Every target that holds a different file (writeFiles()). */
  conflicts?: Array<{ path: string; reason: string }>;
}

/** `p` relative to `root`, with `/` separators. */
export declare function relativePath(root: string, p: string): string;

/**
 * Resolves `p` (relative to `root`, or absolute) and checks that it stays inside `root`, symbolic
 * links included; returns the absolute path. Throws a FileError `path_outside`.
 */
export declare function resolveInside(root: string, p: string, label?: string): string;

/** What is at `file` now, compared with `bytes`. */
export declare function inspectTarget(file: string, bytes: Uint8Array): 'new' | 'identical' | { conflict: string };

/**
 * Writes `bytes` to `file` atomically, never replacing a file: `written`, or `identical` when the
 * same bytes are there. Throws a FileError `write_conflict` when a different file is there.
 */
export declare function writeFileNoClobber(file: string, bytes: Uint8Array): 'written' | 'identical';

export interface WriteTarget {
  /** Absolute path, inside `root`. */
  path: string;
  bytes: Uint8Array | string;
  /** Names the path in messages (`--out`). */
  label?: string;
  /** Whether a different file found at the target is this generator's own earlier output, to be replaced. */
  refresh?: (existing: Uint8Array) => boolean;
}

export interface WriteOutcome {
  path: string;
  status: 'written' | 'identical' | 'updated';
}

/**
 * Writes a set of files, all or nothing as far as conflicts go: every target is checked first, and
 * when any holds a different file nothing is written (FileError `write_conflict`, with `conflicts`).
 */
export declare function writeFiles(root: string, targets: readonly WriteTarget[]): WriteOutcome[];
