// Search over real networks and real hosts, helpsite beside Pagefind 1.6 (issue 12).
//
//   node bench/search_network.mjs [--quick] [--sites bundled,10000] [--profiles localhost,cable,4g,slow4g]
//                                 [--hosts single,multi,none] [--runs N] [--queries N]
//
// Needs: the release binary (`cargo build --release`), tests/browser/node_modules with
// playwright-core and pagefind (`npm ci --prefix tests/browser && npm i --no-save --prefix
// tests/browser pagefind`), /usr/bin/chromium and python3 (the 10,000-page corpus comes from
// ../shared/bench/gen_corpus.py).
//
// Each site is built by `helpsite build` (the bundled content/, and the 10,000-page corpus) with
// the project's theme and header search UI, and indexed by Pagefind from the same built pages.
// Both are served by tests/browser/search-server.mjs acting as a CDN over a slow network: a
// delay per request (and a handshake per connection), one shared bandwidth cap, gzip of known
// types, ETag/Cache-Control, and a host that answers several ranges per request ('multi': nginx),
// one ('single': S3, CloudFront) or none ('none'). Profiles: localhost; cable (RTT 20 ms,
// 50 Mbit/s); 4G (70 ms, 9 Mbit/s); slow 4G (150 ms, 1.6 Mbit/s: Lighthouse's mobile profile).
//
// Figures, engines alternated run by run, each run in a fresh browser context (empty cache):
// - first result after focus, the query typed at once: right after load, and 2 s after load
//   (helpsite may have warmed its files meanwhile); bytes and requests from focus to the result;
// - second visit: the same, in the context of the first (HTTP cache kept), on another page;
// - warm keystrokes: queries typed key by key (KEY_MS apart) after the first search; time from
//   the last keystroke to the full query's results, p50/p95. helpsite through its UI (with its
//   debounce) and through its engine alone (the worker, no UI); Pagefind through its JS API
//   (search on every keystroke, then the top results' data), which is a floor for any Pagefind UI;
// - bytes a page view costs a reader who never searches (5 s on the page, no focus).
// Pagefind does not read by Range, so it is measured once per site and profile (on the
// single-range host). Ratios are helpsite / Pagefind: below 1 is better.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, cpSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve } from '../tests/browser/search-server.mjs';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(repo, 'tests/browser/package.json'));
const { chromium } = require('playwright-core');
const pagefindBin = join(repo, 'tests/browser/node_modules/.bin/pagefind');
const helpsite = join(repo, 'target/release/helpsite');

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : dflt;
};
const QUICK = args.includes('--quick');
const SITES = opt('sites', 'bundled,10000').split(',');
const PROFILE_NAMES = opt('profiles', 'localhost,cable,4g,slow4g').split(',');
// Quick: single-range hosts everywhere (what object stores and CDNs are), the others at 4G only.
const HOSTS = opt('hosts', QUICK ? 'single' : 'single,multi,none').split(',');
const OTHER_HOSTS_AT = QUICK ? '4g' : null;
const RUNS = Number(opt('runs', QUICK ? '3' : '5'));
const PROFILES = {
  localhost: { rtt: 0, mbps: 0 },
  cable: { rtt: 20, mbps: 50 },
  '4g': { rtt: 70, mbps: 9 },
  slow4g: { rtt: 150, mbps: 1.6 },
};
const LIMIT = 8; // results shown in the header box, for both engines
const KEY_MS = 100; // a fast typist
const FIRST_QUERY = 'password reset';
const QUERIES = {
  bundled: ['verify email sender', 'two factor', 'booking reminder', 'api key', 'refund', 'invite staff',
    'webhook', 'calendar sync', 'sso login', 'export contacts', 'timezone', 'delete account', 'sms sender',
    'billing invoice', 'domain verification', 'bounce', 'password', 'audit log', 'cancel booking', 'phone number',
    'reply time', 'attachment', 'role permission', 'session expired'],
  10000: ['webhook retry', 'sms sender', 'oauth token expired', 'billing invoice', 'calendar sync',
    'booking reminder', 'certificate', 'firewall proxy', 'export', 'refund payment', 'timezone', 'session cookie',
    'api key rotate', 'template placeholder', 'delivery bounce', 'role permission', 'invite staff', 'logo colour',
    'audit log', 'domain record', 'queue limit', 'consent', 'redirect', 'capacity'],
};
const NQ = Number(opt('queries', QUICK ? '12' : '24'));

