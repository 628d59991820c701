/**
 * Project URLs use GitLab's `/-/` separator because project paths contain slashes:
 * `/p/acme/mobile-app`, `/p/acme/mobile-app/-/tickets/12`, `/p/acme/mobile-app/-/members`.
 * Read by the browser's router and by the server, which preloads a page's data.
 */
export type ProjectRoute =
  | { page: 'queue'; projectPath: string }
  | { page: 'ticket'; projectPath: string; iid: number }
  | { page: 'members'; projectPath: string }
  | { page: 'service-desk'; projectPath: string }
  | { page: 'audit'; projectPath: string }
  | { page: 'unknown'; projectPath: string };

export function parseProjectRoute(splat: string): ProjectRoute {
  const clean = splat.replace(/^\/+|\/+$/g, '');
  const sep = clean.indexOf('/-/');
  const projectPath = sep < 0 ? clean : clean.slice(0, sep);
  const rest = sep < 0 ? '' : clean.slice(sep + 3);
  if (rest === '') return { page: 'queue', projectPath };
  if (rest === 'members') return { page: 'members', projectPath };
  if (rest === 'service-desk') return { page: 'service-desk', projectPath };
  if (rest === 'audit') return { page: 'audit', projectPath };
  const ticket = /^tickets\/(\d+)$/.exec(rest);
  if (ticket) return { page: 'ticket', projectPath, iid: Number(ticket[1]) };
  return { page: 'unknown', projectPath };
}
