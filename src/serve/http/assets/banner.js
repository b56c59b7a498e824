// helpsite preview: the reply-link ledger banner's Hide/Show button. Served only by
// `helpsite serve` at /_helpsite/banner.js, with the banner the preview server adds to pages.
// Hiding folds the banner to its one-line title for the rest of this tab's session (on every
// page, and across live reloads), so a writer who wants the page alone gets it; Show brings
// the figures back. A file (not inline) because the theme's CSP forbids inline script.
(() => {
  "use strict";
  const KEY = "helpsite:banner";
  const banner = document.getElementById("helpsite-banner");
  const button = banner && banner.querySelector(".helpsite-banner-toggle");
  const body = document.getElementById("helpsite-banner-body");
  if (!button || !body) return;

  function show(open) {
    body.hidden = !open;
    banner.classList.toggle("is-collapsed", !open);
    button.setAttribute("aria-expanded", String(open));
    button.textContent = open ? "Hide figures" : "Show figures";
  }

  let stored = null;
  try {
    stored = sessionStorage.getItem(KEY);
  } catch {
    // Storage may be off; the banner then starts open on every page.
  }
  show(stored !== "collapsed");
  button.hidden = false;
  button.addEventListener("click", () => {
    const open = body.hidden;
    show(open);
    try {
      sessionStorage.setItem(KEY, open ? "open" : "collapsed");
    } catch {
      // As above: the choice then lasts for this page only.
    }
  });
})();
