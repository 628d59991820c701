/** Who may do what in a project (SPEC §5). The one place access levels are computed. */
import { and, eq, sql } from 'drizzle-orm';
import type { Q } from '../../../db/client';
import { memberships, projects } from '../../../db/schema';
import { AppError } from '../../../shared/errors';
import { ACCESS, ROLES, roleLevel, type Role } from '../../../shared/roles';
import type { UserRow } from './users';

export type ProjectRow = typeof projects.$inferSelect;

export interface ProjectAccess {
  project: ProjectRow;
  role: Role | null;
  access: number;
}

export async function findProjectByPath(q: Q, path: string): Promise<ProjectRow | undefined> {
  return q.select().from(projects).where(sql`lower(${projects.path}) = lower(${path})`).get();
}

export async function membershipRole(q: Q, projectId: number, userId: number): Promise<Role | null> {
  const row = await q
    .select({ role: memberships.role })
    .from(memberships)
    .where(and(eq(memberships.projectId, projectId), eq(memberships.userId, userId)))
    .get();
  return row?.role ?? null;
}

export function accessLevel(project: ProjectRow, user: Pick<UserRow, 'isAdmin'>, role: Role | null): number {
  if (user.isAdmin) return ACCESS.admin;
  if (role) return roleLevel(role);
  return project.visibility === 'private' ? ACCESS.none : ACCESS.viewer;
}

/**
 * Resolves the caller's access to a project. A project the caller may not see at all is
 * reported as not found, so private project paths do not leak.
 */
export async function projectAccess(q: Q, user: UserRow, path: string): Promise<ProjectAccess> {
  const project = await findProjectByPath(q, path);
  if (!project) throw new AppError('PROJECT_NOT_FOUND');
  const role = await membershipRole(q, project.id, user.id);
  const access = accessLevel(project, user, role);
  if (access === ACCESS.none) throw new AppError('PROJECT_NOT_FOUND');
  return { project, role, access };
}

export function requireAccess(pa: ProjectAccess, min: number): void {
  if (pa.access >= min) return;
  const needed = ROLES.find((r) => roleLevel(r) >= min) ?? 'owner';
  throw new AppError('FORBIDDEN', `You need the ${needed} role or higher in this project to do this.`);
}

/** Current access for a user id (used per live event, so a removed member stops receiving). */
export async function currentAccess(q: Q, project: ProjectRow, user: UserRow): Promise<number> {
  return accessLevel(project, user, await membershipRole(q, project.id, user.id));
}
