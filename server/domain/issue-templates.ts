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
