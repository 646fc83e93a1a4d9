// Small helpers shared by the benchmark's processes.

export const ms = (ns) => Number(ns) / 1e6;

export function median(xs) {
  if (!xs.length) return null;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** CPU time (user + system, every thread of the process) since `since` (`process.cpuUsage()`), in ms. */
const cpuMs = (since) => {
  const c = process.cpuUsage(since);
  return (c.user + c.system) / 1000;
};

/**
 * Times `fn` once, in milliseconds, after a full GC when the process has --expose-gc: `ms` the
 * wall time, `cpu_ms` the process's CPU time meanwhile (all its threads: V8's compilers and GC
 * threads too). On a shared machine, time spent waiting for a core adds to the wall time only.
 */
export function timeOnce(fn) {
  globalThis.gc?.();
  const c0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  const value = fn();
  const t1 = process.hrtime.bigint();
  return { ms: ms(t1 - t0), cpu_ms: cpuMs(c0), value };
}

export async function timeOnceAsync(fn) {
  globalThis.gc?.();
  const c0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  const value = await fn();
  const t1 = process.hrtime.bigint();
  return { ms: ms(t1 - t0), cpu_ms: cpuMs(c0), value };
}

/**
 * How long a case runs untimed before its warm calls are timed. V8 first compiles wasm in its
 * baseline compiler and moves the hot functions to its optimising one in background threads
 * while they run (JavaScript is optimised the same way): at N = 10 000 the second and third
 * calls of a fresh process are still 1.3 to 3x slower than the ones after.
 */
export const WARMUP_MS = 1000;

/**
 * Calls `fn` untimed for at least {@link WARMUP_MS} (once at least), awaiting what it returns;
 * resolves to how many times it was called.
 */
export async function warmUp(fn) {
  const t0 = performance.now();
  let calls = 0;
  do {
    await fn();
    calls += 1;
  } while (performance.now() - t0 < WARMUP_MS);
  return calls;
}

/** The last line of a child's stdout is its JSON result. */
export function emit(result) {
  process.stdout.write(`${JSON.stringify(result)}\n`);
}
