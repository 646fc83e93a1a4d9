#!/usr/bin/env node
// The page's benchmark: the static page (www/, built by scripts/build.sh and scripts/build-www.sh)
// in real headless Chromium (Debian's /usr/bin/chromium, driven by playwright-core), given the
// "create" reports of bench/reports.mjs (N tables × 8 columns) as a dropped file. For each N, in
// a fresh browser each round:
//   visible     milliseconds from the drop event to the page's mark `smartspec:sql-visible`, set
//               by a task queued from the animation frame after the preview was built, so once
//               the frame that paints the SQL is done
//   long tasks  main-thread tasks over 50 ms (PerformanceObserver 'longtask'): the longest and
//               their count, while loading (the drop until 1 s after the SQL is visible), while
//               scrolling to the end (40 wheel steps of 2 000 px over the SQL, then a jump to the
//               end as dragging the scroll bar does), and while switching the dialect to MySQL
//   CPU         the same tasks measured by the main thread's CPU time (thread duration of the
//               top-level tasks in a Chromium trace): on a busy machine a task's wall time
//               includes the time the thread waited for a core, which its CPU time does not;
//               and the CPU time of the main thread and the worker from the drop to the SQL
//               visible, about what that wait would be on an idle machine
//   memory      the main thread's JS heap (CDP Performance.getMetrics), the number of DOM nodes,
//               and the resident set of the tab's renderer process (/proc/<pid>/status, VmRSS:
//               the page, its worker with the whole result, and the wasm module's memory)
//   load        the machine's 1-minute load average at the start of the round (the figures are
//               only comparable between runs on an idle machine)
//   path        where the wall time to the SQL went, from the page's marks: the worker's
//               generate() (its 'generating' to 'preparing' messages), preparing the preview
//               ('preparing' to the result's arrival) and the page's building and painting of
//               the first screen (the result to `smartspec:sql-visible`)
// The report is dropped once the page is warm (data-warm: the worker's warm-up, worker.js, is
// over) and has settled 1.5 s, as when a user takes a moment to find the file; with --early it
// is dropped the moment the page is ready, while the warm-up runs (it stops for the report).
// Prints a table and writes every sample to bench/www-results.json (not kept in git).
//
//   node bench/www.mjs [--sizes 1000,10000] [--rounds 3] [--early] [--www www] [--out bench/www-results.json]
//   --www DIR   serve another build of the page (a folder laid out as www/, with its pkg/)
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { reportText } from './reports.mjs';

const bench = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(bench, '..');
const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i === -1 ? dflt : args[i + 1];
};
const SIZES = opt('--sizes', '1000,10000').split(',').map(Number);
const ROUNDS = Number(opt('--rounds', '3'));
const OUT = opt('--out', path.join(bench, 'www-results.json'));
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const WWW = path.resolve(opt('--www', path.join(root, 'www')));
const EARLY = args.includes('--early');

if (!fs.existsSync(path.join(WWW, 'pkg', 'wasm', 'smartspec_data_migration_generator_bg.wasm'))) {
  console.error('www/pkg/ is missing: run scripts/build.sh && scripts/build-www.sh first');
  process.exit(1);
}
const { chromium } = await import(path.join(root, 'node_modules', 'playwright-core', 'index.mjs'));

// A static server for www/ (the page needs HTTP for modules, wasm and its service worker).
const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.wasm': 'application/wasm' };
const server = http.createServer((req, res) => {
  const url = new URL(req.url, 'http://127.0.0.1');
  let file = path.resolve(WWW, `.${decodeURIComponent(url.pathname)}`);
  if (!file.startsWith(WWW)) return res.writeHead(403).end();
  if (fs.existsSync(file) && fs.statSync(file).isDirectory()) file = path.join(file, 'index.html');
  fs.readFile(file, (err, data) => {
    if (err) return res.writeHead(404).end();
    res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream' });
    res.end(data);
  });
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const url = `http://127.0.0.1:${server.address().port}/`;

const ARGS = ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
  '--disable-sync', '--no-first-run', '--disable-default-apps', '--enable-precise-memory-info'];

/** Long tasks and element timings, recorded from the start of the page. */
function observe() {
  window.__long = [];
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) window.__long.push({ start: e.startTime, duration: e.duration });
  }).observe({ type: 'longtask', buffered: true });
}

