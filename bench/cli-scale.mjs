// The CLI end to end on one large report, one or more builds of it side by side: wall time, CPU
// time (user + system) and peak RSS of the whole process through /usr/bin/time -v, and the bytes
// it wrote. A benchmark, not a test: it prints numbers (BENCHMARKS.md records them).
//   node bench/cli-scale.mjs [--n 10000] [--scenario create] [--runs 5] <cli.js> [<cli.js> …]
// Each run is a fresh project folder; the builds take turns, so a change in the machine's load
// falls on all of them alike. stdout goes to /dev/null, as in bench/run.mjs.

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';

import { reportText } from './reports.mjs';
import { median } from './stats.mjs';

const { values, positionals } = parseArgs({
  options: { n: { type: 'string', default: '10000' }, scenario: { type: 'string', default: 'create' }, runs: { type: 'string', default: '5' } },
  allowPositionals: true,
});
if (positionals.length === 0) positionals.push(path.resolve(import.meta.dirname ?? path.dirname(new URL(import.meta.url).pathname), '../pkg/bin/cli.js'));
if (!fs.existsSync('/usr/bin/time')) throw new Error('/usr/bin/time (Debian package `time`) is needed for the peak RSS');

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'smartspec-cli-scale-'));
process.on('exit', () => fs.rmSync(tmp, { recursive: true, force: true }));
const report = path.join(tmp, 'report.json');
fs.writeFileSync(report, reportText(Number(values.n), values.scenario));
const reportBytes = fs.statSync(report).size;

function du(dir) {
  let n = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile()) n += fs.statSync(path.join(e.parentPath ?? e.path, e.name)).size;
  }
  return n;
}

const results = positionals.map((cli) => ({ cli: path.resolve(cli), wall: [], cpu: [], rss: [], written: 0 }));
for (let i = 0; i < Number(values.runs); i++) {
  for (const r of results) {
    const project = fs.mkdtempSync(path.join(tmp, 'project-'));
    const timeFile = path.join(tmp, 'time.txt');
    const t0 = process.hrtime.bigint();
    const p = spawnSync('/usr/bin/time', ['-v', '-o', timeFile, process.execPath, r.cli, '--validation-report', report], {
      cwd: project,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    const wall = Number(process.hrtime.bigint() - t0) / 1e6;
    if (p.status !== 0) throw new Error(`${r.cli} exited with ${p.status}: ${p.stderr}`);
    const t = fs.readFileSync(timeFile, 'utf8');
    const num = (re) => Number(re.exec(t)[1]);
    r.wall.push(wall);
    r.cpu.push((num(/User time \(seconds\): ([\d.]+)/) + num(/System time \(seconds\): ([\d.]+)/)) * 1000);
    r.rss.push(num(/Maximum resident set size \(kbytes\): (\d+)/) * 1024);
    r.written = du(project);
    fs.rmSync(project, { recursive: true, force: true });
  }
}
const mb = (b) => (b / 1e6).toFixed(1);
console.log(`N = ${values.n} ${values.scenario}: report ${mb(reportBytes)} MB, ${values.runs} runs each, load ${os.loadavg().map((x) => x.toFixed(1)).join(' ')}`);
console.log('| build | wall ms (median) | CPU ms (median) | peak RSS MB (median) | RSS / report | written MB |');
console.log('|---|---|---|---|---|---|');
for (const r of results) {
  const rss = median(r.rss);
  console.log(`| ${r.cli} | ${median(r.wall).toFixed(0)} | ${median(r.cpu).toFixed(0)} | ${mb(rss)} | ${(rss / reportBytes).toFixed(1)}× | ${mb(r.written)} |`);
}
// Each build against the first, from the medians.
for (const r of results.slice(1)) {
  const ratio = (k) => (median(r[k]) / median(results[0][k])).toFixed(2);
  console.log(`${r.cli} / ${results[0].cli}: wall ${ratio('wall')}, CPU ${ratio('cpu')}, peak RSS ${ratio('rss')}`);
}
