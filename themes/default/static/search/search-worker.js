/* helpsite search worker.
 *
 * Runs the WebAssembly search engine (helpsite-search compiled to wasm32) off the main thread, so
 * the page never blocks on search. The engine needs its module (compiled while it downloads),
 * the manifest and the hot file (both whole, compressed in transit): the page fetches them while
 * this worker is still loading and posts them over ('files'), or the worker fetches them itself
 * (an 'init' without `prefetched`). The rest of the index
 * (postings, stored text) lives in the pack, read by HTTP Range on demand: a search step either
 * answers or names every pack range its next stage needs; the worker fetches them all at once,
 * hands them to the engine, and asks again. A new query costs two such rounds, a query over
 * bytes already fetched none; fetched bytes are kept for the session.
 *
 * One round is one request where the host answers several ranges at once (`multipart/byteranges`,
 * as nginx, Apache and Caddy do); a host that answers such a request with the whole file (or
 * refuses it) gets parallel single-range requests from then on, and a host that ignores Range
 * altogether is read whole, once.
 *
 * Protocol (messages from the page):
 *   {type: 'init', glue, wasm, index, prefetched}
 *                                        URLs of the wasm-bindgen glue, the .wasm, the index
 *                                        folder; `prefetched`: the page sends the files
 *   {type: 'files', module, manifest, hot} or {type: 'files', error}
 *                                        the compiled WebAssembly.Module and the two files'
 *                                        bytes (ArrayBuffers), or why the page could not get them
 *   {type: 'search', id, query}          query = {text, limit, section, kind}
 * Replies:
 *   {type: 'ready', ms, stats}           engine open; ms since init
 *   {type: 'results', id, results, ms, rounds, timing}
 *                                        results = the `Results` JSON of helpsite-search; rounds =
 *                                        rounds of pack fetches this query waited for; timing =
 *                                        [engine ms, fetch ms, ranges fetched] per search step
 *   {type: 'error', id?, message}
 */
'use strict';

/** A query that keeps asking for bytes after this many rounds has met a broken host. */
const MAX_ROUNDS = 6;
/** Ranges per multi-range request: servers cap them (Apache at 200), and headers stay short. */
const RANGES_PER_REQUEST = 48;

let engine = null;
let ready = null;
let pack = null; // {url, len}
let wholePack = null; // promise of the whole pack, once the host has ignored a Range request
let multiRange = true; // until the host shows it does not answer several ranges at once
let pending = null;
let running = false;
let deliverFiles;
const filesFromPage = new Promise((resolve) => { deliverFiles = resolve; });

self.onmessage = (event) => {
  const msg = event.data;
  if (msg.type === 'init') {
    if (!ready) ready = init(msg);
  } else if (msg.type === 'files') {
    deliverFiles(msg);
  } else if (msg.type === 'search') {
    // Only the newest query matters: typing queues several, answer the last one.
    pending = msg;
    pump();
  }
};