const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

const pct = (xs, p) => {
  const s = xs.filter((x) => x != null).sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))] : NaN;
};
const median = (xs) => pct(xs, 50);
const kib = (n) => `${(n / 1024).toFixed(0)} KiB`;
const ms = (x) => (Number.isFinite(x) ? `${x.toFixed(0)} ms` : '—');

/* ---------- the sites ---------- */

const SITE_YAML = `title: Benchmark Support
base_url: https://support.example.com/
support_email: help@example.com
search:
  enabled: true
`;

/** Builds `name` with helpsite and indexes it with Pagefind, once per binary. */
function prepare(name) {
  const dir = join(repo, `bench/out/network-${name}`);
  const src = join(dir, 'site');
  const out = join(dir, 'public');
  const stamp = join(dir, 'stamp');
  const want = `${statSync(helpsite).mtimeMs}`;
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === want && !args.includes('--rebuild')) return { out };
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(src, { recursive: true });
  if (name === 'bundled') {
    cpSync(join(repo, 'content'), join(src, 'content'), { recursive: true });
    cpSync(join(repo, 'site.yaml'), join(src, 'site.yaml'));
  } else {
    const corpus = join(repo, `bench/corpus/network-${name}`);
    if (!existsSync(join(corpus, 'content'))) {
      // shared/ lies beside the main checkout; worktrees sit one level deeper.
      const gen = [join(repo, '../shared/bench/gen_corpus.py'), join(repo, '../../shared/bench/gen_corpus.py')].find(existsSync);
      execFileSync('python3', [gen, join(corpus, 'content'), '--pages', name], { stdio: 'inherit' });
    }
    cpSync(join(corpus, 'content'), join(src, 'content'), { recursive: true });
    writeFileSync(join(src, 'site.yaml'), SITE_YAML);
  }
  execFileSync(helpsite, ['build', '--root', src, '--out', out], { stdio: ['ignore', 'ignore', 'inherit'] });
  execFileSync(pagefindBin, ['--site', out, '--output-subdir', 'pagefind', '--quiet'], { stdio: 'inherit' });
  // The same page for Pagefind, without helpsite's search script (which would warm its engine).
  const home = readFileSync(join(out, 'index.html'), 'utf8').replace(/<script src="[^"]*search-ui[^"]*"[^>]*><\/script>/, '');
  mkdirSync(join(out, 'pf-bench'), { recursive: true });
  writeFileSync(join(out, 'pf-bench/index.html'), home);
  writeFileSync(stamp, want);
  return { out };
}

/** A page other than the home page, for second visits. */
function otherPage(out) {
  const pages = JSON.parse(readFileSync(join(out, '_helpsite/pages.json'), 'utf8'));
  const list = Array.isArray(pages) ? pages : pages.pages;
  return list.find((p) => p.url !== '/' && !p.url.startsWith('/search')).url;
}

function sizes(out) {
  const search = join(out, 'search');
  const files = readdirSync(search);
  const size = (re) => files.filter((f) => re.test(f)).reduce((s, f) => s + statSync(join(search, f)).size, 0);
  return { wasm: size(/\.wasm$/), wasmGz: size(/\.wasm\.gz$/), wasmBr: size(/\.wasm\.br$/), hot: size(/\.hot$/), pack: size(/\.pack$/) };
}

/* ---------- measurements ---------- */

const bytesOf = (log, from, to = log.length) => log.slice(from, to).reduce((s, e) => s + e.bytes, 0);

