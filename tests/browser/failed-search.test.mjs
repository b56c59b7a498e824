// Searches with no results, reported by the search UI (themes/default/static/search/search-ui.js)
// to the real `helpsite feedback serve`, in real headless Chromium:
//
// - in the header box, a query that finds nothing and stays unchanged for 2 s is posted once,
//   normalised, as {"failed_search", "source": "box"}; the prefixes typed on the way, a query
//   with results, the same query again and a personal-looking query are not;
// - the /search/?q= page opened with a query that finds nothing posts it at once ("page");
// - both land in the ledger and in `helpsite feedback report --format json`;
// - a site without `feedback.endpoint` posts nothing at all.
//
//   cargo build && npm ci --prefix tests/browser && node --test tests/browser/failed-search.test.mjs
//
// HELPSITE_BIN and CHROMIUM_PATH as in env.mjs. The fixture site (tests/fixtures/serve) is built
// twice into a temp dir and served on 127.0.0.1; any console error, page error, failed request
// or request to another host fails the test, and so does a missing browser (never a skip).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { chromiumPath, CHROMIUM_ARGS, DESKTOP } from "./env.mjs";
import { feedbackSites, helpsite, watchedPage } from "./feedback-env.mjs";
import { chromium } from "playwright-core";

const WAIT = 15000;
// A little more than search-ui.js's SETTLE_MS.
const SETTLED = 2600;

let sites, root, plainSite, endpointSite, endpoint, browser;

before(async () => {
  sites = await feedbackSites("helpsite-failed-search-");
  ({ root, endpoint } = sites);
  plainSite = sites.plain;
  endpointSite = sites.withEndpoint;
  browser = await chromium.launch({ executablePath: chromiumPath, args: CHROMIUM_ARGS });
});

after(async () => {
  await browser?.close();
  await sites?.stop();
});

/** Opens `url`; records problems, off-host requests and every non-GET request with its answer. */
async function open(url) {
  // A keepalive post outlives its page: when the test navigates on, Playwright reports it as
  // aborted although it was answered. Each post's answer is checked through `posts` instead.
  const { context, page, problems, offHost } = await watchedPage(browser, DESKTOP, (u) => u === endpoint);
  // Every request but the page's own loads (and CORS preflights). Keepalive requests never
  // fire "requestfinished", so they are taken as they start; see described().
  const posts = [];
  page.on("request", (r) => r.method() !== "GET" && r.method() !== "OPTIONS" && posts.push(r));
  const response = await page.goto(url, { waitUntil: "load" });
  assert.equal(response.status(), 200, `status of ${url}`);
  return { context, page, problems, offHost, posts };
}

async function finish({ context, problems, offHost }) {
  await context.close();
  assert.deepEqual(offHost, [], "requests to hosts other than 127.0.0.1");
  assert.deepEqual(problems, [], "console errors, page errors and failed requests");
}

/** What the page posted: where, what, and the endpoint's answer. */
function described(posts) {
  return Promise.all(posts.map(async (r) => ({
    url: r.url(), method: r.method(), body: JSON.parse(r.postData()), status: (await r.response())?.status(),
  })));
}

const panelFor = (page, query) => page.locator(`.hs-search-panel[data-query="${query}"]`);

/** Types `text` into the empty header box as a reader would, and waits for its answer. */
async function typeQuery(page, text, expect) {
  const input = page.locator("#hs-search-input");
  await input.focus();
  await page.keyboard.press("ControlOrMeta+a");
  await page.keyboard.press("Backspace");
  await typeMore(page, text, expect);
}

/** Types `text` after what the box holds, and waits for the answer to the whole query. */
async function typeMore(page, text, expect) {
  await page.keyboard.type(text, { delay: 40 });
  const query = (await page.locator("#hs-search-input").inputValue()).trim();
  const panel = panelFor(page, query);
  await panel.locator(expect === "results" ? ".hs-hit-link" : ".hs-empty").first().waitFor({ timeout: WAIT });
}

test("the header box reports a query that settles on no results, once, normalised", { timeout: 120000 }, async () => {
  const session = await open(endpointSite.url + "/guide/apple/");
  const { page, posts } = session;

  // A query with results sends nothing, however long it stays.
  await typeQuery(page, "apple", "results");
  await page.waitForTimeout(SETTLED);
  assert.deepEqual(posts, [], "a query with results is not reported");

  // No results, left alone: one report, normalised. "Zebr" shows no results too, but the
  // reader goes on typing within the settling time: not reported.
  await typeQuery(page, "  Zebr", "empty");
  await page.waitForTimeout(500);
  await typeMore(page, "a   QUUX", "empty");
  await page.waitForTimeout(SETTLED);
  assert.deepEqual(await described(posts), [
    { url: endpoint, method: "POST", body: { failed_search: "zebra quux", source: "box" }, status: 201 },
  ]);

  // The same query again in this page view, and a personal-looking one: nothing more.
  await typeQuery(page, "zebra quux", "empty");
  await typeQuery(page, "order 12345678", "empty");
  await page.waitForTimeout(SETTLED);
  assert.equal(posts.length, 1, JSON.stringify(await described(posts)));

  // Enter takes the reader to the /search/ page with the same query: still one reader who
  // found nothing, so no second report in this visit.
  await page.goto(endpointSite.url + "/search/?q=" + encodeURIComponent("Zebra quux"));
  await page.locator(".hs-page-results .hs-empty").waitFor({ timeout: WAIT });
  await page.waitForTimeout(1000);
  assert.equal(posts.length, 1, JSON.stringify(await described(posts)));
  await finish(session);
});

test("the /search/ page reports a query that finds nothing, and the report lists both", { timeout: 120000 }, async () => {
  const session = await open(endpointSite.url + "/search/?q=" + encodeURIComponent("Wombat  Printer"));
  const { page, posts } = session;
  await page.locator(".hs-page-results .hs-empty").waitFor({ timeout: WAIT });
  // Reported at once, not after the box's settling time.
  for (let i = 0; i < 10 && posts.length === 0; i++) await page.waitForTimeout(100);
  assert.deepEqual(await described(posts), [
    { url: endpoint, method: "POST", body: { failed_search: "wombat printer", source: "page" }, status: 201 },
  ]);
  await finish(session);

  // A 201 means the row is in the ledger, and the writer report shows it (with the box's
  // report from the test before: the tests of a file run in order).
  const manifest = path.join(sites.tmp, "public-endpoint", "_helpsite", "pages.json");
  const report = JSON.parse(helpsite("feedback", "--root", root, "--manifest", manifest, "report", "--since", "all", "--format", "json"));
  const today = new Date().toISOString().slice(0, 10);
  assert.deepEqual(
    report.failed_searches.map((s) => [s.query, s.count]).sort(),
    [["wombat printer", 1], ["zebra quux", 1]],
  );
  assert.ok(report.failed_searches.every((s) => s.last_seen === today), JSON.stringify(report.failed_searches));
});

test("without an endpoint nothing is posted", { timeout: 120000 }, async () => {
  const session = await open(plainSite.url + "/guide/apple/");
  const { page, posts } = session;
  const requests = [];
  page.on("request", (r) => r.method() !== "GET" && requests.push(`${r.method()} ${r.url()}`));
  await typeQuery(page, "zebra quux", "empty");
  await page.waitForTimeout(SETTLED);
  assert.deepEqual(requests, []);
  assert.deepEqual(posts, []);
  assert.equal(await page.locator("[data-hs-search]").getAttribute("data-feedback-endpoint"), null);
  await finish(session);
});
