// Reading history for the support-request composer, kept only in this browser.
//
// Every page of the site loads this file. On a content page (body class `kind-*`) it records
// the page's URL and title in localStorage, so the composer at /contact/ can offer "Docs I've
// already read". Nothing is sent anywhere: the customer sees the list, removes what they like,
// and it only leaves the browser inside the email they choose to send. The composer's switch
// turns recording off (and forgets everything) through `window.helpsiteHistory`, which flow.js
// also uses to remember the troubleshooting steps tried.
(() => {
  "use strict";
  if (window.helpsiteHistory) return;

  const OFF = "helpsite:history";
  const VISITED = "helpsite:visited";
  const FLOWS = "helpsite:flows";
  const MAX_VISITED = 30;
  const MAX_FLOWS = 10;
  const MAX_AGE_MS = 30 * 24 * 3600 * 1000;

  // Storage can be missing or throw (disabled cookies, some private modes): then nothing is kept.
  let store = null;
  try {
    store = window.localStorage;
    store.getItem(OFF);
  } catch {
    store = null;
  }

  function read(key) {
    try {
      const list = JSON.parse(store?.getItem(key) ?? "[]");
      const since = Date.now() - MAX_AGE_MS;
      return Array.isArray(list) ? list.filter((e) => e && typeof e.url === "string" && !(e.at < since)) : [];
    } catch {
      return [];
    }
  }

  function write(key, list) {
    try {
      store?.setItem(key, JSON.stringify(list));
    } catch {
      // Quota or privacy mode: history is a convenience, never an error.
    }
  }

  /** Puts `entry` first in the list under `key`, replacing an older entry for the same URL. */
  function upsert(key, entry, max) {
    if (!api.enabled()) return;
    const list = read(key).filter((e) => e.url !== entry.url);
    list.unshift({ ...entry, at: Date.now() });
    write(key, list.slice(0, max));
  }

  const api = {
    available: () => store !== null,
    enabled: () => store !== null && store.getItem(OFF) !== "off",
    /** Turning history off also forgets what was kept. */
    setEnabled(on) {
      if (!store) return;
      if (on) {
        store.removeItem(OFF);
      } else {
        store.setItem(OFF, "off");
        store.removeItem(VISITED);
        store.removeItem(FLOWS);
      }
    },
    visited: () => read(VISITED),
    recordVisit: (url, title) => upsert(VISITED, { url, title }, MAX_VISITED),
    removeVisited: (url) => write(VISITED, read(VISITED).filter((e) => e.url !== url)),
    /** Flow records: `{url, title, steps: [{id, title, answer}], outcome}`, one per flow page. */
    flows: () => read(FLOWS),
    saveFlow: (record) => upsert(FLOWS, record, MAX_FLOWS),
    removeFlow: (url) => write(FLOWS, read(FLOWS).filter((e) => e.url !== url)),
  };
  window.helpsiteHistory = api;

  const body = document.body;
  const isContentPage = [...body.classList].some((c) => c.startsWith("kind-"));
  if (isContentPage && !body.classList.contains("composer-page")) {
    const h1 = document.querySelector("main h1");
    const title = (h1?.textContent ?? document.title).trim().replace(/\s+/g, " ");
    // The site URL, from the canonical link: opened from disk, the location is a file path.
    const canonical = document.querySelector('link[rel="canonical"]');
    api.recordVisit(canonical ? new URL(canonical.href).pathname : location.pathname, title);
  }
})();
