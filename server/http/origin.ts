import type { IncomingMessage } from 'node:http';

/**
 * CSRF and cross-site WebSocket defence. A browser always sends `Origin` on cross-origin
 * requests and WebSocket upgrades; we accept our public origin or the origin of the Host the
 * request was sent to. Requests without `Origin` (curl, scripts, a browser's GET) cannot carry a
 * victim's cookie from another site, except where `Sec-Fetch-Site` says the browser made them
 * from another site, or from another origin of ours (`same-site`: a sibling subdomain, whose
 * `<img>` carries even a SameSite=Lax cookie).
 */
export function isForeignOrigin(req: IncomingMessage, publicUrl: string): boolean {
  const origin = req.headers.origin;
  if (!origin) {
    const site = req.headers['sec-fetch-site'];
    return site === 'cross-site' || site === 'same-site';
  }
  if (origin === 'null') return true;
  let parsed: URL;
  try {
    parsed = new URL(origin);
  } catch {
    return true;
  }
  if (parsed.origin === new URL(publicUrl).origin) return false;
  const host = req.headers.host;
  return !host || parsed.host.toLowerCase() !== host.toLowerCase();
}
