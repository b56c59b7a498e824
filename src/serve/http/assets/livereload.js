// helpsite preview: live reload and the build-error overlay.
// Served only by `helpsite serve` at /_helpsite/livereload.js and added to pages by the preview
// server, never by `helpsite build`. A file (not inline) because the theme's CSP forbids inline
// script; the overlay's look is in /_helpsite/livereload.css for the same reason.
(() => {
  "use strict";
  const me = document.currentScript;
  let etag = (me && me.dataset.etag) || "";
  const here = decodeURI(location.pathname);
  const SCROLL_KEY = "helpsite:scroll:" + location.pathname;
  let source = null;
  let retry = 250;

  // Scroll position survives the reload: saved just before it, restored once after it.
  const saved = sessionStorage.getItem(SCROLL_KEY);
  if (saved) {
    sessionStorage.removeItem(SCROLL_KEY);
    const { x, y } = JSON.parse(saved);
    // "instant": the theme may ask for smooth scrolling, which would animate from the top.
    const restore = () => window.scrollTo({ left: x, top: y, behavior: "instant" });
    restore();
    window.addEventListener("load", restore, { once: true });
  }

  function reload() {
    sessionStorage.setItem(SCROLL_KEY, JSON.stringify({ x: window.scrollX, y: window.scrollY }));
    location.reload();
  }

  // A page reloads when it changed, or when any non-page file did (it may use it).
  function concerns(urls) {
    return urls.some((u) => u === here || !(u.endsWith("/") || u.endsWith(".html")));
  }

  // Only stylesheets changed: take the new <link>s from a fresh copy of this page (their
  // hashed names changed) and swap them in, each old one removed once its successor loaded.
  async function swapStyles() {
    const response = await fetch(location.href, { cache: "no-cache" });
    const doc = new DOMParser().parseFromString(await response.text(), "text/html");
    // The preview's own sheets (overlay, ledger banner) are not the page's: leave them alone.
    const sheets = (root) => [...root.querySelectorAll('link[rel="stylesheet"]:not([data-helpsite])')];
    const next = sheets(doc);
    const current = sheets(document);
    if (next.length !== current.length) return reload();
    current.forEach((old, i) => {
      const href = next[i].getAttribute("href");
      if (old.getAttribute("href") === href) return;
      const link = old.cloneNode();
      link.setAttribute("href", href);
      link.addEventListener("load", () => old.remove(), { once: true });
      old.after(link);
    });
    const tag = doc.querySelector("script[data-etag]");
    if (tag) {
      // Reconnect with the new ETag, or the next reconnection would think the page stale.
      etag = tag.dataset.etag;
      source.close();
      connect();
    }
  }

  // ---- the overlay -------------------------------------------------------------------------
  let overlay = null;
  let returnFocus = null;

  function ensureStyle() {
    if (document.querySelector('link[data-helpsite="overlay"]')) return;
    const link = document.createElement("link");
    link.rel = "stylesheet";
    link.href = "/_helpsite/livereload.css";
    link.dataset.helpsite = "overlay";
    document.head.appendChild(link);
  }

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function showErrors(errors) {
    ensureStyle();
    hideOverlay();
    returnFocus = document.activeElement;
    overlay = el("div", "helpsite-overlay");
    overlay.setAttribute("role", "alertdialog");
    overlay.setAttribute("aria-modal", "true");
    overlay.setAttribute("aria-labelledby", "helpsite-overlay-title");
    overlay.setAttribute("aria-describedby", "helpsite-overlay-list");
    overlay.tabIndex = -1;
    const box = el("div", "helpsite-overlay-box");
    const title = el("h2", "helpsite-overlay-title", `Build failed: ${errors.length} problem${errors.length === 1 ? "" : "s"}`);
    title.id = "helpsite-overlay-title";
    const note = el("p", "helpsite-overlay-note", "You are seeing the last good build. Fix the file and save: this clears by itself.");
    const list = el("ol", "helpsite-overlay-list");
    list.id = "helpsite-overlay-list";
    for (const e of errors) {
      const item = el("li", "helpsite-overlay-error");
      const place = e.file ? [e.file, e.line, e.column].filter((v) => v !== null && v !== undefined).join(":") : "";
      item.appendChild(el("p", "helpsite-overlay-place", place));
      item.appendChild(el("p", "helpsite-overlay-message", `${e.severity}: ${e.message}`));
      if (e.cause) item.appendChild(el("p", "helpsite-overlay-cause", `caused by: ${e.cause}`));
      if (e.snippet && e.snippet.length) {
        const pre = el("pre", "helpsite-overlay-snippet");
        for (const line of e.snippet) {
          const row = el("span", line.marked ? "helpsite-overlay-line is-marked" : "helpsite-overlay-line");
          row.appendChild(el("span", "helpsite-overlay-lineno", String(line.line)));
          row.appendChild(document.createTextNode(line.text + "\n"));
          pre.appendChild(row);
        }
        item.appendChild(pre);
      }
      if (e.hint) item.appendChild(el("p", "helpsite-overlay-hint", `hint: ${e.hint}`));
      list.appendChild(item);
    }
    const close = el("button", "helpsite-overlay-close", "Dismiss");
    close.type = "button";
    close.addEventListener("click", hideOverlay);
    box.append(title, note, list, close);
    overlay.appendChild(box);
    overlay.addEventListener("keydown", (event) => {
      if (event.key === "Escape") hideOverlay();
      // Keep Tab inside the dialog: its only control is the button.
      if (event.key === "Tab") {
        event.preventDefault();
        close.focus();
      }
    });
    document.body.appendChild(overlay);
    overlay.focus();
  }

  function hideOverlay() {
    if (!overlay) return;
    overlay.remove();
    overlay = null;
    if (returnFocus && document.contains(returnFocus)) returnFocus.focus();
    returnFocus = null;
  }

  // ---- the event stream ----------------------------------------------------------------------
  function connect() {
    const query = new URLSearchParams({ path: location.pathname, etag });
    source = new EventSource("/_helpsite/events?" + query);
    source.addEventListener("hello", () => {
      retry = 250;
    });
    source.addEventListener("reload", (event) => {
      const data = JSON.parse(event.data);
      if (data.all || concerns(data.urls)) reload();
    });
    source.addEventListener("css", () => {
      swapStyles().catch(reload);
    });
    source.addEventListener("error", (event) => {
      // A server-sent `error` carries data; the EventSource's own error event (connection
      // lost) does not.
      if (event.data) {
        showErrors(JSON.parse(event.data).errors);
        return;
      }
      if (source.readyState === EventSource.CLOSED) {
        // The browser gave up (the server was down too long): try again, slower each time.
        source = null;
        setTimeout(connect, retry);
        retry = Math.min(retry * 2, 5000);
      }
    });
    source.addEventListener("ok", hideOverlay);
  }

  connect();
  window.addEventListener("pagehide", () => source && source.close());
})();
