// Browser tests of a built helpsite site in real headless Chromium (Debian's `chromium`).
//
//   helpsite build                     # writes public/
//   npm ci --prefix tests/browser
//   node --test tests/browser/
//
// HELPSITE_PUBLIC   built site directory (default: <repo>/public), served on 127.0.0.1 here
// CHROMIUM_PATH     browser binary (default: /usr/bin/chromium)
// HELPSITE_SCREENSHOTS  where screenshots go (default: <repo>/target/screenshots)
//
// Every page is opened at phone (390x844) and desktop (1280x900) width, in light and dark
// colour schemes. A page fails on any console error, page error, failed or 4xx/5xx request,
// any request to a host other than 127.0.0.1, horizontal overflow, text below WCAG AA
// contrast, or a missing landmark; the skip link and keyboard focus ring are checked by
// pressing Tab. A missing browser is a failure, never a skip.
import { test, before, after, describe } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync, mkdirSync } from "node:fs";
import path from "node:path";
import { repo, chromiumPath, shotsDir, CHROMIUM_ARGS } from "./env.mjs";
import { serve } from "./server.mjs";
import { lowContrastInPage } from "./contrast.mjs";

const publicDir = path.resolve(process.env.HELPSITE_PUBLIC ?? path.join(repo, "public"));

const VIEWPORTS = {
  phone: { width: 390, height: 844, isMobile: true, hasTouch: true, deviceScaleFactor: 2 },
  desktop: { width: 1280, height: 900, isMobile: false, hasTouch: false, deviceScaleFactor: 1 },
};
const SCHEMES = ["light", "dark"];

// ---- finding the pages to open in the built site ----

function htmlFiles(dir, out = []) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) htmlFiles(full, out);
    else if (entry.name === "index.html") out.push(full);
  }
  return out;
}

function urlOf(file) {
  const rel = path.relative(publicDir, path.dirname(file)).split(path.sep).join("/");
  return rel ? `/${rel}/` : "/";
}

