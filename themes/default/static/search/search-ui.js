/* helpsite search UI: the header search box and the /search/?q= page.
 *
 * The engine starts when the reader reaches for the search box (pointer over it, a touch, focus,
 * the `/` key) or opens /search/: then a Web Worker starts the WebAssembly engine and the index,
 * and the page never blocks on either. Before that, once the page has loaded and the browser is
 * idle, the engine's files are fetched into the HTTP cache at low priority, so a reader who
 * searches later waits for none of them; not when the reader asked to save data (Save-Data) or
 * the browser rates the connection below 4G, since a reader who never searches pays for them.
 * Results update as you type (debounced while answers may need the network; at once when the
 * whole index is in memory), ↑ ↓ move between results, Enter follows one, Esc closes the list. The count is announced through an ARIA live region. Each result has a
 * "copy link" button for support staff that copies the absolute URL with `?ref=reply` (the
 * reply-link ledger recognises and strips it).
 *
 * Configuration comes from data attributes on the `[data-hs-search]` form, written by
 * templates/partials/search-box.html: data-worker, data-glue, data-wasm, data-index (URLs),
 * data-base-url (site.base_url), data-base-path, data-support-email, and data-feedback-endpoint
 * (site.feedback_endpoint, absent when none is configured).
 *
 * Searches with no results are what writers most want to know (they point at missing pages),
 * so a search that *settles* on no results is reported to the feedback endpoint: on the
 * /search/ page when it opens with a query that finds nothing, and in the box (or the page's
 * box) when the query stayed unchanged for SETTLE_MS — not each prefix typed on the way. Enter
 * on such a query opens /search/?q=, which reports it. Once per distinct query per visit (the
 * tab's session, across its pages),
 * never with personal-looking text, never blocking or throwing.
 */
