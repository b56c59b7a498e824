// The support-request composer at /contact/.
//
// It turns the "Getting the best help" checklist into a plain-text email for staff, coaches the
// subject the way the support etiquette guide asks (no "URGENT", no capitals, name the problem),
// lists the docs this browser read and the troubleshooting steps it tried (from visited.js's
// `helpsiteHistory`, kept only in localStorage), and hands the email to the customer's own email
// app (`mailto:`) or clipboard. Nothing is sent from the page. A query from a search that found
// nothing (`?q=`, the search box's "Ask support about it") is carried into the email. A normal
// request fits the mail link: when the full text would not, the read pages and tried steps are
// written compactly (paths, one link per flow); only text still too long is copied instead. The
// coach's rules and the email format are documented in docs/composer.md; the pure parts are
// exposed as `window.helpsiteComposer` for tests.
(() => {
  "use strict";

  // Links longer than this are not opened reliably: Chrome fails around 2,000 characters, Outlook
  // with any browser at 2,046, webmail handlers earlier. Past it we copy the text instead.
  const MAILTO_LIMIT = 2000;
  const MAX_DOCS = 10;

  const URGENCY = new Set(["urgent", "urgently", "urgency", "asap", "emergency", "immediately"]);
  const URGENCY_PATTERNS = [/\ba\.s\.a\.p\b/i, /\bright now\b/i, /!{2,}/];
  // Words that say nothing about *what* is wrong. A subject made only of these is too vague.
  const VAGUE = new Set([
    "help", "broken", "problem", "problems", "issue", "issues", "not", "working", "work", "works",
    "doesn't", "doesnt", "don't", "dont", "isn't", "isnt", "error", "errors", "bug", "question",
    "support", "please", "pls", "plz", "fix", "me", "my", "i", "it", "is", "the", "a", "an", "we",
    "us", "our", "need", "needed", "needs", "have", "has", "got", "with", "this", "now", "again",
    "still", "hi", "hello", "hey", "quick", "something", "wrong", "went", "system", "everything",
    "anything", "nothing", "all", "site", "app", "down", "request", "required", "attention",
    "important", "critical", ...URGENCY,
  ]);
  // Capitalised words that make "Urgent X" a request rather than a name ("Urgent Help Needed").
  const NOT_NAME = new Set([...VAGUE].filter((w) => !["site", "app", "system"].includes(w)));

  const tokens = (text) =>
    [...text.matchAll(/[\p{L}\p{N}][\p{L}\p{N}'’]*/gu)].map((m) => ({ text: m[0], start: m.index, end: m.index + m[0].length }));
  const isTitleCase = (w) => /^\p{Lu}[\p{Ll}'’]+$/u.test(w);

  /**
   * The capitalised multi-word name around `tokens[i]` ("Northside Urgent Care"), or null.
   * Neighbours count when only a space separates them, they are Title Case, and they are not
   * words that make a request ("Help", "Needed", "Problem").
   */
  function nameAround(subject, toks, i) {
    if (!isTitleCase(toks[i].text)) return null;
    const joins = (a, b) => /^ $/.test(subject.slice(toks[a].end, toks[b].start));
    const fits = (j) => isTitleCase(toks[j].text) && !NOT_NAME.has(toks[j].text.toLowerCase());
    let from = i;
    let to = i;
    while (from > 0 && joins(from - 1, from) && fits(from - 1)) from--;
    while (to + 1 < toks.length && joins(to, to + 1) && fits(to + 1)) to++;
    return from === to ? null : subject.slice(toks[from].start, toks[to].end);
  }

  /**
   * Coaching for a subject. `description` is everything else the customer wrote: a name that
   * also appears there ("Urgent Care" as a location) is clearly a name and is not flagged.
   * `dismissed` holds names the customer said are names. Returns `[{kind, soft, name?}]`.
   */
  function coach(subject, description = "", dismissed = new Set()) {
    const found = [];
    const text = subject.trim();
    if (!text) return [{ kind: "empty", soft: false }];
    const toks = tokens(text);

    let urgent = URGENCY_PATTERNS.some((re) => re.test(text));
    const names = new Set();
    toks.forEach((t, i) => {
      if (!URGENCY.has(t.text.toLowerCase())) return;
      const name = nameAround(text, toks, i);
      if (name === null) urgent = true;
      else if (!description.includes(name) && !dismissed.has(name)) names.add(name);
    });
    if (urgent) found.push({ kind: "urgent", soft: false });
    for (const name of names) found.push({ kind: "name", soft: true, name });

    const letters = text.match(/\p{L}/gu) ?? [];
    const shouting = toks.filter((t) => /^\p{Lu}{5,}$/u.test(t.text)).length;
    if ((letters.length >= 6 && !/\p{Ll}/u.test(text)) || shouting >= 2) found.push({ kind: "caps", soft: false });

    if (toks.length && toks.every((t) => VAGUE.has(t.text.toLowerCase().replace("’", "'")))) {
      found.push({ kind: "vague", soft: false });
    }
    return found;
  }

  /**
   * The plain-text email body staff read; empty answers are left out. `compact` writes what was
   * already read on one line of paths (`d.origin` once) and each flow as one line ending in the
   * link that reopens it at the same step, for requests that would not fit a mail link.
   */
  function buildBody(d, { compact = false } = {}) {
    const parts = ["Hello,"];
    const add = (title, text) => {
      if (text && text.trim()) parts.push(`${title}\n${text.trim()}`);
    };
    if (d.product) parts.push(`Product: ${d.product}`);
    add("What I was trying to do:", d.trying);
    add("What actually happened:", d.happened);
    add("What I expected to happen:", d.expected);
    if ((d.errors && d.errors.trim()) || d.screenshots) {
      const lines = [d.errors?.trim(), d.screenshots ? "I've attached screenshots to this email." : ""].filter(Boolean);
      parts.push(`Error messages:\n${lines.join("\n")}`);
    }
    if (d.repeatable) parts.push(`Does it happen again if I repeat it? ${d.repeatable}`);
    add("Anything else (recent changes, did it work before):", d.changes);
    if (d.searched) parts.push(`I searched this site for: "${d.searched}"`);
    if (d.docs?.length) {
      parts.push(
        compact
          ? `Docs I've already read (on ${d.origin}): ${d.docs.map((x) => x.path).join(", ")}`
          : `Docs I've already read:\n${d.docs.map((x) => `- ${x.title}: ${x.link}`).join("\n")}`,
      );
    }
    if (d.flows?.length) {
      const flows = d.flows.map((f) => {
        if (compact) {
          // The link reopens the flow at the same step, with every answer, for staff.
          const n = f.steps.length;
          const last = f.steps.at(-1)?.answer;
          return `- ${f.title} (${n} ${n === 1 ? "step" : "steps"}${last ? `, last answer: ${last}` : ""}): ${f.link}`;
        }
        const steps = f.steps.map((s, i) => `  ${i + 1}. ${s.title}${s.answer ? ` → ${s.answer}` : ""}`);
        return [`- ${f.title}: ${f.link}`, ...steps].join("\n");
      });
      parts.push(`Troubleshooting steps I tried:\n${flows.join("\n")}`);
    }
    if (d.formLink) parts.push(compact ? "--\nWritten with the support request form" : `--\nWritten with the support request form: ${d.formLink}`);
    return parts.join("\n\n");
  }

  const wellFormed = (s) => (typeof s.toWellFormed === "function" ? s.toWellFormed() : s);

  /**
   * A `mailto:` URL (RFC 6068): values percent-encoded as UTF-8, line breaks as CRLF. The
   * delimiters RFC 6068 allows in a value (`,` `:` `;` `@` `$`) stay as they are: commas and
   * colons are frequent in a request, and each escape costs two characters of the link's limit.
   */
  function mailtoHref(to, subject, body) {
    const enc = (s) => encodeURIComponent(wellFormed(s)).replace(/%(?:2C|3A|3B|40|24)/g, decodeURIComponent);
    return `mailto:${to}?subject=${enc(subject)}&body=${enc(body.replace(/\r?\n/g, "\r\n"))}`;
  }

  window.helpsiteComposer = { coach, buildBody, mailtoHref, MAILTO_LIMIT };

  // ---- the page ----

  const MESSAGES = {
    empty: () => "Add a subject that names the problem, for example “Reminder emails not sent for Reserve bookings”. It helps us understand your request and pass it to the right person.",
    urgent: (etiquette) =>
      `Words like “urgent” or “ASAP” won't get a faster reply: we answer every request in the order it arrives, and our team escalates anything that stops your service on their own (see ${etiquette}). A subject that says what's wrong helps us more, and if something is down for all your users, say so under “What actually happened”.`,
    caps: () => "Your subject is in capitals, which can read as shouting. Sentence case is easier to read and gets exactly the same attention.",
    vague: () => "This doesn't tell us what's wrong yet. Try naming what isn't working and where, for example “SMS sender stuck on Pending in Connect”.",
    name: (_, name) => `Is “${name}” a name, such as one of your locations? Then that's fine, and you can ignore this. If you meant the request is urgent, see our support etiquette: every request is answered in order.`,
  };

  function init() {
    const form = document.getElementById("composer");
    if (!form) return;
    const $ = (id) => document.getElementById(id);
    const history = window.helpsiteHistory;
    const to = form.dataset.supportEmail;
    const basePath = form.dataset.basePath;
    const baseUrl = form.dataset.baseUrl;
    const permalink = (url) => (url.startsWith(basePath) ? baseUrl + url.slice(basePath.length) : url);
    const params = new URLSearchParams(location.search);
    const fromPage = params.get("page");
    const fromFlow = (params.get("flow") ?? "").split(",").filter(Boolean);
    // A search that found nothing ("Ask support about it"): what the customer looked for.
    let searched = (params.get("q") ?? "").trim().replace(/\s+/g, " ").slice(0, 200);
    const subject = $("c-subject");
    const coachBox = $("c-subject-coach");
    const status = $("c-status");
    const mailto = $("c-mailto");
    const preview = $("c-preview");
    const historySwitch = $("c-history");
    const descriptionFields = ["c-trying", "c-happened", "c-expected", "c-errors", "c-changes"].map($);
    const dismissed = new Set();
    const removedDocs = new Set();
    const removedFlows = new Set();
    let subjectTouched = false;
    let tooLong = false;
    let origin = baseUrl;
    try {
      origin = new URL(baseUrl).origin;
    } catch {
      // A base URL that is not absolute: the paths are still what staff need.
    }

    form.hidden = false;

    // ---- what this browser read and tried ----

    function docs() {
      const list = (history?.visited() ?? []).filter((d) => d.url !== form.dataset.composerUrl).slice(0, MAX_DOCS);
      if (fromPage && !list.some((d) => d.url === fromPage)) {
        const flowTitle = history?.flows().find((f) => f.url === fromPage)?.title;
        list.unshift({ url: fromPage, title: flowTitle ?? fromPage });
      }
      return list.filter((d) => !removedDocs.has(d.url));
    }

    function flows() {
      const list = history?.flows() ?? [];
      const match = list.find((f) => f.url === fromPage);
      if (fromPage && fromFlow.length && !(match && match.steps.map((s) => s.id).join() === fromFlow.join())) {
        // No record of this path (history off, or another browser): list the step ids we were given.
        const title = match?.title ?? docs().find((d) => d.url === fromPage)?.title ?? fromPage;
        list.unshift({ url: fromPage, title, steps: fromFlow.map((id) => ({ id, title: id, answer: "" })) });
      }
      return list.filter((f) => !removedFlows.has(f.url)).filter((f, i, all) => all.findIndex((g) => g.url === f.url) === i);
    }

    function removable(title, href, onRemove, extra) {
      const li = document.createElement("li");
      const a = document.createElement("a");
      a.href = href;
      a.textContent = title;
      const button = document.createElement("button");
      button.type = "button";
      button.className = "remove";
      button.textContent = "Remove";
      button.setAttribute("aria-label", `Remove “${title}”`);
      button.addEventListener("click", () => {
        // Keep keyboard focus in the list: on the next item's button, else the list heading.
        const list = li.parentNode;
        const index = [...list.children].indexOf(li);
        onRemove();
        say(`Removed “${title}”.`);
        renderLists();
        update();
        const buttons = list.querySelectorAll(":scope > li > .remove");
        (buttons[index] ?? buttons[index - 1] ?? $(`${list.id}-title`)).focus();
      });
      li.append(a, " ", button);
      if (extra) li.append(extra);
      return li;
    }

    function renderSearched() {
      const box = $("c-searched");
      box.hidden = !searched;
      if (!searched) return;
      const q = document.createElement("strong");
      q.textContent = `“${searched}”`;
      const button = document.createElement("button");
      button.type = "button";
      button.className = "remove";
      button.textContent = "Remove";
      button.setAttribute("aria-label", `Remove the search “${searched}”`);
      button.addEventListener("click", () => {
        searched = "";
        say("Removed the search from your request.");
        renderSearched();
        update();
        $("c-docs-title").focus();
      });
      box.replaceChildren("You searched this site for ", q, ". It is included in your request. ", button);
    }

    function renderLists() {
      const docList = $("c-docs");
      docList.replaceChildren(
        ...docs().map((d) =>
          removable(d.title, d.url, () => {
            removedDocs.add(d.url);
            history?.removeVisited(d.url);
          }),
        ),
      );
      $("c-docs-empty").hidden = docList.children.length > 0;
      const flowList = $("c-flows");
      flowList.replaceChildren(
        ...flows().map((f) => {
          const ol = document.createElement("ol");
          for (const s of f.steps) {
            const li = document.createElement("li");
            li.textContent = s.answer ? `${s.title} → ${s.answer}` : s.title;
            ol.append(li);
          }
          return removable(f.title, flowLink(f, ""), () => {
            removedFlows.add(f.url);
            history?.removeFlow(f.url);
          }, ol);
        }),
      );
      $("c-flows-empty").hidden = flowList.children.length > 0;
    }

    const flowLink = (f, base) => `${base}${f.url}?path=${f.steps.map((s) => encodeURIComponent(s.id)).join(",")}`;

    // ---- the email ----

    function data() {
      const value = (id) => $(id).value;
      return {
        product: value("c-product"),
        trying: value("c-trying"),
        happened: value("c-happened"),
        expected: value("c-expected"),
        errors: value("c-errors"),
        screenshots: $("c-screenshots").checked,
        repeatable: form.querySelector('input[name="repeatable"]:checked')?.value ?? "",
        changes: value("c-changes"),
        searched,
        origin,
        docs: docs().map((d) => ({ title: d.title, link: permalink(d.url), path: d.url })),
        flows: flows().map((f) => ({ title: f.title, link: permalink(flowLink(f, "")), steps: f.steps })),
        formLink: permalink(form.dataset.composerUrl),
      };
    }

    function say(message) {
      status.textContent = message;
    }

    let lastCoach = "";
    function renderCoach() {
      const description = descriptionFields.map((f) => f.value).join("\n");
      const items = coach(subject.value, description, dismissed).filter((c) => c.kind !== "empty" || subjectTouched);
      const key = JSON.stringify(items);
      if (key === lastCoach) return;
      lastCoach = key;
      const etiquetteUrl = form.dataset.etiquetteUrl;
      coachBox.replaceChildren();
      coachBox.classList.toggle("coach-active", items.length > 0);
      coachBox.classList.toggle("coach-soft", items.length > 0 && items.every((c) => c.soft));
      for (const c of items) {
        const p = document.createElement("p");
        p.className = `coach-item coach-${c.kind}`;
        p.dataset.coach = c.kind;
        const text = MESSAGES[c.kind]("our support etiquette", c.name);
        if (etiquetteUrl && text.includes("our support etiquette")) {
          const [before, after] = text.split("our support etiquette");
          const a = document.createElement("a");
          a.href = etiquetteUrl;
          a.textContent = "our support etiquette";
          p.append(before, a, after);
        } else {
          p.textContent = text;
        }
        if (c.kind === "name") {
          const button = document.createElement("button");
          button.type = "button";
          button.className = "button-secondary coach-dismiss";
          button.textContent = `“${c.name}” is a name`;
          button.addEventListener("click", () => {
            dismissed.add(c.name);
            renderCoach();
            subject.focus();
          });
          p.append(" ", button);
        }
        coachBox.append(p);
      }
    }

    function update() {
      const d = data();
      const subjectText = subject.value.trim();
      // The full text when it fits a mail link, else the compact one; past that the full text
      // is copied (the clipboard has no limit) and the link only carries the subject.
      let body = buildBody(d);
      let full = mailtoHref(to, subjectText, body);
      let compacted = false;
      if (full.length > MAILTO_LIMIT) {
        const compact = buildBody(d, { compact: true });
        const href = mailtoHref(to, subjectText, compact);
        if (href.length <= MAILTO_LIMIT) {
          body = compact;
          full = href;
          compacted = true;
        }
      }
      tooLong = full.length > MAILTO_LIMIT;
      mailto.dataset.compact = String(compacted);
      mailto.href = tooLong
        ? mailtoHref(to, subjectText, "Hello,\n\n[Paste the request you copied from the support form here.]")
        : full;
      mailto.textContent = tooLong ? "Copy, then open my email app" : "Open in my email app";
      mailto.dataset.tooLong = String(tooLong);
      $("c-too-long").hidden = !tooLong;
      preview.value = body;
      $("c-preview-subject").textContent = subject.value.trim() || "(no subject yet)";
    }

    async function copy(text) {
      try {
        await navigator.clipboard.writeText(text);
        return true;
      } catch {
        // Not a secure context, or permission refused: fall back to selecting the preview.
        const details = preview.closest("details");
        details.open = true;
        preview.value = text;
        preview.focus();
        preview.select();
        try {
          return document.execCommand("copy");
        } catch {
          return false;
        }
      }
    }

    // ---- wiring ----

    let coachTimer = 0;
    form.addEventListener("input", (event) => {
      update();
      clearTimeout(coachTimer);
      // Let people finish a word before the (polite, live) coach speaks up.
      coachTimer = setTimeout(renderCoach, event.target === subject ? 500 : 0);
    });
    form.addEventListener("change", update);
    subject.addEventListener("blur", () => {
      subjectTouched = true;
      clearTimeout(coachTimer);
      renderCoach();
    });
    form.addEventListener("submit", (event) => event.preventDefault());

    mailto.addEventListener("click", async (event) => {
      subjectTouched = true;
      renderCoach();
      if (!tooLong) {
        say(`Your email app should open with the request to ${to}. Check it, attach any screenshots, and send.`);
        return;
      }
      event.preventDefault();
      const href = mailto.href;
      if (await copy(preview.value)) {
        say(`Copied. Paste it into the body of the email that opens, to ${to}.`);
        location.href = href;
      } else {
        say("We couldn't copy it for you: the text is selected in the preview below. Copy it (Ctrl+C or ⌘C), then open your email app.");
      }
    });

    $("c-copy").addEventListener("click", async () => {
      subjectTouched = true;
      renderCoach();
      const subjectText = subject.value.trim();
      if (await copy(preview.value)) {
        say(`Copied. Now write a new email to ${to}${subjectText ? ` with the subject “${subjectText}”` : ""} and paste the text into it.`);
      } else {
        say("We couldn't copy it for you: the text is selected in the preview. Copy it with Ctrl+C (⌘C on a Mac).");
      }
    });

    if (!history?.available()) {
      historySwitch.checked = false;
      historySwitch.disabled = true;
      $("c-history-help").textContent = "This browser doesn't let the site keep a history, so there is nothing to list.";
    } else {
      historySwitch.checked = history.enabled();
    }
    historySwitch.addEventListener("change", () => {
      history?.setEnabled(historySwitch.checked);
      say(historySwitch.checked ? "The site will remember the pages you read, in this browser only." : "History is off and the list is cleared. Pages you read are no longer remembered.");
      renderLists();
      update();
    });

    // Pick the product from the page the customer came from (`/connect/…`, `/troubleshooting/connect-…`).
    const product = $("c-product");
    if (fromPage && product.tagName === "SELECT") {
      const segments = fromPage.toLowerCase().split("/");
      const hit = [...product.options].find(
        (o) => o.value && segments.some((s) => s === o.value.toLowerCase() || s.startsWith(`${o.value.toLowerCase()}-`)),
      );
      if (hit) product.value = hit.value;
    }

    renderSearched();
    renderLists();
    update();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
