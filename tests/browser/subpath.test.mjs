// A site published under a sub-path (`base_url: http://127.0.0.1:PORT/help/`), served by real
// nginx with the server block of docs/deploy.md (so that recipe is tried on every run), with
// `helpsite feedback serve` behind it at /help/api/feedback. Headless Chromium must find
// everything under /help/: links, assets, search (multi-range pack reads), alias redirects,
// flows, the 404 page, and feedback posts; the sitemap and robots.txt name /help/ URLs; and
// nginx sends the headers the recipe promises (cache, gzip, Range, 404).
//
//   cargo build && npm ci --prefix tests/browser   (and `apt-get install nginx`)
//   node --test tests/browser/subpath.test.mjs
//
// A missing nginx or Chromium is a failure, never a skip (scripts/test installs both).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import os from "node:os";
import path from "node:path";
import { chromium } from "playwright-core";
import { repo, bin, chromiumPath, shotsDir, CHROMIUM_ARGS, DESKTOP } from "./env.mjs";

const NGINX = process.env.NGINX_PATH ?? "/usr/sbin/nginx";

let tmp, base, nginx, nginxLog = "", service, serviceLog = "", browser;

function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/** The server block of docs/deploy.md, pointed at this run's folders and ports. */
function nginxConfig(port, servicePort) {
  const doc = readFileSync(path.join(repo, "docs", "deploy.md"), "utf8");
  const block = /```nginx\n([\s\S]*?)```/.exec(doc);
  assert.ok(block, "docs/deploy.md has no ```nginx block");
  let server = block[1];
  for (const [from, to] of [["listen 80;", `listen 127.0.0.1:${port};`], ["/srv/helpsite", path.join(tmp, "srv")],
    ["127.0.0.1:8787", `127.0.0.1:${servicePort}`]]) {
    assert.ok(server.includes(from), `the nginx recipe in docs/deploy.md no longer has \`${from}\``);
    server = server.replaceAll(from, to);
  }
  const temp = path.join(tmp, "nginx-temp");
  return `pid ${path.join(tmp, "nginx.pid")};
error_log stderr;
events {}
http {
  include /etc/nginx/mime.types;
  access_log off;
  client_body_temp_path ${temp}/body; proxy_temp_path ${temp}/proxy; fastcgi_temp_path ${temp}/fastcgi;
  uwsgi_temp_path ${temp}/uwsgi; scgi_temp_path ${temp}/scgi;
${server}
}
`;
}

