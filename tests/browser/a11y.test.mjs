// The accessibility sweep: axe-core 4 in real headless Chromium on every page kind of the built
// bundled site (home, section, guide, FAQ, troubleshooting flow, request composer, search page
// with results, policy, 404, and a page with the header search panel open on results), each at
// desktop light, desktop dark and phone. A serious or critical violation fails the test; the
// lesser ones are printed as diagnostics. Each page is also saved as a screenshot,
// `<screenshots>/a11y-<kind>-<mode>.png`, to be looked at before a change to the theme lands.
//
//   helpsite build && npm ci --prefix tests/browser && node --test tests/browser/a11y.test.mjs
//
// HELPSITE_PUBLIC   built site directory (default: <repo>/public), served on 127.0.0.1 here
// CHROMIUM_PATH     browser binary (default: /usr/bin/chromium); a missing browser is a failure
//
// axe is read from node_modules and evaluated in the page through the DevTools protocol, so the
// pages keep their Content-Security-Policy and nothing is fetched from another host (such a
// request fails the test).
import { test, before, after, describe } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdirSync, readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { repo, chromiumPath, shotsDir, CHROMIUM_ARGS, PHONE, DESKTOP } from "./env.mjs";
import { serve } from "./server.mjs";

const publicDir = path.resolve(process.env.HELPSITE_PUBLIC ?? path.join(repo, "public"));
const MODES = {
  "desktop light": { ...DESKTOP, colorScheme: "light" },
  "desktop dark": { ...DESKTOP, colorScheme: "dark" },
  "phone": { ...PHONE, colorScheme: "light" },
};
// Rules that may fail while their fix waits on a file this suite's owner cannot change, with
// the reason. Each is still run and reported; the test fails if one of them stops failing, so
// the entry cannot outlive its reason. Empty means every rule counts.
const KNOWN = {};

let axeSource;
let browser;
let server;
let pages;

function htmlFiles(dir, out = []) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) htmlFiles(full, out);
    else if (entry.name === "index.html") out.push(full);
  }
  return out;
}

/** One URL per page kind, found by the body classes the theme sets. */
function findPages() {
  const files = htmlFiles(publicDir)
    .map((file) => ({ file, html: readFileSync(file, "utf8") }))
    .filter(({ html }) => !/http-equiv="refresh"/i.test(html))
    .sort((a, b) => a.file.localeCompare(b.file));
  const urlOf = (file) => {
    const rel = path.relative(publicDir, path.dirname(file)).split(path.sep).join("/");
    return rel ? `/${rel}/` : "/";
  };
  const first = (what, pred) => {
    const hit = files.find(({ html }) => pred(html));
    assert.ok(hit, `the built site in ${publicDir} has no ${what}`);
    return urlOf(hit.file);
  };
  return {
    home: "/",
    section: first("section page", (h) => /<body class="section-page/.test(h)),
    // A guide with a table: on a phone it scrolls sideways, which must be reachable by keyboard.
    guide: first("guide with a table", (h) => /<body class="kind-guide/.test(h) && /<table/.test(h)),
    faq: first("FAQ page", (h) => /<body class="kind-faq/.test(h)),
    flow: first("troubleshooting page with a flow", (h) => /<body class="kind-troubleshooting/.test(h) && /data-flow[ >]/.test(h)),
    contact: first("request composer", (h) => /composer-page/.test(h)),
    policy: first("policy page", (h) => /<body class="kind-policy/.test(h)),
    search: "/search/?q=sender",
    notfound: "/this-page-does-not-exist/",
  };
}

before(async () => {
  assert.ok(existsSync(chromiumPath),
    `Chromium not found at ${chromiumPath}: install it with \`apt-get install -y chromium\` (or set CHROMIUM_PATH); this suite never skips`);
  assert.ok(existsSync(path.join(publicDir, "index.html")),
    `no built site at ${publicDir}: run \`helpsite build\` first or set HELPSITE_PUBLIC`);
  const require = createRequire(import.meta.url);
  let axePath;
  try {
    axePath = require.resolve("axe-core/axe.min.js");
  } catch (e) {
    assert.fail(`axe-core is not installed: run \`npm ci --prefix tests/browser\` (${e.message})`);
  }
  axeSource = readFileSync(axePath, "utf8");
  const { chromium } = await import("playwright-core");
  pages = findPages();
  mkdirSync(shotsDir, { recursive: true });
  server = await serve(publicDir);
  browser = await chromium.launch({ executablePath: chromiumPath, args: CHROMIUM_ARGS });
});

after(async () => {
  await browser?.close();
  await server?.close();
});

/** Opens `url`; `problems` collects console and page errors, failed and off-host requests. */
async function open(url, mode) {
  const { viewport, colorScheme, ...device } = MODES[mode];
  const context = await browser.newContext({ viewport, ...device, colorScheme, reducedMotion: "reduce" });
  const problems = [];
  await context.route("**/*", (route) => {
    const u = new URL(route.request().url());
    if (u.protocol !== "data:" && u.protocol !== "blob:" && u.hostname !== "127.0.0.1") {
      problems.push(`request to another host: ${u.href}`);
      return route.abort("blockedbyclient");
    }
    return route.continue();
  });
  const page = await context.newPage();
  const target = server.url + url;
  page.on("console", (m) => {
    if (m.type() !== "error") return;
    if (url === pages.notfound && /status of 404/.test(m.text())) return; // served 404 on purpose
    problems.push(`console error: ${m.text()}`);
  });
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  page.on("requestfailed", (r) => problems.push(`request failed: ${r.url()} ${r.failure()?.errorText}`));
  await page.goto(target, { waitUntil: "load" });
  return { context, page, problems };
}

/** Runs axe over the whole page; returns violations as `{id, impact, help, nodes: [selector…]}`. */
async function axe(page) {
  await page.evaluate(axeSource);
  const result = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, { resultTypes: ["violations"] });
    return r.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => `${n.target.join(" ")}${n.failureSummary ? ` — ${n.failureSummary.split("\n").slice(1).join(" ").trim()}` : ""}`),
    }));
  });
  return result;
}

