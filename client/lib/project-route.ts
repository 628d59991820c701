/**
 * Project URLs use GitLab's `/-/` separator because project paths contain slashes:
 * `/p/acme/mobile-app`, `/p/acme/mobile-app/-/tickets/12`, `/p/acme/mobile-app/-/members`.
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

export const queueHref = (projectPath: string) => `/p/${projectPath}`;
export const ticketHref = (projectPath: string, iid: number) => `/p/${projectPath}/-/tickets/${iid}`;
export const membersHref = (projectPath: string) => `/p/${projectPath}/-/members`;
export const serviceDeskHref = (projectPath: string) => `/p/${projectPath}/-/service-desk`;
export const auditHref = (projectPath: string) => `/p/${projectPath}/-/audit`;
export const customerHref = (id: number) => `/customers/${id}`;
