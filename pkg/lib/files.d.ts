// Types of lib/files.js (Node only): paths that must stay inside the project folder, and writes
// that are atomic and never replace a file that differs.

export type FileErrorCode = 'path_outside' | 'write_conflict' | 'write_failed' | 'interrupted';

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
  /** write_failed: the system's error code (`ENOSPC`, `EROFS`, `EACCES` …). */
  errno?: string | null;
  /** Files of the run that could not be removed again after a failure (usually none). */
  kept?: string[];
  /** interrupted: the AbortSignal's reason (`SIGINT`). */
  reason?: unknown;
}

/** What writeFilesAsync() and migrateAsync() read of an AbortSignal (Node's, or any alike). */
export interface AbortSignalLike {
  readonly aborted: boolean;
  readonly reason?: unknown;
}

/** An I/O error in plain words, its code kept: `the disk is full (ENOSPC)`. */
export declare function describeIoError(error: unknown): string;

/**
 * Removes the temporary files a killed writer left in `dir` (hidden `.<name>.<pid>.<hex>.tmp`
 * files whose process no longer runs); returns their paths.
 */
export declare function removeStaleTemps(dir: string): string[];

/** `p` relative to `root`, with `/` separators. */
export declare function relativePath(root: string, p: string): string;

/**
 * Resolves `p` (relative to `root`, or absolute) and checks that it stays inside `root`, symbolic
 * links included; returns the absolute path. Throws a FileError `path_outside`.
 */
export declare function resolveInside(root: string, p: string, label?: string): string;

/** Content as consecutive strings, e.g. `{parts: () => reportMdParts(result, ctx)}`; called for each pass. */
export interface ContentParts {
  parts: () => Iterable<string>;
}

/** What is at `file` now, compared with `bytes`. */
export declare function inspectTarget(file: string, bytes: Uint8Array | string | ContentParts): 'new' | 'identical' | { conflict: string };

/**
 * Writes `bytes` to `file` atomically, never replacing a file: `written`, or `identical` when the
 * same bytes are there. Throws a FileError `write_conflict` when a different file is there.
 */
export declare function writeFileNoClobber(file: string, bytes: Uint8Array): 'written' | 'identical';

export interface WriteTarget {
  /** Absolute path, inside `root`. */
  path: string;
  bytes: Uint8Array | string | ContentParts;
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
 * Writes a set of files all or nothing: every target is checked first (a different file at any of
 * them: FileError `write_conflict`, with `conflicts`, nothing written); every file is then written
 * in full to a temporary file beside its target, and only then are the names given, in the order
 * of `targets`. When anything fails (FileError `write_failed`, naming the file, with `errno`), what
 * the run had done is taken back: temporary files removed, new files removed, refreshed files
 * given their earlier bytes, created folders removed.
 */
export declare function writeFiles(root: string, targets: readonly WriteTarget[]): WriteOutcome[];

/**
 * writeFiles(), letting the event loop run between chunks so that `signal` can stop it; an
 * interrupted run takes back what it had done and rejects with FileError `interrupted`.
 */
export declare function writeFilesAsync(
  root: string,
  targets: readonly WriteTarget[],
  options?: { signal?: AbortSignalLike },
): Promise<WriteOutcome[]>;
