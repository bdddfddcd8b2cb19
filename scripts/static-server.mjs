// A small static file server for the release bundle: serves a folder under
// any path prefix, on 127.0.0.1, on a free port unless one is given. Used by
// scripts/serve and by the end-to-end tests (which also pass extra headers,
// such as a Content-Security-Policy, to check the bundle under them).
//
//   node scripts/static-server.mjs [--dir dist] [--prefix /] [--port 0]

import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
};

/** The policy racelab works under: no inline script or style, no eval;
 * only wasm compilation is allowed ('wasm-unsafe-eval'). Any page may frame
 * it: embedding a race in a course page is what embed mode is for, and the
 * page holds nothing to protect from a frame (no account, no server). */
export const STRICT_CSP = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "worker-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors *",
].join('; ');

/** Starts serving `dir` under `prefix`; resolves to { url, close }. */
export async function serve({ dir = 'dist', prefix = '/', port = 0, headers = {} } = {}) {
  const root = resolve(dir);
  if (!prefix.startsWith('/')) prefix = `/${prefix}`;
  if (!prefix.endsWith('/')) prefix = `${prefix}/`;
  const server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    if (`${path}/` === prefix) {
      // As static hosts do: the folder's address without its slash would
      // resolve the page's relative URLs one level too high.
      res.writeHead(301, { location: prefix }).end();
      return;
    }
    if (!path.startsWith(prefix)) {
      res.writeHead(404).end('not found');
      return;
    }
    let file = normalize(join(root, path.slice(prefix.length)));
    if (file !== root && !file.startsWith(root + sep)) {
      res.writeHead(403).end('forbidden');
      return;
    }
    try {
      if ((await stat(file)).isDirectory()) file = join(file, 'index.html');
      const body = await readFile(file);
      res.writeHead(200, {
        'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
        'cache-control': 'no-cache',
        ...headers,
      });
      res.end(body);
    } catch {
      res.writeHead(404).end('not found');
    }
  });
  await new Promise((ok, fail) => {
    server.once('error', fail);
    server.listen(port, '127.0.0.1', ok);
  });
  const url = `http://127.0.0.1:${server.address().port}${prefix}`;
  return { url, close: () => new Promise((ok) => server.close(ok)) };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const arg = (name, fallback) => {
    const i = process.argv.indexOf(`--${name}`);
    return i > 0 ? process.argv[i + 1] : fallback;
  };
  const { url } = await serve({
    dir: arg('dir', 'dist'),
    prefix: arg('prefix', '/'),
    port: Number(arg('port', 0)),
    headers: { 'content-security-policy': STRICT_CSP },
  });
  console.log(`racelab is served at ${url}  (Ctrl-C stops it)`);
}
