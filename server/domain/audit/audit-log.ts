/**
 * The audit log: who changed which setting, member, role, template or user, and when. Each entry
 * is written in the transaction of the change it records, so a change and its entry commit
 * together. Admins read the instance log (everything); maintainers read their project's.
 */
import { and, desc, eq, isNull, lt } from 'drizzle-orm';
import type { Q, Tx } from '../../../db/client';
import { auditLog, projects } from '../../../db/schema';
import type { AuditEntryView } from '../../../shared/views';

/** Who made a change: a signed-in user, or the operator at the command line (`id: null`). */
export interface Actor {
  id: number | null;
  name: string;
}

export const COMMAND_LINE: Actor = { id: null, name: 'command line' };

export function actorOf(user: { id: number; name: string }): Actor {
  return { id: user.id, name: user.name };
}

export async function recordAudit(
  tx: Tx,
  actor: Actor,
  entry: { projectId?: number | null; action: string; target?: string; detail?: Record<string, unknown> },
  at: number,
): Promise<void> {
  await tx
    .insert(auditLog)
    .values({
      at,
      actorId: actor.id,
      actorName: actor.name,
      projectId: entry.projectId ?? null,
      action: entry.action,
      target: entry.target ?? '',
      detail: entry.detail ? JSON.stringify(entry.detail) : '',
    })
    .run();
}

/**
 * Newest first, `limit` entries before `beforeId`. `projectId` undefined: the whole instance;
 * a number: that project's entries; null: instance-wide entries only.
 */
export async function listAudit(q: Q, opts: { projectId?: number | null; beforeId?: number | undefined; limit: number }): Promise<{ items: AuditEntryView[]; nextCursor: number | null }> {
  const scope = opts.projectId === undefined ? undefined : opts.projectId === null ? isNull(auditLog.projectId) : eq(auditLog.projectId, opts.projectId);
  const rows = await q
    .select({ entry: auditLog, projectPath: projects.path })
    .from(auditLog)
    .leftJoin(projects, eq(projects.id, auditLog.projectId))
    .where(and(scope, opts.beforeId ? lt(auditLog.id, opts.beforeId) : undefined))
    .orderBy(desc(auditLog.id))
    .limit(opts.limit + 1)
    .all();
  const page = rows.slice(0, opts.limit);
  return {
    items: page.map(({ entry: r, projectPath }) => ({
      id: r.id,
      at: new Date(r.at).toISOString(),
      actor: { id: r.actorId, name: r.actorName },
      projectPath: projectPath ?? null,
      action: r.action,
      target: r.target,
      detail: r.detail ? (JSON.parse(r.detail) as Record<string, unknown>) : {},
    })),
    nextCursor: rows.length > opts.limit ? (page.at(-1)?.entry.id ?? null) : null,
  };
}
