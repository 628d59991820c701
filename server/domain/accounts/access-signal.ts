/**
 * "Who may see what just changed": a membership, a role, the admin flag, a deactivation or a
 * session that ended. Live streams keep each session's access in memory (events/viewer-access.ts);
 * the change is written into the events order itself, so every stream re-checks before it
 * delivers anything committed after it — on every node and in every process on the database.
 *
 * `writeAccessChange` appends one `access.changed` event per project whose streams the change may
 * concern, in the same transaction as the change (so in `seq` order with every other event). It
 * carries only user ids, is never shown to clients, and costs nothing per event: a stream that
 * reaches one for its own viewer re-reads that viewer's access (once per session and project)
 * before it goes on. The event's commit wakes the streams like any other (this node's bus, the
 * NOTIFY of other nodes, the SQLite file's data version for other processes), so a quiet stream
 * ends at once too.
 */
import { inArray, ne } from 'drizzle-orm';
import type { Tx } from '../../../db/client';
import { memberships, projects, users } from '../../../db/schema';
import { appendEvents, ACCESS_CHANGED, ACCESS_EVENT_MIN_ACCESS, type NewEvent } from '../../events/store';
import type { DomainCtx } from '../core/context';

/**
 * Whose access changed: `changed(userId)` — in every project they may have a stream in (sign-out,
 * deactivation, the admin flag: pass `'every-project'` when they may have been an admin before the
 * change); `changed(userId, projectId)` — in that project only (membership, role).
 */
export type Changed = (userId: number, where?: number | 'every-project') => void;

/**
 * `dc.db.write` for a change of access: `changed(…)` inside `fn` names whose access changed.
 * Every node's live streams re-check them before delivering anything committed after it.
 */
export async function writeAccessChange<T>(dc: DomainCtx, fn: (tx: Tx, changed: Changed) => Promise<T>): Promise<T> {
  const at = dc.now();
  let projectIds: number[] = [];
  const value = await dc.db.write(async (tx) => {
    const everywhere = new Set<number>();
    const allProjects = new Set<number>();
    const inProject = new Map<number, Set<number>>();
    const result = await fn(tx, (userId, where) => {
      if (where === undefined) everywhere.add(userId);
      else if (where === 'every-project') allProjects.add(userId);
      else {
        let set = inProject.get(where);
        if (!set) inProject.set(where, (set = new Set()));
        set.add(userId);
      }
    });
    const byProject = new Map<number, Set<number>>(inProject);
    const add = (projectId: number, userId: number) => {
      let set = byProject.get(projectId);
      if (!set) byProject.set(projectId, (set = new Set()));
      set.add(userId);
    };
    if (allProjects.size > 0 || everywhere.size > 0) {
      // An admin may stream any project; anyone else their memberships' and the non-private ones.
      const ids = [...new Set([...everywhere, ...allProjects])];
      const adminIds = new Set((await tx.select({ id: users.id, isAdmin: users.isAdmin }).from(users).where(inArray(users.id, ids)).all()).filter((u) => u.isAdmin).map((u) => u.id));
      const wide = ids.filter((id) => allProjects.has(id) || adminIds.has(id));
      const narrow = ids.filter((id) => !wide.includes(id));
      if (wide.length > 0) for (const p of await tx.select({ id: projects.id }).from(projects).all()) for (const u of wide) add(p.id, u);
      if (narrow.length > 0) {
        const open = await tx.select({ id: projects.id }).from(projects).where(ne(projects.visibility, 'private')).all();
        for (const p of open) for (const u of narrow) add(p.id, u);
        const member = await tx
          .select({ projectId: memberships.projectId, userId: memberships.userId })
          .from(memberships)
          .where(inArray(memberships.userId, narrow))
          .all();
        for (const m of member) add(m.projectId, m.userId);
      }
    }
    const list: NewEvent[] = [...byProject].map(([projectId, set]) => ({
      projectId,
      ticketId: null,
      minAccess: ACCESS_EVENT_MIN_ACCESS,
      event: { type: ACCESS_CHANGED, users: [...set] },
    }));
    await appendEvents(dc.db, tx, list, at, dc.node);
    projectIds = [...byProject.keys()];
    return result;
  });
  for (const projectId of projectIds) dc.bus.publish(projectId);
  return value;
}
