import { and, eq } from 'drizzle-orm';
import { issueTemplates } from '../../db/schema';
import type { Tx } from '../events/store';

export function issueTemplate(tx: Tx, projectId: number, key: string): string | undefined {
  return tx
    .select({ body: issueTemplates.body })
    .from(issueTemplates)
    .where(and(eq(issueTemplates.projectId, projectId), eq(issueTemplates.key, key)))
    .get()?.body;
}

export interface IssueTemplateView {
  key: string;
  body: string;
  updatedAt: string;
}

export function listIssueTemplates(tx: Tx, projectId: number): IssueTemplateView[] {
  return tx
    .select()
    .from(issueTemplates)
    .where(eq(issueTemplates.projectId, projectId))
    .orderBy(issueTemplates.key)
    .all()
    .map((t) => ({ key: t.key, body: t.body, updatedAt: new Date(t.updatedAt).toISOString() }));
}

export function saveIssueTemplate(tx: Tx, projectId: number, key: string, body: string, at: number): void {
  tx.insert(issueTemplates)
    .values({ projectId, key, body, updatedAt: at })
    .onConflictDoUpdate({ target: [issueTemplates.projectId, issueTemplates.key], set: { body, updatedAt: at } })
    .run();
}

/** Deleting the template Service Desk appends leaves the setting: new tickets then get the warning note (SPEC §2). */
export function deleteIssueTemplate(tx: Tx, projectId: number, key: string): boolean {
  return tx.delete(issueTemplates).where(and(eq(issueTemplates.projectId, projectId), eq(issueTemplates.key, key))).run().changes > 0;
}