/** The pages under test, found by what the theme marks them with. */
function findPages() {
  const files = htmlFiles(publicDir)
    .map((file) => ({ file, html: readFileSync(file, "utf8") }))
    .filter(({ html }) => !/http-equiv="refresh"/i.test(html)); // alias redirects
  files.sort((a, b) => a.file.localeCompare(b.file));
  const first = (what, pred) => {
    const hit = files.find(({ html }) => pred(html));
    assert.ok(hit, `the built site in ${publicDir} has no ${what}; the browser tests need one`);
    return urlOf(hit.file);
  };
  const pages = {
    home: "/",
    section: first("section page (body class `section-page`)", (h) => /<body class="section-page/.test(h)),
    guide: first("page with both a code block and a callout", (h) => /<pre[\s>]/.test(h) && /class="callout /.test(h)),
    faq: first("FAQ page (body class `kind-faq`)", (h) => /<body class="kind-faq/.test(h)),
    notfound: "/this-page-does-not-exist/",
  };
  const flow = files.find(({ html }) => /<body class="kind-troubleshooting/.test(html));
  if (flow) pages.troubleshooting = urlOf(flow.file);
  return pages;
}

// ---- in-page checks (run inside the browser) ----

/** What a keyboard user sees on the focused element. */
function focusInPage() {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const s = getComputedStyle(el);
  const r = el.getBoundingClientRect();
  return {
    tag: el.tagName.toLowerCase(),
    text: (el.textContent || el.getAttribute("aria-label") || "").trim().slice(0, 40),
    className: el.className,
    id: el.id,
    outline: s.outlineStyle !== "none" ? parseFloat(s.outlineWidth) : 0,
    boxShadow: s.boxShadow,
    visible: r.width > 0 && r.height > 0 && r.bottom > 0 && r.right > 0 &&
      r.top < innerHeight && r.left < innerWidth,
  };
}

// ---- the run ----

let chromium;
let browser;
let server;
let pages;

before(async () => {
  assert.ok(existsSync(chromiumPath),
    `Chromium not found at ${chromiumPath}: install it with \`apt-get install -y chromium chromium-driver\` ` +
    "(or set CHROMIUM_PATH); the browser tests never skip");
  try {
    ({ chromium } = await import("playwright-core"));
  } catch (e) {
    assert.fail(`playwright-core is not installed: run \`npm ci --prefix tests/browser\` (${e.message})`);
  }
  assert.ok(existsSync(path.join(publicDir, "index.html")),
    `no built site at ${publicDir}: run \`helpsite build\` first or set HELPSITE_PUBLIC`);
  pages = findPages();
  mkdirSync(shotsDir, { recursive: true });
  server = await serve(publicDir);
  browser = await chromium.launch({ executablePath: chromiumPath, args: CHROMIUM_ARGS });
});

after(async () => {
  await browser?.close();
  await server?.close();
});

/** Opens `url` in a fresh context; collects every problem the page causes. */
async function open(url, viewport, scheme, { javaScriptEnabled = true } = {}) {
  const { width, height, ...device } = VIEWPORTS[viewport];
  const context = await browser.newContext({
    viewport: { width, height }, ...device, colorScheme: scheme, reducedMotion: "reduce", javaScriptEnabled,
  });
  const origin = new URL(server.url).origin;
  await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin });
  const problems = [];
  const offHost = [];
  await context.route("**/*", (route) => {
    const u = new URL(route.request().url());
    if (u.protocol === "data:" || u.protocol === "blob:") return route.continue();
    if (u.hostname !== "127.0.0.1") {
      offHost.push(u.href);
      return route.abort("blockedbyclient");
    }
    return route.continue();
  });
  const page = await context.newPage();
  const target = server.url + url;
  page.on("console", (msg) => {
    if (msg.type() !== "error") return;
    // The not-found page is served with status 404 on purpose; Chromium logs that as an error.
    if (url === pages.notfound && /status of 404/.test(msg.text()) && msg.location().url === target) return;
    problems.push(`console error: ${msg.text()} (${msg.location().url})`);
  });
  page.on("pageerror", (err) => problems.push(`page error: ${err.message}`));
  page.on("requestfailed", (req) => {
    if (new URL(req.url()).hostname === "127.0.0.1") {
      problems.push(`request failed: ${req.url()} ${req.failure()?.errorText}`);
    }
  });
  page.on("response", (res) => {
    if (res.status() >= 400 && !(url === pages.notfound && res.url() === target)) {
      problems.push(`HTTP ${res.status()} for ${res.url()}`);
    }
  });
  const response = await page.goto(target, { waitUntil: "load" });
  return { context, page, response, problems, offHost };
}

function shotName(name, viewport, scheme, suffix = "") {
  return path.join(shotsDir, `${name}-${viewport}-${scheme}${suffix}.png`);
}

for (const viewport of Object.keys(VIEWPORTS)) {
  for (const scheme of SCHEMES) {
    // Pages of one viewport and scheme run two at a time (each in its own browser context).
    describe(`${viewport} ${scheme}`, { concurrency: 2 }, () => {
      for (const name of ["home", "section", "guide", "faq", "troubleshooting", "notfound"]) {
        test(name, async (t) => {
          const url = pages[name];
          if (!url) {
            // Only the troubleshooting page is optional (it arrives with issue 6).
            assert.equal(name, "troubleshooting");
            t.diagnostic("no troubleshooting page in this site");
            return;
          }
          const { context, page, response, problems, offHost } = await open(url, viewport, scheme);
          try {
            assert.equal(response.status(), name === "notfound" ? 404 : 200, `status of ${url}`);

            // Landmarks and the support block.
            assert.equal(await page.locator("header.site-header").count(), 1, "one site header");
            assert.equal(await page.locator("main#main").count(), 1, "one <main id=main>");
            assert.equal(await page.locator("footer.site-footer").count(), 1, "one site footer");
            const mailto = page.locator('.still-stuck a[href^="mailto:"]');
            assert.equal(await mailto.count(), 1, "the Still stuck block with a mailto link");
            assert.ok(await page.locator(".still-stuck").isVisible(), "Still stuck block visible");

            // No sideways scrolling of the whole page (wide tables and code scroll on their own).
            const overflow = await page.evaluate(() => document.documentElement.scrollWidth - innerWidth);
            assert.ok(overflow <= 0, `page is ${overflow}px wider than the ${viewport} viewport`);

            const lowContrast = await page.evaluate(lowContrastInPage);
            assert.deepEqual(lowContrast, [], "text below WCAG AA contrast");

            await page.screenshot({ path: shotName(name, viewport, scheme), fullPage: true });

            // Keyboard: the first Tab lands on a visible skip link; Enter moves focus to <main>.
            await page.keyboard.press("Tab");
            let focus = await page.evaluate(focusInPage);
            assert.equal(focus?.className, "skip-link", "first Tab focuses the skip link");
            assert.ok(focus.visible, "focused skip link is on screen");
            assert.ok(focus.outline >= 2 || focus.boxShadow !== "none", "skip link shows a focus ring");
            if (viewport === "phone" && scheme === "light") {
              await page.screenshot({ path: shotName(name, viewport, scheme, "-skiplink") });
            }
            await page.keyboard.press("Enter");
            focus = await page.evaluate(focusInPage);
            assert.equal(focus?.id, "main", "skip link moves focus to <main>");
            // The next Tabs go through the content; each focused element shows a ring.
            for (let i = 0; i < 4; i++) {
              await page.keyboard.press("Tab");
              focus = await page.evaluate(focusInPage);
              if (!focus) break;
              assert.ok(focus.outline >= 2, `focus ring on <${focus.tag}> "${focus.text}" (outline ${focus.outline}px)`);
            }
            if (name === "guide" && viewport === "desktop") {
              await page.screenshot({ path: shotName(name, viewport, scheme, "-focus") });
            }

            // Section navigation folds on a phone and is open on a desktop.
            const sectionNav = page.locator(".section-nav details");
            if (await sectionNav.count()) {
              const open = await sectionNav.evaluate((d) => d.open);
              assert.equal(open, viewport === "desktop", "section navigation open only on desktop");
            }

            assert.deepEqual(offHost, [], "requests to hosts other than 127.0.0.1");
            assert.deepEqual(problems, [], "console errors, page errors and failed requests");
          } finally {
            await context.close();
          }
        });
      }
    });
  }
}

describe("heading anchors", () => {
  test("clicking a heading's # copies its canonical link and says so", async () => {
    const { context, page, problems, offHost } = await open(pages.guide, "desktop", "light");
    try {
      const anchor = page.locator(".prose h2 a.anchor").first();
      const href = await anchor.getAttribute("href");
      assert.match(href, /^#.+/, "anchor links to its heading");
      const canonical = await page.locator('link[rel="canonical"]').getAttribute("href");
      await anchor.hover();
      assert.equal(await anchor.evaluate((a) => getComputedStyle(a).opacity), "1", "anchor visible on hover");
      await anchor.click();
      await page.locator(".status-toast").filter({ hasText: "copied" }).waitFor({ timeout: 3000 });
      const clip = await page.evaluate(() => navigator.clipboard.readText());
      assert.equal(clip, canonical.split("#")[0] + href);
      assert.equal(await page.locator('.status-toast[role="status"]').count(), 1, "copying reuses one live region");
      assert.equal(await anchor.getAttribute("data-copied"), "Copied", "visible Copied mark");
      await page.screenshot({ path: path.join(shotsDir, "guide-anchor-copied.png") });
      assert.deepEqual(offHost, []);
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });

  test("touch screens, where customers read, show no anchors", async () => {
    const { context, page } = await open(pages.guide, "phone", "light");
    try {
      const shown = await page.locator(".prose h2 a.anchor").evaluateAll((as) => as.filter((a) => a.checkVisibility()).length);
      assert.ok((await page.locator(".prose h2 a.anchor").count()) > 0, "the page has heading anchors");
      assert.equal(shown, 0, "no # after the headings on a phone");
    } finally {
      await context.close();
    }
  });
});

describe("without JavaScript", () => {
  for (const viewport of Object.keys(VIEWPORTS)) {
    test(`section navigation and contents at ${viewport} width`, async () => {
      const { context, page, problems, offHost } = await open(pages.guide, viewport, "light", { javaScriptEnabled: false });
      try {
        const link = page.locator(".section-nav details a").first();
        const summary = page.locator(".section-nav summary");
        if (viewport === "desktop") {
          assert.ok(await link.isVisible(), "sidebar links visible on desktop without JS");
        } else {
          assert.ok(await summary.isVisible(), "a Browse topics toggle on the phone");
          assert.equal(await link.isVisible(), false, "sidebar folded on the phone");
          await summary.click();
          assert.ok(await link.isVisible(), "the toggle opens it without JS");
        }
        await page.screenshot({ path: path.join(shotsDir, `guide-${viewport}-nojs.png`) });
        assert.deepEqual(offHost, []);
        assert.deepEqual(problems, []);
      } finally {
        await context.close();
      }
    });
  }
});

describe("print", () => {
  test("print hides the site chrome and shows link addresses, in light colours", async () => {
    // A reader whose screen is dark still gets dark text on white paper.
    const { context, page } = await open(pages.guide, "desktop", "dark");
    try {
      await page.emulateMedia({ media: "print" });
      assert.deepEqual(await page.evaluate(lowContrastInPage), [], "printed text below WCAG AA contrast");
      const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
      assert.equal(bg, "rgb(255, 255, 255)", "white paper");
      for (const sel of [".top-nav", ".search-slot", ".section-nav", ".pager", ".footer-chrome"]) {
        const shown = await page.locator(sel).evaluateAll((els) => els.some((e) => e.checkVisibility()));
        assert.equal(shown, false, `${sel} hidden in print`);
      }
      assert.ok(await page.locator(".still-stuck").isVisible(), "support address still printed");
      const after = await page.evaluate(() => {
        const a = document.querySelector('.prose a[href]:not([href^="#"])');
        return a ? getComputedStyle(a, "::after").content : null;
      });
      if (after !== null) assert.match(after, /attr|\(/, "link address printed after the link");
      const pdf = await page.pdf({ format: "A4" });
      assert.ok(pdf.length > 1000, "page prints");
    } finally {
      await context.close();
    }
  });
});

describe("aliases", () => {
  test("an alias redirects and keeps the #heading", async (t) => {
    const alias = htmlFiles(publicDir).find((f) => /http-equiv="refresh"/i.test(readFileSync(f, "utf8")));
    if (!alias) {
      t.diagnostic("this site has no aliases");
      return;
    }
    const html = readFileSync(alias, "utf8");
    const target = html.match(/<link rel="canonical" href="([^"]+)"/)[1];
    const { context, page, problems } = await open(urlOf(alias) + "#kept", "desktop", "light");
    try {
      await page.waitForURL((u) => u.pathname === new URL(target).pathname, { timeout: 5000 });
      assert.equal(new URL(page.url()).hash, "#kept");
      assert.deepEqual(problems.filter((p) => !p.includes("#kept")), []);
    } finally {
      await context.close();
    }
  });
});

// ---- the customer's path (issue 15) ----

/** Opens `url` at an arbitrary desktop width (the header search panel depends on it). */
async function openAt(url, width, height = 900) {
  const context = await browser.newContext({ viewport: { width, height }, reducedMotion: "reduce" });
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
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  page.on("console", (m) => m.type() === "error" && problems.push(`console error: ${m.text()}`));
  await page.goto(server.url + url, { waitUntil: "load" });
  return { context, page, problems };
}

describe("header search panel", () => {
  for (const [width, height] of [[1024, 768], [1280, 800], [1440, 900], [390, 844]]) {
    test(`stays on screen at ${width}px`, async () => {
      const { context, page, problems } = width === 390
        ? await open(pages.guide, "phone", "light")
        : await openAt(pages.guide, width, height);
      try {
        const input = page.locator("#hs-search-input");
        await input.click();
        await input.pressSequentially("sender");
        await page.locator("#hs-search-panel:not([hidden]) .hs-hit").first().waitFor({ timeout: 30000 });
        const out = await page.evaluate(() => {
          const panel = document.getElementById("hs-search-panel");
          const r = panel.getBoundingClientRect();
          const cut = [...panel.querySelectorAll(".hs-hit-title, .hs-snippet, button, a")]
            .filter((el) => el.checkVisibility())
            .map((el) => ({ text: el.textContent.trim().slice(0, 30), r: el.getBoundingClientRect() }))
            .filter(({ r }) => r.left < -0.5 || r.right > innerWidth + 0.5)
            .map(({ text, r }) => `${text} (${Math.round(r.left)}–${Math.round(r.right)})`);
          return { left: r.left, right: r.right, width: innerWidth, cut };
        });
        await page.screenshot({ path: path.join(shotsDir, `search-panel-${width}.png`) });
        assert.ok(out.left >= 0 && out.right <= out.width,
          `the panel spans ${Math.round(out.left)}–${Math.round(out.right)} px of ${out.width}`);
        assert.deepEqual(out.cut, [], "results cut off by the screen edge");
        assert.deepEqual(problems.filter((p) => !p.startsWith("console error: Failed to load resource")), []);
      } finally {
        await context.close();
      }
    });
  }
});

describe("home page", () => {
  test("search first, then the products as cards, the guides and a person to write to", async () => {
    const { context, page, problems } = await open("/", "desktop", "light");
    try {
      const box = (sel) => page.locator(sel).first().evaluate((el) => {
        const r = el.getBoundingClientRect();
        return { top: r.top + scrollY, left: r.left, width: r.width, bottom: r.bottom + scrollY };
      });
      const search = await box(".hero #hs-search-input");
      assert.equal(await page.locator("header.site-header #hs-search-input").count(), 0, "one search box, in the hero");
      assert.ok(search.bottom < 900, "the search box is on the first screen");
      assert.ok(search.width >= 500, `a big search box (${search.width}px)`);
      const products = await page.locator(".product-cards > .card h3").allTextContents();
      assert.deepEqual(products.map((t) => t.trim()), ["Connect", "Identity", "Reserve"], "the products, as cards");
      const cardTops = await page.locator(".product-cards > .card").evaluateAll((cs) => cs.map((c) => Math.round(c.getBoundingClientRect().top)));
      assert.equal(new Set(cardTops).size, 1, "the product cards share a row at 1280px");
      assert.ok((await box(".product-cards")).top > search.bottom, "products come after the search box");
      const grid = await box(".home-grid");
      assert.ok(grid.width >= 1000, `the page uses the screen's width (${grid.width}px of 1280)`);
      const guides = await page.locator(".home-guides .guide-list a").allTextContents();
      assert.ok(guides.length >= 3, `troubleshooting guides listed: ${guides}`);
      const contact = await page.locator(".home-contact .still-stuck").innerText();
      assert.match(contact, /aim to reply within 2 business days/, "the response time, in the company's words");
      assert.equal(await page.locator(".still-stuck").count(), 1, "the Still stuck block once");
      await page.screenshot({ path: path.join(shotsDir, "home-layout-desktop.png"), fullPage: true });
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });
});

describe("troubleshooting page", () => {
  for (const viewport of Object.keys(VIEWPORTS)) {
    test(`the flow comes first at ${viewport} width and is listed in On this page`, async () => {
      const { context, page, problems } = await open(pages.troubleshooting, viewport, "light");
      try {
        const first = page.locator(".flow-step:not([hidden]) .flow-step-title").first();
        const top = await first.evaluate((el) => el.getBoundingClientRect().top);
        assert.ok(top < VIEWPORTS[viewport].height - 120, `the first question starts at ${Math.round(top)}px, above the fold`);
        assert.equal(await page.locator(".toc ol a").first().getAttribute("href"), "#flow", "On this page starts with the flow");
        assert.ok(await first.evaluate((h) => {
          const prose = h.closest(".prose");
          const flow = h.closest("[data-flow]");
          return [...prose.querySelectorAll("h2")][0] === flow.querySelector("h2");
        }), "the flow's heading is the page's first");
        await page.screenshot({ path: path.join(shotsDir, `flow-first-${viewport}.png`) });
        assert.deepEqual(problems, []);
      } finally {
        await context.close();
      }
    });
  }

  test("on a phone, each answer's hint (Open the fix ↗) stays inside its button", async () => {
    const { context, page, problems } = await open(pages.troubleshooting, "phone", "light");
    try {
      const answers = page.locator("a.flow-answer");
      assert.ok(await page.locator("a.flow-answer-page").count() > 0, "the flow has answers that open a page");
      // Show every step, so every answer is measured.
      await page.evaluate(() => document.querySelectorAll("[data-step]").forEach((s) => { s.hidden = false; }));
      const spilled = await answers.evaluateAll((as) => as
        .filter((a) => a.scrollWidth > a.clientWidth + 1 || a.scrollHeight > a.clientHeight + 1 ||
          a.getBoundingClientRect().right > a.closest(".flow-step").getBoundingClientRect().right)
        .map((a) => a.textContent.trim()));
      assert.deepEqual(spilled, [], "answers whose content runs out of the button");
      await page.locator("a.flow-answer-page").first().scrollIntoViewIfNeeded();
      await page.screenshot({ path: path.join(shotsDir, "flow-answers-phone.png") });
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });
});

describe("from a failed search", () => {
  test("Ask support about it carries the query into the request composer", async () => {
    const { context, page, problems } = await open(pages.guide, "desktop", "light");
    try {
      const input = page.locator("#hs-search-input");
      await input.click();
      await input.pressSequentially("zxqv blorptastic");
      // The link of the whole query (while typing, a prefix may show its own for a moment).
      const ask = page.locator(`#hs-search-panel a.hs-contact[href$="?q=${encodeURIComponent("zxqv blorptastic")}"]`);
      await ask.waitFor({ timeout: 30000 });
      await ask.click();
      await page.waitForURL((u) => u.pathname === "/contact/" && u.searchParams.get("q") === "zxqv blorptastic");
      await page.locator("#c-searched").waitFor();
      assert.match(await page.locator("#c-searched").innerText(), /You searched this site for “zxqv blorptastic”/);
      assert.ok((await page.locator("#c-preview").inputValue()).includes('I searched this site for: "zxqv blorptastic"'));
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });
});
