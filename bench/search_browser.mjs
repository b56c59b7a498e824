// Search in the browser, helpsite vs Pagefind, on the shared benchmark corpora (issue 3).
//
//   node bench/search_browser.mjs [--pages 1000,10000] [--runs 5]
//
// Needs: the release binary (`cargo build --release`), tests/browser/node_modules with
// playwright-core and pagefind (`npm i --no-save --prefix tests/browser playwright-core
// pagefind`), /usr/bin/chromium, and python3.
// For each corpus size: generates the corpus (../shared/bench/gen_corpus.py), builds it with the
// release build of `helpsite build` (the site as published: same HTML for both engines),
// indexes that HTML with Pagefind, serves it from 127.0.0.1, and measures in headless Chromium:
//   - bytes on the wire from first focus to the first result (gzip where the server compresses;
//     Range responses are never compressed), counted by the server;
//   - cold first result: focus, type the query, wait for the first result (median of runs,
//     each in a fresh browser context so nothing is cached); helpsite through its real UI
//     (including the 80 ms debounce), Pagefind through its JS API (init + search + top results'
//     data), which is a lower bound for any Pagefind UI;
//   - warm queries p50/p95 over distinct queries after load (new terms still fetch their data),
//     with each search step's engine and fetch time, and the time of one bare fetch (the floor),
//     for helpsite also on a host that answers one range per request (no multipart/byteranges),
//     with the pack requests per warm query.
// Prints a table with the ratios helpsite / Pagefind, and the machine's load average (other
// work on the machine slows both engines; compare figures taken under similar load).
import { execFileSync, spawnSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { readFileSync } from 'node:fs';
import { serve } from '../tests/browser/search-server.mjs';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(repo, 'tests/browser/package.json'));
const { chromium } = require('playwright-core');
const pagefindBin = join(repo, 'tests/browser/node_modules/.bin/pagefind');

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : dflt;
};
const SIZES = opt('pages', '1000,10000').split(',').map(Number);
const RUNS = Number(opt('runs', '5'));
const LIMIT = 8; // results shown in the header box, for both engines
const FIRST_QUERY = 'password reset';
const WARM = ['webhook retry', 'sms sender', 'oauth token expired', 'billing invoice', 'calendar sync',
  'booking reminder', 'certificate', 'firewall proxy', 'export', 'refund payment', 'timezone', 'session cookie',
  'api key rotate', 'template placeholder', 'delivery bounce', 'role permission', 'invite staff', 'logo colour',
  'audit log', 'domain record', 'queue limit', 'consent', 'redirect', 'capacity', 'holiday schedule',
  'verification code', 'backup policy', 'subscription plan', 'country language', 'screenshot',
  'notification', 'attachment', 'workspace owner', 'trigger condition', 'slot', 'region', 'receipt',
  'browser cache', 'network', 'phone number'];

const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

const median = (xs) => pct(xs, 50);
function pct(xs, p) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
}
function dirBytes(dir) {
  let raw = 0;
  let gz = 0;
  let files = 0;
  for (const name of readdirSync(dir, { recursive: true })) {
    const p = join(dir, name);
    if (!statSync(p).isFile()) continue;
    const b = readFileSync(p);
    raw += b.length;
    gz += gzipSync(b, { level: 9 }).length;
    files++;
  }
  return { raw, gz, files };
}
const kb = (n) => `${(n / 1024).toFixed(0)} KiB`;

const SITE_YAML = `title: Benchmark Support
base_url: https://support.example.com/
support_email: help@example.com
search:
  enabled: true
`;
const helpsite = join(repo, 'target/release/helpsite');

