import { createReadStream, existsSync, readFileSync, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { log } from '../log';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
};

/** index.html as built, read again only when a build replaced it */
let page: { file: string; mtimeMs: number; text: string } | null = null;

function indexHtml(file: string): string {
  const mtimeMs = statSync(file).mtimeMs;
  if (!page || page.file !== file || page.mtimeMs !== mtimeMs) page = { file, mtimeMs, text: readFileSync(file, 'utf8') };
  return page.text;
}

/**
 * Serves the built client; unknown paths get index.html so client-side routes work on reload.
 * `preload` gives what to put into the page's head for this request (its data, see preload.ts):
 * such a page is the visitor's own, never stored by a cache.
 */
export function serveClient(root: string, req: IncomingMessage, res: ServerResponse, preload?: (req: IncomingMessage, res: ServerResponse) => Promise<string>): void {
  const url = new URL(req.url ?? '/', 'http://x');
  let rel: string;
  try {
    rel = decodeURIComponent(url.pathname);
  } catch {
    res.writeHead(400).end('Bad path');
    return;
  }
  let file = path.join(root, path.normalize(rel));
  if (!file.startsWith(root)) {
    res.writeHead(403).end('Forbidden');
    return;
  }
  const isAsset = rel.startsWith('/assets/');
  if (!existsSync(file) || !statSync(file).isFile()) {
    if (isAsset || path.extname(rel)) {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('Not found');
      return;
    }
    file = path.join(root, 'index.html');
    if (!existsSync(file)) {
      res.writeHead(503, { 'Content-Type': 'text/plain' }).end('The client is not built yet: run `npm run build`.');
      return;
    }
  }
  if (preload && file === path.join(root, 'index.html')) {
    servePage(file, req, res, preload);
    return;
  }
  res.writeHead(200, {
    'Content-Type': TYPES[path.extname(file)] ?? 'application/octet-stream',
    // Hashed assets never change; the HTML must always be revalidated to pick up new builds.
    'Cache-Control': isAsset ? 'public, max-age=31536000, immutable' : 'no-cache',
  });
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  createReadStream(file).pipe(res);
}

function servePage(file: string, req: IncomingMessage, res: ServerResponse, preload: (req: IncomingMessage, res: ServerResponse) => Promise<string>): void {
  const html = indexHtml(file);
  preload(req, res)
    .catch((err: unknown) => {
      log.warn('preloading a page failed; it asks for its data itself', { err });
      return '';
    })
    .then((head) => {
      if (res.headersSent || res.destroyed) return;
      const body = head ? html.replace('</head>', `${head}</head>`) : html;
      res.writeHead(200, { 'Content-Type': TYPES['.html'] as string, 'Cache-Control': 'no-store', Vary: 'Cookie' });
      res.end(req.method === 'HEAD' ? undefined : body);
    });
}