/** Starts `command`, resolves once its stderr matches `ready` (to the match), rejects on exit. */
function startLogged(command, args, ready, onLog) {
  const child = spawn(command, args, { stdio: ["ignore", "ignore", "pipe"] });
  let log = "";
  const started = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${command} did not start:\n${log}`)), 30000);
    child.stderr.on("data", (chunk) => {
      log += chunk;
      onLog(log);
      const m = ready && ready.exec(log);
      if (m) {
        clearTimeout(timer);
        resolve(m);
      }
    });
    child.on("exit", (code) => reject(new Error(`${command} exited with ${code}:\n${log}`)));
    child.on("error", reject);
  });
  return { child, started };
}

async function waitForHttp(url) {
  for (let i = 0; i < 100; i++) {
    try {
      await fetch(url, { redirect: "manual" });
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error(`nothing answers at ${url}:\n${nginxLog}`);
}

before(async () => {
  assert.ok(existsSync(bin), `no helpsite binary at ${bin}: run \`cargo build\` first`);
  assert.ok(existsSync(NGINX), `no nginx at ${NGINX}: run scripts/test (as root it installs it) or apt-get install -y nginx`);
  assert.ok(existsSync(chromiumPath), `no Chromium at ${chromiumPath}: apt-get install -y chromium`);
  tmp = mkdtempSync(path.join(os.tmpdir(), "helpsite-subpath-"));
  chmodSync(tmp, 0o755); // nginx's workers run as another user
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;

  // The bundled site, published under /help/, with the feedback endpoint behind nginx.
  const root = path.join(tmp, "site");
  cpSync(path.join(repo, "content"), path.join(root, "content"), { recursive: true });
  const original = readFileSync(path.join(repo, "site.yaml"), "utf8");
  const yaml = original
    .replace(/^base_url: .*$/m, `base_url: ${base}/help/`)
    .replace(/^feedback:\n/m, "feedback:\n  endpoint: /help/api/feedback\n");
  assert.ok(yaml.includes(`${base}/help/`) && yaml.includes("endpoint: /help/api/feedback"), "site.yaml changed shape");
  writeFileSync(path.join(root, "site.yaml"), yaml);
  const out = path.join(tmp, "srv", "help");
  execFileSync(bin, ["build", "--root", root, "--out", out], { stdio: ["ignore", "ignore", "pipe"] });

  const svc = startLogged(bin, ["feedback", "--root", root, "--manifest", path.join(out, "_helpsite", "pages.json"),
    "serve", "--port", "0", "--trust-forwarded-for"], /feedback endpoint on http:\/\/127\.0\.0\.1:(\d+)\//, (l) => { serviceLog = l; });
  service = svc.child;
  const servicePort = (await svc.started)[1];

  mkdirSync(path.join(tmp, "nginx-temp"));
  const conf = path.join(tmp, "nginx.conf");
  writeFileSync(conf, nginxConfig(port, servicePort));
  const ngx = startLogged(NGINX, ["-p", tmp, "-c", conf, "-g", "daemon off;"], null, (l) => { nginxLog = l; });
  nginx = ngx.child;
  ngx.started.catch((e) => { nginxLog += `\n${e.message}`; });
  await waitForHttp(`${base}/help/`);
  browser = await chromium.launch({ executablePath: chromiumPath, args: CHROMIUM_ARGS });
});

