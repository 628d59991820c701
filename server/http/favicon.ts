/**
 * The site icon: one small SVG, at /favicon.svg for pages that declare it and at /favicon.ico,
 * which browsers ask for on their own (a server-rendered page without it logs a 404 in the console).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

/** A speech bubble in the app's accent colour, with a thread line through it. */
const SVG =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32">' +
  '<path d="M6 4h20a4 4 0 0 1 4 4v12a4 4 0 0 1-4 4H14l-7 6v-6H6a4 4 0 0 1-4-4V8a4 4 0 0 1 4-4z" fill="#2f5fd0"/>' +
  '<path d="M9 14h14" stroke="#fff" stroke-width="3" stroke-linecap="round"/></svg>';

export const FAVICON_PATHS = ['/favicon.svg', '/favicon.ico'] as const;

/** Whether a request URL asks for the icon: the path alone decides (`/favicon.ico?v=2` busts a cache). */
export function isFaviconUrl(url: string): boolean {
  const end = url.search(/[?#]/);
  const path = end === -1 ? url : url.slice(0, end);
  return (FAVICON_PATHS as readonly string[]).includes(path);
}

/** Goes into the head of every page the server renders itself. */
export const FAVICON_LINK = '<link rel="icon" href="/favicon.svg" type="image/svg+xml">';

export function serveFavicon(_req: IncomingMessage, res: ServerResponse): void {
  res.writeHead(200, { 'Content-Type': 'image/svg+xml', 'Cache-Control': 'public, max-age=86400' }).end(SVG);
}
