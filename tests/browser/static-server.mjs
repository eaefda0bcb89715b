// A static file server for benchmarks, on 127.0.0.1: like Netlify, it
// compresses text responses (HTML, CSS, JS, JSON, SVG, XML) with gzip when
// the browser accepts it, and serves everything else as it is.
// Usage: node static-server.mjs ROOT PORT
import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';

const [root, port] = process.argv.slice(2);
const types = {
  '.html': 'text/html; charset=utf-8', '.css': 'text/css', '.js': 'text/javascript', '.mjs': 'text/javascript',
  '.json': 'application/json', '.svg': 'image/svg+xml', '.xml': 'application/xml', '.txt': 'text/plain',
  '.wasm': 'application/wasm',
};
const text = /^(text\/|application\/(json|xml|javascript)|image\/svg)/;

createServer(async (req, res) => {
  try {
    let path = normalize(decodeURIComponent(new URL(req.url, 'http://x').pathname));
    if (path.includes('..')) throw new Error('bad path');
    let file = join(root, path);
    if ((await stat(file)).isDirectory()) file = join(file, 'index.html');
    const body = await readFile(file);
    const type = types[extname(file)] || 'application/octet-stream';
    // Revalidated with an ETag on every use, as Netlify does.
    const etag = `"${createHash('sha1').update(body).digest('hex')}"`;
    const headers = { 'content-type': type, 'cache-control': 'public, max-age=0, must-revalidate', etag };
    if (req.headers['if-none-match'] === etag) {
      res.writeHead(304, headers);
      res.end();
      return;
    }
    if (text.test(type) && /\bgzip\b/.test(req.headers['accept-encoding'] || '')) {
      res.writeHead(200, { ...headers, 'content-encoding': 'gzip' });
      res.end(gzipSync(body));
    } else {
      res.writeHead(200, headers);
      res.end(body);
    }
  } catch {
    res.writeHead(404);
    res.end('404');
  }
}).listen(Number(port), '127.0.0.1');
