// Shared set-up for the flow and composer browser tests: build the fixture site
// `tests/fixtures/flows` with the helpsite binary, serve it on 127.0.0.1, open pages in real
// headless Chromium, and fail on console errors, page errors, failed requests and any request
// to another host.
//
//   cargo build && npm ci --prefix tests/browser
//   node --test tests/browser/flows.test.mjs tests/browser/composer.test.mjs
//
// HELPSITE_BIN     the binary (default: <repo>/target/debug/helpsite)
// HELPSITE_FLOWS_PUBLIC  test this already built site instead of building the fixture
// CHROMIUM_PATH    browser binary (default: /usr/bin/chromium); a missing browser fails the run
// HELPSITE_SCREENSHOTS  where screenshots go (default: <repo>/target/screenshots)
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { serve } from "./server.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, "..", "..");
export const publicDir = process.env.HELPSITE_FLOWS_PUBLIC ? path.resolve(process.env.HELPSITE_FLOWS_PUBLIC) : buildFixture();
const chromiumPath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
export const shotsDir = path.resolve(process.env.HELPSITE_SCREENSHOTS ?? path.join(repo, "target", "screenshots"));

export const PHONE = { width: 390, height: 844, isMobile: true, hasTouch: true, deviceScaleFactor: 2 };
export const DESKTOP = { width: 1280, height: 900, isMobile: false, hasTouch: false, deviceScaleFactor: 1 };

function buildFixture() {
  const bin = path.resolve(process.env.HELPSITE_BIN ?? path.join(repo, "target", "debug", "helpsite"));
  assert.ok(existsSync(bin), `no helpsite binary at ${bin}: run \`cargo build\` first`);
  const out = path.join(mkdtempSync(path.join(os.tmpdir(), "helpsite-flows-")), "public");
  const run = spawnSync(bin, ["build", "--root", path.join(repo, "tests", "fixtures", "flows"), "--out", out], { encoding: "utf8" });
  assert.equal(run.status, 0, `building the fixture failed:\n${run.stderr}`);
  return out;
}

/** Starts the browser and the site server. */
export async function start() {
  assert.ok(existsSync(chromiumPath), `no browser at ${chromiumPath}: install Debian's chromium (a missing browser is a failure)`);
  assert.ok(existsSync(path.join(publicDir, "index.html")) || existsSync(path.join(publicDir, "contact", "index.html")),
    `no built site in ${publicDir}`);
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  const site = await serve(publicDir);
  mkdirSync(shotsDir, { recursive: true });
  return { browser, site, close: async () => { await browser.close(); await site.close(); } };
}

/**
 * A fresh browser context (own localStorage). `problems` collects console errors, page errors,
 * failed requests and off-host requests; `expectClean()` asserts there were none, except
 * messages matching `allow`.
 */
export async function context(env, { viewport = DESKTOP, javaScriptEnabled = true, allow = [] } = {}) {
  const { width, height, ...rest } = viewport;
  const ctx = await env.browser.newContext({ viewport: { width, height }, ...rest, javaScriptEnabled });
  const problems = [];
  await ctx.route("**/*", (route) => {
    const u = new URL(route.request().url());
    if (u.hostname !== "127.0.0.1") {
      problems.push(`request to another host: ${u.href}`);
      return route.abort("blockedbyclient");
    }
    return route.continue();
  });
  ctx.on("page", (page) => watch(page, problems));
  const newPage = async () => ctx.newPage();
  return {
    ctx,
    newPage,
    problems,
    url: (p) => env.site.url + p,
    expectClean() {
      const left = problems.filter((p) => !allow.some((re) => re.test(p)));
      assert.deepEqual(left, [], "console errors, failed or off-host requests");
    },
  };
}

function watch(page, problems) {
  page.on("console", (msg) => {
    if (msg.type() === "error" || msg.type() === "warning") problems.push(`console ${msg.type()}: ${msg.text()}`);
  });
  page.on("pageerror", (err) => problems.push(`page error: ${err.message}`));
  page.on("requestfailed", (req) => {
    // ERR_ABORTED is a request cut short by the test navigating on (a favicon, say), not a fault.
    if (!req.url().startsWith("mailto:") && req.failure()?.errorText !== "net::ERR_ABORTED") problems.push(`request failed: ${req.url()} ${req.failure()?.errorText}`);
  });
  page.on("response", (res) => {
    if (res.status() >= 400 && !res.url().includes("/this-page-does-not-exist/")) problems.push(`HTTP ${res.status()}: ${res.url()}`);
  });
}

function htmlFiles(dir, out = []) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) htmlFiles(full, out);
    else if (entry.name === "index.html") out.push(full);
  }
  return out;
}

/** Root-relative URLs of built pages whose HTML matches `re`, sorted. */
export function pagesMatching(re) {
  return htmlFiles(publicDir)
    .filter((f) => re.test(readFileSync(f, "utf8")))
    .map((f) => {
      const rel = path.relative(publicDir, path.dirname(f)).split(path.sep).join("/");
      return rel ? `/${rel}/` : "/";
    })
    .sort();
}

export async function screenshot(page, name) {
  await page.screenshot({ path: path.join(shotsDir, `${name}.png`), fullPage: true });
}
