// The customer's path through the search box (issue 15), in real headless Chromium on the built
// bundled site: Enter lands on the section that matched, a flow step is found by its text, a
// synonym gives the browser the same first result as `helpsite search`, "no results" offers the
// nearest words the index knows, the staff-only "Copy link", and the ARIA 1.2 combobox keys.
//
//   helpsite build && npm ci --prefix tests/browser && node --test tests/browser/customer.test.mjs
//
// HELPSITE_PUBLIC   built bundled site (default: <repo>/public), served on 127.0.0.1 here
// HELPSITE_BIN      the helpsite binary (`helpsite search`, `helpsite serve`, a site without a
//                   contact page)
// CHROMIUM_PATH     browser binary (default: /usr/bin/chromium); a missing browser is a failure
//
// Every page records console errors, page errors and requests to other hosts; any of them fails
// the test.
import { test, before, after, describe } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { chromium } from "playwright-core";
import { repo, bin, chromiumPath, CHROMIUM_ARGS, DESKTOP, startPreview } from "./env.mjs";
import { serve } from "./server.mjs";

const publicDir = path.resolve(process.env.HELPSITE_PUBLIC ?? path.join(repo, "public"));
const WAIT = 30000;

let browser;
let server;
let site; // a copy of the bundled site's sources, for `helpsite search` and `helpsite serve`
const temps = [];

function tempDir(prefix) {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  temps.push(dir);
  return dir;
}

/** A copy of the bundled site's `site.yaml` and `content/` (the repository stays untouched). */
function copySite(skip = () => false) {
  const dir = tempDir("helpsite-customer-");
  cpSync(path.join(repo, "site.yaml"), path.join(dir, "site.yaml"));
  cpSync(path.join(repo, "content"), path.join(dir, "content"), {
    recursive: true,
    filter: (from) => !skip(path.relative(path.join(repo, "content"), from)),
  });
  return dir;
}

