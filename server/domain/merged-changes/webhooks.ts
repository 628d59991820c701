/**
 * Each project's webhook: a URL `PUBLIC_URL/hooks/<token>` and a secret. The token only finds the
 * project (it is in the URL, so in the code host's settings and perhaps in logs); every delivery
 * is authenticated by the secret — GitLab sends it as a token, GitHub, Gitea and Forgejo sign the
 * body with it. The secret is sealed at rest with the instance key and shown to maintainers only
 * on request. Made on first use; regenerating replaces both, so a leaked URL or secret stops working.
 */
import { randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { projects, projectWebhooks } from '../../../db/schema';
import type { WebhookView } from '../../../shared/views';
import { recordAudit, type Actor } from '../audit/audit-log';
import type { DomainCtx } from '../core/context';

type Row = typeof projectWebhooks.$inferSelect;

/** 24 random bytes: 32 URL-safe characters. */
const TOKEN = /^[A-Za-z0-9_-]{32}$/;

export const webhookUrl = (publicUrl: string, token: string) => `${publicUrl}/hooks/${token}`;

function fresh(dc: DomainCtx): { token: string; secret: string; sealed: string } {
  const secret = randomBytes(32).toString('base64url');
  return { token: randomBytes(24).toString('base64url'), secret, sealed: dc.secrets.seal(secret) };
}

async function ensure(dc: DomainCtx, projectId: number): Promise<Row> {
  const row = await dc.db.select().from(projectWebhooks).where(eq(projectWebhooks.projectId, projectId)).get();
  if (row) return row;
  const f = fresh(dc);
  return dc.db.write(async (tx) => {
    const made = await tx.insert(projectWebhooks).values({ token: f.token, projectId, secret: f.sealed, createdAt: dc.now() }).onConflictDoNothing().returning().get();
    return made ?? ((await tx.select().from(projectWebhooks).where(eq(projectWebhooks.projectId, projectId)).get()) as Row);
  });
}

export async function getWebhook(dc: DomainCtx, projectId: number): Promise<WebhookView> {
  const row = await ensure(dc, projectId);
  return { url: webhookUrl(dc.mail.publicUrl, row.token), createdAt: new Date(row.createdAt).toISOString() };
}

/** The URL and the secret in clear, for the maintainer setting up the code host (audited). */
export async function revealWebhook(dc: DomainCtx, projectId: number, actor: Actor | null): Promise<{ url: string; secret: string }> {
  const row = await ensure(dc, projectId);
  const secret = dc.secrets.open(row.secret);
  if (actor) await dc.db.write((tx) => recordAudit(tx, actor, { projectId, action: 'webhook.secret_revealed' }, dc.now()));
  return { url: webhookUrl(dc.mail.publicUrl, row.token), secret };
}

/** A new URL and secret; the old ones stop working at once. */
export async function regenerateWebhook(dc: DomainCtx, projectId: number, actor: Actor): Promise<{ url: string; secret: string }> {
  const f = fresh(dc);
  const at = dc.now();
  await dc.db.write(async (tx) => {
    await tx.delete(projectWebhooks).where(eq(projectWebhooks.projectId, projectId)).run();
    await tx.insert(projectWebhooks).values({ token: f.token, projectId, secret: f.sealed, createdAt: at }).run();
    await recordAudit(tx, actor, { projectId, action: 'webhook.regenerated' }, at);
  });
  return { url: webhookUrl(dc.mail.publicUrl, f.token), secret: f.secret };
}

export interface WebhookTarget {
  projectId: number;
  projectPath: string;
  /** sealed; opened only to check a delivery */
  sealedSecret: string;
}

/** The project a webhook URL's token names, or null (a malformed token is not looked up). */
export async function findWebhook(dc: DomainCtx, token: string): Promise<WebhookTarget | null> {
  if (!TOKEN.test(token)) return null;
  const row = await dc.db
    .select({ projectId: projectWebhooks.projectId, projectPath: projects.path, sealedSecret: projectWebhooks.secret })
    .from(projectWebhooks)
    .innerJoin(projects, eq(projects.id, projectWebhooks.projectId))
    .where(eq(projectWebhooks.token, token))
    .get();
  return row ?? null;
}
