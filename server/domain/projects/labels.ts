import { and, eq, inArray, sql } from 'drizzle-orm';
import { labels, ticketLabels, tickets } from '../../../db/schema';
import type { Q, Tx } from '../../../db/client';

const PALETTE = ['#2563eb', '#16a34a', '#d97706', '#dc2626', '#7c3aed', '#0891b2', '#db2777', '#4b5563'];

function colorFor(name: string): string {
  let h = 0;
  for (const ch of name.toLowerCase()) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  return PALETTE[h % PALETTE.length] as string;
}

/** Label ids for names, creating the labels a project does not have yet. */
export async function ensureLabels(tx: Tx, projectId: number, names: string[]): Promise<number[]> {
  const unique = [...new Map(names.map((n) => [n.toLowerCase(), n])).values()];
  const ids: number[] = [];
  for (const name of unique) {
    const existing = await tx
      .select({ id: labels.id })
      .from(labels)
      .where(and(eq(labels.projectId, projectId), sql`lower(${labels.name}) = lower(${name})`))
      .get();
    ids.push(
      existing?.id ?? (await tx.insert(labels).values({ projectId, name, color: colorFor(name) }).returning({ id: labels.id }).get()).id,
    );
  }
  return ids;
}

/** Replaces a ticket's labels; returns the names added and removed. */
export async function setTicketLabels(
  tx: Tx,
  projectId: number,
  ticketId: number,
  names: string[],
): Promise<{ added: string[]; removed: string[] }> {
  const before = await tx
    .select({ id: labels.id, name: labels.name })
    .from(ticketLabels)
    .innerJoin(labels, eq(labels.id, ticketLabels.labelId))
    .where(eq(ticketLabels.ticketId, ticketId))
    .all();
  const ids = await ensureLabels(tx, projectId, names);
  const beforeIds = new Set(before.map((b) => b.id));
  const toAdd = ids.filter((id) => !beforeIds.has(id));
  const toRemove = before.filter((b) => !ids.includes(b.id));
  if (toRemove.length > 0) {
    await tx
      .delete(ticketLabels)
      .where(and(eq(ticketLabels.ticketId, ticketId), inArray(ticketLabels.labelId, toRemove.map((r) => r.id))))
      .run();
  }
  for (const labelId of toAdd) await tx.insert(ticketLabels).values({ ticketId, labelId }).run();
  const added = toAdd.length
    ? (await tx.select({ name: labels.name }).from(labels).where(inArray(labels.id, toAdd)).all()).map((l) => l.name)
    : [];
  return { added, removed: toRemove.map((r) => r.name) };
}

/**
 * The ticket's labels as they are now, plus `add`, minus `remove` (names compared without case):
 * read inside the change's transaction, so a colleague's label added a moment earlier stays.
 */
export async function labelsAfter(tx: Tx, ticketId: number, add: readonly string[], remove: readonly string[]): Promise<string[]> {
  const now = await tx
    .select({ name: labels.name })
    .from(ticketLabels)
    .innerJoin(labels, eq(labels.id, ticketLabels.labelId))
    .where(eq(ticketLabels.ticketId, ticketId))
    .all();
  const gone = new Set(remove.map((l) => l.toLowerCase()));
  return [...now.map((l) => l.name), ...add].filter((l) => !gone.has(l.toLowerCase()));
}

/**
 * A project's labels, by name, for filters and pickers. Without `includeConfidential`, only
 * labels on tickets everyone may see: a label used only on confidential tickets says too much.
 */
export async function listLabels(q: Q, projectId: number, includeConfidential: boolean): Promise<{ name: string; color: string }[]> {
  const visible = includeConfidential
    ? undefined
    : sql`exists (select 1 from ${ticketLabels} join ${tickets} on ${tickets.id} = ${ticketLabels.ticketId}
        where ${ticketLabels.labelId} = ${labels.id} and ${tickets.confidential} = false)`;
  return q
    .select({ name: labels.name, color: labels.color })
    .from(labels)
    .where(and(eq(labels.projectId, projectId), visible))
    .orderBy(sql`lower(${labels.name})`)
    .limit(500)
    .all();
}
