// Troubleshooting flows in headless Chromium: walk a flow to a solution and back, reload and
// history keep the step, staff links open a given step, and with JavaScript off every step is
// on the page and linked. See flows-harness.mjs for how to run them.
import { test, before, after, describe } from "node:test";
import assert from "node:assert/strict";
import { start, context, pagesMatching, screenshot, PHONE, DESKTOP } from "./flows-harness.mjs";

let env;
let flowUrl;
before(async () => {
  env = await start();
  const flows = pagesMatching(/data-flow[ >]/);
  assert.ok(flows.length > 0, "the built site has no page with a troubleshooting flow");
  flowUrl = flows[0];
});
after(async () => env?.close());

/** Which steps are visible, the `?path=` and `end` in the URL. */
async function where(page) {
  return page.evaluate(() => ({
    visible: [...document.querySelectorAll("[data-step]")].filter((s) => s.offsetParent !== null).map((s) => s.dataset.step),
    solved: document.getElementById("flow-solved").offsetParent !== null,
    path: new URL(location.href).searchParams.get("path"),
    end: new URL(location.href).searchParams.get("end"),
    focused: document.activeElement?.id ?? "",
  }));
}

/** The shortest way from the first step to a step with a `solved` answer, from the DOM. */
async function wayToSolved(page) {
  return page.evaluate(() => {
    const root = document.querySelector("[data-flow]");
    const start = root.dataset.start;
    const queue = [[start]];
    const seen = new Set([start]);
    while (queue.length) {
      const path = queue.shift();
      const step = document.querySelector(`[data-step="${path.at(-1)}"]`);
      if (step.querySelector('a[data-kind="solved"]')) return path;
      for (const a of step.querySelectorAll('a[data-kind="next"]')) {
        if (!seen.has(a.dataset.next)) {
          seen.add(a.dataset.next);
          queue.push([...path, a.dataset.next]);
        }
      }
    }
    return null;
  });
}

async function answer(page, from, to) {
  await page.locator(`[data-step="${from}"] a[data-next="${to}"]`).click();
}

