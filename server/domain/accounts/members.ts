import { and, asc, count, eq } from 'drizzle-orm';
import type { Q } from '../../../db/client';
import { memberships, users } from '../../../db/schema';
import { AppError } from '../../../shared/errors';
import { ACCESS, type Role } from '../../../shared/roles';
import type { MemberView } from '../../../shared/views';
import type { ProjectAccess } from './access';
import type { DomainCtx } from '../core/context';
import { recordAudit, type Actor } from '../audit/audit-log';
import { findUserByEmail } from './users';
import { writeAccessChange } from './access-signal';

export async function listMembers(q: Q, projectId: number): Promise<MemberView[]> {
  const rows = await q
    .select({ user: users, role: memberships.role, createdAt: memberships.createdAt })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(eq(memberships.projectId, projectId))
    .orderBy(asc(users.name))
    .limit(1000)
    .all();
  return rows.map((r) => ({
    user: { id: r.user.id, name: r.user.name, email: r.user.email },
    role: r.role,
    createdAt: new Date(r.createdAt).toISOString(),
    deactivated: r.user.deactivatedAt !== null,
  }));
}

async function currentRole(q: Q, projectId: number, userId: number): Promise<Role | undefined> {
  const row = await q
    .select({ role: memberships.role })
    .from(memberships)
    .where(and(eq(memberships.projectId, projectId), eq(memberships.userId, userId)))
    .get();
  return row?.role;
}

async function ownerCount(q: Q, projectId: number): Promise<number> {
  const row = await q
    .select({ n: count() })
    .from(memberships)
    .where(and(eq(memberships.projectId, projectId), eq(memberships.role, 'owner')))
    .get();
  return row?.n ?? 0;
}

/**
 * Adds a member or changes their role. Maintainers manage members; only owners (and admins)
 * may grant, change or remove the owner role, and the last owner cannot be demoted.
 */
export async function setMember(
  dc: DomainCtx,
  pa: ProjectAccess,
  input: { email: string; role: Role },
  actor?: Actor,
): Promise<MemberView> {
  const user = await findUserByEmail(dc.db, input.email);
  if (!user || user.kind !== 'human') throw new AppError('USER_NOT_FOUND');
  return writeAccessChange(dc, async (tx, changed) => {
    const current = await currentRole(tx, pa.project.id, user.id);
    const touchesOwner = input.role === 'owner' || current === 'owner';
    if (touchesOwner && pa.access < ACCESS.owner) throw new AppError('OWNER_REQUIRED');
    if (current === 'owner' && input.role !== 'owner' && (await ownerCount(tx, pa.project.id)) <= 1) {
      throw new AppError('LAST_OWNER');
    }
    const at = dc.now();
    await tx
      .insert(memberships)
      .values({ projectId: pa.project.id, userId: user.id, role: input.role, createdAt: at })
      .onConflictDoUpdate({ target: [memberships.projectId, memberships.userId], set: { role: input.role } })
      .run();
    if (current !== input.role) changed(user.id, pa.project.id);
    if (actor && current !== input.role) {
      const action = current ? 'member.role_changed' : 'member.added';
      await recordAudit(tx, actor, { projectId: pa.project.id, action, target: user.email, detail: { role: input.role, ...(current ? { from: current } : {}) } }, at);
    }
    return {
      user: { id: user.id, name: user.name, email: user.email },
      role: input.role,
      createdAt: new Date(at).toISOString(),
    };
  });
}

export async function removeMember(dc: DomainCtx, pa: ProjectAccess, email: string, actor?: Actor): Promise<void> {
  const user = await findUserByEmail(dc.db, email);
  if (!user) throw new AppError('USER_NOT_FOUND');
  await writeAccessChange(dc, async (tx, changed) => {
    const current = await currentRole(tx, pa.project.id, user.id);
    if (!current) throw new AppError('NOT_A_MEMBER');
    if (current === 'owner') {
      if (pa.access < ACCESS.owner) throw new AppError('OWNER_REQUIRED');
      if ((await ownerCount(tx, pa.project.id)) <= 1) throw new AppError('LAST_OWNER');
    }
    await tx
      .delete(memberships)
      .where(and(eq(memberships.projectId, pa.project.id), eq(memberships.userId, user.id)))
      .run();
    changed(user.id, pa.project.id);
    if (actor) await recordAudit(tx, actor, { projectId: pa.project.id, action: 'member.removed', target: user.email, detail: { role: current } }, dc.now());
  });
}
