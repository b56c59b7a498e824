// Troubleshooting flows, one step at a time.
//
// Without JavaScript a flow is a list of anchored steps whose answers are plain links, so it is
// complete as served. This script shows only the current step, keeps the path taken in the URL
// (`?path=start,step2,step3`, and `&end=solved` once solved) so a reload, the back button or a
// link from support staff opens the same step, offers Back and Start again, and records the
// steps tried (via visited.js's `helpsiteHistory`) for the support-request composer.
(() => {
  "use strict";

  function init() {
    const root = document.querySelector("[data-flow]");
    if (!root) return;
    const start = root.dataset.start;
    const pageUrl = root.dataset.pageUrl;
    const steps = new Map([...root.querySelectorAll("[data-step]")].map((el) => [el.dataset.step, el]));
    const solved = root.querySelector("#flow-solved");
    const bar = root.querySelector("[data-flow-bar]");
    const trail = root.querySelector("[data-flow-trail]");
    const status = root.querySelector("[data-flow-status]");
    const back = root.querySelector("[data-flow-back]");
    const note = document.createElement("p");
    note.className = "flow-note";
    note.hidden = true;
    bar.after(note);
    if (!steps.has(start)) return;

    const titleOf = (id) => steps.get(id).querySelector(".flow-step-title").textContent.trim();
    const answerTo = (from, to) =>
      [...steps.get(from).querySelectorAll('a[data-kind="next"]')].find((a) => a.dataset.next === to);
    const enc = (s) => encodeURIComponent(s).replace(/%2F/g, "/").replace(/%2C/g, ",");

    /** Reads the state from the URL, keeping the longest valid part of `?path=`. */
    function readState() {
      const query = new URLSearchParams(location.search);
      let ids = (query.get("path") ?? "").split(",").filter(Boolean);
      const hash = /^#step-(.+)$/.exec(location.hash);
      if (!ids.length && hash && steps.has(decodeURIComponent(hash[1]))) ids = [decodeURIComponent(hash[1])];
      // A path may start anywhere (`?path=sms-test`): begin it with the shortest way there.
      if (ids.length && ids[0] !== start && steps.has(ids[0])) {
        ids = steps.get(ids[0]).dataset.path.split(",").concat(ids.slice(1));
      }
      const path = [];
      for (const id of ids) {
        const ok = path.length === 0 ? id === start : steps.has(id) && answerTo(path.at(-1), id);
        if (!ok) break;
        path.push(id);
      }
      const broken = path.length < ids.length;
      if (!path.length) path.push(start);
      return { path, end: query.get("end") === "solved" && !broken ? "solved" : null, broken };
    }

    function urlOf(state) {
      const url = new URL(location.href);
      url.hash = "";
      if (state.path.length > 1 || state.end) url.searchParams.set("path", state.path.join(","));
      else url.searchParams.delete("path");
      if (state.end) url.searchParams.set("end", state.end);
      else url.searchParams.delete("end");
      return url.pathname + url.search.replace(/%2C/g, ",");
    }

    function contactHref(path) {
      return `${root.dataset.composer}?page=${enc(pageUrl)}&flow=${enc(path.join(","))}`;
    }

    /** Remembers the steps tried for the composer; `last` is the final answer's label. */
    function record(state, last, outcome) {
      if (state.path.length < 2 && !last) return; // only looking at the first question
      const history = window.helpsiteHistory;
      if (!history) return;
      const previous = history.flows().find((r) => r.url === pageUrl);
      const tried = state.path.map((id, i) => ({
        id,
        title: titleOf(id),
        answer: i + 1 < state.path.length ? answerTo(id, state.path[i + 1])?.textContent.trim() ?? "" : "",
      }));
      const keep = previous && previous.steps.map((s) => s.id).join() === state.path.join();
      tried.at(-1).answer = last ?? (keep ? previous.steps.at(-1).answer : "");
      history.saveFlow({
        url: pageUrl,
        title: root.dataset.pageTitle,
        steps: tried,
        outcome: outcome ?? (keep ? previous.outcome : "") ?? "",
      });
    }

    let state = readState();

    function show(focus) {
      const current = state.path.at(-1);
      for (const [id, el] of steps) el.hidden = state.end !== null || id !== current;
      solved.hidden = state.end !== "solved";
      bar.hidden = state.path.length < 2 && !state.end;
      back.disabled = state.path.length < 2 && !state.end;
      trail.replaceChildren(
        ...state.path.slice(0, state.end ? undefined : -1).map((id, i) => {
          const li = document.createElement("li");
          const a = document.createElement("a");
          a.href = urlOf({ path: state.path.slice(0, i + 1), end: null });
          a.dataset.trail = String(i + 1);
          a.textContent = titleOf(id);
          li.append(a);
          const next = state.path[i + 1];
          const label = next ? answerTo(id, next)?.textContent.trim() : state.end ? "Solved" : "";
          if (label) li.append(` — ${label}`);
          return li;
        }),
      );
      for (const a of root.querySelectorAll('a[data-kind="contact"]')) a.href = contactHref(state.path);
      note.hidden = !state.broken;
      note.textContent = state.broken
        ? "The link you followed pointed to a step this guide no longer has, so it opens at the nearest step."
        : "";
      const heading = state.end ? solved.querySelector("h3") : steps.get(current).querySelector(".flow-step-title");
      status.textContent = state.end ? "Solved." : `Step ${state.path.length}: ${titleOf(current)}`;
      if (focus) {
        (state.end ? solved : heading).focus({ preventScroll: true });
        root.scrollIntoView({ block: "start" });
      }
    }

    function go(next) {
      state = { ...next, broken: false };
      history.pushState(null, "", urlOf(state));
      show(true);
      record(state);
    }

    root.addEventListener("click", (event) => {
      const a = event.target.closest("a[data-kind], a[data-trail]");
      if (!a || event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) return;
      const label = a.textContent.trim();
      if (a.dataset.trail) {
        event.preventDefault();
        go({ path: state.path.slice(0, Number(a.dataset.trail)), end: null });
      } else if (a.dataset.kind === "next") {
        event.preventDefault();
        go({ path: [...state.path, a.dataset.next], end: null });
      } else if (a.dataset.kind === "solved") {
        event.preventDefault();
        state = { ...state, end: "solved", broken: false };
        history.pushState(null, "", urlOf(state));
        record(state, label, "solved");
        show(true);
      } else if (a.dataset.kind === "page") {
        record(state, label, `went to ${a.href}`);
      } else if (a.dataset.kind === "contact" && a.closest("[data-step]")) {
        record(state, label, "still stuck");
      }
    });
    back.addEventListener("click", () =>
      go(state.end ? { path: state.path, end: null } : { path: state.path.slice(0, -1), end: null }),
    );
    root.querySelector("[data-flow-restart]").addEventListener("click", () => go({ path: [start], end: null }));
    window.addEventListener("popstate", () => {
      state = readState();
      show(true);
    });

    // A link to `#step-x` elsewhere on the page: go there by the shortest way.
    window.addEventListener("hashchange", () => {
      const id = decodeURIComponent(location.hash.replace(/^#step-/, ""));
      if (location.hash.startsWith("#step-") && steps.has(id)) go({ path: steps.get(id).dataset.path.split(","), end: null });
    });

    root.classList.add("flow-js");
    // Normalise `#step-x` links (and broken paths) to the `?path=` form, without a new history
    // entry; other anchors (the table of contents) are left alone.
    const canonical = urlOf(state);
    if (location.hash.startsWith("#step-") || canonical !== location.pathname + location.search) {
      history.replaceState(null, "", canonical + (location.hash.startsWith("#step-") ? "" : location.hash));
    }
    show(state.path.length > 1 || state.end !== null);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
