import { and, asc, count, eq, inArray, or, sql } from 'drizzle-orm';
import type { Q } from '../../../db/client';
import { memberships, projects, serviceDeskSettings, tickets } from '../../../db/schema';
import { AppError } from '../../../shared/errors';
import { roleLevel, type Visibility } from '../../../shared/roles';
import type { ProjectView } from '../../../shared/views';
import { accessLevel, type ProjectRow } from '../accounts/access';
import type { DomainCtx } from '../core/context';
import { recordAudit, type Actor } from '../audit/audit-log';
import { isUniqueViolation, type UserRow } from '../accounts/users';

export async function createProject(
  dc: DomainCtx,
  input: { path: string; name?: string | undefined; visibility?: Visibility | undefined },
  actor?: Actor,
): Promise<ProjectRow> {
  const at = dc.now();
  try {
    return await dc.db.write(async (tx) => {
      const row = await tx
        .insert(projects)
        .values({
          path: input.path,
          name: input.name ?? input.path.split('/').pop() ?? input.path,
          visibility: input.visibility ?? 'private',
          createdAt: at,
        })
        .returning()
        .get();
      await tx.insert(serviceDeskSettings).values({ projectId: row.id, updatedAt: at }).run();
      if (actor) await recordAudit(tx, actor, { projectId: row.id, action: 'project.created', target: row.path, detail: { visibility: row.visibility } }, at);
      return row;
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw new AppError('PROJECT_PATH_TAKEN');
    throw err;
  }
}

/** Open tickets per project; `includeConfidential` only for viewers who may see them (reporter+). */
async function openCounts(q: Q, projectIds: number[], includeConfidential: boolean): Promise<Map<number, number>> {
  if (projectIds.length === 0) return new Map();
  const rows = await q
    .select({ projectId: tickets.projectId, n: count() })
    .from(tickets)
    .where(and(inArray(tickets.projectId, projectIds), eq(tickets.state, 'opened'), includeConfidential ? undefined : eq(tickets.confidential, false)))
    .groupBy(tickets.projectId)
    .all();
  return new Map(rows.map((r) => [r.projectId, r.n]));
}

/**
 * Projects the user can see: their memberships, internal and public projects, or all for admins.
 * Open counts include confidential tickets only where the user may see them (reporter+).
 */
export async function listProjectsFor(q: Q, user: UserRow): Promise<ProjectView[]> {
  const rows = await q
    .select({ project: projects, role: memberships.role })
    .from(projects)
    .leftJoin(memberships, and(eq(memberships.projectId, projects.id), eq(memberships.userId, user.id)))
    .where(user.isAdmin ? undefined : or(sql`${memberships.userId} is not null`, inArray(projects.visibility, ['internal', 'public'])))
    .orderBy(asc(sql`lower(${projects.path})`))
    .limit(1000)
    .all();
  const views = rows.map(({ project, role }) => {
    const access = accessLevel(project, user, role);
    return { project, role, access };
  });
  const full = await openCounts(q, views.filter((v) => v.access >= roleLevel('reporter')).map((v) => v.project.id), true);
  const restricted = await openCounts(q, views.filter((v) => v.access < roleLevel('reporter')).map((v) => v.project.id), false);
  return views.map(({ project, role, access }) => ({
    id: project.id,
    path: project.path,
    name: project.name,
    visibility: project.visibility,
    role,
    access,
    openCount: (access >= roleLevel('reporter') ? full : restricted).get(project.id) ?? 0,
  }));
}

export async function projectView(q: Q, project: ProjectRow, role: ProjectView['role'], access: number): Promise<ProjectView> {
  const counts = await openCounts(q, [project.id], access >= roleLevel('reporter'));
  return {
    id: project.id,
    path: project.path,
    name: project.name,
    visibility: project.visibility,
    role,
    access,
    openCount: counts.get(project.id) ?? 0,
  };
}
