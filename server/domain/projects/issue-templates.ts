import { and, eq } from 'drizzle-orm';
import { issueTemplates } from '../../../db/schema';
import type { Q, Tx } from '../../../db/client';

export async function issueTemplate(q: Q, projectId: number, key: string): Promise<string | undefined> {
  const row = await q
    .select({ body: issueTemplates.body })
    .from(issueTemplates)
    .where(and(eq(issueTemplates.projectId, projectId), eq(issueTemplates.key, key)))
    .get();
  return row?.body;
}

export interface IssueTemplateView {
  key: string;
  body: string;
  updatedAt: string;
}

export async function listIssueTemplates(q: Q, projectId: number): Promise<IssueTemplateView[]> {
  const rows = await q.select().from(issueTemplates).where(eq(issueTemplates.projectId, projectId)).orderBy(issueTemplates.key).all();
  return rows.map((t) => ({ key: t.key, body: t.body, updatedAt: new Date(t.updatedAt).toISOString() }));
}

/** Inside a write transaction. */
export async function saveIssueTemplate(tx: Tx, projectId: number, key: string, body: string, at: number): Promise<void> {
  await tx
    .insert(issueTemplates)
    .values({ projectId, key, body, updatedAt: at })
    .onConflictDoUpdate({ target: [issueTemplates.projectId, issueTemplates.key], set: { body, updatedAt: at } })
    .run();
}

/**
 * Inside a write transaction; false when there was no such template. Deleting the template
 * Service Desk appends leaves the setting: new tickets then get the warning note (SPEC §2).
 */
export async function deleteIssueTemplate(tx: Tx, projectId: number, key: string): Promise<boolean> {
  const deleted = await tx
    .delete(issueTemplates)
    .where(and(eq(issueTemplates.projectId, projectId), eq(issueTemplates.key, key)))
    .returning({ key: issueTemplates.key })
    .all();
  return deleted.length > 0;
}
