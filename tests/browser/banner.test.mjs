// The preview's ledger banner (`helpsite serve` with a reply-link ledger) in real headless
// Chromium: where it sits on a phone, contrast in both colour schemes, Hide/Show from the
// keyboard (remembered across pages), its link to the report, and that a stylesheet edit still
// swaps in without a reload while the banner brings a sheet of its own.
//
//   cargo build && npm ci --prefix tests/browser && node --test tests/browser/banner.test.mjs
//
// HELPSITE_BIN          the helpsite binary (default: <repo>/target/debug/helpsite)
// CHROMIUM_PATH         browser binary (default: /usr/bin/chromium)
// HELPSITE_SCREENSHOTS  where screenshots go (default: <repo>/target/screenshots)
//
// The ledger is made with `helpsite feedback import` from rows written here: /guide/apple/
// linked in 6 replies, 3 readers had already read it (so it carries two flags).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { repo, bin, chromiumPath, shotsDir, CHROMIUM_ARGS, PHONE, DESKTOP, startPreview } from "./env.mjs";
import { chromium } from "playwright-core";
import { lowContrastInPage } from "./contrast.mjs";

const WAIT = 15000;

let root, server, base, browser;
let serverLog = () => "";

function daysAgo(n) {
  return new Date(Date.now() - n * 86400000).toISOString().replace(/\.\d+Z$/, "Z");
}

/** Ledger rows in `helpsite feedback export` form. */
function ledgerRows() {
  const rows = [];
  for (let i = 0; i < 6; i++) {
    const key = `m${i}@support.example`;
    rows.push({ type: "message", key, conversation: `c${i}@example.com`, sent_at: daysAgo(30 - i * 5), kind: "staff" });
    rows.push({ type: "link", message_key: key, page: "/guide/apple/", anchor: "", url: "/guide/apple/" });
  }
  for (let i = 0; i < 3; i++) {
    rows.push({ type: "feedback", key: `web:${i}`, page: "/guide/apple/", answer: "already-read", source: "web", received_at: daysAgo(3) });
  }
  rows.push({ type: "feedback", key: "web:9", page: "/guide/apple/", answer: "yes", source: "web", received_at: daysAgo(2) });
  return rows.map((r) => JSON.stringify(r)).join("\n") + "\n";
}

before(async () => {
  assert.ok(existsSync(bin), `no helpsite binary at ${bin}: run \`cargo build\` first`);
  assert.ok(existsSync(chromiumPath), `no Chromium at ${chromiumPath}: apt-get install -y chromium`);
  mkdirSync(shotsDir, { recursive: true });
  root = mkdtempSync(path.join(os.tmpdir(), "helpsite-banner-browser-"));
  cpSync(path.join(repo, "tests", "fixtures", "serve"), root, { recursive: true });
  mkdirSync(path.join(root, "static"));
  const rows = path.join(root, "..", `${path.basename(root)}-ledger.jsonl`);
  writeFileSync(rows, ledgerRows());
  execFileSync(bin, ["feedback", "--root", root, "import", rows], { stdio: "pipe" });
  rmSync(rows);
  ({ server, base, log: serverLog } = await startPreview(root));
  browser = await chromium.launch({ executablePath: chromiumPath, args: CHROMIUM_ARGS });
});

after(async () => {
  await browser?.close();
  if (server && server.exitCode === null) {
    const exited = new Promise((resolve) => server.on("exit", (code) => resolve(code)));
    server.kill("SIGINT");
    assert.equal(await exited, 0, `Ctrl-C must stop the server cleanly:\n${serverLog()}`);
  }
  if (root) rmSync(root, { recursive: true, force: true });
});

async function open(url, device, scheme) {
  const context = await browser.newContext({ ...device, colorScheme: scheme, reducedMotion: "reduce" });
  const problems = [];
  await context.route("**/*", (route) => {
    const u = new URL(route.request().url());
    if (u.hostname !== "127.0.0.1") {
      problems.push(`request to another host: ${u.href}`);
      return route.abort("blockedbyclient");
    }
    return route.continue();
  });
  const page = await context.newPage();
  page.on("console", (m) => m.type() === "error" && problems.push(`console error: ${m.text()}`));
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  page.on("response", (r) => r.status() >= 400 && problems.push(`HTTP ${r.status()} for ${r.url()}`));
  const connected = page.waitForResponse((r) => r.url().includes("/_helpsite/events") && r.status() === 200);
  const response = await page.goto(base + url, { waitUntil: "load" });
  assert.equal(response.status(), 200);
  await connected;
  return { context, page, problems };
}

async function finish({ context, problems }) {
  await context.close();
  assert.deepEqual(problems, [], "console errors, page errors, failed or off-host requests");
}