/** helpsite: focus the header box and enter the query; time to the first result shown. */
async function helpsiteFirst(page, server, path, waitMs) {
  await page.goto(server.url + path);
  await page.waitForLoadState('load');
  if (waitMs) await page.waitForTimeout(waitMs);
  const from = server.log.length;
  const r = await page.evaluate(async (q) => {
    const input = document.querySelector('#hs-search-input');
    const t0 = performance.now();
    input.focus();
    input.value = q;
    input.dispatchEvent(new Event('input', { bubbles: true }));
    await new Promise((resolve) => {
      const check = () => (document.querySelector('.hs-search-panel .hs-hit') ? resolve() : requestAnimationFrame(check));
      check();
    });
    return performance.now() - t0;
  }, FIRST_QUERY);
  return { ms: r, bytes: bytesOf(server.log, from), requests: server.log.length - from };
}

/** Pagefind: on focus, load its JS API, search, and load the top results' data. */
async function pagefindFirst(page, server, path, waitMs) {
  await page.goto(server.url + path);
  await page.waitForLoadState('load');
  if (waitMs) await page.waitForTimeout(waitMs);
  const from = server.log.length;
  const r = await page.evaluate(async ({ q, limit }) => {
    const t0 = performance.now();
    const pf = await import('/pagefind/pagefind.js');
    await pf.init();
    const search = await pf.search(q);
    await Promise.all(search.results.slice(0, limit).map((x) => x.data()));
    return performance.now() - t0;
  }, { q: FIRST_QUERY, limit: LIMIT });
  return { ms: r, bytes: bytesOf(server.log, from), requests: server.log.length - from };
}

/** Cold (fresh context), then a second visit to another page in the same context. */
async function firstResults(browser, server, engine, waitMs, other) {
  const context = await browser.newContext();
  try {
    const first = engine === 'helpsite' ? helpsiteFirst : pagefindFirst;
    const cold = await first(await context.newPage(), server, engine === 'helpsite' ? '/' : '/pf-bench/', waitMs);
    let second = null;
    if (!waitMs) {
      second = await first(await context.newPage(), server, engine === 'helpsite' ? other : '/pf-bench/', 0);
    }
    return { cold, second };
  } finally {
    await context.close();
  }
}

/** Bytes a page view costs a reader who never searches: the page, then 5 s idle. */
async function idleBytes(browser, server) {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    const from = server.log.length;
    await page.goto(`${server.url}/`);
    await page.waitForLoadState('load');
    await page.waitForTimeout(5000);
    const log = server.log.slice(from);
    const search = log.filter((e) => /\/search\/|search-worker|search-ui/.test(e.path));
    return { all: bytesOf(log, 0), search: bytesOf(search, 0), searchRequests: search.length };
  } finally {
    await context.close();
  }
}

/** helpsite's UI: after a first search, each query typed key by key; last key → its results. */
async function helpsiteWarmUi(browser, server, queries) {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    await page.goto(`${server.url}/`);
    const input = page.locator('#hs-search-input');
    await input.focus();
    await input.fill(FIRST_QUERY);
    await page.locator('.hs-search-panel .hs-hit').first().waitFor({ timeout: 120_000 });
    // Times are taken in the page: the last input event, and the moment the panel was given
    // the query's results (its data-query), not when this script got round to looking.
    await page.evaluate(() => {
      window.hsShown = {};
      const panel = document.querySelector('.hs-search-panel');
      new MutationObserver(() => { window.hsShown[panel.dataset.query] = performance.now(); })
        .observe(panel, { attributes: true, attributeFilter: ['data-query'] });
      document.querySelector('#hs-search-input').addEventListener('input', () => { window.hsLastKey = performance.now(); });
    });
    const out = [];
    for (const q of queries) {
      await input.fill('');
      await page.evaluate(() => { window.hsShown = {}; });
      await page.keyboard.type(q, { delay: KEY_MS });
      await page.waitForFunction((query) => window.hsShown[query] !== undefined, q, { timeout: 120_000 });
      out.push(await page.evaluate((query) => window.hsShown[query] - window.hsLastKey, q));
    }
    return out;
  } finally {
    await context.close();
  }
}

