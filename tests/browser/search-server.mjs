// A static file server on 127.0.0.1 for the search browser tests and benchmark.
//
// It behaves like a plain static host: pretty URLs (`/a/` → `/a/index.html`), HTTP Range requests
// answered with 206 and never compressed (several ranges in one request as
// `multipart/byteranges`, as nginx, Apache and Caddy do; `{multiRange: false}` answers those
// with the whole file instead, as hosts that support single ranges only do; `{ranges: false}`
// ignores Range altogether), whole responses
// gzipped when the browser asks. It logs every response with the bytes it put on the wire,
// which is how the benchmark counts "bytes before the first result" for helpsite and Pagefind
// alike.
import { createServer } from 'node:http';
import { open, readFile, stat } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';
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

/** Starts serving `root`; resolves to {url, log, close()}. */
export async function serve(root, { multiRange = true, ranges: rangesOk = true } = {}) {
  const log = [];
  const gzipped = new Map();
  const server = createServer(async (req, res) => {
    const url = new URL(req.url, 'http://127.0.0.1');
    let path = normalize(decodeURIComponent(url.pathname));
    if (path.includes('..')) return send(404, 'not found');
    if (path.endsWith('/')) path += 'index.html';
    let file = join(root, path);
    let info = await stat(file).catch(() => null);
    if (info && info.isDirectory()) {
      res.writeHead(301, { Location: `${url.pathname}/` });
      return res.end();
    }
    if (!info) {
      file = join(root, '404.html');
      info = await stat(file).catch(() => null);
      if (!info) return send(404, 'not found');
      return send(404, await readFile(file), '.html');
    }
    const type = TYPES[extname(file)] || 'application/octet-stream';
    const ranges = rangesOk ? parseRanges(req.headers.range, info.size) : null;
    if (ranges && (ranges.length === 1 || multiRange)) {
      // Read only the ranges: a static host does not load a 40 MB pack to send 16 KiB of it.
      const size = info.size;
      if (ranges.length === 0) {
        res.writeHead(416, { 'Content-Range': `bytes */${size}` });
        log.push({ path: url.pathname, status: 416, bytes: 0, range: req.headers.range });
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
      const headers = { 'Accept-Ranges': 'bytes', 'Cache-Control': 'no-cache' };
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
      log.push({ path: url.pathname, status: 206, bytes: out.length, range: req.headers.range });
      return res.end(out);
    }
    const body = await readFile(file);
    const headers = { 'Content-Type': type, 'Accept-Ranges': 'bytes', 'Cache-Control': 'no-cache' };
    let out = body;
    if (/\bgzip\b/.test(req.headers['accept-encoding'] || '')) {
      const key = `${file}:${info.mtimeMs}`;
      if (!gzipped.has(key)) gzipped.set(key, gzipSync(body, { level: 9 }));
      out = gzipped.get(key);
      headers['Content-Encoding'] = 'gzip';
    }
    headers['Content-Length'] = out.length;
    res.writeHead(200, headers);
    log.push({ path: url.pathname, status: 200, bytes: out.length, raw: body.length });
    res.end(out);

    function send(status, text, ext = '.txt') {
      res.writeHead(status, { 'Content-Type': TYPES[ext] });
      log.push({ path: url.pathname, status, bytes: Buffer.byteLength(text) });
      res.end(text);
    }
  });
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
