// Search in real headless Chromium (issue 3): the header box, keyboard navigation, the
// /search/?q= page, the no-results path, staff "copy link", lazy loading, hosts of each kind,
// and the parity of the WebAssembly engine with the native one.
//
//   node --test tests/browser/search.test.mjs
//
// Builds the site with `helpsite build` itself (`$HELPSITE_SEARCH_SITE`, else the bundled site at
// the repository root), twice: as published (a small site's whole index travels in its hot file)
// and with `search.inline_pack_max: 0`, so the pack is read by Range on hosts that answer
// several ranges per request, one, or none. `helpsite search --json` answers every query of
// search-queries.json for the parity test: the browser must give what staff get. Screenshots go
// to target/screenshots/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { serve } from './search-server.mjs';
import { bin, startPreview } from './env.mjs';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const site = join(repo, 'target/search-test-site');
const ranged = join(repo, 'target/search-test-site-ranged');
const shots = join(repo, 'target/screenshots');
const queriesFile = join(repo, 'tests/browser/search-queries.json');
const siteRoot = process.env.HELPSITE_SEARCH_SITE || repo;

/**
 * Builds the site at `root` into `out` with `helpsite build`, and writes `out/native.json`:
 * `helpsite search --json` for each query, URLs made root-relative as the browser's are.
 */
function buildSite(root, out, queries) {
  execFileSync(bin, ['build', '--root', root, '--out', out], { stdio: ['ignore', 'ignore', 'inherit'] });
  const relative = (u) => u.replace(/^https?:\/\/[^/]+/, '');
  const native = queries.map((q) => {
    const r = JSON.parse(execFileSync(bin, ['search', '--root', root, '--json', '--limit', '10', q],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }));
    for (const p of r.pages) {
      p.url = relative(p.url);
      for (const s of p.sub) s.url = relative(s.url);
    }
    return r;
  });
  writeFileSync(join(out, 'native.json'), JSON.stringify(native));
}