/** helpsite's engine alone (its worker, no UI, no debounce), fed every prefix KEY_MS apart. */
async function helpsiteWarmEngine(browser, server, queries) {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    await page.goto(`${server.url}/`);
    return await page.evaluate(async ({ queries, limit, keyMs, first }) => {
      const cfg = document.querySelector('[data-hs-search]').dataset;
      const abs = (u) => new URL(u, location.href).href;
      const worker = new Worker(cfg.worker);
      const waiters = new Map();
      let ready;
      const readyP = new Promise((r) => { ready = r; });
      worker.onmessage = (e) => (e.data.type === 'ready' ? ready() : waiters.get(e.data.id)?.(e.data));
      worker.postMessage({ type: 'init', glue: abs(cfg.glue), wasm: abs(cfg.wasm), index: abs(cfg.index) });
      await readyP;
      let id = 0;
      const ask = (text) => new Promise((r) => {
        id += 1;
        waiters.set(id, r);
        worker.postMessage({ type: 'search', id, query: { text, limit } });
      });
      await ask(first);
      const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
      const out = [];
      for (const q of queries) {
        for (let i = 1; i < q.length; i++) {
          ask(q.slice(0, i));
          await sleep(keyMs);
        }
        const t0 = performance.now();
        await ask(q);
        out.push(performance.now() - t0);
      }
      return out;
    }, { queries, limit: LIMIT, keyMs: KEY_MS, first: FIRST_QUERY });
  } finally {
    await context.close();
  }
}

/** Pagefind's JS API, searched on every prefix KEY_MS apart; last key → top results' data. */
async function pagefindWarm(browser, server, queries) {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    await page.goto(`${server.url}/pf-bench/`);
    return await page.evaluate(async ({ queries, limit, keyMs, first }) => {
      const pf = await import('/pagefind/pagefind.js');
      await pf.init();
      const run = async (q) => {
        const s = await pf.search(q);
        await Promise.all(s.results.slice(0, limit).map((r) => r.data()));
      };
      await run(first);
      const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
      const out = [];
      for (const q of queries) {
        for (let i = 1; i < q.length; i++) {
          run(q.slice(0, i));
          await sleep(keyMs);
        }
        const t0 = performance.now();
        await run(q);
        out.push(performance.now() - t0);
      }
      return out;
    }, { queries, limit: LIMIT, keyMs: KEY_MS, first: FIRST_QUERY });
  } finally {
    await context.close();
  }
}

/* ---------- the run ---------- */

const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
const started = Date.now();
try {
  for (const site of SITES) {
    const { out } = prepare(site);
    const other = otherPage(out);
    const queries = QUERIES[site === 'bundled' ? 'bundled' : 10000].slice(0, NQ);
    const sz = sizes(out);
    console.log(`\n## ${site === 'bundled' ? 'bundled site' : `${site} pages`}: wasm ${kib(sz.wasm)} (${sz.wasmGz ? `${kib(sz.wasmGz)} gz, ` : ''}`
      + `${sz.wasmBr ? `${kib(sz.wasmBr)} br, ` : ''}on disk), hot file ${kib(sz.hot)}, pack ${kib(sz.pack)}`);
    for (const profileName of PROFILE_NAMES) {
      const profile = PROFILES[profileName];
      const hosts = HOSTS.concat(OTHER_HOSTS_AT === profileName ? ['multi', 'none'].filter((h) => !HOSTS.includes(h)) : []);
      const servers = {};
      for (const h of hosts) servers[h] = await serve(out, { range: h, ...profile });
      const load = [loadavg()[0]];
      const t0 = Date.now();
      try {
        const pf = { now: [], later: [], second: [] };
        const hs = Object.fromEntries(hosts.map((h) => [h, { now: [], later: [], second: [] }]));
        for (let run = 0; run < RUNS; run++) {
          // Alternate which engine goes first.
          const order = run % 2 ? ['pagefind', 'helpsite'] : ['helpsite', 'pagefind'];
          for (const engine of order) {
            if (engine === 'pagefind') {
              const a = await firstResults(browser, servers[hosts[0]], 'pagefind', 0);
              pf.now.push(a.cold);
              pf.second.push(a.second);
              pf.later.push((await firstResults(browser, servers[hosts[0]], 'pagefind', 2000)).cold);
            } else {
              for (const h of hosts) {
                if (h === 'none' && site !== 'bundled' && profile.mbps && profile.mbps < 20) continue;
                const a = await firstResults(browser, servers[h], 'helpsite', 0, other);
                hs[h].now.push(a.cold);
                hs[h].second.push(a.second);
                hs[h].later.push((await firstResults(browser, servers[h], 'helpsite', 2000, other)).cold);
              }
            }
          }
        }
        const pfWarm = await pagefindWarm(browser, servers[hosts[0]], queries);
        const warm = {};
        for (const h of hosts) {
          if (h === 'none' && site !== 'bundled' && profile.mbps && profile.mbps < 20) continue;
          warm[h] = { ui: await helpsiteWarmUi(browser, servers[h], queries), engine: await helpsiteWarmEngine(browser, servers[h], queries) };
        }
        const idle = await idleBytes(browser, servers[hosts[0]]);
        load.push(loadavg()[0]);
        report(site, profileName, hosts, hs, pf, warm, pfWarm, idle, load, (Date.now() - t0) / 1000);
      } finally {
        for (const s of Object.values(servers)) await s.close();
      }
    }
  }
} finally {
  await browser.close();
}
console.log(`\n(${((Date.now() - started) / 60000).toFixed(1)} min; medians of ${RUNS} runs for first results; ratio = helpsite / Pagefind)`);

