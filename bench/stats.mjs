// Small helpers shared by the benchmark's processes.

export const ms = (ns) => Number(ns) / 1e6;

export function median(xs) {
  if (!xs.length) return null;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Times `fn` once, in milliseconds, after a full GC when the process has --expose-gc. */
export function timeOnce(fn) {
  globalThis.gc?.();
  const t0 = process.hrtime.bigint();
  const value = fn();
  const t1 = process.hrtime.bigint();
  return { ms: ms(t1 - t0), value };
}

export async function timeOnceAsync(fn) {
  globalThis.gc?.();
  const t0 = process.hrtime.bigint();
  const value = await fn();
  const t1 = process.hrtime.bigint();
  return { ms: ms(t1 - t0), value };
}

/** The last line of a child's stdout is its JSON result. */
export function emit(result) {
  process.stdout.write(`${JSON.stringify(result)}\n`);
}