/** A top-level scalar of the site's `site.yaml` (`base_url`, `support_email`). */
function siteConfig(key) {
  const m = readFileSync(join(siteRoot, 'site.yaml'), 'utf8').match(new RegExp(`^${key}:\\s*(\\S+)`, 'm'));
  assert.ok(m, `no ${key} in ${siteRoot}/site.yaml`);
  return m[1].replace(/^["']|["']$/g, '');
}

/** A copy of the site at `root` whose `site.yaml` keeps the search pack apart, read by Range. */
function packApart(root) {
  const copy = join(repo, 'target/search-test-src-ranged');
  rmSync(copy, { recursive: true, force: true });
  mkdirSync(copy, { recursive: true });
  cpSync(join(root, 'content'), join(copy, 'content'), { recursive: true });
  const yaml = readFileSync(join(root, 'site.yaml'), 'utf8');
  writeFileSync(join(copy, 'site.yaml'), /^search:\n/m.test(yaml)
    ? yaml.replace(/^search:\n/m, 'search:\n  inline_pack_max: 0\n')
    : `${yaml}\nsearch:\n  inline_pack_max: 0\n`);
  return copy;
}

export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

let browser;
let server;

before(async () => {
  assert.ok(existsSync(join(siteRoot, 'site.yaml')), `no site at ${siteRoot}: set HELPSITE_SEARCH_SITE`);
  const queries = JSON.parse(readFileSync(queriesFile, 'utf8'));
  buildSite(siteRoot, site, queries);
  buildSite(packApart(siteRoot), ranged, queries);
  mkdirSync(shots, { recursive: true });
  server = await serve(site);
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
});

after(async () => {
  await browser?.close();
  await server?.close();
});

/** A fresh page that records console errors, page errors and every request's URL. */
async function open(path, { permissions = [] } = {}) {
  const context = await browser.newContext({ viewport: { width: 1100, height: 800 } });
  if (permissions.length) await context.grantPermissions(permissions, { origin: server.url });
  const page = await context.newPage();
  const problems = [];
  const requests = [];
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  context.on('request', (r) => requests.push(r.url()));
  page.on('worker', (w) => w.on('console', (m) => { if (m.type() === 'error') problems.push(`worker: ${m.text()}`); }));
  if (path) await page.goto(path.startsWith('file:') ? path : server.url + path);
  const done = async () => {
    const foreign = requests.filter((u) => !u.startsWith(server.url) && !u.startsWith('file:'));
    assert.deepEqual(foreign, [], 'requests to other hosts');
    assert.deepEqual(problems, [], 'console errors');
    await context.close();
  };
  return { page, context, problems, requests, done };
}

const shot = (page, name) => page.screenshot({ path: join(shots, `${name}.png`) });

/**
 * The header box's results for exactly `query`: while typing, results of a shorter prefix may
 * show first and be replaced, which would pull a focused link from under the keyboard.
 */
const panelFor = (page, query) => page.locator(`.hs-search-panel[data-query="${query}"]`);

test('the engine loads only on first focus, then results appear as you type', async () => {
  const { page, done } = await open('/getting-help/etiquette/');
  const before = server.log.length;
  await page.waitForTimeout(300);
  const early = server.log.slice(before).map((e) => e.path);
  assert.ok(!early.some((p) => /\.(wasm|hot|pack)$|manifest\.json/.test(p)), `loaded before focus: ${early}`);

  await page.keyboard.press('/');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'hs-search-input');
  await page.keyboard.type('verify email sender');
  const first = panelFor(page, 'verify email sender').locator('.hs-hit-link').first();
  await first.waitFor();
  // The first result links to the section that matched, not the page's top.
  assert.match(await first.getAttribute('href'), /^\/connect\/email-senders\/#./);
  assert.match(await page.locator('.hs-search-live').textContent(), /^\d+ results?/);
  assert.ok(await page.locator('.hs-search-panel mark').count() > 0, 'matched words are marked');
  await shot(page, 'search-box-results');
  await done();
});

test('once the page is idle the engine is fetched into the cache, never for a reader saving data', async () => {
  for (const saveData of [false, true]) {
    const context = await browser.newContext();
    if (saveData) {
      await context.addInitScript(() => Object.defineProperty(Navigator.prototype, 'connection',
        { get: () => ({ saveData: true, effectiveType: '4g' }) }));
    }
    try {
      const page = await context.newPage();
      const from = server.log.length;
      await page.goto(`${server.url}/getting-help/etiquette/`);
      await page.waitForTimeout(3500);
      const paths = server.log.slice(from).map((e) => e.path);
      const engine = paths.filter((p) => /\.(wasm|hot)$/.test(p));
      if (saveData) assert.deepEqual(engine, [], `fetched with Save-Data: ${paths}`);
      else assert.equal(engine.length, 2, `warmed: ${paths}`);
      assert.equal(await page.evaluate(() => document.documentElement.dataset.hsSearchReady), undefined,
        'warming starts no engine');
      // Whether warmed or not, the first search works.
      await page.locator('#hs-search-input').focus();
      await page.keyboard.type('verify email sender');
      await panelFor(page, 'verify email sender').locator('.hs-hit-link').first().waitFor();
      if (!saveData) {
        const again = server.log.slice(from).filter((e) => /\.(wasm|hot)$/.test(e.path));
        assert.equal(again.length, 2, `the search fetched the warmed files again: ${again.map((e) => e.path)}`);
      }
    } finally {
      await context.close();
    }
  }
});

test('the `/` hint shows where a keyboard is likely, not on a phone', async () => {
  const { page, done } = await open('/');
  assert.equal(await page.locator('#hs-search-input').getAttribute('placeholder'), 'Search (press /)');
  await done();
  const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  try {
    const p = await phone.newPage();
    await p.goto(`${server.url}/`);
    await p.locator('#hs-search-input[aria-keyshortcuts="/"]').waitFor({ state: 'attached' });
    assert.equal(await p.locator('#hs-search-input').getAttribute('placeholder'), 'Search');
  } finally {
    await phone.close();
  }
});

test('arrow keys highlight results visibly, Enter lands on the heading in view', async () => {
  // The combobox's keyboard contract in full is customer.test.mjs's; this checks what a sighted
  // keyboard user sees: the highlighted option stands out, and the heading opened is in view.
  const { page, done } = await open('/');
  const input = page.locator('#hs-search-input');
  await input.focus();
  await page.keyboard.type('verify email sender');
  await panelFor(page, 'verify email sender').locator('.hs-sub-link').first().waitFor();
  const highlighted = () => page.evaluate(() => {
    const box = document.getElementById('hs-search-input');
    const el = document.getElementById(box.getAttribute('aria-activedescendant'));
    return el && {
      cls: [...el.classList].filter((c) => c !== 'hs-active').join(' '),
      href: el.getAttribute('href'),
      focus: document.activeElement.id,
      outline: getComputedStyle(el).outlineStyle,
      bg: getComputedStyle(el).backgroundColor,
    };
  });
  await page.keyboard.press('ArrowDown');
  assert.equal((await highlighted()).cls, 'hs-hit-link');
  await page.keyboard.press('ArrowDown');
  const focused = await highlighted();
  assert.equal(focused.cls, 'hs-sub-link');
  assert.equal(focused.focus, 'hs-search-input', 'the caret stays in the box');
  assert.ok(focused.outline !== 'none' || focused.bg !== 'rgba(0, 0, 0, 0)', 'the highlight is visible');
  await shot(page, 'search-box-keyboard');
  await page.keyboard.press('ArrowUp');
  await page.keyboard.press('ArrowDown');
  const [path, anchor] = focused.href.split('#');
  await Promise.all([page.waitForURL(`**${path}#${anchor}`), page.keyboard.press('Enter')]);
  // The theme scrolls smoothly (unless the reader prefers reduced motion): wait for it to end.
  await page.waitForFunction(() => {
    const top = document.querySelector(':target')?.getBoundingClientRect().top;
    const still = top === window.lastTop;
    window.lastTop = top;
    return still;
  }, null, { polling: 100, timeout: 5000 });
  const target = await page.evaluate(() => {
    const t = document.querySelector(':target');
    const r = t && t.getBoundingClientRect();
    return t && { id: t.id, tag: t.tagName, top: r.top };
  });
  assert.equal(target.id, anchor);
  assert.match(target.tag, /^H[23]$/);
  assert.ok(target.top >= 0 && target.top < 800, `heading in view (top ${target.top})`);
  await shot(page, 'search-landed-on-heading');
  await done();
});

test('Escape closes the results, Enter in the box opens the first result', async () => {
  const { page, done } = await open('/');
  await page.keyboard.press('/');
  await page.keyboard.type('automations');
  const panel = page.locator('.hs-search-panel');
  await panelFor(page, 'automations').locator('.hs-hit-link').first().waitFor();
  await page.keyboard.press('Escape');
  assert.equal(await panel.isHidden(), true);
  assert.equal(await page.locator('#hs-search-input').getAttribute('aria-expanded'), 'false');
  await page.keyboard.type('s');
  // (Escape in a search field also clears it, natively: the box now holds what was typed since.)
  const now = await page.locator('#hs-search-input').inputValue();
  await panelFor(page, now.trim()).locator('.hs-hit-link').first().waitFor();
  const href = await panel.locator('.hs-hit-link').first().getAttribute('href');
  await Promise.all([page.waitForURL(`**${href}`), page.keyboard.press('Enter')]);
  await done();
});

test('the /search/?q= page renders results on load and keeps the URL in step', async () => {
  const { page, done } = await open('/search/?q=oauth%20client');
  await page.locator('.hs-page-results .hs-hit').first().waitFor();
  assert.equal(await page.locator('#hs-search-input').inputValue(), 'oauth client');
  assert.match(await page.locator('.hs-page-status').textContent(), /^\d+ results?/);
  assert.ok(await page.locator('.hs-page-results .hs-hit').count() >= 2);
  await shot(page, 'search-page');
  await page.locator('#hs-search-input').fill('redirect uri');
  await page.waitForFunction(() => new URL(location.href).searchParams.get('q') === 'redirect uri');
  await page.locator('.hs-page-results[data-query="redirect uri"] .hs-hit-link').first().waitFor();
  assert.equal(await page.locator('.hs-search-panel').isHidden(), true, 'no drop-down on the search page');
  await done();
});

test('no results offers a way to ask support, with the query', async () => {
  const { page, done } = await open('/');
  await page.keyboard.press('/');
  await page.keyboard.type('zzzqqq');
  const empty = panelFor(page, 'zzzqqq').locator('.hs-empty');
  await empty.waitFor();
  assert.match(await empty.textContent(), /No results — here is how to ask us/);
  assert.equal(await empty.locator('a.hs-contact').getAttribute('href'), '/contact/?q=zzzqqq');
  assert.equal(await empty.locator('a[href^="mailto:"]').getAttribute('href'), `mailto:${siteConfig('support_email')}?subject=zzzqqq`);
  assert.match(await page.locator('.hs-search-live').textContent(), /No results/);
  await shot(page, 'search-no-results');
  await done();
});

test('copy link puts the absolute URL with ?ref=reply before the anchor on the clipboard', async () => {
  // Staff only: ?staff=1 switches the browser into staff mode (customer.test.mjs covers the switch).
  const { page, done } = await open('/?staff=1', { permissions: ['clipboard-read', 'clipboard-write'] });
  await page.keyboard.press('/');
  await page.keyboard.type('verify email sender');
  const sub = panelFor(page, 'verify email sender').locator('.hs-sub').first();
  await sub.waitFor();
  const href = await sub.locator('.hs-sub-link').getAttribute('href');
  await sub.locator('.hs-copy').click();
  await page.waitForFunction(() => document.querySelector('.hs-sub .hs-copy').textContent === 'Copied');
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  const [path, anchor] = href.split('#');
  assert.equal(copied, `${siteConfig('base_url').replace(/\/$/, '')}${path}?ref=reply#${anchor}`);
  await done();
});

// Opened from disk (file://), search says it needs http(s): file.test.mjs, on a `--relative` build.

/** Runs `queries` through the search worker of the page at `base` (limit 10): the results JSON of each. */
test('in helpsite serve, the small bundled site answers every query without a pack request', async () => {
  const root = mkdtempSync(join(tmpdir(), 'helpsite-search-serve-'));
  cpSync(join(repo, 'content'), join(root, 'content'), { recursive: true });
  cpSync(join(repo, 'site.yaml'), join(root, 'site.yaml'));
  const preview = await startPreview(root);
  const context = await browser.newContext();
  try {
    const index = [];
    context.on('response', (r) => {
      if (/\/search\/(index-|manifest)/.test(r.url())) index.push(new URL(r.url()).pathname);
    });
    const page = await context.newPage();
    await page.goto(preview.base);
    const queries = JSON.parse(readFileSync(queriesFile, 'utf8'));
    const wasm = await wasmResults(page, queries);
    assert.ok(wasm.every((r) => !r.error) && wasm.filter((r) => r.pages.length).length >= 20, JSON.stringify(wasm));
    assert.deepEqual(wasm.map((r) => r.rounds).filter((n) => n > 0), [], 'a query waited on the network');
    assert.deepEqual(index.filter((p) => p.endsWith('.pack')), [], `pack requests: ${index}`);
    // The hot file once, and maybe again when the page warmed it first (a revalidation).
    assert.ok(index.some((p) => p.endsWith('.hot')), `${index}`);
  } finally {
    await context.close();
    preview.server.kill();
    rmSync(root, { recursive: true, force: true });
  }
});

async function wasmResults(page, queries) {
  const cfg = await page.evaluate(() => ({ ...document.querySelector('[data-hs-search]').dataset }));
  const answers = await page.evaluate(async ({ cfg, queries }) => {
    const worker = new Worker(cfg.worker);
    const answers = new Map();
    let ready;
    const readyP = new Promise((r) => { ready = r; });
    let complete;
    worker.onmessage = (e) => {
      if (e.data.type === 'ready') {
        complete = e.data.complete;
        ready();
      }
      else if (e.data.id) answers.get(e.data.id)(e.data);
    };
    const abs = (u) => new URL(u, location.href).href;
    worker.postMessage({ type: 'init', glue: abs(cfg.glue), wasm: abs(cfg.wasm), index: abs(cfg.index) });
    await readyP;
    const out = [];
    for (let i = 0; i < queries.length; i++) {
      const msg = await new Promise((r) => {
        answers.set(i + 1, r);
        worker.postMessage({ type: 'search', id: i + 1, query: { text: queries[i], limit: 10 } });
      });
      out.push(msg.results ? { ...msg.results, rounds: msg.rounds } : { error: msg.message });
    }
    return { out, complete };
  }, { cfg, queries });
  answers.out.complete = answers.complete;
  return answers.out;
}

/** Asserts the WebAssembly results equal the native ones, rank for rank; the count with results. */
function assertSameAsNative(queries, wasm, native) {
  let nonEmpty = 0;
  for (let i = 0; i < queries.length; i++) {
    const [w, n] = [wasm[i], native[i]];
    assert.equal(w.error, undefined, `query ${JSON.stringify(queries[i])} failed in wasm: ${w.error}`);
    const shape = (r) => r.pages.map((p) => [p.url, p.title, p.snippet, p.sub.map((s) => [s.url, s.anchor, s.snippet])]);
    assert.deepEqual(shape(w), shape(n), `ranked results differ for ${JSON.stringify(queries[i])}`);
    assert.equal(w.total, n.total);
    w.pages.forEach((p, j) => assert.ok(Math.abs(p.score - n.pages[j].score) <= 1e-4 * Math.max(1, n.pages[j].score),
      `score of ${p.url} for ${JSON.stringify(queries[i])}: ${p.score} vs ${n.pages[j].score}`));
    if (n.pages.length) nonEmpty++;
  }
  return nonEmpty;
}

test('the WebAssembly engine returns exactly the native results', async () => {
  const queries = JSON.parse(readFileSync(queriesFile, 'utf8'));
  assert.ok(queries.length >= 20);
  // The small site as published: the whole index comes with the engine, no query waits.
  const native = JSON.parse(readFileSync(join(site, 'native.json'), 'utf8'));
  const { page, done } = await open('/');
  const from = server.log.length;
  const whole = await wasmResults(page, queries);
  const nonEmpty = assertSameAsNative(queries, whole, native);
  assert.ok(nonEmpty >= 20, `only ${nonEmpty} queries have results: the parity test would prove little`);
  assert.equal(whole.complete, true, 'the worker knows the whole index is in memory');
  assert.deepEqual(whole.map((r) => r.rounds).filter((n) => n > 0), [], 'a query waited on the network');
  assert.deepEqual(server.log.slice(from).filter((e) => /\.pack$/.test(e.path)), [], 'the pack was fetched');
  await done();

  // The same pages with the pack read by Range: the same results, each new query waiting for
  // at most two rounds of pack fetches (postings, then stored text).
  const host = await serve(ranged);
  const context = await browser.newContext();
  try {
    const p = await context.newPage();
    await p.goto(`${host.url}/`);
    const wasm = await wasmResults(p, queries);
    assert.equal(wasm.complete, false);
    assertSameAsNative(queries, wasm, JSON.parse(readFileSync(join(ranged, 'native.json'), 'utf8')));
    assertSameAsNative(queries, wasm, native);
    const rounds = wasm.map((r) => r.rounds);
    assert.ok(Math.max(...rounds) <= 2, `rounds per query: ${rounds}`);
    assert.ok(rounds.some((r) => r === 2), `no query fetched anything: ${rounds}`);
  } finally {
    await context.close();
    await host.close();
  }
});

test('hosts that answer several ranges, one range per request, or ignore Range give the same results', async () => {
  const queries = JSON.parse(readFileSync(queriesFile, 'utf8')).slice(0, 10);
  const native = JSON.parse(readFileSync(join(ranged, 'native.json'), 'utf8')).slice(0, 10);
  for (const range of ['multi', 'single', 'none']) {
    const host = await serve(ranged, { range });
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      await page.goto(`${host.url}/`);
      const wasm = await wasmResults(page, queries);
      assert.ok(assertSameAsNative(queries, wasm, native) >= 5, range);
      const pack = host.log.filter((e) => /\.pack$/.test(e.path));
      const statuses = pack.map((e) => e.status);
      if (range === 'none') {
        // The hot file's answer said nothing of Range: the first pack request went alone, so
        // the whole pack came once.
        assert.deepEqual(statuses, [200], range);
      } else {
        assert.ok(pack.length > 1 && statuses.every((s) => s === 206), `${range}: ${statuses}`);
        assert.ok(pack.every((e) => !/,/.test(e.range)), `${range}: one range per request`);
        // Chromium's HTTP cache makes requests for one URL wait for each other: each range has its own.
        const urls = pack.map((e) => e.path + e.query);
        assert.equal(new Set(urls).size, urls.length, `${range}: a URL asked for twice: ${urls}`);
      }
    } finally {
      await context.close();
      await host.close();
    }
  }
});
