/* helpsite search worker.
 *
 * Runs the WebAssembly search engine (helpsite-search compiled to wasm32) off the main thread, so
 * the page never blocks on search. The engine needs its module (compiled while it downloads),
 * the manifest and the hot file (whole; the hot file comes gzip-compressed from the build and is
 * inflated here with DecompressionStream, since hosts do not compress a type they do not know):
 * the page fetches them while this worker is still loading and posts them over ('files'), or the
 * worker fetches them itself (an 'init' without `prefetched`). On a small site the hot file is
 * the whole index and nothing else is ever fetched. Otherwise the rest of the index (postings,
 * stored text) lives in the pack, read by HTTP Range on demand: a search step either answers or
 * names every pack range its next stage needs; the worker fetches them all at once, hands them
 * to the engine, and asks again. A new query costs two such rounds, a query over bytes already
 * fetched none; fetched bytes are kept for the session, and by the HTTP cache across visits.
 *
 * One round is a few parallel single-range requests, which every host that supports Range
 * answers (object stores and CDNs answer one range per request: several ranges in one request
 * get the whole file there). Each request names its range in the URL (`pack?r=START-END`):
 * Chromium's HTTP cache makes concurrent requests for one URL wait for each other, which would
 * turn a round into a queue, and distinct URLs are also kept by the cache for the next visit.
 * Nearby ranges are merged into one request, and a round asks for at most PARALLEL requests
 * unless that would fetch far more than needed. A host that ignores Range sends the whole pack
 * (200): it is taken once, for good. When the hot file's answer did not say `Accept-Ranges:
 * bytes`, the first pack request goes alone, so such a host sends the pack once, not PARALLEL
 * times.
 *
 * Protocol (messages from the page):
 *   {type: 'init', glue, wasm, index, prefetched}
 *                                        URLs of the wasm-bindgen glue, the .wasm, the index
 *                                        folder; `prefetched`: the page sends the files
 *   {type: 'files', module, manifest, hot, ranges} or {type: 'files', error}
 *                                        the compiled WebAssembly.Module, the two files' bytes
 *                                        (ArrayBuffers, the hot file as published) and whether
 *                                        the host said it answers Range; or why the page could
 *                                        not get them
 *   {type: 'search', id, query}          query = {text, limit, section, kind}
 * Replies:
 *   {type: 'ready', ms, stats, complete} engine open; ms since init; complete: the whole index
 *                                        is in memory, no query will wait on the network
 *   {type: 'results', id, results, ms, rounds, timing, suggest}   (suggest: engine.suggest's JSON, when no page matched)
 *                                        results = the `Results` JSON of helpsite-search; rounds =
 *                                        rounds of pack fetches this query waited for; timing =
 *                                        [engine ms, fetch ms, requests] per search step
 *   {type: 'error', id?, message}
 */
'use strict';

/** A query that keeps asking for bytes after this many rounds has met a broken host. */
const MAX_ROUNDS = 6;
/** Requests a round aims at: HTTP/1.1 browsers open six connections per host. */
const PARALLEL = 6;
/** Ranges closer than this are always fetched as one: a request saved is worth the bytes. */
const NEAR_GAP = 16 * 1024;
/** To stay within PARALLEL requests, ranges this far apart may still be joined. */
const FAR_GAP = 96 * 1024;

let engine = null;
let ready = null;
let pack = null; // {url, len}
let wholePack = null; // promise of the whole pack, once the host has ignored a Range request
let rangesKnown = false; // the host has answered a Range request with 206 (or said it would)
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

async function fetchFile(url) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`cannot load ${url}: HTTP ${response.status}`);
  return { bytes: new Uint8Array(await response.arrayBuffer()), ranges: acceptsRanges(response) };
}

/** Whether a response says its host answers Range requests. */
function acceptsRanges(response) {
  return /\bbytes\b/i.test(response.headers.get('Accept-Ranges') || '');
}

