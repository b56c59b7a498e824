/* helpsite search UI: the header search box and the /search/?q= page.
 *
 * The engine starts when the reader reaches for the search box (pointer over it, a touch, focus,
 * the `/` key) or opens /search/: then a Web Worker starts the WebAssembly engine and the index,
 * and the page never blocks on either. Before that, once the page has loaded and the browser is
 * idle, the engine's files are fetched into the HTTP cache at low priority, so a reader who
 * searches later waits for none of them; not when the reader asked to save data (Save-Data) or
 * the browser rates the connection below 4G, since a reader who never searches pays for them.
 * Results update as you type (debounced while answers may need the network; at once when the
 * whole index is in memory). The count is announced through an ARIA live region.
 *
 * The header box is an ARIA 1.2 combobox: focus stays in the input, its `aria-controls` names
 * the results listbox, each result is a link with `role="option"`, and ↑ ↓ move
 * `aria-activedescendant` (and `aria-selected`) through them; Enter opens the highlighted one,
 * or with none highlighted the first result *at the section that matched best* (the page's top
 * only when its lead matched best); Esc closes the list, Home / End / ← → hand the caret back.
 * On the /search/ page the results are a plain list of links (the box has no popup there): ↓
 * moves focus into it.
 *
 * A query that finds nothing shows "Did you mean …" with the nearest words the index knows
 * (the engine's `suggest`, answered by the worker beside the empty results, no fetch); taking
 * it runs the corrected query. The way to ask support links the request composer only when the
 * site has one (`data-contact-url`), else the support address.
 *
 * Staff mode: each result gets a "Copy link" control that copies its absolute URL with
 * `?ref=reply` (the reply-link ledger recognises and strips it). Customers never see it. It is
 * switched on by opening any page with `?staff=1` (e.g. /search/?staff=1) and off with
 * `?staff=0`, remembered in localStorage (`hs-staff`), and always on in the preview (`helpsite
 * serve`, recognised by the live-reload script it adds to every page). In the header list the
 * control sits inside its option, so it is not a second tab stop: it is there for the mouse, and
 * Ctrl+C (⌘C) copies the highlighted result's link; the /search/ page has real buttons.
 *
 * Configuration comes from data attributes on the `[data-hs-search]` form, written by
 * templates/partials/search-box.html: data-worker, data-glue, data-wasm, data-index (URLs),
 * data-base-url (site.base_url), data-base-path, data-support-email, data-contact-url (only when
 * the site has a contact page) and data-feedback-endpoint (site.feedback_endpoint, absent when
 * none is configured).
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

  /* ---------- staff mode ---------- */

  const STAFF_KEY = 'hs-staff';
  // The preview adds its live-reload script (with the page's `data-etag`) to every page it
  // serves: whoever reads there is a writer or staff at their own machine, never a customer.
  const preview = Boolean(document.querySelector('script[data-etag][src$="/livereload.js"]'));
  const staff = (() => {
    let on = false;
    try {
      on = localStorage.getItem(STAFF_KEY) === '1';
    } catch {
      // Storage blocked: the switch below still holds for this page view.
    }
    const url = new URL(location.href);
    const asked = url.searchParams.get('staff');
    if (asked === '1' || asked === '0') {
      on = asked === '1';
      try {
        if (on) localStorage.setItem(STAFF_KEY, '1');
        else localStorage.removeItem(STAFF_KEY);
      } catch {
        // As above.
      }
      // The switch is no part of the page's address: a link copied from the bar must not
      // switch a customer's browser into staff mode.
      url.searchParams.delete('staff');
      history.replaceState(history.state, '', url);
    }
    return on || preview;
  })();
  document.documentElement.classList.toggle('hs-staff', staff);

  /* ---------- rendering ---------- */

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v == null) continue;
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

  function searchUrl(text) {
    return `${cfg.basePath || '/'}search/?q=${encodeURIComponent(text)}`;
  }

  /**
   * Where a result leads: the section that matched best (sub[0], the best heading), or the
   * page's top when its lead matched at least as well (the page's score is its best section's).
   * A troubleshooting page's answer is its flow, first on the page: a match in one of its steps
   * opens that step (`step-<id>`), a match in the prose below the flow opens the flow.
   */
  function target(hit) {
    const best = hit.sub && hit.sub[0];
    if (!best || best.score < hit.score) return hit.url;
    if (hit.kind === 'troubleshooting' && !best.anchor.startsWith('step-')) return hit.url;
    return best.url;
  }

  /** The page's snippet, unless it is the best heading's, shown with that heading below. */
  function pageSnippet(hit) {
    const dup = hit.sub && hit.sub.length && hit.sub[0].snippet === hit.snippet;
    return hit.snippet && !dup ? hit.snippet : '';
  }

  const COPY_TITLE = 'Copy link for a reply';

  /** The /search/ page's copy button (staff mode only). */
  function copyButton(url, label) {
    return el('button', { type: 'button', class: 'hs-copy', 'data-url': replyLink(url),
      'aria-label': `Copy link to ${label}`, title: COPY_TITLE }, 'Copy link');
  }

  function copy(control) {
    const url = control.dataset.url;
    const done = (ok) => {
      control.textContent = ok ? 'Copied' : 'Copy failed';
      live.textContent = ok ? 'Link copied' : 'Copying the link failed';
      setTimeout(() => { control.textContent = 'Copy link'; }, 1500);
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
      input.focus();
    }
  }

  /** The /search/ page's results: a list of links, with copy buttons in staff mode. */
  function pageList(results) {
    const list = el('ol', { class: 'hs-results' });
    for (const hit of results.pages) {
      const head = el('div', { class: 'hs-hit-head' },
        el('a', { class: 'hs-hit-link', href: target(hit) }, el('span', { class: 'hs-hit-title' }, hit.title),
          hit.kind && hit.kind !== 'guide' ? el('span', { class: 'hs-kind' }, hit.kind) : null),
        staff ? copyButton(hit.url, hit.title) : null);
      const item = el('li', { class: 'hs-hit' }, head);
      const text = pageSnippet(hit);
      if (text) item.append(el('p', { class: 'hs-hit-snippet' }, snippet(text)));
      if (hit.sub && hit.sub.length) {
        const subs = el('ul', { class: 'hs-subs' });
        for (const sub of hit.sub.slice(0, 3)) {
          const trail = sub.trail.join(' › ');
          subs.append(el('li', { class: 'hs-sub' },
            el('div', { class: 'hs-hit-head' },
              el('a', { class: 'hs-sub-link', href: sub.url }, el('span', { class: 'hs-trail' }, trail)),
              staff ? copyButton(sub.url, `${hit.title} › ${trail}`) : null),
            sub.snippet ? el('p', { class: 'hs-sub-snippet' }, snippet(sub.snippet)) : null));
        }
        item.append(subs);
      }
      list.append(item);
    }
    return list;
  }

  const LISTBOX_ID = 'hs-search-listbox';
  let optionSeq = 0;

  /**
   * One option of the header list: a link with role=option, named by its text (its label, then
   * its snippet: a name must hold all the text it shows). No focusable element may sit inside an
   * option, so staff mode's copy control is a plain element there, hidden from assistive
   * technology (clicked with the mouse; Ctrl+C copies the highlighted option's link).
   */
  function option(cls, href, label, text, copyUrl) {
    const head = el('span', { class: 'hs-hit-head' }, el('span', { class: 'hs-label' }, ...label),
      staff && copyUrl ? el('span', { class: 'hs-copy', 'aria-hidden': 'true', 'data-url': replyLink(copyUrl),
        title: `${COPY_TITLE} (Ctrl+C copies the highlighted result's)` }, 'Copy link') : null);
    return el('a', { class: cls, href, id: `hs-opt-${++optionSeq}`, role: 'option', tabindex: '-1', 'aria-selected': 'false' },
      head, text ? ' ' : null,
      text ? el('span', { class: cls === 'hs-hit-link' ? 'hs-hit-snippet' : 'hs-sub-snippet' }, snippet(text)) : null);
  }

  /** The header box's results: a listbox of options, each page followed by its best headings. */
  function boxList(results, text) {
    const list = el('ol', { class: 'hs-results', id: LISTBOX_ID, role: 'listbox', 'aria-label': 'Search results' });
    for (const hit of results.pages) {
      const item = el('li', { class: 'hs-hit', role: 'none' },
        option('hs-hit-link', target(hit), [el('span', { class: 'hs-hit-title' }, hit.title),
          ...(hit.kind && hit.kind !== 'guide' ? [' ', el('span', { class: 'hs-kind' }, hit.kind)] : [])],
        pageSnippet(hit), hit.url));
      if (hit.sub && hit.sub.length) {
        const subs = el('ul', { class: 'hs-subs', role: 'none' });
        for (const sub of hit.sub.slice(0, 3)) {
          subs.append(el('li', { class: 'hs-sub', role: 'none' },
            option('hs-sub-link', sub.url, [el('span', { class: 'hs-trail' }, sub.trail.join(' › '))], sub.snippet, sub.url)));
        }
        item.append(subs);
      }
      list.append(item);
    }
    list.append(el('li', { class: 'hs-all', role: 'none' },
      option('hs-all-link', searchUrl(text), [`All results for “${text}”`], '', null)));
    return list;
  }

  /**
   * "No results": the nearest words the index knows, when there are ("did you mean", taken in
   * place), then how to ask support: the request composer with the query when the site has
   * one, the support address otherwise.
   */
  function noResults(query, suggestions) {
    const box = el('div', { class: 'hs-empty' });
    const better = suggestions && suggestions.query;
    if (better && better.toLowerCase() !== query.toLowerCase()) {
      box.append(el('p', { class: 'hs-suggest' }, 'Did you mean ',
        el('a', { class: 'hs-suggest-link', href: searchUrl(better), 'data-query': better }, better), '?'));
    }
    const contact = cfg.contactUrl
      ? el('a', { class: 'hs-contact', href: `${cfg.contactUrl}?q=${encodeURIComponent(query)}` }, 'Ask support about it')
      : null;
    const mail = cfg.supportEmail
      ? el('a', { class: 'hs-mail', href: `mailto:${cfg.supportEmail}?subject=${encodeURIComponent(query)}` }, cfg.supportEmail)
      : null;
    box.append(el('p', { class: 'hs-empty-title' }, contact || mail ? 'No results — here is how to ask us' : 'No results'));
    const line = el('p', null, 'Nothing matched ', el('q', null, query), '.');
    if (contact) line.append(' ', contact, mail ? ' or email ' : '', mail, '.');
    else if (mail) line.append(' Email ', mail, ' about it.');
    box.append(line);
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
  let shown = null; // {text, results} the panel's listbox shows
  let active = -1; // the highlighted option's index, -1 for none (the caret is in the input)
  let enterPending = null; // a query Enter was pressed on before its results came

  function options() {
    return panel.hidden ? [] : [...panel.querySelectorAll('[role="option"]')];
  }

  /** Highlights option `i` (-1: none), the ARIA 1.2 way: focus stays in the input. */
  function setActive(i) {
    const all = options();
    active = i >= 0 && i < all.length ? i : -1;
    all.forEach((o, k) => {
      o.setAttribute('aria-selected', String(k === active));
      o.classList.toggle('hs-active', k === active);
    });
    if (active < 0) {
      input.removeAttribute('aria-activedescendant');
      return;
    }
    input.setAttribute('aria-activedescendant', all[active].id);
    all[active].scrollIntoView({ block: 'nearest' });
  }

  /** Shows `content` in the panel; `expanded`: it is the listbox of results. */
  function openPanel(content, expanded) {
    active = -1;
    input.removeAttribute('aria-activedescendant');
    panel.replaceChildren(content);
    panel.hidden = false;
    input.setAttribute('aria-expanded', String(Boolean(expanded)));
  }

  function closePanel() {
    active = -1;
    input.removeAttribute('aria-activedescendant');
    panel.hidden = true;
    input.setAttribute('aria-expanded', 'false');
  }

  /** Opens `url` (root-relative or absolute). */
  function go(url) {
    closePanel();
    location.assign(new URL(url, location.href).href);
  }

  function runBox() {
    const text = input.value.trim();
    unsettle();
    if (!text) {
      shown = null;
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
        shown = null;
        openPanel(message(`Search is unavailable: ${msg.message}`, 'hs-error'));
        if (enterPending === text) {
          enterPending = null;
          go(searchUrl(text));
        }
        return;
      }
      const results = msg.results;
      const found = results.pages.length > 0;
      shown = { text, results };
      // Which query the panel shows (results of an earlier prefix may show while typing).
      panel.dataset.query = text;
      openPanel(found ? boxList(results, text) : noResults(text, msg.suggest), found);
      live.textContent = countText(results);
      if (!found) settleLater(text, 'box');
      if (enterPending === text) {
        enterPending = null;
        // No result: the /search/ page says so, offers the way on and reports the query.
        unsettle();
        go(found ? target(results.pages[0]) : searchUrl(text));
      }
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
    enterPending = null;
    if (active >= 0) setActive(-1);
    // Until the engine is ready, send at once: the worker keeps only the newest query, so the
    // first result waits for nothing but the engine. With the whole index in memory an answer
    // takes milliseconds and fetches nothing, so there is nothing to save by waiting.
    timer = setTimeout(page ? runPage : runBox, engineReady && !engineComplete ? DEBOUNCE_MS : 0);
  });

  /** The header box's keys (the combobox's), while the caret is in it. */
  function boxKey(event) {
    const all = options();
    switch (event.key) {
      case 'ArrowDown':
        event.preventDefault();
        if (panel.hidden) {
          if (input.value.trim()) runBox();
        } else if (all.length) {
          setActive(active + 1 < all.length ? active + 1 : 0);
        } else {
          // No listbox ("no results"): into its links, "did you mean" first.
          panel.querySelector('a')?.focus();
        }
        break;
      case 'ArrowUp':
        event.preventDefault();
        // From the first option back to the input; from the input to the last option.
        if (all.length) setActive(active < 0 ? all.length - 1 : active - 1);
        break;
      case 'Home':
      case 'End':
      case 'ArrowLeft':
      case 'ArrowRight':
        // These move the caret: the highlight goes back to the text.
        if (active >= 0) setActive(-1);
        break;
      case 'Escape':
        if (!panel.hidden) {
          closePanel();
        } else {
          input.blur();
        }
        break;
      case 'Enter':
        if (event.isComposing || active < 0 || !all[active]) break; // the form's submit, below
        event.preventDefault();
        unsettle();
        go(all[active].href);
        break;
      case 'c':
      case 'C':
        if (staff && (event.ctrlKey || event.metaKey) && active >= 0
            && input.selectionStart === input.selectionEnd) {
          const control = all[active].querySelector('.hs-copy');
          if (control) {
            event.preventDefault();
            copy(control);
          }
        }
        break;
      default:
    }
  }

  /** ↓ ↑ between the links of a "no results" panel, and back up to the box; Esc closes it. */
  function panelLinkKey(event) {
    const all = [...panel.querySelectorAll('a')];
    const at = all.indexOf(document.activeElement);
    if (at === -1) return;
    if (event.key === 'Escape') {
      closePanel();
      input.focus();
      return;
    }
    if (event.key !== 'ArrowDown' && event.key !== 'ArrowUp') return;
    event.preventDefault();
    const next = at + (event.key === 'ArrowDown' ? 1 : -1);
    if (next < 0) input.focus();
    else all[Math.min(next, all.length - 1)].focus();
  }

  if (!page) {
    input.setAttribute('aria-controls', LISTBOX_ID);
    input.addEventListener('keydown', boxKey);
    panel.addEventListener('keydown', panelLinkKey);
  } else {
    // On the search page the box drives the page's results: it has no popup, so it is a plain
    // search box there, and ↓ moves focus into the results.
    for (const attr of ['role', 'aria-expanded', 'aria-controls', 'aria-autocomplete']) input.removeAttribute(attr);
  }

  // Enter in the box with no option highlighted opens the first result at the section that
  // matched; with no result (or no engine) it is the form's own action, the /search/ page.
  form.addEventListener('submit', (event) => {
    // Enter on a query shown with no results settles it: the /search/ page it opens reports
    // it (once for the visit), so it must not be reported from here as well.
    unsettle();
    if (page) return;
    const text = input.value.trim();
    if (!text || !worker || engineError) return;
    if (shown && shown.text === text && !panel.hidden) {
      if (!shown.results.pages.length) return;
      event.preventDefault();
      go(target(shown.results.pages[0]));
      return;
    }
    // Its results are on their way (or the panel was closed): follow them when they come.
    event.preventDefault();
    enterPending = text;
    clearTimeout(timer);
    runBox();
  });

  /** Clicks in the results: copy controls, and "did you mean" taken in place. */
  function onResultsClick(event) {
    const control = event.target.closest('.hs-copy');
    if (control) {
      event.preventDefault();
      copy(control);
      return;
    }
    const better = event.target.closest('.hs-suggest-link');
    if (better) {
      event.preventDefault();
      input.value = better.dataset.query;
      clearTimeout(timer);
      if (page) runPage();
      else runBox();
      input.focus();
    }
  }
  form.addEventListener('click', onResultsClick);
  // A press on an option must not take focus from the input: the combobox keeps it, and the
  // keys go on working after a copy control is clicked.
  panel.addEventListener('mousedown', (event) => {
    if (event.target.closest('[role="option"]')) event.preventDefault();
  });
  if (page) page.addEventListener('click', onResultsClick);

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
      out.replaceChildren(results.pages.length ? pageList(results) : noResults(text, msg.suggest));
      out.dataset.query = text;
      status.textContent = countText(results);
      if (!results.pages.length) {
        if (fromUrl === true) reportFailed(text, 'page');
        else settleLater(text, 'page');
      }
      document.title = `${text} — ${page.dataset.siteTitle || document.title}`;
    });
  }

  /** The page's result links, in reading order. */
  function pageLinks() {
    return [...page.querySelectorAll('.hs-page-results a.hs-hit-link, .hs-page-results a.hs-sub-link, '
      + '.hs-page-results a.hs-suggest-link, .hs-page-results a.hs-contact')];
  }

  /** ↓ ↑ on the search page: from the box into the results and between them, and back. */
  function pageKey(event) {
    if (event.key !== 'ArrowDown' && event.key !== 'ArrowUp') return;
    const all = pageLinks();
    if (!all.length) return;
    event.preventDefault();
    const at = all.indexOf(document.activeElement);
    if (at === -1) {
      if (event.key === 'ArrowDown') all[0].focus();
      return;
    }
    const next = at + (event.key === 'ArrowDown' ? 1 : -1);
    if (next < 0) input.focus();
    else all[Math.min(next, all.length - 1)].focus();
  }

  if (page) {
    // On the search page the box drives the page's results instead of a drop-down panel.
    form.classList.add('hs-on-page');
    input.addEventListener('keydown', pageKey);
    page.addEventListener('keydown', pageKey);
    if (staff) {
      const note = el('p', { class: 'hs-staff-note' },
        preview ? 'Staff mode (the preview): each result has a Copy link button for replies.'
          : 'Staff mode: each result has a Copy link button for replies. ');
      if (!preview) note.append(el('a', { href: `${cfg.basePath || '/'}search/?staff=0` }, 'Turn it off'));
      page.querySelector('.hs-page-status').after(note);
    }
    input.value = new URL(location.href).searchParams.get('q') || '';
    runPage(true);
  }
})();