(() => {
  'use strict';

  const DEBOUNCE_MS = 80;
  /** The engine's files are warmed this long after load, at the browser's next idle moment. */
  const WARM_AFTER_MS = 1000;
  const BOX_LIMIT = 8;
  const PAGE_LIMIT = 50;
  const SETTLE_MS = 2000;

  const form = document.querySelector('[data-hs-search]');
  if (!form) return;
  const cfg = form.dataset;
  const input = form.querySelector('input[type="search"]');
  const panel = form.querySelector('.hs-search-panel');
  const live = form.querySelector('.hs-search-live');
  const page = document.querySelector('[data-hs-search-page]');

  let worker = null;
  let engineReady = false;
  let engineComplete = false; // the whole index is in memory: answers never wait on the network
  let nextId = 1;
  const waiting = new Map(); // query id -> render callback

  /* ---------- the engine, started on first use ---------- */

  function startEngine() {
    if (worker) return true;
    if (location.protocol === 'file:') return false;
    worker = new Worker(cfg.worker);
    worker.onmessage = (event) => {
      const msg = event.data;
      if (msg.type === 'results' || (msg.type === 'error' && msg.id)) {
        const render = waiting.get(msg.id);
        waiting.delete(msg.id);
        if (render) render(msg);
      } else if (msg.type === 'error') {
        failAll(msg.message);
      } else if (msg.type === 'ready') {
        engineReady = true;
        engineComplete = Boolean(msg.complete);
        document.documentElement.dataset.hsSearchReady = String(Math.round(msg.ms));
      }
    };
    worker.onerror = (event) => failAll(event.message || 'the search worker failed');
    const wasm = new URL(cfg.wasm, location.href).href;
    const index = new URL(cfg.index, location.href).href;
    worker.postMessage({ type: 'init', glue: new URL(cfg.glue, location.href).href, wasm, index, prefetched: true });
    prefetch(wasm, index).then(
      ([module, manifest, hot, ranges]) => worker.postMessage({ type: 'files', module, manifest, hot, ranges }, [manifest, hot]),
      (err) => worker.postMessage({ type: 'files', error: String((err && err.message) || err) }));
    return true;
  }

  /**
   * Starts what the worker needs from the network on this thread, at once: the worker's own
   * script is still loading meanwhile. The engine compiles while its bytes stream in; the
   * manifest names the hot file. Resolves to [WebAssembly.Module, manifest bytes, hot bytes (as
   * published: the worker inflates them), whether the host said it answers Range].
   */
  function prefetch(wasm, index) {
    const file = async (url) => {
      const response = await fetch(url);
      if (!response.ok) throw new Error(`cannot load ${url}: HTTP ${response.status}`);
      return [await response.arrayBuffer(), /\bbytes\b/i.test(response.headers.get('Accept-Ranges') || '')];
    };
    const module = WebAssembly.compileStreaming(fetch(wasm));
    const files = file(new URL('manifest.json', index)).then(async ([manifest]) => {
      const { hot } = JSON.parse(new TextDecoder().decode(manifest));
      return [manifest, ...await file(new URL(hot, index))];
    });
    return Promise.all([module, files]).then(([m, [manifest, hot, ranges]]) => [m, manifest, hot, ranges]);
  }

  /**
   * Whether fetching the engine for a reader who may never search is fair to them: not when
   * they asked to save data, nor on a connection the browser rates below 4G. (Its downlink
   * figure is no guide: a fresh browser reports a default 1.55 Mbit/s until it has measured.)
   */
  function mayWarm() {
    const c = navigator.connection;
    if (location.protocol === 'file:') return false;
    if (c && (c.saveData || (c.effectiveType && c.effectiveType !== '4g'))) return false;
    return !matchMedia('(prefers-reduced-data: reduce)').matches;
  }

  /**
   * Fetches the engine's files into the HTTP cache at low priority, without compiling or
   * starting anything: startEngine() then finds them there. Errors are startEngine()'s to report.
   */
  function warm() {
    if (worker || !mayWarm()) return;
    const index = new URL(cfg.index, location.href);
    const get = (url) => fetch(url, { priority: 'low' }).then((r) => (r.ok ? r.arrayBuffer() : null));
    const files = [cfg.worker, cfg.glue, cfg.wasm].map((u) => get(new URL(u, location.href)));
    files.push(get(new URL('manifest.json', index)).then((manifest) => manifest
      && get(new URL(JSON.parse(new TextDecoder().decode(manifest)).hot, index))));
    Promise.all(files).catch(() => {});
  }

  let engineError = null;
  function failAll(message) {
    engineError = message;
    for (const render of waiting.values()) render({ type: 'error', message });
    waiting.clear();
  }

  /** Sends a query; `render` gets only the answer to the newest query of its view. */
  function ask(text, limit, view, render) {
    const id = nextId++;
    view.latest = id;
    if (engineError) {
      render({ type: 'error', message: engineError });
      return;
    }
    waiting.set(id, (msg) => {
      if (view.latest === id) render(msg);
    });
    worker.postMessage({ type: 'search', id, query: { text, limit } });
  }

  /* ---------- rendering ---------- */

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === 'class') node.className = v;
      else node.setAttribute(k, v);
    }
    for (const c of children) if (c != null) node.append(c);
    return node;
  }

  /** Snippets are HTML from the engine (escaped, with <mark>); keep only text and <mark>. */
  function snippet(html) {
    const tpl = document.createElement('template');
    tpl.innerHTML = html;
    const out = el('span', { class: 'hs-snippet' });
    for (const node of tpl.content.childNodes) {
      if (node.nodeName === 'MARK') out.append(el('mark', null, node.textContent));
      else out.append(node.textContent);
    }
    return out;
  }

  /** Absolute URL for staff replies: `?ref=reply` goes before the #anchor. */
  function replyLink(url) {
    const abs = new URL(url, cfg.baseUrl || location.href);
    abs.searchParams.set('ref', 'reply');
    return abs.href;
  }

  function copyButton(url, label) {
    const button = el('button', { type: 'button', class: 'hs-copy', 'data-url': replyLink(url),
      'aria-label': `Copy link to ${label}`, title: 'Copy link for a reply' }, 'Copy link');
    return button;
  }

  function copy(button) {
    const url = button.dataset.url;
    const done = (ok) => {
      button.textContent = ok ? 'Copied' : 'Copy failed';
      setTimeout(() => { button.textContent = 'Copy link'; }, 1500);
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(url).then(() => done(true), () => done(false));
    } else {
      // Plain-http sites (an intranet preview) have no Clipboard API: select and copy.
      const area = el('textarea', { class: 'hs-offscreen', readonly: '' });
      area.value = url;
      document.body.append(area);
      area.select();
      let ok = false;
      try { ok = document.execCommand('copy'); } catch { ok = false; }
      area.remove();
      done(ok);
    }
  }

  function resultList(results) {
    const list = el('ol', { class: 'hs-results' });
    for (const hit of results.pages) {
      const head = el('div', { class: 'hs-hit-head' },
        el('a', { class: 'hs-hit-link', href: hit.url }, el('span', { class: 'hs-hit-title' }, hit.title),
          hit.kind && hit.kind !== 'guide' ? el('span', { class: 'hs-kind' }, hit.kind) : null),
        copyButton(hit.url, hit.title));
      const item = el('li', { class: 'hs-hit' }, head);
      // The page snippet is the best section's when the lead did not match: don't show it twice.
      const dup = hit.sub && hit.sub.length && hit.sub[0].snippet === hit.snippet;
      if (hit.snippet && !dup) item.append(el('p', { class: 'hs-hit-snippet' }, snippet(hit.snippet)));
      if (hit.sub && hit.sub.length) {
        const subs = el('ul', { class: 'hs-subs' });
        for (const sub of hit.sub.slice(0, 3)) {
          const trail = sub.trail.join(' › ');
          subs.append(el('li', { class: 'hs-sub' },
            el('div', { class: 'hs-hit-head' },
              el('a', { class: 'hs-sub-link', href: sub.url }, el('span', { class: 'hs-trail' }, trail)),
              copyButton(sub.url, `${hit.title} › ${trail}`)),
            sub.snippet ? el('p', { class: 'hs-sub-snippet' }, snippet(sub.snippet)) : null));
        }
        item.append(subs);
      }
      list.append(item);
    }
    return list;
  }

  function contactUrl(query) {
    return `${cfg.basePath || '/'}contact/?q=${encodeURIComponent(query)}`;
  }

  function noResults(query) {
    const box = el('div', { class: 'hs-empty' },
      el('p', { class: 'hs-empty-title' }, 'No results — here is how to ask us'),
      el('p', null, 'Nothing matched ', el('q', null, query), '. ',
        el('a', { class: 'hs-contact', href: contactUrl(query) }, 'Ask support about it'),
        cfg.supportEmail ? ' or email ' : '',
        cfg.supportEmail ? el('a', { href: `mailto:${cfg.supportEmail}?subject=${encodeURIComponent(query)}` },
          cfg.supportEmail) : '',
        '.'));
    return box;
  }

  function message(text, cls) {
    return el('p', { class: `hs-message ${cls || ''}` }, text);
  }

  const FILE_MESSAGE = 'Search needs this site to be served over http(s). Opened from a file on disk, '
    + 'the browser cannot load the search index: publish the site, or preview it with helpsite serve.';

  function countText(results) {
    const n = results.pages.length;
    if (n === 0) return `No results for ${results.query}`;
    return `${n} ${n === 1 ? 'result' : 'results'}${results.total > n ? ` of ${results.total}` : ''}`;
  }

  /* ---------- failed searches, for the writer report ---------- */

  // Queries this tab already reported, kept for the visit: a reader who settles on a query in
  // the box, then presses Enter to the /search/ page or tries it again on the next page, is
  // still one reader who found nothing. Without sessionStorage (blocked), per page view.
  const REPORTED_KEY = 'hs-failed-searches';
  const reported = new Set((() => {
    try {
      const kept = JSON.parse(sessionStorage.getItem(REPORTED_KEY) || '[]');
      return Array.isArray(kept) ? kept : [];
    } catch {
      return [];
    }
  })());

  /**
   * The query as the ledger stores it, or null when it must not leave the browser. The same
   * rules as src/ledger/failed_search.rs (the endpoint checks again): lowercased, whitespace
   * collapsed, at most 100 characters, no `@` and no run of 6+ digits (an email address, an
   * order or phone number).
   */
  function storableQuery(text) {
    const q = text.split(/\s+/).filter(Boolean).join(' ').toLowerCase();
    if (!q || [...q].length > 100 || q.includes('@') || /\d{6}/.test(q)) return null;
    return q;
  }

  /** Reports a search that found nothing; fire and forget, as the reader is not waiting on it. */
  function reportFailed(text, source) {
    const endpoint = cfg.feedbackEndpoint;
    const q = endpoint && storableQuery(text);
    if (!q || reported.has(q)) return;
    reported.add(q);
    try {
      sessionStorage.setItem(REPORTED_KEY, JSON.stringify([...reported].slice(-100)));
    } catch {
      // Storage full or blocked: this page view still reports each query once.
    }
    try {
      // keepalive: the reader may leave the page right after. Otherwise the same request as
      // the feedback widget's: JSON, CORS, no cookies.
      fetch(endpoint, {
        method: 'POST',
        mode: 'cors',
        credentials: 'omit',
        keepalive: true,
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ failed_search: q, source }),
      }).catch(() => {});
    } catch {
      // An old browser or a blocked request: the report is a nicety, never an error.
    }
  }

  let settleTimer = 0;

  /** Any change of the query cancels the report of the one before. */
  function unsettle() {
    clearTimeout(settleTimer);
  }

  /** The query shows no results: report it if the reader leaves it so for SETTLE_MS. */
  function settleLater(text, source) {
    unsettle();
    settleTimer = setTimeout(() => reportFailed(text, source), SETTLE_MS);
  }

  /* ---------- the header box ---------- */

  const boxView = { latest: 0 };
  let timer = 0;

  function openPanel(content) {
    panel.replaceChildren(content);
    panel.hidden = false;
    input.setAttribute('aria-expanded', 'true');
  }

  function closePanel() {
    panel.hidden = true;
    input.setAttribute('aria-expanded', 'false');
  }

  function runBox() {
    const text = input.value.trim();
    unsettle();
    if (!text) {
      closePanel();
      live.textContent = '';
      return;
    }
    if (!startEngine()) {
      openPanel(message(FILE_MESSAGE, 'hs-file'));
      return;
    }
    ask(text, BOX_LIMIT, boxView, (msg) => {
      if (msg.type === 'error') {
        openPanel(message(`Search is unavailable: ${msg.message}`, 'hs-error'));
        return;
      }
      const results = msg.results;
      const body = results.pages.length ? resultList(results) : noResults(text);
      if (results.pages.length) {
        body.append(el('li', { class: 'hs-all' },
          el('a', { class: 'hs-all-link', href: `${cfg.basePath || '/'}search/?q=${encodeURIComponent(text)}` },
            'All results')));
      }
      // Which query the panel shows (results of an earlier prefix may show while typing).
      panel.dataset.query = text;
      openPanel(body);
      live.textContent = countText(results);
      if (!results.pages.length) settleLater(text, 'box');
    });
  }

  // A pointer over the box or a touch on it comes a few hundred milliseconds before the focus.
  for (const type of ['pointerover', 'touchstart']) {
    form.addEventListener(type, () => startEngine(), { once: true, passive: true });
  }
  const warmLater = () => setTimeout(() => {
    if ('requestIdleCallback' in window) requestIdleCallback(warm, { timeout: 2000 });
    else warm();
  }, WARM_AFTER_MS);
  if (document.readyState === 'complete') warmLater();
  else addEventListener('load', warmLater, { once: true });

  input.addEventListener('focus', () => {
    if (!startEngine()) openPanel(message(FILE_MESSAGE, 'hs-file'));
    else if (input.value.trim() && panel.hidden && !page) runBox();
  });

  input.addEventListener('input', () => {
    clearTimeout(timer);
    unsettle();
    // Until the engine is ready, send at once: the worker keeps only the newest query, so the
    // first result waits for nothing but the engine. With the whole index in memory an answer
    // takes milliseconds and fetches nothing, so there is nothing to save by waiting.
    timer = setTimeout(page ? runPage : runBox, engineReady && !engineComplete ? DEBOUNCE_MS : 0);
  });

  /** Result links in the box or the page, in reading order. */
  function links() {
    const root = page ? page.querySelector('.hs-page-results') : panel;
    return root && !(root.hidden) ? [...root.querySelectorAll('a.hs-hit-link, a.hs-sub-link, a.hs-all-link, a.hs-contact')] : [];
  }

  function move(delta) {
    const all = links();
    if (!all.length) return;
    const at = all.indexOf(document.activeElement);
    if (at === -1) {
      if (delta > 0) all[0].focus();
      return;
    }
    const next = at + delta;
    if (next < 0) input.focus();
    else all[Math.min(next, all.length - 1)].focus();
  }

  form.addEventListener('keydown', (event) => {
    if (event.key === 'ArrowDown') {
      event.preventDefault();
      move(1);
    } else if (event.key === 'ArrowUp') {
      event.preventDefault();
      move(-1);
    } else if (event.key === 'Escape') {
      if (!panel.hidden) {
        closePanel();
        input.focus();
      } else {
        input.blur();
      }
    }
  });
  if (page) page.addEventListener('keydown', (event) => {
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      move(event.key === 'ArrowDown' ? 1 : -1);
    }
  });

  // Enter on a result follows the link natively; Enter in the box goes to the first result,
  // or to the /search/ page when there is none yet (the form's own action).
  form.addEventListener('submit', (event) => {
    // Enter on a query shown with no results settles it: the /search/ page it opens reports
    // it (once for the visit), so it must not be reported from here as well.
    unsettle();
    const first = panel.hidden ? null : panel.querySelector('a.hs-hit-link, a.hs-sub-link');
    if (first && !page) {
      event.preventDefault();
      first.click();
    }
  });

  form.addEventListener('click', (event) => {
    const button = event.target.closest('.hs-copy');
    if (button) copy(button);
  });
  if (page) page.addEventListener('click', (event) => {
    const button = event.target.closest('.hs-copy');
    if (button) copy(button);
  });

  document.addEventListener('click', (event) => {
    if (!form.contains(event.target)) closePanel();
  });

  // The `/` shortcut exists only with this script, and is worth a hint only where a keyboard
  // is likely (a phone's placeholder has no room for a key it cannot press).
  input.setAttribute('aria-keyshortcuts', '/');
  if (matchMedia('(hover: hover) and (pointer: fine)').matches) input.placeholder = 'Search (press /)';
  document.addEventListener('keydown', (event) => {
    if (event.key !== '/' || event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return;
    const t = event.target;
    if (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName)) return;
    event.preventDefault();
    input.focus();
  });

  /* ---------- the /search/?q= page ---------- */

  const pageView = { latest: 0 };

  /** `fromUrl`: the query the page was opened with (a search already made), not one typed. */
  function runPage(fromUrl) {
    const text = input.value.trim();
    unsettle();
    const out = page.querySelector('.hs-page-results');
    const status = page.querySelector('.hs-page-status');
    const url = new URL(location.href);
    if (text) url.searchParams.set('q', text);
    else url.searchParams.delete('q');
    history.replaceState(null, '', url);
    if (!text) {
      out.replaceChildren();
      status.textContent = 'Type what you are looking for.';
      return;
    }
    if (!startEngine()) {
      out.replaceChildren(message(FILE_MESSAGE, 'hs-file'));
      status.textContent = '';
      return;
    }
    status.textContent = 'Searching…';
    ask(text, PAGE_LIMIT, pageView, (msg) => {
      if (msg.type === 'error') {
        out.replaceChildren(message(`Search is unavailable: ${msg.message}`, 'hs-error'));
        status.textContent = '';
        return;
      }
      const results = msg.results;
      out.replaceChildren(results.pages.length ? resultList(results) : noResults(text));
      out.dataset.query = text;
      status.textContent = countText(results);
      if (!results.pages.length) {
        if (fromUrl === true) reportFailed(text, 'page');
        else settleLater(text, 'page');
      }
      document.title = `${text} — ${page.dataset.siteTitle || document.title}`;
    });
  }

  if (page) {
    // On the search page the box drives the page's results instead of a drop-down panel.
    form.classList.add('hs-on-page');
    input.value = new URL(location.href).searchParams.get('q') || '';
    runPage(true);
  }
})();