/** `helpsite search --json` on the copy of the bundled site. */
function cliSearch(query, limit = 8) {
  const out = execFileSync(bin, ["search", "--root", site, "--json", "--limit", String(limit), query],
    { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  return JSON.parse(out);
}

before(async () => {
  assert.ok(existsSync(chromiumPath), `no Chromium at ${chromiumPath}: apt-get install -y chromium (or set CHROMIUM_PATH)`);
  assert.ok(existsSync(bin), `no helpsite binary at ${bin}: run \`cargo build\` or set HELPSITE_BIN`);
  assert.ok(existsSync(path.join(publicDir, "index.html")),
    `no built site at ${publicDir}: run \`helpsite build\` first or set HELPSITE_PUBLIC`);
  site = copySite();
  server = await serve(publicDir);
  browser = await chromium.launch({ executablePath: chromiumPath, args: CHROMIUM_ARGS });
});

after(async () => {
  await browser?.close();
  await server?.close();
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

/**
 * A fresh browser context (its own localStorage) on `base + url`; `done()` fails on console
 * errors, page errors or requests to another host, then closes the context.
 */
async function open(url, { base = server.url, context: given } = {}) {
  const context = given ?? await browser.newContext({ ...DESKTOP, reducedMotion: "reduce" });
  const page = await context.newPage();
  const problems = [];
  page.on("console", (m) => m.type() === "error" && problems.push(`console: ${m.text()}`));
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  page.on("worker", (w) => w.on("console", (m) => m.type() === "error" && problems.push(`worker: ${m.text()}`)));
  page.on("request", (r) => {
    const u = new URL(r.url());
    if (u.protocol.startsWith("http") && u.hostname !== "127.0.0.1") problems.push(`request to another host: ${u.href}`);
  });
  await page.goto(base.replace(/\/$/, "") + url);
  const done = async () => {
    if (!given) await context.close();
    else await page.close();
    assert.deepEqual(problems, [], "console errors, page errors or requests to other hosts");
  };
  return { page, context, done };
}

/** Types `query` into the header box and waits for the panel to show its answer. */
async function typeQuery(page, query, what = ".hs-hit-link") {
  const input = page.locator("#hs-search-input");
  await input.click();
  await input.fill(query);
  await page.locator(`#hs-search-panel[data-query="${query}"]:not([hidden]) ${what}`).first().waitFor({ timeout: WAIT });
  return input;
}

/** The element the URL's #anchor names: its id, tag and whether it is in the viewport. */
async function landed(page) {
  return page.evaluate(() => {
    const t = document.getElementById(decodeURIComponent(location.hash.slice(1)));
    if (!t) return null;
    const r = t.getBoundingClientRect();
    return { id: t.id, tag: t.tagName, inView: r.top >= 0 && r.top < innerHeight && r.height > 0 };
  });
}

describe("Enter lands on the answer", () => {
  test("Enter on a query opens the first result at its matched heading, in view", async () => {
    const query = "verify email sender";
    const first = cliSearch(query).pages[0];
    const best = first.sub[0];
    assert.ok(best && best.score >= first.score,
      `\`helpsite search "${query}"\` no longer ranks a heading of its first page best; pick another query`);
    const { page, done } = await open("/");
    await typeQuery(page, query);
    await Promise.all([page.waitForURL(`**${first.url}#${best.anchor}`, { timeout: WAIT }), page.keyboard.press("Enter")]);
    const at = await landed(page);
    assert.equal(at?.id, best.anchor);
    assert.match(at.tag, /^H[23]$/);
    assert.ok(at.inView, "the heading is in view");
    await done();
  });

  test("a query quoting a troubleshooting flow step's text finds and opens that step", async () => {
    const stepText = "Watch for the domain typed twice, a second SPF record, and stray quotes";
    const flow = readFileSync(path.join(repo, "content/troubleshooting/connect-sender-not-sending.md"), "utf8");
    assert.ok(flow.includes(stepText) && flow.includes("id: email-dns"), "the flow's step text changed: update the test");
    const { page, done } = await open("/");
    await typeQuery(page, stepText);
    const top = page.locator("#hs-search-panel [role=option]").first();
    assert.equal(await top.getAttribute("href"), "/troubleshooting/connect-sender-not-sending/#step-email-dns");
    await Promise.all([page.waitForURL("**/troubleshooting/connect-sender-not-sending/#step-email-dns", { timeout: WAIT }),
      page.keyboard.press("Enter")]);
    // flow.js opens the step and writes the way there as `?path=` in place of the anchor.
    await page.waitForFunction(() => new URL(location.href).searchParams.get("path")?.split(",").at(-1) === "email-dns");
    const step = page.locator("#step-email-dns");
    assert.ok(await step.isVisible(), "the step is shown");
    const box = await step.boundingBox();
    assert.ok(box && box.y >= 0 && box.y < DESKTOP.viewport.height, `the step is in view (top ${box?.y})`);
    assert.match(await step.textContent(), /Are your DNS records right\?/);
    await done();
  });

  test("a synonym from site.yaml gives the browser the same results as `helpsite search`", async () => {
    const query = "txt not sent"; // `txt` is in site.yaml's group [sms, text, txt, text message]
    assert.match(readFileSync(path.join(repo, "site.yaml"), "utf8"), /- \[sms, text, txt, text message\]/);
    const cli = cliSearch(query);
    assert.ok(cli.pages.length > 0, `\`helpsite search "${query}"\` found nothing`);
    // The first page matched through the synonyms: its marked words are `text`/`sms`, never `txt`.
    const marked = [...JSON.stringify(cli.pages[0]).matchAll(/<mark>([^<]*)<\/mark>/g)].map((m) => m[1].toLowerCase());
    assert.ok(marked.some((w) => /^(text|sms)/.test(w)) && !marked.includes("txt"), `marked: ${marked}`);
    const { page, done } = await open("/");
    await typeQuery(page, query);
    const pages = await page.locator("#hs-search-panel .hs-hit .hs-hit-link").evaluateAll(
      (links) => links.map((a) => a.getAttribute("href").split("#")[0]));
    assert.deepEqual(pages, cli.pages.map((p) => p.url), "the same pages in the same order");
    const href = await page.locator("#hs-search-panel .hs-hit-link").first().getAttribute("href");
    const landing = [cli.pages[0].url, ...cli.pages[0].sub.map((s) => s.url)];
    assert.ok(landing.includes(href), `the first result leads to ${href}, not the page or one of its matched headings`);
    await done();
  });
});

describe("no results", () => {
  test("offers the nearest words the index knows; taking it finds results", async () => {
    const { page, done } = await open("/");
    await typeQuery(page, "snedres", ".hs-empty");
    const offer = page.locator("#hs-search-panel .hs-suggest-link");
    await offer.waitFor({ timeout: WAIT });
    assert.equal(await offer.textContent(), "senders");
    assert.match(await page.locator("#hs-search-panel .hs-suggest").textContent(), /^Did you mean senders\?$/);
    assert.equal(await page.locator("#hs-search-input").getAttribute("aria-expanded"), "false");
    // ↓ from the box reaches it (there is no listbox to move through); Enter takes it.
    await page.keyboard.press("ArrowDown");
    assert.equal(await page.evaluate(() => document.activeElement.className), "hs-suggest-link");
    await page.keyboard.press("Enter");
    await page.locator('#hs-search-panel[data-query="senders"] [role=option]').first().waitFor({ timeout: WAIT });
    assert.equal(await page.locator("#hs-search-input").inputValue(), "senders");
    assert.equal(await page.locator("#hs-search-input").getAttribute("aria-expanded"), "true");
    await done();
  });

  test("on the /search/ page the offer runs the corrected query there", async () => {
    const { page, done } = await open("/search/?q=snedres");
    const offer = page.locator(".hs-page-results .hs-suggest-link");
    await offer.waitFor({ timeout: WAIT });
    assert.equal(await offer.textContent(), "senders");
    await offer.click();
    await page.locator('.hs-page-results[data-query="senders"] .hs-hit-link').first().waitFor({ timeout: WAIT });
    assert.equal(new URL(page.url()).searchParams.get("q"), "senders");
    await done();
  });

  test("the way to ask support names the composer only where the site has one", async () => {
    // The bundled site has a contact page: the query goes along to it.
    const { page, done } = await open("/");
    await typeQuery(page, "zxqv", ".hs-empty");
    assert.equal(await page.locator("#hs-search-panel a.hs-contact").getAttribute("href"), "/contact/?q=zxqv");
    await done();

    // Without one, the answer offers the support address and no link to a missing page.
    const root = copySite((rel) => rel === "contact.md");
    const out = path.join(root, "public");
    execFileSync(bin, ["build", "--root", root, "--out", out], { stdio: ["ignore", "ignore", "pipe"] });
    assert.ok(!existsSync(path.join(out, "contact", "index.html")), "the copy has no contact page");
    const bare = await serve(out);
    try {
      const { page: p, done: closed } = await open("/", { base: bare.url });
      await typeQuery(p, "zxqv", ".hs-empty");
      assert.equal(await p.locator("#hs-search-panel a.hs-contact").count(), 0);
      assert.equal(await p.locator('#hs-search-panel a[href*="/contact/"]').count(), 0);
      assert.match(await p.locator("#hs-search-panel a.hs-mail").getAttribute("href"), /^mailto:[^?]+\?subject=zxqv$/);
      await closed();
    } finally {
      await bare.close();
    }
  });
});

describe("staff mode", () => {
  const copies = (page) => page.locator(".hs-page-results .hs-copy");
  const results = (page) => page.locator(".hs-page-results .hs-hit-link").first().waitFor({ timeout: WAIT });

  test("Copy link is hidden from customers, shown after the staff URL, kept across a reload, off again", async () => {
    const context = await browser.newContext({ ...DESKTOP, reducedMotion: "reduce" });
    try {
      // A customer: no copy controls, on the page or in the header list.
      let { page, done } = await open("/search/?q=sender", { context });
      await results(page);
      assert.equal(await copies(page).count(), 0, "no Copy link by default");
      await done();
      ({ page, done } = await open("/", { context }));
      await typeQuery(page, "senders");
      assert.equal(await page.locator("#hs-search-panel .hs-copy").count(), 0, "none in the header list either");
      await done();

      // The staff URL switches it on; the address bar drops the switch.
      ({ page, done } = await open("/search/?staff=1&q=sender", { context }));
      await results(page);
      assert.ok(await copies(page).count() > 0, "Copy link after ?staff=1");
      assert.equal(new URL(page.url()).searchParams.get("staff"), null, "the switch is not left in the address");
      await page.reload();
      await results(page);
      assert.ok(await copies(page).count() > 0, "still there after a reload");
      await done();
      ({ page, done } = await open("/", { context }));
      await typeQuery(page, "senders");
      assert.ok(await page.locator("#hs-search-panel .hs-copy").count() > 0, "and in the header list on other pages");
      await done();

      // ?staff=0 switches it off, for good.
      ({ page, done } = await open("/search/?staff=0&q=sender", { context }));
      await results(page);
      assert.equal(await copies(page).count(), 0, "gone after ?staff=0");
      await page.reload();
      await results(page);
      assert.equal(await copies(page).count(), 0, "and stays gone");
      await done();
    } finally {
      await context.close();
    }
  });

  test("Copy link copies the absolute URL with ?ref=reply, by mouse and by Ctrl+C on the highlighted result", async () => {
    const context = await browser.newContext({ ...DESKTOP, reducedMotion: "reduce" });
    await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: server.url });
    try {
      const { page, done } = await open("/?staff=1", { context });
      await typeQuery(page, "verify email sender");
      const sub = page.locator("#hs-search-panel .hs-sub-link").first();
      const href = await sub.getAttribute("href");
      await sub.locator(".hs-copy").click();
      await page.waitForFunction(() => document.querySelector("#hs-search-panel .hs-sub .hs-copy").textContent === "Copied");
      const [p, anchor] = href.split("#");
      assert.equal(await page.evaluate(() => navigator.clipboard.readText()), `https://support.divergent.cloud${p}?ref=reply#${anchor}`);
      assert.equal(new URL(page.url()).pathname, "/", "copying did not follow the link");

      await page.keyboard.press("ArrowDown");
      await page.keyboard.press("ControlOrMeta+c");
      const first = await page.locator("#hs-search-panel .hs-hit-link").first();
      await page.waitForFunction(() => document.querySelector("#hs-search-panel .hs-hit-link .hs-copy").textContent === "Copied");
      const pageUrl = (await first.getAttribute("href")).split("#")[0];
      assert.equal(await page.evaluate(() => navigator.clipboard.readText()), `https://support.divergent.cloud${pageUrl}?ref=reply`);
      await done();
    } finally {
      await context.close();
    }
  });

  test("in `helpsite serve` Copy link is always shown", async () => {
    const root = copySite();
    const preview = await startPreview(root);
    try {
      const { page, done } = await open("/search/?q=sender", { base: preview.base });
      await results(page);
      assert.ok(await copies(page).count() > 0, "Copy link in the preview without the staff URL");
      assert.equal(await page.evaluate(() => localStorage.getItem("hs-staff")), null, "nothing was remembered for it");
      await done();
      // The same page from a static host, in a fresh browser: a customer's view, without them.
      const { page: published, done: closed } = await open("/search/?q=sender");
      await results(published);
      assert.equal(await copies(published).count(), 0, "no Copy link on the published site");
      await closed();
    } finally {
      preview.server.kill("SIGINT");
    }
  });
});

describe("keyboard: the ARIA 1.2 combobox", () => {
  test("↓ ↑ move aria-activedescendant over the options, Enter opens the highlighted one", async () => {
    const { page, done } = await open("/");
    const input = await typeQuery(page, "verify email sender");
    assert.equal(await input.getAttribute("role"), "combobox");
    assert.equal(await input.getAttribute("aria-expanded"), "true");
    const listbox = page.locator(`#${await input.getAttribute("aria-controls")}`);
    assert.equal(await listbox.getAttribute("role"), "listbox");
    const ids = await listbox.locator("[role=option]").evaluateAll((os) => os.map((o) => o.id));
    assert.ok(ids.length >= 3 && ids.every(Boolean) && new Set(ids).size === ids.length, `option ids: ${ids}`);
    assert.equal(await input.getAttribute("aria-activedescendant"), null, "nothing highlighted while typing");

    const state = () => page.evaluate(() => {
      const box = document.getElementById("hs-search-input");
      const selected = [...document.querySelectorAll('#hs-search-panel [role=option][aria-selected="true"]')].map((o) => o.id);
      return { focus: document.activeElement.id, active: box.getAttribute("aria-activedescendant"), selected };
    });
    await page.keyboard.press("ArrowDown");
    assert.deepEqual(await state(), { focus: "hs-search-input", active: ids[0], selected: [ids[0]] });
    await page.keyboard.press("ArrowDown");
    assert.deepEqual(await state(), { focus: "hs-search-input", active: ids[1], selected: [ids[1]] });
    await page.keyboard.press("ArrowUp");
    await page.keyboard.press("ArrowUp");
    assert.deepEqual(await state(), { focus: "hs-search-input", active: null, selected: [] }, "↑ from the first option returns to the text");
    await page.keyboard.press("ArrowUp");
    assert.equal((await state()).active, ids.at(-1), "↑ from the text wraps to the last option");
    await page.keyboard.press("Home");
    assert.equal((await state()).active, null, "Home hands the caret back");
    assert.equal(await input.evaluate((i) => i.selectionStart), 0);

    await page.keyboard.press("ArrowDown");
    await page.keyboard.press("ArrowDown");
    const href = await page.locator(`#${ids[1]}`).getAttribute("href");
    assert.ok(href.includes("#"), `the second option is a heading: ${href}`);
    await Promise.all([page.waitForURL(`**${href}`, { timeout: WAIT }), page.keyboard.press("Enter")]);
    assert.equal((await landed(page))?.id, href.split("#")[1]);
    await done();
  });

  test("Escape closes the list and clears the highlight", async () => {
    const { page, done } = await open("/");
    const input = await typeQuery(page, "oauth client");
    await page.keyboard.press("ArrowDown");
    assert.ok(await input.getAttribute("aria-activedescendant"));
    await page.keyboard.press("Escape");
    assert.equal(await page.locator("#hs-search-panel").isHidden(), true);
    assert.equal(await input.getAttribute("aria-expanded"), "false");
    assert.equal(await input.getAttribute("aria-activedescendant"), null);
    await done();
  });
});