const longIn = (tasks, from, to) => {
  const inside = tasks.filter((t) => t.start >= from && t.start < to);
  return { max: Math.round(Math.max(0, ...inside.map((t) => t.duration))), count: inside.length, over100: inside.filter((t) => t.duration > 100).length };
};

async function rendererRss(browser) {
  const cdp = await browser.newBrowserCDPSession();
  const { processInfo } = await cdp.send('SystemInfo.getProcessInfo');
  let rss = 0;
  for (const p of processInfo.filter((x) => x.type === 'renderer')) {
    try {
      const status = fs.readFileSync(`/proc/${p.id}/status`, 'utf8');
      rss = Math.max(rss, Number(/VmRSS:\s+(\d+)/.exec(status)[1]) * 1024);
    } catch {
      // gone
    }
  }
  await cdp.detach();
  return rss;
}

/** Starts a trace of the page's renderer; the returned function ends it and gives its events. */
async function trace(page) {
  const cdp = await page.context().newCDPSession(page);
  const events = [];
  cdp.on('Tracing.dataCollected', (e) => events.push(...e.value));
  await cdp.send('Tracing.start', { categories: 'toplevel,devtools.timeline,blink.user_timing', transferMode: 'ReportEvents' });
  return async () => {
    const done = new Promise((r) => cdp.once('Tracing.tracingComplete', r));
    await cdp.send('Tracing.end');
    await done;
    await cdp.detach();
    return events;
  };
}

