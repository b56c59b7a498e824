// The support-request composer (/contact/) in headless Chromium: the subject coach and its
// fairness rule (docs/composer.md), the reading history list, the mailto: link's encoding, a
// realistic request kept within the mail link by its compact lines, the copy-to-clipboard
// fallback for genuinely long requests, the query of a failed search carried in (`?q=`), and the
// etiquette points at the top of the form. See flows-harness.mjs for the environment.
import { test, before, after, describe } from "node:test";
import assert from "node:assert/strict";
import { start, context, pagesMatching, screenshot, PHONE, DESKTOP } from "./flows-harness.mjs";

let env;
before(async () => {
  env = await start();
});
after(async () => env?.close());

async function composer(c, query = "") {
  const page = await c.newPage();
  await page.goto(c.url(`/contact/${query}`));
  await page.locator("#composer").waitFor();
  return page;
}

/** Types a subject, leaves the field, and returns the coach's message kinds. */
async function coachFor(page, subject, fields = {}) {
  for (const [id, text] of Object.entries(fields)) await page.fill(`#${id}`, text);
  await page.fill("#c-subject", subject);
  await page.locator("#c-subject").blur();
  return page.locator("#c-subject-coach [data-coach]").evaluateAll((els) => els.map((e) => e.dataset.coach));
}

/** Splits a mailto: URL into its address and decoded `subject` and `body`. */
function decodeMailto(href) {
  assert.ok(href.startsWith("mailto:"), href);
  const [address, query] = href.slice("mailto:".length).split("?");
  const params = {};
  for (const pair of query.split("&")) {
    const [key, value] = pair.split("=");
    params[key] = decodeURIComponent(value);
  }
  return { address, ...params };
}

