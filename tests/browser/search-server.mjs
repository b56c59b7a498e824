// A static file server on 127.0.0.1 for the search browser tests and benchmark.
//
// It behaves like a plain static host: pretty URLs (`/a/` → `/a/index.html`), single HTTP Range
// requests answered with 206 and never compressed, whole responses gzipped when the browser
// asks. It logs every response with the bytes it put on the wire, which is how the benchmark
// counts "bytes before the first result" for helpsite and Pagefind alike.
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
export async function serve(root) {
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
    const range = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range || '');
    if (range) {
      // Read only the range: a static host does not load a 40 MB pack to send 16 KiB of it.
      const size = info.size;
      const start = Number(range[1]);
      const end = Math.min(range[2] ? Number(range[2]) : size - 1, size - 1);
      if (start > end) {
        res.writeHead(416, { 'Content-Range': `bytes */${size}` });
        log.push({ path: url.pathname, status: 416, bytes: 0, range: req.headers.range });
        return res.end();
      }
      const part = Buffer.alloc(end + 1 - start);
      const fh = await open(file);
      try {
        await fh.read(part, 0, part.length, start);
      } finally {
        await fh.close();
      }
      res.writeHead(206, {
        'Content-Type': type,
        'Content-Length': part.length,
        'Content-Range': `bytes ${start}-${end}/${size}`,
        'Accept-Ranges': 'bytes',
        'Cache-Control': 'no-cache',
      });
      log.push({ path: url.pathname, status: 206, bytes: part.length, range: req.headers.range });
      return res.end(part);
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