function prepare(n) {
  if (!existsSync(helpsite)) throw new Error(`no ${helpsite}: run \`cargo build --release\` first`);
  const corpus = join(repo, `bench/corpus/plain-${n}`);
  if (!existsSync(corpus)) {
    // shared/ lies beside the main checkout; worktrees sit one level deeper.
    const gen = [join(repo, '../shared/bench/gen_corpus.py'), join(repo, '../../shared/bench/gen_corpus.py')].find(existsSync);
    execFileSync('python3', [gen, corpus, '--pages', String(n)], { stdio: 'inherit' });
  }
  const dir = join(repo, `bench/out/search-${n}`);
  const src = join(dir, 'site');
  const out = join(dir, 'public');
  // A fresh source each time: no search chunk cache, so the index build time is a cold one.
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(src, { recursive: true });
  cpSync(corpus, join(src, 'content'), { recursive: true });
  writeFileSync(join(src, 'site.yaml'), SITE_YAML);
  const run = spawnSync(helpsite, ['build', '--verbose', '--root', src, '--out', out], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`helpsite build failed:\n${run.stderr}`);
  const m = run.stderr.match(/search index: (\d+) sections of (\d+) pages in ([\d.]+) ms/);
  if (!m) throw new Error(`no search index figures in helpsite build --verbose:\n${run.stderr}`);
  const built = { docs: Number(m[1]), pages: Number(m[2]), index_build_ms: Number(m[3]) };
  let t = process.hrtime.bigint();
  execFileSync(pagefindBin, ['--site', out, '--output-subdir', 'pagefind', '--quiet'], { stdio: 'inherit' });
  const pagefindMs = Number(process.hrtime.bigint() - t) / 1e6;
  // A page that loads Pagefind the way its UI does (ES module, on first focus).
  mkdirSync(join(out, 'pf-bench'), { recursive: true });
  writeFileSync(join(out, 'pf-bench/index.html'),
    '<!doctype html><meta charset="utf-8"><title>pagefind bench</title><input id="q" type="search">');
  const index = readdirSync(join(out, 'search')).filter((f) => /^index-.*\.(hot|pack)$|^manifest\.json$/.test(f));
  const helpsiteIndex = index.reduce((acc, f) => {
    const b = readFileSync(join(out, 'search', f));
    return { raw: acc.raw + b.length, gz: acc.gz + gzipSync(b, { level: 9 }).length, files: acc.files + 1 };
  }, { raw: 0, gz: 0, files: 0 });
  return { out, built, pagefindMs, helpsiteIndex, pagefindIndex: dirBytes(join(out, 'pagefind')) };
}

async function helpsiteCold(browser, server) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${server.url}/`);
  await page.waitForLoadState('load');
  const from = server.log.length;
  const ms = await page.evaluate(async (q) => {
    const input = document.querySelector('#hs-search-input');
    const t0 = performance.now();
    let ready = null;
    input.focus();
    input.value = q;
    input.dispatchEvent(new Event('input', { bubbles: true }));
    await new Promise((resolve) => {
      const check = () => {
        if (ready === null && document.documentElement.dataset.hsSearchReady) ready = performance.now() - t0;
        return document.querySelector('.hs-search-panel .hs-hit') ? resolve() : requestAnimationFrame(check);
      };
      check();
    });
    return { ms: performance.now() - t0, ready };
  }, FIRST_QUERY);
  const bytes = server.log.slice(from).reduce((s, e) => s + e.bytes, 0);
  const requests = server.log.length - from;
  await context.close();
  return { ...ms, bytes, requests };
}

async function helpsiteWarm(browser, server) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${server.url}/`);
  let from = 0;
  await page.exposeFunction('hsBenchMark', () => { from = server.log.length; });
  const times = await page.evaluate(async ({ queries, limit }) => {
    const cfg = document.querySelector('[data-hs-search]').dataset;
    const abs = (u) => new URL(u, location.href).href;
    // The floor under any query that fetches: one round trip to this server, for a tiny file.
    const floor = [];
    for (let i = 0; i < 40; i++) {
      const t0 = performance.now();
      await (await fetch(abs(`${cfg.index}manifest.json`), { cache: 'no-store' })).arrayBuffer();
      floor.push(performance.now() - t0);
    }
    const worker = new Worker(cfg.worker);
    const waiters = new Map();
    let ready;
    const readyP = new Promise((r) => { ready = r; });
    worker.onmessage = (e) => (e.data.type === 'ready' ? ready() : waiters.get(e.data.id)?.(e.data));
    worker.postMessage({ type: 'init', glue: abs(cfg.glue), wasm: abs(cfg.wasm), index: abs(cfg.index) });
    await readyP;
    const ask = (id, text) => new Promise((r) => {
      waiters.set(id, r);
      worker.postMessage({ type: 'search', id, query: { text, limit } });
    });
    await ask(1, 'password reset');
    await window.hsBenchMark();
    const times = [];
    const rounds = [];
    const timing = [];
    for (let i = 0; i < queries.length; i++) {
      const t0 = performance.now();
      const r = await ask(i + 2, queries[i]);
      rounds.push(r.rounds);
      times.push(performance.now() - t0);
      timing.push(r.timing);
    }
    // The same queries again: every byte is at hand, so this is the engine's time in wasm.
    const cached = [];
    for (let i = 0; i < queries.length; i++) {
      const t0 = performance.now();
      await ask(queries.length + i + 2, queries[i]);
      cached.push(performance.now() - t0);
    }
    return { times, rounds, cached, timing, floor };
  }, { queries: WARM, limit: LIMIT });
  const packRequests = server.log.slice(from).filter((e) => /\.pack$/.test(e.path)).length;
  await context.close();
  return { ...times, packRequests: packRequests / WARM.length };
}

