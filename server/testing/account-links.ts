/** Reads the links Threadline emailed (invitation, reset, email change) back out of the outbox, as a mail client would. */
import { and, desc, eq } from 'drizzle-orm';
import { outbox } from '../../db/schema';
import type { OutboundSpec } from '../mail/outbound/spec';
import type { TestApp } from './test-app';

export type LinkKind = 'invitation' | 'password_reset' | 'email_change';

/** The newest link of this kind emailed to `to`, or undefined when none was queued. */
export async function emailedLink(app: TestApp, kind: LinkKind, to: string): Promise<{ url: string; token: string } | undefined> {
  const row = await app.dc.db
    .select({ spec: outbox.spec })
    .from(outbox)
    .where(and(eq(outbox.kind, kind), eq(outbox.toAddress, to)))
    .orderBy(desc(outbox.id))
    .limit(1)
    .get();
  const text = (row?.spec as OutboundSpec | undefined)?.text ?? '';
  const m = /https?:\/\/\S+\/(?:invite|reset-password|confirm-email)\/([A-Za-z0-9_-]+)/.exec(text);
  return m ? { url: m[0], token: m[1] as string } : undefined;
}

export async function emailsTo(app: TestApp, to: string): Promise<number> {
  return (await app.dc.db.select({ id: outbox.id }).from(outbox).where(eq(outbox.toAddress, to)).all()).length;
}
