/** Links to a project's pages (shared/project-route.ts reads them back). */
export { parseProjectRoute, type ProjectRoute } from '../../shared/project-route';

export const queueHref = (projectPath: string) => `/p/${projectPath}`;
export const ticketHref = (projectPath: string, iid: number) => `/p/${projectPath}/-/tickets/${iid}`;
export const membersHref = (projectPath: string) => `/p/${projectPath}/-/members`;
export const serviceDeskHref = (projectPath: string) => `/p/${projectPath}/-/service-desk`;
export const auditHref = (projectPath: string) => `/p/${projectPath}/-/audit`;
export const customerHref = (id: number) => `/customers/${id}`;
