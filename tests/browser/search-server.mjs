// A static file server on 127.0.0.1 for the search browser tests and benchmarks, which behaves
// like the hosts sites are published on (an object store, a CDN, a web server), optionally over a
// slow network.
//
//   serve(root, {range, rtt, mbps})
//
// - Pretty URLs (`/a/` → `/a/index.html`); the query string is ignored, as static hosts do.
// - `range`: 'multi' answers several ranges in one request as `multipart/byteranges` (nginx,
//   Apache, Caddy); 'single' answers one range per request and several with the whole file (S3,
//   CloudFront, MinIO); 'none' ignores Range (some free CDN tiers). Range answers are never
//   compressed. (The old options `{multiRange: false}` and `{ranges: false}` still mean 'single'
//   and 'none'.)
// - Whole answers of the types a CDN compresses (HTML, CSS, JS, JSON, SVG, XML, text, wasm) are
//   gzipped when the browser asks, from a precompressed `FILE.gz` beside the file when there is
//   one (and `FILE.br` for `br`, which Chromium asks for over HTTPS only); other types (the
//   search index's `.hot` and `.pack`, Pagefind's files) travel as they are.
// - ETag (size and time) with `If-None-Match` → 304; `Cache-Control: public, max-age=31536000,
//   immutable` for content-hashed names, `no-cache` (revalidate) for the rest.
// - `rtt` (ms): every answer starts that long after its request, and a new connection costs one
//   more (its TCP handshake). `mbps`: all answers share one link of that many Mbit/s, written
//   in small chunks as the link frees up, so parallel downloads slow each other as on a phone.
//
// It logs every answer with the bytes it put on the wire (headers not counted), which is how the
// benchmarks count "bytes before the first result" for helpsite and Pagefind alike.
import { createServer } from 'node:http';
import { open, readFile, stat } from 'node:fs/promises';
import { basename, extname, join, normalize } from 'node:path';
import { gzipSync } from 'node:zlib';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.xml': 'application/xml',
  '.txt': 'text/plain; charset=utf-8',
};
const COMPRESSIBLE = new Set(['.html', '.js', '.mjs', '.css', '.json', '.wasm', '.svg', '.xml', '.txt']);
/** A name with a content hash in it (`index-0123abcd….pack`, `search-ui.0123abcd.js`, Pagefind's `en_0123abc.pf_index`). */
const HASHED = /[._-][0-9a-f]{7,}\.[a-z0-9_]+$/;
/** Bytes written to the link at a time: ~20 ms at 1.6 Mbit/s, so parallel answers interleave. */
const CHUNK = 4096;

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Starts serving `root`; resolves to {url, log, close()}. */
export async function serve(root, options = {}) {
  const range = options.range
    || (options.ranges === false ? 'none' : options.multiRange === false ? 'single' : 'multi');
  const rtt = options.rtt || 0;
  const mbps = options.mbps || 0;
  const log = [];
  const gzipped = new Map();
  let linkFree = 0; // when the shared link has sent everything queued so far (performance.now())

  /** Writes `body` through the shared link, chunk by chunk, then ends the answer. */
  async function send(res, body) {
    if (!mbps) return res.end(body);
    const bytesPerMs = (mbps * 1e6) / 8 / 1000;
    for (let at = 0; at < body.length; at += CHUNK) {
      const chunk = body.subarray(at, at + CHUNK);
      const now = performance.now();
      linkFree = Math.max(linkFree, now) + chunk.length / bytesPerMs;
      if (linkFree - now >= 1) await sleep(linkFree - now);
      if (res.destroyed) return undefined;
      res.write(chunk);
    }
    return res.end();
  }

  const server = createServer(async (req, res) => {
    const url = new URL(req.url, 'http://127.0.0.1');
    const entry = { path: url.pathname, query: url.search, t: performance.now() };
    if (rtt) {
      // A new connection first costs its handshake.
      const fresh = !req.socket.hsUsed;
      req.socket.hsUsed = true;
      await sleep(fresh ? 2 * rtt : rtt);
    }
    const done = (status, bytes, extra = {}) => log.push({ ...entry, status, bytes, ...extra });
    let path = normalize(decodeURIComponent(url.pathname));
    if (path.includes('..')) return plain(404, 'not found');
    if (path.endsWith('/')) path += 'index.html';
    let file = join(root, path);
    let info = await stat(file).catch(() => null);
    if (info && info.isDirectory()) {
      res.writeHead(301, { Location: `${url.pathname}/` });
      done(301, 0);
      return res.end();
    }
    if (!info) {
      file = join(root, '404.html');
      info = await stat(file).catch(() => null);
      if (!info) return plain(404, 'not found');
      return plain(404, await readFile(file), '.html');
    }
    const ext = extname(file);
    const type = TYPES[ext] || 'application/octet-stream';
    const etag = `"${info.size.toString(16)}-${Math.floor(info.mtimeMs).toString(16)}"`;
    const base = {
      ETag: etag,
      'Cache-Control': HASHED.test(basename(file)) ? 'public, max-age=31536000, immutable' : 'no-cache',
    };
    if (range !== 'none') base['Accept-Ranges'] = 'bytes';
    if (req.headers['if-none-match'] === etag) {
      res.writeHead(304, base);
      done(304, 0);
      return res.end();
    }
    const ranges = range !== 'none' ? parseRanges(req.headers.range, info.size) : null;
    if (ranges && (ranges.length === 1 || range === 'multi')) {
      // Read only the ranges: a static host does not load a 40 MB pack to send 16 KiB of it.
      const size = info.size;
      if (ranges.length === 0) {
        res.writeHead(416, { ...base, 'Content-Range': `bytes */${size}` });
        done(416, 0, { range: req.headers.range });
        return res.end();
      }
      const fh = await open(file);
      let parts;
      try {
        parts = await Promise.all(ranges.map(async ([start, end]) => {
          const part = Buffer.alloc(end + 1 - start);
          await fh.read(part, 0, part.length, start);
          return part;
        }));
      } finally {
        await fh.close();
      }
      const headers = { ...base };
      let out;
      if (ranges.length === 1) {
        out = parts[0];
        headers['Content-Type'] = type;
        headers['Content-Range'] = `bytes ${ranges[0][0]}-${ranges[0][1]}/${size}`;
      } else {
        const boundary = `hs${Date.now().toString(16)}`;
        const chunks = [];
        ranges.forEach(([start, end], i) => {
          chunks.push(Buffer.from(`\r\n--${boundary}\r\nContent-Type: ${type}\r\nContent-Range: bytes ${start}-${end}/${size}\r\n\r\n`));
          chunks.push(parts[i]);
        });
        chunks.push(Buffer.from(`\r\n--${boundary}--\r\n`));
        out = Buffer.concat(chunks);
        headers['Content-Type'] = `multipart/byteranges; boundary=${boundary}`;
      }
      headers['Content-Length'] = out.length;
      res.writeHead(206, headers);
      done(206, out.length, { range: req.headers.range });
      return send(res, out);
    }
    const headers = { ...base, 'Content-Type': type };
    const accept = req.headers['accept-encoding'] || '';
    let out;
    let raw;
    const pre = async (suffix) => readFile(file + suffix).catch(() => null);
    let br;
    let gz;
    if (COMPRESSIBLE.has(ext) && /\bbr\b/.test(accept) && (br = await pre('.br'))) {
      out = br;
      headers['Content-Encoding'] = 'br';
    } else if (COMPRESSIBLE.has(ext) && /\bgzip\b/.test(accept)) {
      gz = await pre('.gz');
      if (!gz) {
        const key = `${file}:${info.mtimeMs}`;
        if (!gzipped.has(key)) gzipped.set(key, gzipSync(await readFile(file), { level: 9 }));
        gz = gzipped.get(key);
      }
      out = gz;
      headers['Content-Encoding'] = 'gzip';
    } else {
      out = await readFile(file);
      raw = out.length;
    }
    if (headers['Content-Encoding']) headers.Vary = 'Accept-Encoding';
    headers['Content-Length'] = out.length;
    res.writeHead(200, headers);
    done(200, out.length, { raw: raw ?? info.size, encoding: headers['Content-Encoding'] || '' });
    return send(res, out);

    function plain(status, text, ext = '.txt') {
      res.writeHead(status, { 'Content-Type': TYPES[ext] });
      done(status, Buffer.byteLength(text));
      res.end(text);
    }
  });
  server.keepAliveTimeout = 60_000;
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}`,
    log,
    close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(resolve); }),
  };
}

/**
 * The ranges of a `Range: bytes=…` header as inclusive [start, end] pairs within `size` (an empty
 * list when none is satisfiable), or null for no header or one this server ignores.
 */
function parseRanges(header, size) {
  const m = /^bytes=(.+)$/.exec(header || '');
  if (!m) return null;
  const ranges = [];
  for (const spec of m[1].split(',')) {
    const r = /^\s*(\d*)-(\d*)\s*$/.exec(spec);
    if (!r || (r[1] === '' && r[2] === '')) return null;
    let start;
    let end;
    if (r[1] === '') {
      start = Math.max(0, size - Number(r[2]));
      end = size - 1;
    } else {
      start = Number(r[1]);
      end = Math.min(r[2] === '' ? size - 1 : Number(r[2]), size - 1);
    }
    if (start <= end) ranges.push([start, end]);
  }
  return ranges;
}
