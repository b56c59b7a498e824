// Browser tests of `helpsite serve` in real headless Chromium (Debian's `chromium`): live
// reload, scroll kept across the reload, the error overlay, and the stylesheet swap.
//
//   cargo build                        # target/debug/helpsite
//   npm ci --prefix tests/browser
//   node --test tests/browser/serve.test.mjs
//
// HELPSITE_BIN    the helpsite binary (default: <repo>/target/debug/helpsite)
// CHROMIUM_PATH   browser binary (default: /usr/bin/chromium)
//
// The fixture site (tests/fixtures/serve) is copied to a temp dir and served on 127.0.0.1 with
// `--port 0`; the tests edit its files. Any console error, page error or request to another
// host fails the run, and so does a missing browser or binary (never a skip). The server is
// stopped with SIGINT, as Ctrl-C would, and must exit cleanly.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { repo, bin, chromiumPath, CHROMIUM_ARGS, startPreview } from "./env.mjs";
import { chromium } from "playwright-core";

const APPLE = "content/guide/apple.md";
const WAIT = 15000;

let root, server, base, browser;
let serverLog = () => "";

function write(rel, text) {
  const file = path.join(root, rel);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text);
}

function edit(rel, from, to) {
  const text = readFileSync(path.join(root, rel), "utf8");
  assert.ok(text.includes(from), `${from} not in ${rel}`);
  write(rel, text.replace(from, to));
}

/** A page that records every console error, page error and off-host request. */
async function open(url) {
  const page = await browser.newPage({ viewport: { width: 1000, height: 700 } });
  page.problems = [];
  page.on("console", (m) => m.type() === "error" && page.problems.push(`console: ${m.text()}`));
  page.on("pageerror", (e) => page.problems.push(`page error: ${e.message}`));
  page.on("request", (r) => {
    const host = new URL(r.url()).hostname;
    if (host !== "127.0.0.1") page.problems.push(`request to another host: ${r.url()}`);
  });
  // Connected to the event stream: the script ran and the server answered.
  const connected = page.waitForResponse((r) => r.url().includes("/_helpsite/events") && r.status() === 200);
  await page.goto(base + url);
  await connected;
  return page;
}

async function close(page) {
  const problems = page.problems;
  await page.close();
  assert.deepEqual(problems, [], problems.join("\n"));
}

before(async () => {
  assert.ok(existsSync(bin), `no helpsite binary at ${bin}: run \`cargo build\` first`);
  assert.ok(existsSync(chromiumPath), `no Chromium at ${chromiumPath}: apt-get install -y chromium`);
  root = mkdtempSync(path.join(os.tmpdir(), "helpsite-serve-browser-"));
  cpSync(path.join(repo, "tests", "fixtures", "serve"), root, { recursive: true });
  // A long page, so there is something to scroll.
  const filler = Array.from({ length: 60 }, (_, i) => `Filler paragraph ${i} to make the page long.`).join("\n\n");
  edit(APPLE, "Some words under the first heading.", `Some words under the first heading.\n\n${filler}`);
  mkdirSync(path.join(root, "static"));
  ({ server, base, log: serverLog } = await startPreview(root));
  browser = await chromium.launch({ executablePath: chromiumPath, args: CHROMIUM_ARGS });
});

after(async () => {
  await browser?.close();
  if (server && server.exitCode === null) {
    const exited = new Promise((resolve) => server.on("exit", (code, signal) => resolve({ code, signal })));
    server.kill("SIGINT");
    const { code } = await exited;
    assert.equal(code, 0, `Ctrl-C must stop the server cleanly:\n${serverLog()}`);
    assert.match(serverLog(), /stopping/);
  }
  if (root) rmSync(root, { recursive: true, force: true });
});

test("the page reloads by itself after an edit and keeps its scroll position", async () => {
  const page = await open("guide/apple/");
  await page.waitForLoadState("load");
  // What the reader is looking at: the paragraph in the middle of the window.
  const inView = () => document.elementFromPoint(window.innerWidth / 2, window.innerHeight / 2)?.textContent;
  await page.evaluate(() => {
    window.helpsiteMarker = "before the edit";
    window.scrollTo({ top: 1200, behavior: "instant" });
  });
  assert.ok((await page.evaluate(() => window.scrollY)) > 1000, "the page scrolled");
  const seen = await page.evaluate(inView);
  assert.match(seen, /Filler paragraph \d+/);
  edit(APPLE, "Original apple text.", "Apple text edited by the browser test.");
  await page.waitForFunction(() => document.body.textContent.includes("Apple text edited by the browser test."), null, { timeout: WAIT });
  assert.equal(await page.evaluate(() => window.helpsiteMarker), undefined, "it was a real reload");
  await page.waitForFunction(`(${inView})() === ${JSON.stringify(seen)}`, null, { timeout: WAIT });
  await close(page);
});

test("the overlay shows a broken page's error on every page, then clears when fixed", async () => {
  const page = await open("guide/banana/");
  edit(APPLE, "weight: 1", "weigth: 1");
  const overlay = await page.waitForSelector('[role="alertdialog"]', { timeout: WAIT });
  const text = await overlay.textContent();
  assert.match(text, /content\/guide\/apple\.md:4/);
  assert.match(text, /unknown key `weigth`/);
  assert.match(text, /weigth: 1/, "the snippet shows the offending line");
  assert.match(text, /did you mean `weight`\?/);
  assert.equal(await page.evaluate(() => document.activeElement.getAttribute("role")), "alertdialog", "the dialog has focus");
  const label = await page.evaluate(() => {
    const dialog = document.querySelector('[role="alertdialog"]');
    return document.getElementById(dialog.getAttribute("aria-labelledby")).textContent;
  });
  assert.match(label, /Build failed/);
  assert.ok((await page.textContent("main")).includes("Banana text"), "the last good build is still shown");

  edit(APPLE, "weigth: 1", "weight: 1");
  await page.waitForSelector('[role="alertdialog"]', { state: "detached", timeout: WAIT });
  await close(page);
});

test("the overlay can be dismissed with Escape and appears on pages opened later", async () => {
  edit(APPLE, "weight: 1", "weigth: 1");
  // Wait until the server has seen the broken file, through a page that is already open.
  const first = await open("guide/cherry/");
  await first.waitForSelector('[role="alertdialog"]', { timeout: WAIT });
  await close(first);
  const page = await open("guide/");
  await page.waitForSelector('[role="alertdialog"]', { timeout: WAIT });
  await page.keyboard.press("Tab");
  assert.equal(await page.evaluate(() => document.activeElement.textContent), "Dismiss", "Tab stays in the dialog");
  await page.keyboard.press("Escape");
  await page.waitForSelector('[role="alertdialog"]', { state: "detached", timeout: WAIT });
  edit(APPLE, "weigth: 1", "weight: 1");
  await close(page);
});

test("a stylesheet edit is swapped in without a reload", async () => {
  const page = await open("guide/cherry/");
  await page.evaluate(() => {
    window.helpsiteMarker = "kept";
  });
  write("static/style.css", "body { color: rgb(102, 51, 153); }\n");
  await page.waitForFunction(() => getComputedStyle(document.body).color === "rgb(102, 51, 153)", null, { timeout: WAIT });
  assert.equal(await page.evaluate(() => window.helpsiteMarker), "kept", "no reload");
  await close(page);
});