/** The hot file's bytes, inflated: the build gzips it (a host may have decoded it already). */
async function inflate(bytes) {
  if (!(bytes[0] === 0x1f && bytes[1] === 0x8b)) return bytes;
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
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
      rangesKnown = Boolean(files.ranges);
    } else {
      // Compile while the bytes stream in; meanwhile fetch the manifest, then the hot file it
      // names. The glue loads synchronously (importScripts blocks this thread), so it waits
      // until the hot file is on its way.
      module = WebAssembly.compileStreaming(fetch(wasm));
      module.catch(() => {}); // if the files fail first, this rejection is not the news
      manifest = (await fetchFile(new URL('manifest.json', indexBase))).bytes;
      const hotFile = fetchFile(new URL(JSON.parse(new TextDecoder().decode(manifest)).hot, indexBase));
      hotFile.catch(() => {});
      importScripts(glue);
      ({ bytes: hot, ranges: rangesKnown } = await hotFile);
    }
    hot = await inflate(hot);
    const m = JSON.parse(new TextDecoder().decode(manifest));
    pack = { url: new URL(m.pack, indexBase).href, len: m.pack_len };
    const blocks = Math.ceil(m.pack_len / m.block_size);
    const complete = m.hot_blocks.length === 1 && m.hot_blocks[0][0] === 0 && m.hot_blocks[0][1] === blocks;
    await wasm_bindgen({ module_or_path: module });
    engine = wasm_bindgen.Searcher.open(manifest, hot);
    self.postMessage({ type: 'ready', ms: performance.now() - started, stats: JSON.parse(engine.stats()), complete });
  } catch (err) {
    self.postMessage({ type: 'error', message: String((err && err.message) || err) });
    throw err;
  }
}

/**
 * The requests for one round: `ranges` ([start, end) pairs, sorted by the engine) with near ones
 * joined, then the closest joined while there are more than PARALLEL of them and the gap is not
 * far. The engine takes any whole blocks, and joined ranges are whole blocks too.
 */
function requests(ranges) {
  const out = [];
  for (const [start, end] of [...ranges].sort((a, b) => a[0] - b[0])) {
    const last = out[out.length - 1];
    if (last && start - last[1] <= NEAR_GAP) last[1] = Math.max(last[1], end);
    else out.push([start, end]);
  }
  while (out.length > PARALLEL) {
    let best = -1;
    for (let i = 0; i + 1 < out.length; i++) {
      const gap = out[i + 1][0] - out[i][1];
      if (gap <= FAR_GAP && (best < 0 || gap < out[best + 1][0] - out[best][1])) best = i;
    }
    if (best < 0) break;
    out[best][1] = out[best + 1][1];
    out.splice(best + 1, 1);
  }
  return out;
}

/** Fetches the pack `ranges` ([start, end) pairs) and hands them to the engine; the request count. */
async function fetchRanges(ranges) {
  const batch = requests(ranges);
  if (!rangesKnown && !wholePack && batch.length > 1) {
    // The host has not said it answers Range: ask once alone, so that a host that sends the
    // whole pack instead sends it once.
    await fetchRange(...batch[0]);
    await Promise.all(batch.slice(1).map(([start, end]) => fetchRange(start, end)));
  } else {
    await Promise.all(batch.map(([start, end]) => fetchRange(start, end)));
  }
  return batch.length;
}

/** Fetches pack bytes `start..end` and hands them to the engine. */
async function fetchRange(start, end) {
  if (wholePack) return wholePack;
  const url = `${pack.url}?r=${start}-${end - 1}`;
  const response = await fetch(url, { headers: { Range: `bytes=${start}-${end - 1}` } });
  if (response.status === 206) {
    rangesKnown = true;
    const range = /^bytes (\d+)-(\d+)\//.exec(response.headers.get('Content-Range') || '');
    const bytes = new Uint8Array(await response.arrayBuffer());
    if (!range || Number(range[1]) !== start || bytes.length !== end - start) {
      throw new Error(`${pack.url}: asked for bytes ${start}-${end - 1}, got ${range ? range[0] : 'no Content-Range'} (${bytes.length} bytes)`);
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
      self.postMessage({ type: 'results', id: msg.id, results: step.results, ms: performance.now() - started, rounds, timing, suggest: step.results.pages.length ? undefined : JSON.parse(engine.suggest(msg.query.text)) });
      return;
    }
    const sent = await fetchRanges(step.need);
    timing.push([t1 - t0, performance.now() - t1, sent]);
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
