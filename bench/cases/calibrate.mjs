// How fast this machine runs a fixed piece of work today, in a fresh process:
//   node cases/calibrate.mjs [runs]
// The VM shares its host, and the same build has run 1.8x as slowly at one hour as at another.
// This loop (integer arithmetic only: no allocation, no memory traffic, nothing of the generator)
// is timed `runs` times after one untimed run, so that runs on different days can be set side by
// side: a wall time that doubles with it is the machine, not the code.
import { emit, median, timeOnce } from '../stats.mjs';

const runs = Number(process.argv[2] ?? 5);
const LOOPS = 100_000_000;

function work() {
  let x = 1;
  for (let i = 0; i < LOOPS; i++) x = (Math.imul(x, 1103515245) + 12345) | 0;
  return x;
}

const expected = work();
const ms = [];
for (let i = 0; i < runs; i++) {
  const t = timeOnce(work);
  if (t.value !== expected) throw new Error('the calibration loop gave another value');
  ms.push(t.ms);
}
emit({ loops: LOOPS, ms, median_ms: median(ms) });
