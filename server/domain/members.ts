import { and, asc, count, eq } from 'drizzle-orm';
import type { Db } from '../../db/client';
import type { Tx } from '../events/store';
import { memberships, users } from '../../db/schema';
import { AppError } from '../../shared/errors';
import { ACCESS, type Role } from '../../shared/roles';
import type { MemberView } from '../../shared/views';
import type { ProjectAccess } from './access';
import type { DomainCtx } from './context';
import { findUserByEmail } from './users';

export function listMembers(db: Db, projectId: number): MemberView[] {
  return db
    .select({ user: users, role: memberships.role, createdAt: memberships.createdAt })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(eq(memberships.projectId, projectId))
    .orderBy(asc(users.name))
    .limit(1000)
    .all()
    .map((r) => ({
      user: { id: r.user.id, name: r.user.name, email: r.user.email },
      role: r.role,
      createdAt: new Date(r.createdAt).toISOString(),
    }));
}

function currentRole(tx: Tx, projectId: number, userId: number): Role | undefined {
  return tx
    .select({ role: memberships.role })
    .from(memberships)
    .where(and(eq(memberships.projectId, projectId), eq(memberships.userId, userId)))
    .get()?.role;
}

function ownerCount(db: Db, projectId: number): number {
  return (
    db
      .select({ n: count() })
      .from(memberships)
      .where(and(eq(memberships.projectId, projectId), eq(memberships.role, 'owner')))
      .get()?.n ?? 0
  );
}

/**
 * Adds a member or changes their role. Maintainers manage members; only owners (and admins)
 * may grant, change or remove the owner role, and the last owner cannot be demoted.
 */
export function setMember(
  dc: DomainCtx,
  pa: ProjectAccess,
  input: { email: string; role: Role },
): MemberView {
  const user = findUserByEmail(dc.db, input.email);
  if (!user || user.kind !== 'human') throw new AppError('USER_NOT_FOUND');
  return dc.db.transaction(
    (tx) => {
      const current = currentRole(tx, pa.project.id, user.id);
      const touchesOwner = input.role === 'owner' || current === 'owner';
      if (touchesOwner && pa.access < ACCESS.owner) throw new AppError('OWNER_REQUIRED');
      if (current === 'owner' && input.role !== 'owner' && ownerCount(dc.db, pa.project.id) <= 1) {
        throw new AppError('LAST_OWNER');
      }
      const at = dc.now();
      tx.insert(memberships)
        .values({ projectId: pa.project.id, userId: user.id, role: input.role, createdAt: at })
        .onConflictDoUpdate({ target: [memberships.projectId, memberships.userId], set: { role: input.role } })
        .run();
      return {
        user: { id: user.id, name: user.name, email: user.email },
        role: input.role,
        createdAt: new Date(at).toISOString(),
      };
    },
    { behavior: 'immediate' },
  );
}

export function removeMember(dc: DomainCtx, pa: ProjectAccess, email: string): void {
  const user = findUserByEmail(dc.db, email);
  if (!user) throw new AppError('USER_NOT_FOUND');
  dc.db.transaction(
    (tx) => {
      const current = currentRole(tx, pa.project.id, user.id);
      if (!current) throw new AppError('NOT_A_MEMBER');
      if (current === 'owner') {
        if (pa.access < ACCESS.owner) throw new AppError('OWNER_REQUIRED');
        if (ownerCount(dc.db, pa.project.id) <= 1) throw new AppError('LAST_OWNER');
      }
      tx.delete(memberships)
        .where(and(eq(memberships.projectId, pa.project.id), eq(memberships.userId, user.id)))
        .run();
    },
    { behavior: 'immediate' },
  );
}
