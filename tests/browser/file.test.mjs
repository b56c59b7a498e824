// The bundled site built with `helpsite build --relative` and opened from disk (`file://`), as
// someone would open a copied folder or an unpacked archive: styles and scripts load, nav
// links, alias redirects, a troubleshooting flow, the request composer and the feedback widget
// work, and search says it needs http(s) and what to do instead.
//
//   cargo build && npm ci --prefix tests/browser
//   node --test tests/browser/file.test.mjs
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { chromium } from "playwright-core";
import { repo, bin, chromiumPath, shotsDir, CHROMIUM_ARGS, DESKTOP, PHONE } from "./env.mjs";

let tmp, publicDir, browser;

before(async () => {
  assert.ok(existsSync(bin), `no helpsite binary at ${bin}: run \`cargo build\` first`);
  assert.ok(existsSync(chromiumPath), `no Chromium at ${chromiumPath}: apt-get install -y chromium`);
  tmp = mkdtempSync(path.join(os.tmpdir(), "helpsite-file-"));
  const root = path.join(tmp, "site");
  cpSync(path.join(repo, "content"), path.join(root, "content"), { recursive: true });
  cpSync(path.join(repo, "site.yaml"), path.join(root, "site.yaml"));
  // Somewhere else than the site, as a copied folder would be.
  publicDir = path.join(tmp, "copied to a stick", "help");
  execFileSync(bin, ["build", "--relative", "--root", root, "--out", publicDir], { stdio: ["ignore", "ignore", "pipe"] });
  browser = await chromium.launch({ executablePath: chromiumPath, args: CHROMIUM_ARGS });
});