/** Fails on serious and critical violations (except KNOWN ones, which must still fail). */
function judge(t, where, violations) {
  const grave = violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  for (const v of violations.filter((v) => !grave.includes(v))) {
    t.diagnostic(`${where}: ${v.impact} ${v.id} (${v.help}) on ${v.nodes.length} node(s): ${v.nodes.slice(0, 3).join("; ")}`);
  }
  const unexpected = grave.filter((v) => !KNOWN[v.id]);
  for (const v of grave.filter((v) => KNOWN[v.id])) t.diagnostic(`${where}: known ${v.id}: ${KNOWN[v.id]}`);
  assert.deepEqual(
    unexpected.map((v) => `${v.impact} ${v.id}: ${v.help}\n    ${v.nodes.slice(0, 8).join("\n    ")}`),
    [],
    `${where}: serious or critical axe violations`,
  );
  return grave.map((v) => v.id);
}

const seenKnown = new Set();
const shot = (kind, mode) => path.join(shotsDir, `a11y-${kind}-${mode.replace(" ", "-")}.png`);

for (const mode of Object.keys(MODES)) {
  describe(mode, () => {
    for (const kind of ["home", "section", "guide", "faq", "flow", "contact", "search", "policy", "notfound"]) {
      test(kind, async (t) => {
        const { context, page, problems } = await open(pages[kind], mode);
        try {
          if (kind === "search") {
            // The results, with their highlighted words, are what must read well.
            await page.locator(".hs-page-results .hs-hit mark").first().waitFor({ timeout: 30000 });
          }
          if (kind === "contact") await page.locator("#composer:not([hidden])").waitFor();
          await page.screenshot({ path: shot(kind, mode), fullPage: true });
          for (const id of judge(t, `${kind} (${pages[kind]}) at ${mode}`, await axe(page))) seenKnown.add(id);
          assert.deepEqual(problems, [], "console errors, failed or off-host requests");
        } finally {
          await context.close();
        }
      });
    }

    test("header search panel open on results", async (t) => {
      const { context, page, problems } = await open(pages.guide, mode);
      try {
        const input = page.locator("#hs-search-input");
        await input.click();
        await input.pressSequentially("sender");
        await page.locator("#hs-search-panel:not([hidden]) .hs-hit mark").first().waitFor({ timeout: 30000 });
        await page.screenshot({ path: shot("panel", mode) });
        for (const id of judge(t, `search panel on ${pages.guide} at ${mode}`, await axe(page))) seenKnown.add(id);
        assert.deepEqual(problems, [], "console errors, failed or off-host requests");
      } finally {
        await context.close();
      }
    });
  });
}

test("every rule listed as known still fails somewhere (else remove it from KNOWN)", () => {
  assert.deepEqual(Object.keys(KNOWN).filter((id) => !seenKnown.has(id)), []);
});