after(async () => {
  await browser?.close();
  if (nginx && nginx.exitCode === null) {
    const exited = new Promise((r) => nginx.on("exit", r));
    nginx.kill("SIGQUIT");
    await exited;
  }
  if (service && service.exitCode === null) {
    const exited = new Promise((r) => service.on("exit", r));
    service.kill("SIGINT");
    await exited;
  }
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

/** A page that fails the test on console errors, failed requests and requests outside /help/. */
async function open(urlPath) {
  const context = await browser.newContext(DESKTOP);
  const page = await context.newPage();
  const problems = [];
  const outside = [];
  const responses = [];
  page.on("console", (m) => { if (m.type() === "error") problems.push({ text: `console: ${m.text()}`, url: m.location()?.url }); });
  page.on("pageerror", (e) => problems.push({ text: `pageerror: ${e.message}` }));
  // ERR_ABORTED is the browser dropping a request itself, e.g. the favicon when the test navigates
  // on before it arrived; a missing or refused file shows as its status or another error.
  page.on("requestfailed", (r) => {
    if (r.failure()?.errorText !== "net::ERR_ABORTED") problems.push({ text: `failed: ${r.url()} ${r.failure()?.errorText}` });
  });
  context.on("request", (r) => {
    const url = r.url();
    if (!url.startsWith(`${base}/help/`) && !url.startsWith("data:")) outside.push(url);
  });
  context.on("response", (r) => responses.push(r));
  await page.goto(base + urlPath);
  const done = async (allowed404 = []) => {
    const bad = responses.filter((r) => r.status() >= 400 && !allowed404.includes(new URL(r.url()).pathname));
    assert.deepEqual(bad.map((r) => `${r.status()} ${r.url()}`), [], "HTTP errors");
    assert.deepEqual(outside, [], "requests outside /help/");
    // Chromium logs the expected 404 of a missing page as a console error at that page.
    const unexpected = problems.filter((p) => !(p.url && allowed404.includes(new URL(p.url).pathname)
      && /status of 404/.test(p.text)));
    assert.deepEqual(unexpected.map((p) => p.text), [], "console errors and failed requests");
    await context.close();
  };
  return { page, responses, done };
}

const shot = (page, name) => {
  mkdirSync(shotsDir, { recursive: true });
  return page.screenshot({ path: path.join(shotsDir, `${name}.png`) });
};

test("nginx with the docs/deploy.md recipe sends the promised headers under /help/", async () => {
  const r = (p, headers = {}) => fetch(base + p, { headers, redirect: "manual" });
  const bare = await r("/help");
  assert.equal(bare.status, 301);
  assert.equal(bare.headers.get("location"), "/help/");
  const folder = await r("/help/faq");
  assert.equal(folder.status, 301);
  assert.equal(folder.headers.get("location"), "/help/faq/");

  const home = await r("/help/", { "Accept-Encoding": "gzip" });
  assert.equal(home.status, 200);
  assert.equal(home.headers.get("content-encoding"), "gzip");
  assert.equal(home.headers.get("cache-control"), "no-cache");
  const html = await home.text();
  const css = /href="(\/help\/style\.[0-9a-f]+\.css)"/.exec(html);
  assert.ok(css, "the home page links its stylesheet under /help/");
  const style = await r(css[1], { "Accept-Encoding": "gzip" });
  assert.equal(style.status, 200);
  assert.equal(style.headers.get("cache-control"), "public, max-age=31536000, immutable");
  assert.equal(style.headers.get("content-encoding"), "gzip");

  const manifest = await r("/help/search/manifest.json");
  assert.equal(manifest.headers.get("cache-control"), "no-cache");
  const m = await manifest.json();
  const hot = await r(`/help/search/${m.hot}`, { "Accept-Encoding": "gzip" });
  assert.equal(hot.headers.get("content-encoding"), "gzip", "the hot file is read whole: compressed");
  assert.equal(hot.headers.get("cache-control"), "public, max-age=31536000, immutable");
  const ranges = await r(`/help/search/${m.pack}`, { Range: "bytes=0-9,100-109", "Accept-Encoding": "gzip" });
  assert.equal(ranges.status, 206);
  assert.match(ranges.headers.get("content-type"), /^multipart\/byteranges/);
  const one = await r(`/help/search/${m.pack}`, { Range: "bytes=10-19", "Accept-Encoding": "gzip" });
  assert.equal(one.status, 206);
  assert.equal(one.headers.get("content-range"), `bytes 10-19/${m.pack_len}`);
  assert.equal((await one.arrayBuffer()).byteLength, 10);

  const missing = await r("/help/no-such-page/");
  assert.equal(missing.status, 404);
  assert.match(await missing.text(), /Page not found/);

  const sitemap = await (await r("/help/sitemap.xml")).text();
  const locs = [...sitemap.matchAll(/<loc>([^<]+)<\/loc>/g)].map((x) => x[1]);
  assert.ok(locs.length > 10, sitemap);
  assert.deepEqual(locs.filter((u) => !u.startsWith(`${base}/help/`)), [], "sitemap URLs outside /help/");
  for (const loc of locs.slice(0, 5)) assert.equal((await r(new URL(loc).pathname)).status, 200, loc);
  assert.match(await (await r("/help/robots.txt")).text(), new RegExp(`Sitemap: ${base}/help/sitemap\\.xml`));
});

test("in Chromium every link, asset, search result and redirect stays under /help/", async () => {
  const { page, responses, done } = await open("/help/");
  const sheets = await page.evaluate(() => [...document.styleSheets].map((s) => s.href).filter(Boolean));
  assert.ok(sheets.some((h) => /\/help\/style\.[0-9a-f]+\.css$/.test(h)), `stylesheets: ${sheets}`);
  // The theme's stylesheet applied: the header is laid out by it, not the browser's defaults.
  assert.notEqual(await page.locator(".site-header").evaluate((e) => getComputedStyle(e).display), "inline");
  const hrefs = await page.evaluate(() => [...document.querySelectorAll("a[href]")].map((a) => a.getAttribute("href")));
  const local = hrefs.filter((h) => h.startsWith("/"));
  assert.ok(local.length > 10, `links: ${hrefs}`);
  assert.deepEqual(local.filter((h) => !h.startsWith("/help/")), [], "root-relative links outside /help/");
  await shot(page, "subpath-home");

  await page.locator(".top-nav a", { hasText: "FAQ" }).click();
  await page.waitForURL(`${base}/help/faq/`);

  await page.locator("#hs-search-input").focus();
  await page.keyboard.type("urgent");
  const hit = page.locator('.hs-search-panel[data-query="urgent"] .hs-hit-link').first();
  await hit.waitFor();
  const href = await hit.getAttribute("href");
  assert.match(href, /^\/help\/[a-z-]/, "search results link under /help/");
  await shot(page, "subpath-search");
  await hit.click();
  await page.waitForURL(`${base}${href.replace(/#.*/, "")}**`);
  // A small site's whole index travels in its hot file (issue 12), so the bundled site may read
  // no pack at all; any pack read must be a single range from nginx, under /help/.
  const hot = responses.filter((r) => /\.hot$/.test(new URL(r.url()).pathname));
  assert.ok(hot.length > 0 && hot.every((r) => r.url().startsWith(`${base}/help/`) && r.status() === 200), "the hot file is read from under /help/");
  const packReads = responses.filter((r) => /\.pack$/.test(new URL(r.url()).pathname));
  assert.ok(packReads.every((r) => r.url().startsWith(`${base}/help/`) && r.status() === 206), "pack reads are ranges from nginx");

  await page.goto(`${base}/help/search/?q=etiquette`);
  const full = page.locator(".hs-hit-link").first();
  await full.waitFor();
  assert.match(await full.getAttribute("href"), /^\/help\//);
  await done();
});

test("aliases redirect, flows step, and the 404 page is styled under /help/", async () => {
  const { page, done } = await open("/help/etiquette/");
  await page.waitForURL(`${base}/help/getting-help/etiquette/`);

  await page.goto(`${base}/help/troubleshooting/should-i-email-support/`);
  await page.locator('[data-step="start"] a[data-next="kind"]').click();
  assert.ok(await page.locator('[data-step="kind"]').isVisible());
  // The next goto would abort this page's late requests (its favicon) and count them as failures.
  await page.waitForLoadState("load");
  assert.ok(new URL(page.url()).pathname.startsWith("/help/troubleshooting/should-i-email-support/"), page.url());
  const contact = await page.locator('a[data-kind="contact"]').first().getAttribute("href");
  assert.match(contact, /^\/help\/contact\//);

  await page.goto(`${base}/help/no-such-page/`);
  const sheets = await page.evaluate(() => [...document.styleSheets].map((s) => s.href).filter(Boolean));
  assert.ok(sheets.some((h) => h.includes("/help/style.")), `404 page stylesheets: ${sheets}`);
  await shot(page, "subpath-404");
  await done(["/help/no-such-page/"]);
});

test("feedback posts go to /help/api/feedback and reach the service through nginx", async () => {
  const { page, done } = await open("/help/getting-help/etiquette/");
  const posted = page.waitForRequest((r) => r.method() === "POST");
  await page.locator("[data-feedback] [data-answer=yes]").click();
  assert.equal((await posted).url(), `${base}/help/api/feedback`);
  await page.locator(".feedback-status", { hasText: "Thank you for telling us." }).waitFor();
  await done();
  const exited = new Promise((r) => service.on("exit", r));
  service.kill("SIGINT");
  assert.equal(await exited, 0, serviceLog);
  assert.match(serviceLog, /stopped; 1 feedback rows written/);
});