after(async () => {
  await browser?.close();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

const fileUrl = (rel) => pathToFileURL(path.join(publicDir, rel)).href;

/** A page that fails the test on console errors, failed requests and anything not from disk. */
async function open(rel, viewport = DESKTOP) {
  const context = await browser.newContext(viewport);
  const page = await context.newPage();
  const problems = [];
  page.on("console", (m) => { if (m.type() === "error") problems.push(`console: ${m.text()}`); });
  page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
  page.on("requestfailed", (r) => {
    // A mailto: navigation hands an email to the email app; ERR_ABORTED is the browser dropping
    // a request itself (the favicon when the test navigates on); a missing file is another error.
    if (!r.url().startsWith("mailto:") && r.failure()?.errorText !== "net::ERR_ABORTED") problems.push(`failed: ${r.url()} ${r.failure()?.errorText}`);
  });
  context.on("request", (r) => {
    const url = r.url();
    if (!url.startsWith("file://") && !url.startsWith("data:") && !url.startsWith("mailto:")) problems.push(`not from disk: ${url}`);
  });
  await page.goto(fileUrl(rel));
  const done = async () => {
    assert.deepEqual(problems, [], "console errors, failed requests, requests off disk");
    await context.close();
  };
  return { page, done };
}

const shot = (page, name) => {
  mkdirSync(shotsDir, { recursive: true });
  return page.screenshot({ path: path.join(shotsDir, `${name}.png`) });
};

/** Whether the theme's stylesheet applies (its rules can't be read from a file:// page). */
const styled = (page) => page.evaluate(() => ({
  sheets: [...document.styleSheets].map((s) => s.href).filter(Boolean),
  bg: getComputedStyle(document.documentElement).getPropertyValue("--bg").trim(),
  header: getComputedStyle(document.querySelector(".site-header-inner")).display,
}));

test("pages opened from disk load their styles and scripts, and nav links lead to pages", async () => {
  const { page, done } = await open("index.html");
  const style = await styled(page);
  assert.ok(style.sheets.some((h) => /\/style\.[0-9a-f]+\.css$/.test(h)), JSON.stringify(style));
  assert.ok(style.bg !== "" && style.header === "flex", `the theme's styles apply: ${JSON.stringify(style)}`);
  const links = await page.evaluate(() => [...document.querySelectorAll("a[href]")].map((a) => a.getAttribute("href")));
  assert.deepEqual(links.filter((h) => h.startsWith("/")), [], "root-relative links lead nowhere from disk");
  await shot(page, "file-home");

  await page.locator(".top-nav a", { hasText: "FAQ" }).click();
  await page.waitForURL(fileUrl("faq/index.html"));
  assert.equal(await page.locator("h1").first().innerText(), "Frequently asked questions");
  await page.locator(".site-title").click();
  await page.waitForURL(fileUrl("index.html"));

  // An alias's redirect page forwards from disk too.
  await page.goto(fileUrl("etiquette/index.html"));
  await page.waitForURL(fileUrl("getting-help/etiquette/index.html"));
  await done();
});

test("a troubleshooting flow steps from disk and hands over to the composer", async () => {
  const { page, done } = await open("troubleshooting/should-i-email-support/index.html", PHONE);
  const kind = page.locator('[data-step="kind"]');
  assert.ok(await kind.isHidden(), "flow.js shows one step at a time");
  await page.locator('[data-step="start"] a[data-next="kind"]').click();
  assert.ok(await kind.isVisible());
  assert.match(page.url(), /should-i-email-support\/index\.html\?path=start,kind$/);
  for (const [from, to] of [["kind", "faq"], ["faq", "subject"]]) {
    await page.locator(`[data-step="${from}"] a[data-next="${to}"]`).click();
  }
  await shot(page, "file-flow");
  const contact = page.locator('[data-step="subject"] a[data-kind="contact"]').first();
  assert.match(await contact.getAttribute("href"), /^\.\.\/\.\.\/contact\/index\.html\?page=/);
  await contact.click();
  await page.waitForURL(/\/contact\/index\.html\?/);
  await page.locator("#composer").waitFor({ state: "visible" });
  assert.match(await page.locator("#c-flows").innerText(), /Should I email support\?/);
  await done();
});

test("the composer builds its email from disk, naming the pages read by their web address", async () => {
  const { page, done } = await open("getting-help/etiquette/index.html");
  await page.goto(fileUrl("contact/index.html"));
  await page.locator("#composer").waitFor({ state: "visible" });
  assert.deepEqual(await page.locator("#c-docs li a").allInnerTexts(), ["Support etiquette"]);
  await page.locator("#c-subject").fill("Connect: SMS sender stuck on pending");
  await page.locator("#c-trying").fill("Add an SMS sender");
  const mailto = await page.locator("#c-mailto").getAttribute("href");
  assert.match(mailto, /^mailto:hello@divergent\.cloud\?subject=Connect(%3A|:)%20SMS%20sender/);
  // The email names the page read by its web address, wherever the copy on disk is.
  const body = decodeURIComponent(mailto);
  assert.ok(body.includes("https://support.divergent.cloud/getting-help/etiquette/"), body);
  assert.ok(!body.includes("file:") && !body.includes(publicDir), body);
  await shot(page, "file-composer");
  await done();
});

test("the feedback widget answers from disk", async () => {
  const { page, done } = await open("getting-help/etiquette/index.html");
  // Without an endpoint "Yes" only thanks; "No" offers an email the reader may choose to send.
  await page.locator("[data-feedback] [data-answer=yes]").click();
  await page.locator(".feedback-status", { hasText: "We're glad it helped" }).waitFor();
  await page.reload();
  await page.locator("[data-feedback] [data-answer=no]").click();
  const email = page.locator(".feedback-status a.feedback-email");
  await email.waitFor();
  assert.match(await email.getAttribute("href"), /^mailto:/);
  await done();
});

test("search says it needs http(s), and what to do", async () => {
  const { page, done } = await open("getting-help/etiquette/index.html");
  await page.locator("#hs-search-input").focus();
  const msg = page.locator(".hs-search-panel .hs-file");
  await msg.waitFor();
  const text = await msg.innerText();
  assert.match(text, /served over http\(s\)/);
  assert.match(text, /helpsite serve/);
  await shot(page, "file-search");
  await done();
});
