// A tiny static file server for the browser tests: serves a built site directory on
// 127.0.0.1 the way a static host does (pretty URLs, `404.html` for unknown paths), so the
// tests need nothing but Node.
import { createServer } from "node:http";
import { readFile, stat } from "node:fs/promises";
import path from "node:path";

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".json": "application/json",
  ".wasm": "application/wasm",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".gif": "image/gif",
  ".webp": "image/webp",
  ".ico": "image/x-icon",
  ".xml": "application/xml",
  ".txt": "text/plain; charset=utf-8",
};

async function isFile(p) {
  try {
    return (await stat(p)).isFile();
  } catch {
    return false;
  }
}

/** Resolves a URL path to a file under `root`, or null. Never leaves `root`. */
async function resolve(root, urlPath) {
  let decoded;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes("\0") || decoded.includes("\\")) return null;
  const full = path.resolve(root, "." + path.posix.normalize("/" + decoded));
  if (full !== root && !full.startsWith(root + path.sep)) return null;
  if (await isFile(full)) return full;
  const index = path.join(full, "index.html");
  if (await isFile(index)) return index;
  return null;
}

/** Starts serving `root`; resolves to `{ url, close }` once listening. */
export async function serve(root) {
  root = path.resolve(root);
  const server = createServer(async (req, res) => {
    const url = new URL(req.url, "http://127.0.0.1");
    let file = await resolve(root, url.pathname);
    let status = 200;
    if (file && !url.pathname.endsWith("/") && file.endsWith(path.sep + "index.html") &&
        !url.pathname.endsWith("index.html")) {
      // Like static hosts: `/faq` redirects to `/faq/` so relative links keep working.
      res.writeHead(301, { Location: url.pathname + "/" + url.search });
      res.end();
      return;
    }
    if (!file) {
      status = 404;
      file = path.join(root, "404.html");
      if (!(await isFile(file))) {
        res.writeHead(404, { "Content-Type": "text/plain" });
        res.end("not found (and the site has no 404.html)");
        return;
      }
    }
    const body = await readFile(file);
    res.writeHead(status, {
      "Content-Type": TYPES[path.extname(file).toLowerCase()] ?? "application/octet-stream",
      "Content-Length": body.length,
      "Cache-Control": "no-store",
    });
    res.end(req.method === "HEAD" ? undefined : body);
  });
  await new Promise((ok, fail) => {
    server.once("error", fail);
    server.listen(0, "127.0.0.1", ok);
  });
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise((ok) => server.close(ok)),
  };
}