describe("subject coach", () => {
  test("warns on URGENT - HELP and on an all-caps subject, gently and with the reason", async () => {
    const c = await context(env);
    const page = await composer(c);
    assert.deepEqual(await coachFor(page, "URGENT - HELP"), ["urgent", "caps", "vague"]);
    const text = await page.locator("#c-subject-coach").innerText();
    assert.match(text, /won't get a faster reply/);
    assert.match(text, /in the order it arrives/);
    const describedBy = await page.locator("#c-subject").getAttribute("aria-describedby");
    assert.ok(describedBy.split(" ").includes("c-subject-coach"), "the coach describes the subject field");
    assert.equal(await page.locator("#c-subject-coach").getAttribute("aria-live"), "polite");
    await screenshot(page, "composer-coach-desktop");

    assert.deepEqual(await coachFor(page, "SMS SENDER NOT SENDING MESSAGES"), ["caps"]);
    assert.deepEqual(await coachFor(page, "Login BROKEN PLEASE fix"), ["caps"], "two shouted words count as capitals");
    assert.deepEqual(await coachFor(page, "urgent: reminders not sent"), ["urgent"]);
    assert.deepEqual(await coachFor(page, "Reminders not sent ASAP"), ["urgent"]);
    assert.deepEqual(await coachFor(page, "Reminders not sent!!!"), ["urgent"]);
    assert.deepEqual(await coachFor(page, "not working"), ["vague"]);
    assert.deepEqual(await coachFor(page, "Help"), ["vague"]);
    assert.deepEqual(await coachFor(page, ""), ["empty"]);
    assert.deepEqual(await coachFor(page, "SMS sender stuck on Pending in Connect"), [], "acronyms in a normal subject are fine");
    c.expectClean();
    await c.ctx.close();
  });

  test("fairness: a name such as Urgent Care is not treated as urgency", async () => {
    const c = await context(env);
    const page = await composer(c);
    // Named in the description too: clearly a name, no coaching at all.
    assert.deepEqual(
      await coachFor(page, "Reminders not sent for Northside Urgent Care", {
        "c-trying": "Send booking reminders for our Northside Urgent Care location",
      }),
      [],
    );
    // Only in the subject: a soft note the customer can dismiss.
    await page.fill("#c-trying", "");
    assert.deepEqual(await coachFor(page, "Urgent Care bookings not syncing"), ["name"]);
    assert.ok(await page.locator("#c-subject-coach").evaluate((e) => e.classList.contains("coach-soft")));
    await page.getByRole("button", { name: "“Urgent Care” is a name" }).click();
    assert.deepEqual(await page.locator("#c-subject-coach [data-coach]").count(), 0);
    // Capitalised request words are not a name.
    assert.deepEqual(await coachFor(page, "Urgent Help Needed"), ["urgent", "vague"]);
    assert.deepEqual(await coachFor(page, "Urgent: bookings not syncing"), ["urgent"]);
    // The description itself is never coached.
    assert.deepEqual(
      await coachFor(page, "Booking reminders not sent for Reserve", { "c-happened": "URGENT!!! NOTHING WORKS ASAP" }),
      [],
    );
    c.expectClean();
    await c.ctx.close();
  });
});

describe("reading history", () => {
  test("visited pages are listed, removable one by one, and history can be turned off", async () => {
    const c = await context(env);
    const docs = pagesMatching(/<body class="kind-(guide|policy|faq)/).filter((u) => u !== "/contact/").slice(0, 3);
    assert.equal(docs.length, 3, "three content pages to visit");
    const page = await c.newPage();
    const titles = [];
    for (const url of docs) {
      await page.goto(c.url(url));
      titles.push((await page.locator("main h1").first().innerText()).trim());
    }
    await page.goto(c.url("/contact/"));
    const listed = () => page.locator("#c-docs > li > a").allTextContents();
    assert.deepEqual(await listed(), [...titles].reverse(), "most recent first");
    assert.match(await page.locator("#c-preview").inputValue(), new RegExp(`- ${titles[1]}: https?://`));

    await page.getByRole("button", { name: `Remove “${titles[1]}”` }).click();
    assert.deepEqual(await listed(), [titles[2], titles[0]]);
    assert.equal(await page.evaluate(() => document.activeElement.textContent), "Remove", "focus stays in the list");
    assert.ok(!(await page.locator("#c-preview").inputValue()).includes(titles[1]), "removed from the email");
    await page.reload();
    assert.deepEqual(await listed(), [titles[2], titles[0]], "removal is remembered");

    await page.getByRole("switch", { name: /Remember the pages/ }).uncheck();
    assert.deepEqual(await listed(), []);
    assert.ok(await page.locator("#c-docs-empty").isVisible());
    assert.equal(await page.evaluate(() => localStorage.getItem("helpsite:visited")), null, "history is forgotten");
    await page.goto(c.url(docs[0]));
    await page.goto(c.url("/contact/"));
    assert.deepEqual(await listed(), [], "nothing is recorded while history is off");
    assert.equal(await page.getByRole("switch").isChecked(), false);
    await page.getByRole("switch").check();
    await page.goto(c.url(docs[0]));
    await page.goto(c.url("/contact/"));
    assert.deepEqual(await listed(), [titles[0]], "recording resumes when turned back on");
    c.expectClean();
    await c.ctx.close();
  });
});

describe("mailto and copy", () => {
  test("the mailto: link decodes to the expected subject and body", async () => {
    const c = await context(env);
    const page = await composer(c);
    await page.evaluate(() => localStorage.clear());
    await page.reload();
    const subject = 'Café bookings: "50% off" & #1 + ?= not shown 🙂';
    await page.fill("#c-subject", subject);
    await page.selectOption("#c-product", { index: 1 });
    const product = await page.locator("#c-product").inputValue();
    await page.fill("#c-trying", "Show the offer\non the booking page");
    await page.fill("#c-happened", "It shows 予約 & nothing else");
    await page.fill("#c-expected", "The offer, line 1\r\nline 2");
    await page.check("#c-screenshots");
    await page.check('input[name="repeatable"][value="Sometimes"]');
    const href = await page.locator("#c-mailto").getAttribute("href");
    assert.ok(!/[\s\n]/.test(href), "no raw whitespace in the link");
    assert.ok(href.includes("%0D%0A"), "line breaks are CRLF");
    assert.ok(!href.includes("+"), "spaces are %20, never +");
    const mail = decodeMailto(href);
    assert.equal(mail.address, await page.locator("#composer").getAttribute("data-support-email"));
    assert.equal(mail.subject, subject);
    const formLink = await page.evaluate(() => document.getElementById("composer").dataset.baseUrl + "contact/");
    const expected = [
      "Hello,",
      `Product: ${product}`,
      "What I was trying to do:\nShow the offer\non the booking page",
      "What actually happened:\nIt shows 予約 & nothing else",
      "What I expected to happen:\nThe offer, line 1\nline 2",
      "Error messages:\nI've attached screenshots to this email.",
      "Does it happen again if I repeat it? Sometimes",
      `--\nWritten with the support request form: ${formLink}`,
    ].join("\n\n").replace(/\n/g, "\r\n");
    assert.equal(mail.body, expected);
    await screenshot(page, "composer-filled-desktop");
    c.expectClean();
    await c.ctx.close();
  });

  test("a long request degrades to copy-to-clipboard with a clear message", async () => {
    const c = await context(env, { viewport: PHONE, allow: [/mailto/i, /scheme does not have a registered handler/] });
    await c.ctx.grantPermissions(["clipboard-read", "clipboard-write"], { origin: c.url("") });
    const page = await composer(c);
    await page.fill("#c-subject", "Reminder emails not sent for Reserve bookings");
    assert.ok(await page.locator("#c-too-long").isHidden());
    const long = Array.from({ length: 60 }, (_, i) => `Line ${i + 1}: the reminder for booking ${1000 + i} was not sent.`).join("\n");
    await page.fill("#c-happened", long);
    assert.ok(await page.locator("#c-too-long").isVisible(), "the long-request message shows");
    assert.equal((await page.locator("#c-mailto").innerText()).trim(), "Copy, then open my email app");
    const href = await page.locator("#c-mailto").getAttribute("href");
    assert.ok(href.length <= 2000, `the link stays under the limit (${href.length})`);
    const mail = decodeMailto(href);
    assert.equal(mail.subject, "Reminder emails not sent for Reserve bookings");
    assert.match(mail.body, /Paste the request/);

    await page.getByRole("button", { name: "Copy to clipboard" }).click();
    await page.locator("#c-status").filter({ hasText: "Copied" }).waitFor();
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    assert.ok(copied.includes("Line 60: the reminder for booking 1059 was not sent."), "the whole request is copied");
    assert.match(await page.locator("#c-status").innerText(), /hello@|with the subject/);
    await screenshot(page, "composer-long-phone");
    c.expectClean();
    await c.ctx.close();
  });

  test("phone width: no horizontal overflow, prefilled from a flow link", async () => {
    for (const viewport of [PHONE, DESKTOP]) {
      const c = await context(env, { viewport });
      const flows = pagesMatching(/data-flow[ >]/);
      const page = await composer(c, `?page=${flows[0]}&flow=start`);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      assert.ok(overflow <= 0, `no horizontal scrolling (${overflow}px)`);
      const width = await page.locator("#composer").evaluate((e) => e.getBoundingClientRect().width);
      assert.ok(width >= Math.min(viewport.width - 64, 600), `the form uses the page's width (${width}px)`);
      assert.ok((await page.locator("#c-docs > li").count()) >= 1, "the page the customer came from is listed");
      assert.ok((await page.locator("#c-flows > li").count()) >= 1, "the flow path from the link is listed");
      await page.fill("#c-subject", "URGENT");
      await page.locator("#c-subject").blur();
      await screenshot(page, `composer-${viewport === PHONE ? "phone" : "desktop"}`);
      c.expectClean();
      await c.ctx.close();
    }
  });
});

describe("a realistic request", () => {
  test("five pages read and a five-step flow still open in the email app, in compact lines", async (t) => {
    const c = await context(env);
    const page = await composer(c);
    const flowUrl = pagesMatching(/data-flow[ >]/)[0];
    const docs = pagesMatching(/<body class="kind-(guide|policy|faq)/).filter((u) => u !== "/contact/");
    assert.ok(docs.length >= 3, "pages to have read");
    // What a customer's browser holds after reading five pages and walking a flow to its end.
    const read = [
      ...docs.map((url, i) => ({ url, title: `Guide page number ${i + 1} about senders and domains` })),
      { url: "/guides/senders/extra-one/", title: "Why are my emails going to spam or junk folders" },
      { url: "/guides/senders/extra-two/", title: "How do I check my DNS records at my provider" },
    ].slice(0, 5);
    const steps = [
      ["start", "What kind of message isn't going out?", "Emails"],
      ["email-verified", "Is the email sender verified?", "Yes, it's verified"],
      ["email-test", "Send yourself a test email", "It arrived in my inbox"],
      ["email-recipients", "Is it only some recipients?", "Addresses are right and it isn't in spam"],
      ["email-dns", "Are your DNS records right?", "The records match exactly, and it's been more than two days"],
    ].map(([id, title, answer]) => ({ id, title, answer }));
    await page.evaluate(({ read, steps, flowUrl }) => {
      const at = Date.now();
      localStorage.setItem("helpsite:visited", JSON.stringify(read.map((r) => ({ ...r, at }))));
      localStorage.setItem("helpsite:flows", JSON.stringify([{ url: flowUrl, title: "My emails aren't sending", steps, outcome: "still stuck", at }]));
    }, { read, steps, flowUrl });
    await page.reload();
    const fields = {
      subject: "Booking reminder emails not arriving for Reserve customers",
      trying: "Send the automatic reminder email to customers 24 hours before their booking at our Northside location.",
      happened: "Since Monday none of the reminders have arrived. The booking confirmations still arrive as normal, and the reminders show as sent in the activity log.",
      expected: "Each customer gets the reminder email the day before their appointment, like they did last week.",
      errors: "No error on screen. The activity log says: Delivered to mail server (250 OK).",
      changes: "We changed our DNS provider last Friday and moved the domain's MX records. It worked before that.",
    };
    await page.fill("#c-subject", fields.subject);
    await page.selectOption("#c-product", "Reserve");
    for (const key of ["trying", "happened", "expected", "errors", "changes"]) await page.fill(`#c-${key}`, fields[key]);
    await page.check("#c-screenshots");
    await page.check('input[name="repeatable"][value="Yes, every time"]');

    const lengths = await page.evaluate(({ fields, read, steps, flowUrl }) => {
      const form = document.getElementById("composer");
      const base = form.dataset.baseUrl;
      const link = (url) => base + url.slice(1);
      const d = {
        product: "Reserve", ...fields, screenshots: true, repeatable: "Yes, every time",
        searched: "", origin: new URL(base).origin,
        docs: read.map((r) => ({ title: r.title, link: link(r.url), path: r.url })),
        flows: [{ title: "My emails aren't sending", link: link(`${flowUrl}?path=${steps.map((s) => s.id).join(",")}`), steps }],
        formLink: link(form.dataset.composerUrl),
      };
      const { buildBody, mailtoHref } = window.helpsiteComposer;
      const to = form.dataset.supportEmail;
      return {
        full: mailtoHref(to, fields.subject, buildBody(d)).length,
        compact: mailtoHref(to, fields.subject, buildBody(d, { compact: true })),
      };
    }, { fields, read, steps, flowUrl });
    assert.ok(lengths.full > 2000, `with a line per page and step the link would be ${lengths.full} characters`);
    assert.ok(lengths.compact.length <= 2000, `the compact link is ${lengths.compact.length} characters`);
    t.diagnostic(`mail link: ${lengths.full} characters with a line per page and step, ${lengths.compact.length} compact`);
    const href = await page.locator("#c-mailto").getAttribute("href");
    assert.equal(href, lengths.compact, "the link carries the compact request");
    assert.ok(href.length <= 2000, `the link fits (${href.length} characters)`);
    assert.equal(await page.locator("#c-mailto").getAttribute("data-compact"), "true");
    assert.ok(await page.locator("#c-too-long").isHidden(), "no copy-and-paste detour");
    assert.equal((await page.locator("#c-mailto").innerText()).trim(), "Open in my email app");
    const mail = decodeMailto(href);
    assert.equal(mail.subject, fields.subject);
    for (const r of read) assert.ok(mail.body.includes(r.url), `the email names ${r.url}`);
    assert.match(mail.body, /Docs I've already read \(on https:\/\/support\.example\.com\): \//);
    assert.ok(mail.body.includes(`${flowUrl}?path=start,email-verified,email-test,email-recipients,email-dns`),
      "the flow's link reopens the same step for staff");
    assert.match(mail.body, /\(5 steps, last answer: The records match exactly, and it's been more than two days\): https:/);
    assert.equal(await page.locator("#c-preview").inputValue(), mail.body.replace(/\r\n/g, "\n"), "the preview shows what is sent");
    await screenshot(page, "composer-realistic-desktop");
    c.expectClean();
    await c.ctx.close();
  });
});

describe("from a failed search", () => {
  test("?q= is shown, goes into the email, and can be removed", async () => {
    const c = await context(env, { viewport: PHONE });
    const page = await composer(c, "?q=" + encodeURIComponent("txt  mesages not sent"));
    const searched = page.locator("#c-searched");
    assert.ok(await searched.isVisible(), "the search is shown");
    assert.match(await searched.innerText(), /You searched this site for “txt mesages not sent”/);
    let mail = decodeMailto(await page.locator("#c-mailto").getAttribute("href"));
    assert.ok(mail.body.includes('I searched this site for: "txt mesages not sent"'), mail.body);
    await screenshot(page, "composer-searched-phone");
    await page.getByRole("button", { name: "Remove the search “txt mesages not sent”" }).click();
    assert.ok(await searched.isHidden());
    mail = decodeMailto(await page.locator("#c-mailto").getAttribute("href"));
    assert.ok(!mail.body.includes("searched"), "removed from the email");
    c.expectClean();
    await c.ctx.close();
  });
});

describe("etiquette", () => {
  test("the points the company asks for come first in the form, briefly", async () => {
    for (const viewport of [PHONE, DESKTOP]) {
      const c = await context(env, { viewport });
      const page = await composer(c);
      const box = page.locator(".composer-etiquette");
      const text = (await box.innerText()).replace(/\s+/g, " ");
      for (const point of ["One request per problem", "clear subject", "What you tried", "Screenshots"]) {
        assert.ok(text.includes(point), `${point} in: ${text}`);
      }
      assert.ok(text.length < 500, `brief (${text.length} characters)`);
      const [etiquetteTop, productTop] = await Promise.all([box, page.locator("#c-product")]
        .map((l) => l.evaluate((el) => el.getBoundingClientRect().top)));
      assert.ok(etiquetteTop < productTop, "before the first field");
      assert.equal(await box.getByRole("link", { name: "Our support etiquette" }).getAttribute("href"), "/guides/etiquette/");
      c.expectClean();
      await c.ctx.close();
    }
  });
});
