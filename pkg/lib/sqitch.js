// Node only: a Sqitch project's plan, sqitch.plan. The generator writes a plan holding its
// change's line; applied, the line is appended to the migrations folder's plan (created, with
// the generated header, when there is none). Sqitch refuses a plan that names one change twice.

import fs from 'node:fs';
import path from 'node:path';

export const SQITCH_PLAN = 'sqitch.plan';

/** The change lines of a plan's text (not pragmas, tags, comments or blank lines). */
function changeLines(text) {
  return text.split('\n').filter((l) => l.trim() !== '' && !/^\s*[%@#]/.test(l));
}

/** The change's name on a plan line (after an optional + or -). */
const changeName = (line) => /^\s*[+-]?\s*([^\s[]+)/.exec(line)?.[1] ?? null;

/**
 * The plan as --apply leaves it, given the generated `plan` ({content}) and the folder `dir`:
 * {now: the bytes there or null, after: the text to write, lines: the run's change lines,
 * state: 'absent' | 'present' (every line there) | 'append', conflict: {line, theirs} or null
 * (a change of the same name planned otherwise)}.
 */
export function sqitchPlan(dir, plan) {
  let now = null;
  try {
    now = fs.readFileSync(path.join(dir, SQITCH_PLAN));
  } catch (e) {
    if (e.code !== 'ENOENT') throw e;
  }
  const lines = changeLines(plan.content);
  if (now === null) return { now, after: plan.content, lines, state: 'absent', conflict: null };
  const text = now.toString('utf8');
  const theirs = changeLines(text);
  const missing = [];
  for (const line of lines) {
    if (theirs.includes(line)) continue;
    const same = theirs.find((t) => changeName(t) === changeName(line));
    if (same) return { now, after: text, lines, state: 'conflict', conflict: { line, theirs: same } };
    missing.push(line);
  }
  if (missing.length === 0) return { now, after: text, lines, state: 'present', conflict: null };
  const after = `${text}${text === '' || text.endsWith('\n') ? '' : '\n'}${missing.map((l) => `${l}\n`).join('')}`;
  return { now, after, lines, state: 'append', conflict: null };
}