async function pagefindCold(browser, server) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${server.url}/pf-bench/`);
  await page.waitForLoadState('load');
  const from = server.log.length;
  const ms = await page.evaluate(async ({ q, limit }) => {
    const t0 = performance.now();
    const pf = await import('/pagefind/pagefind.js');
    await pf.init();
    const search = await pf.search(q);
    await Promise.all(search.results.slice(0, limit).map((r) => r.data()));
    return performance.now() - t0;
  }, { q: FIRST_QUERY, limit: LIMIT });
  const bytes = server.log.slice(from).reduce((s, e) => s + e.bytes, 0);
  const requests = server.log.length - from;
  await context.close();
  return { ms, bytes, requests };
}

async function pagefindWarm(browser, server) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${server.url}/pf-bench/`);
  const times = await page.evaluate(async ({ queries, limit }) => {
    const pf = await import('/pagefind/pagefind.js');
    await pf.init();
    const run = async (q) => {
      const s = await pf.search(q);
      await Promise.all(s.results.slice(0, limit).map((r) => r.data()));
    };
    await run('password reset');
    const out = [];
    for (const q of queries) {
      const t0 = performance.now();
      await run(q);
      out.push(performance.now() - t0);
    }
    return out;
  }, { queries: WARM, limit: LIMIT });
  await context.close();
  return times;
}

const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
const rows = [];
try {
  for (const n of SIZES) {
    const p = prepare(n);
    const server = await serve(p.out);
    const single = await serve(p.out, { multiRange: false });
    try {
      const load = [loadavg()[0]];
      const hc = [];
      const pc = [];
      for (let i = 0; i < RUNS; i++) {
        hc.push(await helpsiteCold(browser, server));
        pc.push(await pagefindCold(browser, server));
      }
      const hw = await helpsiteWarm(browser, server);
      const pw = await pagefindWarm(browser, server);
      const hs = await helpsiteWarm(browser, single);
      load.push(loadavg()[0]);
      rows.push({ n, p, hc, pc, hw, pw, hs, load });
    } finally {
      await server.close();
      await single.close();
    }
  }
} finally {
  await browser.close();
}

const line = (label, h, f, fmt, target = '') =>
  console.log(`  ${label.padEnd(36)} ${fmt(h).padStart(12)} ${fmt(f).padStart(12)} ${(h / f).toFixed(2).padStart(7)}  ${target}`);
