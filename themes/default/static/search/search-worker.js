/* helpsite search worker.
 *
 * Loads the WebAssembly search engine (helpsite-search compiled to wasm32) and the published
 * index, then answers queries. It runs in a Web Worker because the engine reads the cold part of
 * the index (postings, positions, stored text) with synchronous XMLHttpRequest Range requests,
 * which browsers allow only off the main thread; the page never blocks on search.
 *
 * Protocol (messages from the page):
 *   {type: 'init', glue, wasm, index}    URLs of the wasm-bindgen glue, the .wasm, the index folder
 *   {type: 'search', id, query}          query = {text, limit, section, kind}
 * Replies:
 *   {type: 'ready', ms, stats}           engine open; ms since init
 *   {type: 'results', id, results, ms}   results = the `Results` JSON of helpsite-search
 *   {type: 'error', id?, message}
 */
'use strict';

let engine = null;
let ready = null;
let pending = null;
let scheduled = false;

self.onmessage = (event) => {
  const msg = event.data;
  if (msg.type === 'init') {
    if (!ready) ready = init(msg);
  } else if (msg.type === 'search') {
    // Only the newest query matters: typing queues several, answer the last one.
    pending = msg;
    if (!scheduled) {
      scheduled = true;
      setTimeout(runPending, 0);
    }
  }
};

async function fetchBytes(url) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`cannot load ${url}: HTTP ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}

async function init({ glue, wasm, index }) {
  const started = performance.now();
  try {
    const indexBase = new URL(index, self.location.href);
    // The manifest and the hot file do not depend on the engine: fetch them while the wasm
    // compiles. The manifest names the hot file (fetched whole, compressed in transit) and the
    // pack (read later by Range from inside the engine).
    const files = fetchBytes(new URL('manifest.json', indexBase)).then(async (manifest) => {
      const { hot } = JSON.parse(new TextDecoder().decode(manifest));
      return [manifest, await fetchBytes(new URL(hot, indexBase))];
    });
    importScripts(glue);
    await wasm_bindgen({ module_or_path: wasm });
    const [manifest, hot] = await files;
    engine = wasm_bindgen.Searcher.open(manifest, hot, indexBase.href);
    self.postMessage({ type: 'ready', ms: performance.now() - started, stats: JSON.parse(engine.stats()) });
  } catch (err) {
    self.postMessage({ type: 'error', message: String((err && err.message) || err) });
    throw err;
  }
}

async function runPending() {
  scheduled = false;
  const msg = pending;
  pending = null;
  if (!msg) return;
  try {
    await ready;
  } catch {
    self.postMessage({ type: 'error', id: msg.id, message: 'search engine failed to load' });
    return;
  }
  if (pending) return; // a newer query arrived while the engine loaded
  const started = performance.now();
  try {
    const results = JSON.parse(engine.search(JSON.stringify(msg.query)));
    self.postMessage({ type: 'results', id: msg.id, results, ms: performance.now() - started });
  } catch (err) {
    self.postMessage({ type: 'error', id: msg.id, message: String((err && err.message) || err) });
  }
}