describe("troubleshooting flow with JavaScript", () => {
  test("walk to a solution and back; reload and history keep the step", async () => {
    const c = await context(env);
    const page = await c.newPage();
    await page.goto(c.url(flowUrl));
    const way = await wayToSolved(page);
    assert.ok(way && way.length >= 2, `no multi-step way to a solved answer in ${flowUrl}`);
    let here = await where(page);
    assert.deepEqual(here.visible, [way[0]], "only the first step shows at first");
    assert.equal(here.path, null);

    for (let i = 1; i < way.length; i++) {
      await answer(page, way[i - 1], way[i]);
      here = await where(page);
      assert.deepEqual(here.visible, [way[i]]);
      assert.equal(here.path, way.slice(0, i + 1).join(","));
      assert.equal(here.focused, `step-${way[i]}-title`, "focus moves to the new step's heading");
    }
    // The trail lists the steps answered so far.
    const trail = await page.locator("[data-flow-trail] li").allTextContents();
    assert.equal(trail.length, way.length - 1);

    await page.reload();
    here = await where(page);
    assert.deepEqual(here.visible, [way.at(-1)], "reload keeps the step");
    assert.equal(here.path, way.join(","));

    await page.goBack();
    here = await where(page);
    assert.deepEqual(here.visible, [way.at(-2)], "the back button goes one step back");
    await page.goForward();
    assert.deepEqual((await where(page)).visible, [way.at(-1)]);

    await page.locator(`[data-step="${way.at(-1)}"] a[data-kind="solved"]`).first().click();
    here = await where(page);
    assert.ok(here.solved, "the solved end shows");
    assert.deepEqual(here.visible, []);
    assert.equal(here.end, "solved");
    await page.reload();
    assert.ok((await where(page)).solved, "reload keeps the solved end");
    await screenshot(page, "flow-solved-desktop");

    await page.getByRole("button", { name: "Back" }).click();
    assert.deepEqual((await where(page)).visible, [way.at(-1)], "Back from solved returns to the last step");
    await page.getByRole("button", { name: "Start again" }).click();
    here = await where(page);
    assert.deepEqual(here.visible, [way[0]], "Start again goes to the first step");
    assert.equal(here.path, null);
    assert.ok(await page.locator("[data-flow-bar]").isHidden(), "no Back or trail on the first step");
    await answer(page, way[0], way[1]);
    await page.getByRole("button", { name: "Back" }).click();
    assert.deepEqual((await where(page)).visible, [way[0]], "Back goes one step back");

    // What was tried is kept for the composer.
    const record = await page.evaluate((url) => window.helpsiteHistory.flows().find((f) => f.url === url), flowUrl);
    assert.ok(record, "the flow is recorded in the reading history");
    c.expectClean();
    await c.ctx.close();
  });

  test("a staff link opens a given step; old links fall back to the nearest step", async () => {
    const c = await context(env, { viewport: PHONE });
    const page = await c.newPage();
    await page.goto(c.url(flowUrl));
    const way = await wayToSolved(page);

    await page.goto(c.url(`${flowUrl}?path=${way.join(",")}`));
    let here = await where(page);
    assert.deepEqual(here.visible, [way.at(-1)], "?path= opens that step");
    await screenshot(page, "flow-step-phone");

    // A plain anchor (what a no-JS reader would share) becomes the shortest path to that step.
    await page.goto(c.url(`${flowUrl}#step-${way.at(-1)}`));
    here = await where(page);
    assert.deepEqual(here.visible, [way.at(-1)]);
    assert.equal(here.path, way.join(","));

    // A path through a step that no longer exists stops at the last good step, and says so.
    await page.goto(c.url(`${flowUrl}?path=${way[0]},no-such-step`));
    here = await where(page);
    assert.deepEqual(here.visible, [way[0]]);
    assert.match(await page.locator(".flow-note").innerText(), /no longer has/);
    c.expectClean();
    await c.ctx.close();
  });

  test("keyboard: Enter on an answer moves on and focus follows", async () => {
    const c = await context(env);
    const page = await c.newPage();
    await page.goto(c.url(flowUrl));
    const way = await wayToSolved(page);
    await page.locator(`[data-step="${way[0]}"] a[data-next="${way[1]}"]`).focus();
    await page.keyboard.press("Enter");
    const here = await where(page);
    assert.deepEqual(here.visible, [way[1]]);
    assert.equal(here.focused, `step-${way[1]}-title`);
    const status = await page.locator("[data-flow-status]").innerText();
    assert.match(status, /^Step 2: /, "the live region announces the step");
    c.expectClean();
    await c.ctx.close();
  });

  test("a contact answer opens the composer with the page and the path taken", async () => {
    const c = await context(env);
    const page = await c.newPage();
    await page.goto(c.url(flowUrl));
    // Find the shortest way to a contact answer.
    const way = await page.evaluate(() => {
      const start = document.querySelector("[data-flow]").dataset.start;
      const queue = [[start]];
      while (queue.length) {
        const path = queue.shift();
        const step = document.querySelector(`[data-step="${path.at(-1)}"]`);
        if (step.querySelector('a[data-kind="contact"]')) return path;
        for (const a of step.querySelectorAll('a[data-kind="next"]')) if (!path.includes(a.dataset.next)) queue.push([...path, a.dataset.next]);
      }
      return null;
    });
    assert.ok(way, "the flow has a contact answer");
    for (let i = 1; i < way.length; i++) await answer(page, way[i - 1], way[i]);
    const contact = page.locator(`[data-step="${way.at(-1)}"] a[data-kind="contact"]`).first();
    const href = new URL(await contact.getAttribute("href"), c.url("/"));
    assert.equal(href.pathname, "/contact/");
    assert.equal(href.searchParams.get("page"), flowUrl);
    assert.equal(href.searchParams.get("flow"), way.join(","));
    await contact.click();
    await page.waitForURL(/\/contact\//);
    const tried = await page.locator("#c-flows > li").first().innerText();
    const firstTitle = await page.evaluate((url) => window.helpsiteHistory.flows().find((f) => f.url === url).steps[0].title, flowUrl);
    assert.ok(tried.includes(firstTitle), `the composer lists the steps tried: ${tried}`);
    c.expectClean();
    await c.ctx.close();
  });
});

describe("troubleshooting flow without JavaScript", () => {
  test("every step is on the page, visible and linked", async () => {
    for (const url of pagesMatching(/data-flow[ >]/)) {
      const c = await context(env, { javaScriptEnabled: false });
      const page = await c.newPage();
      await page.goto(c.url(url));
      const info = await page.evaluate(() => {
        const root = document.querySelector("[data-flow]");
        const steps = [...root.querySelectorAll("[data-step]")];
        const linked = new Set([root.dataset.start]);
        const answers = [];
        for (const s of steps) {
          for (const a of s.querySelectorAll("a.flow-answer")) {
            answers.push({ from: s.dataset.step, kind: a.dataset.kind, href: a.getAttribute("href") });
            if (a.dataset.kind === "next") linked.add(a.getAttribute("href").replace("#step-", ""));
          }
        }
        return {
          ids: steps.map((s) => s.dataset.step),
          visible: steps.filter((s) => s.offsetParent !== null && s.getBoundingClientRect().height > 0).map((s) => s.dataset.step),
          withoutAnswers: steps.filter((s) => !s.querySelector("a.flow-answer")).map((s) => s.dataset.step),
          linked: [...linked],
          answers,
          barHidden: root.querySelector("[data-flow-bar]").hidden,
        };
      });
      assert.ok(info.ids.length >= 2, `${url}: a flow with steps`);
      assert.deepEqual(info.visible, info.ids, `${url}: every step is shown without JavaScript`);
      assert.deepEqual(info.withoutAnswers, [], `${url}: every step has answer links`);
      assert.deepEqual([...info.linked].sort(), [...info.ids].sort(), `${url}: every step is linked from another (or is the first)`);
      assert.ok(info.barHidden, "the JavaScript-only controls stay hidden");
      for (const a of info.answers) {
        if (a.kind === "next") assert.ok(info.ids.includes(a.href.slice("#step-".length)), `${url}: ${a.href} is a step`);
        if (a.kind === "solved") assert.equal(a.href, "#flow-solved");
        if (a.kind === "contact") assert.match(a.href, /\/contact\/\?page=[^&]+&flow=[\w,-]+$/);
        if (a.kind === "page") {
          const res = await page.request.get(c.url(a.href.split("#")[0]));
          assert.equal(res.status(), 200, `${url}: ${a.href} resolves`);
        }
      }
      // Following an answer lands on that step.
      const next = info.answers.find((a) => a.kind === "next");
      await page.locator(`a.flow-answer[href="${next.href}"]`).first().click();
      assert.equal(new URL(page.url()).hash, next.href);
      if (url === pagesMatching(/data-flow[ >]/)[0]) {
        await screenshot(page, "flow-nojs-desktop");
      }
      c.expectClean();
      await c.ctx.close();
    }
  });
});