test("the banner sits above the page's content on a phone, covers nothing and reads well", { timeout: 120000 }, async () => {
  for (const scheme of ["light", "dark"]) {
    const session = await open("guide/apple/", PHONE, scheme);
    const { page } = session;
    const banner = page.locator("#helpsite-banner");
    assert.ok(await banner.isVisible(), "the banner shows");
    assert.match(await banner.textContent(), /Linked in 6 replies/);
    assert.equal(await page.locator('#helpsite-banner [data-figure="already-read"]').textContent(), "3");
    assert.equal(await page.locator("#helpsite-banner [data-flag]").count(), 2, "both flags listed");
    assert.equal(await banner.evaluate((b) => getComputedStyle(b).position), "static", "in the flow, never fixed");
    const box = await banner.boundingBox();
    const heading = await page.locator("main h1").boundingBox();
    assert.ok(box.y + box.height <= heading.y, "the banner ends above the page's title");
    const onTitle = await page.evaluate(({ x, y }) => document.elementFromPoint(x, y)?.closest("h1") !== null,
      { x: heading.x + 5, y: heading.y + heading.height / 2 });
    assert.ok(onTitle, "nothing covers the title");
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - innerWidth);
    assert.ok(overflow <= 0, `page is ${overflow}px wider than the phone`);
    assert.deepEqual(await page.evaluate(lowContrastInPage), [], "text below WCAG AA contrast");
    await page.screenshot({ path: path.join(shotsDir, `banner-phone-${scheme}.png`) });
    await finish(session);
  }
  const session = await open("guide/apple/", DESKTOP, "light");
  await session.page.screenshot({ path: path.join(shotsDir, "banner-desktop-light.png") });
  await finish(session);
});

test("Hide and Show work from the keyboard and hold across pages; the report is one link away", { timeout: 120000 }, async () => {
  const session = await open("guide/apple/", PHONE, "light");
  const { page, context } = session;
  await page.keyboard.press("Tab");
  assert.equal(await page.evaluate(() => document.activeElement.className), "skip-link", "the skip link stays first");
  let reached = false;
  for (let i = 0; i < 40 && !reached; i++) {
    await page.keyboard.press("Tab");
    reached = await page.evaluate(() => document.activeElement.classList.contains("helpsite-banner-toggle"));
  }
  assert.ok(reached, "Tab reaches the banner's button");
  const ring = await page.evaluate(() => parseFloat(getComputedStyle(document.activeElement).outlineWidth));
  assert.ok(ring >= 2, "the focused button shows a focus ring");
  const toggle = page.locator(".helpsite-banner-toggle");
  assert.equal(await toggle.getAttribute("aria-expanded"), "true");
  await page.keyboard.press("Enter");
  assert.equal(await toggle.getAttribute("aria-expanded"), "false");
  assert.equal(await toggle.textContent(), "Show figures");
  assert.equal(await page.locator("#helpsite-banner-body").isVisible(), false, "figures folded away");
  assert.ok(await page.locator(".helpsite-banner-title").isVisible(), "the one-line title stays");
  await page.screenshot({ path: path.join(shotsDir, "banner-phone-light-hidden.png") });

  // Another page in the same tab starts folded; Show brings the figures back.
  const connected = page.waitForResponse((r) => r.url().includes("/_helpsite/events") && r.status() === 200);
  await page.goto(base + "guide/cherry/");
  await connected;
  assert.match(await page.locator(".helpsite-banner-title").textContent(), /Never linked in replies/);
  assert.equal(await page.locator("#helpsite-banner-body").isVisible(), false, "still folded");
  await page.locator(".helpsite-banner-toggle").click();
  assert.ok(await page.locator("#helpsite-banner-body").isVisible());

  // The report link.
  await page.locator('#helpsite-banner a[href="/_helpsite/feedback"]').click();
  await page.waitForURL((u) => u.pathname === "/_helpsite/feedback");
  assert.match(await page.content(), /Apple page/);
  await context.close();
  assert.deepEqual(session.problems, []);
});

test("a stylesheet edit still swaps in without a reload next to the banner's own sheet", { timeout: 120000 }, async () => {
  const session = await open("guide/apple/", DESKTOP, "light");
  const { page } = session;
  await page.evaluate(() => {
    window.helpsiteMarker = "kept";
  });
  writeFileSync(path.join(root, "static", "style.css"), "body { color: rgb(102, 51, 153); }\n");
  await page.waitForFunction(() => getComputedStyle(document.body).color === "rgb(102, 51, 153)", null, { timeout: WAIT });
  assert.equal(await page.evaluate(() => window.helpsiteMarker), "kept", "no reload");
  assert.equal(await page.locator('link[href="/_helpsite/banner.css"]').count(), 1, "the banner's sheet stays");
  await finish(session);
});