function report(site, profileName, hosts, hs, pf, warm, pfWarm, idle, load, secs) {
  const p = PROFILES[profileName];
  console.log(`\n### ${site === 'bundled' ? 'bundled site' : `${site} pages`}, ${profileName}`
    + `${p.rtt ? ` (RTT ${p.rtt} ms, ${p.mbps} Mbit/s)` : ''} — load ${load.map((l) => l.toFixed(1)).join('→')}, ${secs.toFixed(0)} s`);
  console.log('| host | figure | helpsite | Pagefind | ratio |');
  console.log('|---|---|---|---|---|');
  const row = (host, what, h, f, fmt = ms) => console.log(`| ${host} | ${what} | ${fmt(h)} | ${fmt(f)} | ${Number.isFinite(h / f) ? (h / f).toFixed(2) : '—'} |`);
  const med = (xs, k) => median(xs.map((x) => x && x[k]));
  for (const h of hosts) {
    if (!hs[h].now.length) {
      console.log(`| ${h} | skipped: reads the whole pack | | | |`);
      continue;
    }
    row(h, 'first result, typed at once', med(hs[h].now, 'ms'), med(pf.now, 'ms'));
    row(h, '  bytes / requests before it', med(hs[h].now, 'bytes'), med(pf.now, 'bytes'), kib);
    console.log(`| ${h} | | ${med(hs[h].now, 'requests')} req | ${med(pf.now, 'requests')} req | |`);
    row(h, 'first result, typed 2 s after load', med(hs[h].later, 'ms'), med(pf.later, 'ms'));
    row(h, '  bytes after focus', med(hs[h].later, 'bytes'), med(pf.later, 'bytes'), kib);
    row(h, 'second visit, first result', med(hs[h].second, 'ms'), med(pf.second, 'ms'));
    if (warm[h]) {
      row(h, 'warm p50, UI (helpsite) / API (Pagefind)', pct(warm[h].ui, 50), pct(pfWarm, 50));
      row(h, 'warm p95, UI / API', pct(warm[h].ui, 95), pct(pfWarm, 95));
      row(h, 'warm p50, engine / API', pct(warm[h].engine, 50), pct(pfWarm, 50));
      row(h, 'warm p95, engine / API', pct(warm[h].engine, 95), pct(pfWarm, 95));
    }
  }
  console.log(`| ${hosts[0]} | page view, never searching: all / search files | ${kib(idle.all)} | ${kib(idle.search)} (${idle.searchRequests} requests) | |`);
}