for (const { n, p, hc, pc, hw, pw, hs, load } of rows) {
  console.log(`\n${n} pages (${p.built.docs} section docs) — helpsite vs Pagefind 1.6, ratio = helpsite / Pagefind`
    + ` (1-min load average ${load.map((l) => l.toFixed(2)).join(' → ')} on ${availableCores()} cores)`);
  console.log(`  ${''.padEnd(36)} ${'helpsite'.padStart(12)} ${'pagefind'.padStart(12)} ${'ratio'.padStart(7)}`);
  line('index build (ms)', p.built.index_build_ms, p.pagefindMs, (x) => x.toFixed(0), '(helpsite: index only; pagefind: reads the HTML too)');
  line('index on disk', p.helpsiteIndex.raw, p.pagefindIndex.raw, kb);
  line('index gzipped', p.helpsiteIndex.gz, p.pagefindIndex.gz, kb);
  line('index files', p.helpsiteIndex.files, p.pagefindIndex.files, String);
  const target = n <= 1000 ? '< 1 MB' : '< 2 MB';
  line('bytes before first result (wire)', median(hc.map((r) => r.bytes)), median(pc.map((r) => r.bytes)), kb, `target ${target}`);
  line('requests before first result', median(hc.map((r) => r.requests)), median(pc.map((r) => r.requests)), String);
  line('cold first result (ms, median)', median(hc.map((r) => r.ms)), median(pc.map((r) => r.ms)), (x) => x.toFixed(0),
    n <= 1000 ? 'target < 300 ms' : '');
  console.log(`  helpsite engine ready after focus: ${median(hc.map((r) => r.ready)).toFixed(0)} ms (median; wasm + hot file + open)`);
  line('warm query p50 (ms)', pct(hw.times, 50), pct(pw, 50), (x) => x.toFixed(1));
  line('warm query p95 (ms)', pct(hw.times, 95), pct(pw, 95), (x) => x.toFixed(1), n >= 10000 ? 'target < 10 ms' : '');
  line('  single-range host: p50 (ms)', pct(hs.times, 50), pct(pw, 50), (x) => x.toFixed(1));
  line('  single-range host: p95 (ms)', pct(hs.times, 95), pct(pw, 95), (x) => x.toFixed(1));
  console.log(`  helpsite warm query: ${median(hw.rounds).toFixed(0)} rounds of fetches (median, max ${Math.max(...hw.rounds)}),`
    + ` ${hw.packRequests.toFixed(1)} pack requests (single-range host: ${hs.packRequests.toFixed(1)});`
    + ` same queries with the bytes cached (wasm time): p50 ${pct(hw.cached, 50).toFixed(1)} ms, p95 ${pct(hw.cached, 95).toFixed(1)} ms`);
  console.log(`  one fetch round trip to 127.0.0.1 in this Chromium (0.6 KB file, n=40): p50 ${pct(hw.floor, 50).toFixed(1)} ms,`
    + ` p95 ${pct(hw.floor, 95).toFixed(1)} ms: the floor under each round of fetches`);
  // Where a warm query's time goes, step by step: engine (wasm) time, then the fetch it waited for.
  const steps = Math.max(...hw.timing.map((t) => t.length));
  for (let s = 0; s < steps; s++) {
    const at = hw.timing.filter((t) => t[s]).map((t) => t[s]);
    const fmt = (xs) => `p50 ${pct(xs, 50).toFixed(1)} p95 ${pct(xs, 95).toFixed(1)}`;
    console.log(`    step ${s + 1}: engine ms ${fmt(at.map((t) => t[0]))}`
      + (at.some((t) => t[1]) ? `; fetch ms ${fmt(at.map((t) => t[1]))}; ranges ${fmt(at.map((t) => t[2] || 0))}` : ''));
  }
  if (process.env.HS_BENCH_DUMP) console.log(JSON.stringify(WARM.map((q, i) => [q, hw.times[i].toFixed(1), hw.timing[i].map((t) => t.map((x) => +x.toFixed(1)))])));
}

function availableCores() {
  return execFileSync('nproc', { encoding: 'utf8' }).trim();
}