/** The longest main-thread task by CPU time (ms) between the marks `from` and `to` of the page. */
function cpuLongest(events, from, to) {
  const mark = (name) => events.find((e) => e.name === name && e.cat.includes('user_timing'));
  const a = mark(from);
  const b = mark(to);
  const main = events.find((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain' && a && e.pid === a.pid);
  if (!a || !b || !main) return null;
  // Top-level tasks (ThreadControllerImpl::RunTask, mojo messages); nested ones lie within them.
  const tasks = events.filter((e) => e.ph === 'X' && e.cat.split(',').includes('toplevel') && e.pid === main.pid && e.tid === main.tid && e.ts >= a.ts && e.ts < b.ts);
  const cpu = tasks.map((e) => (e.tdur ?? e.dur) / 1000);
  return { max: Math.round(Math.max(0, ...cpu)), over50: cpu.filter((x) => x > 50).length, over100: cpu.filter((x) => x > 100).length };
}

/**
 * The CPU time (ms) of the main thread's and the generator worker's top-level tasks between the
 * marks `from` and `to`: the two threads mostly wait for each other, so this is about what the
 * wait would be on an idle machine with a core for each.
 */
function cpuPath(events, from, to) {
  const mark = (name) => events.find((e) => e.name === name && e.cat.includes('user_timing'));
  const a = mark(from);
  const b = mark(to); // the first such mark: the one after the drop
  if (!a || !b) return null;
  const threads = new Set(events.filter((e) => e.name === 'thread_name' && e.pid === a.pid
    && ['CrRendererMain', 'DedicatedWorker thread'].includes(e.args?.name)).map((e) => e.tid));
  let total = 0;
  for (const e of events) {
    if (e.ph === 'X' && e.pid === a.pid && threads.has(e.tid) && e.cat.split(',').includes('toplevel') && e.ts >= a.ts && e.ts < b.ts) {
      total += (e.tdur ?? e.dur) / 1000;
    }
  }
  return Math.round(total);
}

async function round(n, report) {
  const load = os.loadavg()[0];
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS, headless: true });
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await page.addInitScript(observe);
    await page.goto(url);
    await page.evaluate((text) => { window.__file = new File([text], 'summary.json', { type: 'application/json' }); }, report);
    await page.waitForFunction(() => document.documentElement.dataset.ready === 'true', null, { timeout: 60_000, polling: 'raf' });
    if (!EARLY) {
      await page.waitForFunction(() => document.documentElement.dataset.warm === 'true', null, { timeout: 60_000 });
      await page.waitForTimeout(1500); // the page settles
    }
    const endTrace = await trace(page);

    // Load: the drop, until the SQL is painted.
    const drop = await page.evaluate(() => {
      performance.clearMarks();
      const dt = new DataTransfer();
      dt.items.add(window.__file);
      const t = performance.now();
      performance.mark('bench:load');
      document.getElementById('drop-zone').dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
      return t;
    });
    await page.waitForFunction(() => performance.getEntriesByName('smartspec:sql-visible').length > 0, null, { timeout: 120_000 });
    await page.waitForTimeout(1000);
    await page.evaluate(() => performance.mark('bench:loaded'));
    const loaded = await page.evaluate(() => ({
      marks: Object.fromEntries(performance.getEntriesByType('mark').map((m) => [m.name, m.startTime])),
      long: window.__long,
      now: performance.now(),
      statements: document.getElementById('facts').textContent.match(/(\d+) statements/)?.[1],
      warmUp: document.documentElement.dataset.warmUp,
    }));
    const marks = loaded.marks;

    // Scrolling to the end: wheel steps over the SQL, then a jump to its end.
    await page.locator('#files .file-head').first().evaluate((e) => e.scrollIntoView({ block: 'start' }));
    const box = await page.locator('#files .sql').first().boundingBox();
    await page.mouse.move(box.x + box.width / 3, box.y + Math.min(box.height, 900 - box.y) / 2);
    const scrollFrom = await page.evaluate(() => {
      performance.mark('bench:scroll');
      return performance.now();
    });
    for (let i = 0; i < 40; i++) {
      await page.mouse.wheel(0, 2000);
      await page.waitForTimeout(16);
    }
    await page.waitForFunction(() => {
      const sql = document.querySelector('#files .sql');
      const end = sql.scrollHeight - sql.clientHeight;
      if (sql.scrollTop < end - 1) sql.scrollTop = end;
      const last = sql.querySelector('.seg:last-child');
      return sql.scrollTop >= end - 1 && last && Number(last.dataset.block) === sql.querySelectorAll('.seg').length - 1 + Number(sql.querySelector('.seg').dataset.block);
    }, null, { timeout: 60_000, polling: 'raf' });
    await page.waitForTimeout(500);
    const scrollTo = await page.evaluate(() => {
      performance.mark('bench:scrolled');
      return performance.now();
    });

    // Switching the dialect.
    const g = await page.$eval('#result', (e) => Number(e.dataset.generation));
    const switchFrom = await page.evaluate(() => {
      performance.clearMarks('smartspec:sql-visible');
      performance.mark('bench:dialect');
      return performance.now();
    });
    await page.selectOption('#dialect', 'MySQL');
    await page.waitForFunction((n0) => Number(document.querySelector('#result').dataset.generation) > n0
      && performance.getEntriesByName('smartspec:sql-visible').length > 0, g, { timeout: 120_000 });
    await page.waitForTimeout(1000);
    await page.evaluate(() => performance.mark('bench:switched'));
    const events = await endTrace();
    const after = await page.evaluate(() => ({ long: window.__long, now: performance.now(), visible: performance.getEntriesByName('smartspec:sql-visible')[0]?.startTime }));

    // Memory, with the MySQL result shown.
    const cdp = await context.newCDPSession(page);
    await cdp.send('Performance.enable');
    const { metrics } = await cdp.send('Performance.getMetrics');
    const metric = (name) => metrics.find((m) => m.name === name)?.value ?? null;
    const rss = await rendererRss(browser);

    return {
      n,
      load: Number(load.toFixed(2)),
      statements: Number(loaded.statements),
      drop_to_sql_visible_ms: Math.round(marks['smartspec:sql-visible'] - drop),
      worker_generate_ms: Math.round(marks['smartspec:preparing'] - marks['smartspec:generating']),
      worker_prepare_ms: Math.round(marks['smartspec:result'] - marks['smartspec:preparing']),
      page_first_screen_ms: Math.round(marks['smartspec:sql-visible'] - marks['smartspec:result']),
      warm_up: loaded.warmUp ?? null,
      long_loading: longIn(loaded.long, drop, loaded.now),
      long_scrolling: longIn(after.long, scrollFrom, scrollTo),
      long_dialect: longIn(after.long, switchFrom, after.now),
      cpu_to_visible_ms: cpuPath(events, 'bench:load', 'smartspec:sql-visible'),
      cpu_loading: cpuLongest(events, 'bench:load', 'bench:loaded'),
      cpu_scrolling: cpuLongest(events, 'bench:scroll', 'bench:scrolled'),
      cpu_dialect: cpuLongest(events, 'bench:dialect', 'bench:switched'),
      dialect_switch_visible_ms: Math.round(after.visible - switchFrom),
      js_heap_main: metric('JSHeapUsedSize'),
      dom_nodes: metric('Nodes'),
      renderer_rss: rss,
    };
  } finally {
    await browser.close();
  }
}

