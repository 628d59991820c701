import { and, asc, count, eq, inArray, or, sql } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { memberships, projects, serviceDeskSettings, tickets } from '../../db/schema';
import { AppError } from '../../shared/errors';
import { roleLevel, type Visibility } from '../../shared/roles';
import type { ProjectView } from '../../shared/views';
import { accessLevel, type ProjectRow } from './access';
import type { DomainCtx } from './context';
import { isUniqueViolation, type UserRow } from './users';

export function createProject(
  dc: DomainCtx,
  input: { path: string; name?: string | undefined; visibility?: Visibility | undefined },
): ProjectRow {
  const at = dc.now();
  try {
    return dc.db.transaction(
      (tx) => {
        const row = tx
          .insert(projects)
          .values({
            path: input.path,
            name: input.name ?? input.path.split('/').pop() ?? input.path,
            visibility: input.visibility ?? 'private',
            createdAt: at,
          })
          .returning()
          .get();
        tx.insert(serviceDeskSettings).values({ projectId: row.id, updatedAt: at }).run();
        return row;
      },
      { behavior: 'immediate' },
    );
  } catch (err) {
    if (isUniqueViolation(err)) throw new AppError('PROJECT_PATH_TAKEN');
    throw err;
  }
}

/** Open tickets per project; `includeConfidential` only for viewers who may see them (reporter+). */
function openCounts(db: Db, projectIds: number[], includeConfidential: boolean): Map<number, number> {
  if (projectIds.length === 0) return new Map();
  const rows = db
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
export function listProjectsFor(db: Db, user: UserRow): ProjectView[] {
  const rows = db
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
  const full = openCounts(db, views.filter((v) => v.access >= roleLevel('reporter')).map((v) => v.project.id), true);
  const restricted = openCounts(db, views.filter((v) => v.access < roleLevel('reporter')).map((v) => v.project.id), false);
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

export function projectView(db: Db, project: ProjectRow, role: ProjectView['role'], access: number): ProjectView {
  const counts = openCounts(db, [project.id], access >= roleLevel('reporter'));
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