async function fetchBytes(url) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`cannot load ${url}: HTTP ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}

async function init({ glue, wasm, index, prefetched }) {
  const started = performance.now();
  try {
    const indexBase = new URL(index, self.location.href);
    let module;
    let manifest;
    let hot;
    if (prefetched) {
      importScripts(glue);
      const files = await filesFromPage;
      if (files.error) throw new Error(files.error);
      ({ module } = files);
      manifest = new Uint8Array(files.manifest);
      hot = new Uint8Array(files.hot);
    } else {
      // Compile while the bytes stream in; meanwhile fetch the manifest, then the hot file it
      // names. The glue loads synchronously (importScripts blocks this thread), so it waits
      // until the hot file is on its way.
      module = WebAssembly.compileStreaming(fetch(wasm));
      module.catch(() => {}); // if the files fail first, this rejection is not the news
      manifest = await fetchBytes(new URL('manifest.json', indexBase));
      const hotBytes = fetchBytes(new URL(JSON.parse(new TextDecoder().decode(manifest)).hot, indexBase));
      hotBytes.catch(() => {});
      importScripts(glue);
      hot = await hotBytes;
    }
    const m = JSON.parse(new TextDecoder().decode(manifest));
    pack = { url: new URL(m.pack, indexBase).href, len: m.pack_len };
    await wasm_bindgen({ module_or_path: module });
    engine = wasm_bindgen.Searcher.open(manifest, hot);
    self.postMessage({ type: 'ready', ms: performance.now() - started, stats: JSON.parse(engine.stats()) });
  } catch (err) {
    self.postMessage({ type: 'error', message: String((err && err.message) || err) });
    throw err;
  }
}

/** Fetches the pack `ranges` ([start, end) pairs) and hands them to the engine. */
async function fetchRanges(ranges) {
  const batches = [];
  for (let i = 0; i < ranges.length; i += RANGES_PER_REQUEST) batches.push(ranges.slice(i, i + RANGES_PER_REQUEST));
  await Promise.all(batches.map(fetchBatch));
}

/** Fetches some pack ranges in one request where the host allows, else one request each. */
async function fetchBatch(ranges) {
  if (wholePack) return wholePack;
  if (multiRange && ranges.length > 1) {
    const header = ranges.map(([start, end]) => `${start}-${end - 1}`).join(',');
    const response = await fetch(pack.url, { headers: { Range: `bytes=${header}` } });
    const type = response.headers.get('Content-Type') || '';
    const boundary = /^multipart\/byteranges;.*\bboundary="?([^";]+)"?/i.exec(type);
    if (response.status === 206 && boundary) {
      for (const part of multipartParts(new Uint8Array(await response.arrayBuffer()), boundary[1])) {
        engine.supply(part.start, part.bytes);
      }
      return;
    }
    if (response.status === 206) {
      // One range for all (a host may coalesce them): take it; the engine asks for any rest.
      const range = /^bytes (\d+)-(\d+)\//.exec(response.headers.get('Content-Range') || '');
      const bytes = new Uint8Array(await response.arrayBuffer());
      if (!range || bytes.length !== Number(range[2]) + 1 - Number(range[1])) {
        throw new Error(`${pack.url}: a partial answer without a matching Content-Range`);
      }
      engine.supply(Number(range[1]), bytes);
      return;
    }
    // The whole pack (200) or a refusal: don't download it; ask range by range from now on.
    response.body?.cancel();
    multiRange = false;
  }
  await Promise.all(ranges.map(([start, end]) => fetchRange(start, end)));
}

/** Fetches pack bytes `start..end` alone and hands them to the engine. */
async function fetchRange(start, end) {
  if (wholePack) return wholePack;
  const response = await fetch(pack.url, { headers: { Range: `bytes=${start}-${end - 1}` } });
  if (response.status === 206) {
    const bytes = new Uint8Array(await response.arrayBuffer());
    if (bytes.length !== end - start) {
      throw new Error(`${pack.url}: asked for bytes ${start}-${end - 1}, got ${bytes.length} bytes`);
    }
    engine.supply(start, bytes);
  } else if (response.status === 200) {
    // The host ignores Range and sends the whole pack: take it once, for good.
    if (wholePack) {
      response.body?.cancel();
      return wholePack;
    }
    wholePack = response.arrayBuffer().then((buffer) => {
      const bytes = new Uint8Array(buffer);
      if (bytes.length !== pack.len) {
        throw new Error(`${pack.url} is ${bytes.length} bytes, the manifest says ${pack.len}; the files are from different builds`);
      }
      engine.supply(0, bytes);
    });
    return wholePack;
  } else {
    throw new Error(`cannot read ${pack.url}: HTTP ${response.status}`);
  }
}

/**
 * The parts of a `multipart/byteranges` body, as {start, bytes}. Each part's length comes from
 * its Content-Range, so the data is never searched for the boundary.
 */
function multipartParts(body, boundary) {
  const latin1 = new TextDecoder('latin1');
  const delimiter = `--${boundary}`;
  const parts = [];
  let at = 0;
  for (;;) {
    const found = indexOf(body, delimiter, at);
    if (found < 0) break;
    at = found + delimiter.length;
    if (body[at] === 0x2d && body[at + 1] === 0x2d) break; // "--": the closing delimiter
    const headersEnd = indexOf(body, '\r\n\r\n', at);
    if (headersEnd < 0) break;
    const headers = latin1.decode(body.subarray(at, headersEnd));
    const range = /content-range:\s*bytes (\d+)-(\d+)\//i.exec(headers);
    if (!range) throw new Error(`${pack.url}: a multipart part without Content-Range`);
    const start = Number(range[1]);
    const length = Number(range[2]) + 1 - start;
    const from = headersEnd + 4;
    if (from + length > body.length) throw new Error(`${pack.url}: a multipart part is cut short`);
    parts.push({ start, bytes: body.subarray(from, from + length) });
    at = from + length;
  }
  return parts;
}

/** Where the ASCII `text` first occurs in `bytes` at or after `from`, or -1. */
function indexOf(bytes, text, from) {
  const first = text.charCodeAt(0);
  outer: for (let i = bytes.indexOf(first, from); i >= 0 && i + text.length <= bytes.length; i = bytes.indexOf(first, i + 1)) {
    for (let j = 1; j < text.length; j++) if (bytes[i + j] !== text.charCodeAt(j)) continue outer;
    return i;
  }
  return -1;
}

/** Answers one query: search steps, with the pack ranges each asks for fetched in between. */
async function answer(msg) {
  const started = performance.now();
  const query = JSON.stringify(msg.query);
  const timing = []; // [engine ms, fetch ms, ranges] per step: where a query's time goes
  for (let rounds = 0; rounds <= MAX_ROUNDS; rounds++) {
    const t0 = performance.now();
    const step = JSON.parse(engine.search(query));
    const t1 = performance.now();
    if (step.results) {
      timing.push([t1 - t0, 0, 0]);
      self.postMessage({ type: 'results', id: msg.id, results: step.results, ms: performance.now() - started, rounds, timing });
      return;
    }
    await fetchRanges(step.need);
    timing.push([t1 - t0, performance.now() - t1, step.need.length]);
    if (pending) return; // a newer query arrived meanwhile; the bytes fetched stay useful
  }
  throw new Error(`the search index still needs bytes after ${MAX_ROUNDS} rounds of fetches`);
}

/** Answers the newest pending query, one at a time. */
async function pump() {
  if (running) return;
  running = true;
  try {
    while (pending) {
      const msg = pending;
      pending = null;
      try {
        await ready;
      } catch {
        self.postMessage({ type: 'error', id: msg.id, message: 'search engine failed to load' });
        continue;
      }
      if (pending) continue; // a newer query arrived while the engine loaded
      try {
        await answer(msg);
      } catch (err) {
        self.postMessage({ type: 'error', id: msg.id, message: String((err && err.message) || err) });
      }
    }
  } finally {
    running = false;
  }
}