const samples = [];
for (const n of SIZES) {
  const report = reportText(n, 'create');
  for (let r = 0; r < ROUNDS; r++) {
    const s = await round(n, report);
    samples.push(s);
    console.error(`N=${n} round ${r + 1}: ${JSON.stringify(s)}`);
  }
}
server.close();

const med = (xs) => {
  const v = xs.filter((x) => x !== null && x !== undefined).sort((a, b) => a - b);
  return v.length ? v[Math.floor((v.length - 1) / 2)] : null;
};
const mb = (b) => (b === null ? '–' : `${(b / 1024 / 1024).toFixed(0)} MB`);
const info = { chromium: fs.existsSync(CHROMIUM) ? CHROMIUM : null, cpus: os.cpus().length, date: new Date().toISOString(), rounds: ROUNDS, www: path.relative(root, WWW) || '.', early: EARLY };
fs.writeFileSync(OUT, `${JSON.stringify({ info, samples }, null, 2)}\n`);

const rows = [['N tables created', 'statements', 'SQL visible after the drop', 'CPU time on the way (main + worker)', 'generate / prepare / first screen', 'longest task (wall / CPU): loading', 'scrolling to the end', 'switching dialect',
  'main JS heap', 'DOM nodes', 'renderer RSS', 'load avg']];
for (const n of SIZES) {
  const ss = samples.filter((s) => s.n === n);
  const worst = (k) => Math.max(...ss.map((s) => s[k].max));
  rows.push([
    String(n), String(ss[0].statements),
    `${med(ss.map((s) => s.drop_to_sql_visible_ms))} ms (${ss.map((s) => s.drop_to_sql_visible_ms).join(', ')})`,
    `${med(ss.map((s) => s.cpu_to_visible_ms))} ms (${ss.map((s) => s.cpu_to_visible_ms).join(', ')})`,
    ['worker_generate_ms', 'worker_prepare_ms', 'page_first_screen_ms'].map((k) => med(ss.map((s) => s[k]))).join(' / ') + ' ms',
    ...['loading', 'scrolling', 'dialect'].map((k) => `${worst(`long_${k}`)} / ${Math.max(...ss.map((s) => s[`cpu_${k}`]?.max ?? NaN))} ms`),
    mb(med(ss.map((s) => s.js_heap_main))), String(med(ss.map((s) => s.dom_nodes))),
    mb(med(ss.map((s) => s.renderer_rss))), ss.map((s) => s.load).join(', '),
  ]);
}
console.log(rows.map((r) => `| ${r.join(' | ')} |`).join('\n').replace(/\n/, `\n|${rows[0].map(() => '---').join('|')}|\n`));
console.log(`\nlongest tasks are the worst over ${ROUNDS} round(s) (0 ms: none over 50 ms); times: median (each round); page ${info.www}${EARLY ? ', dropped the moment it was ready' : ', dropped once warm'}. Samples in ${path.relative(root, OUT)}.`);
