import { asc } from 'drizzle-orm';
import type { Q } from '../../../db/client';
import { mailboxes } from '../../../db/schema';

export interface MailboxHealth {
  name: string;
  state: string;
  uidvalidity: number | null;
  lastUid: number;
  lastError: string | null;
  lastErrorAt: string | null;
  lastSuccessAt: string | null;
  /** a Graph mailbox's live change-notification subscription runs out then */
  subscriptionExpiresAt: number | null;
  messagesToday: number;
  /** ms since the worker last reported */
  lagMs: number;
}

export async function listMailboxes(q: Q, now: number): Promise<MailboxHealth[]> {
  const today = new Date(now).toISOString().slice(0, 10);
  const rows = await q.select().from(mailboxes).orderBy(asc(mailboxes.name)).all();
  return rows.map((m) => ({
    name: m.name,
    state: m.state,
    uidvalidity: m.uidvalidity,
    lastUid: m.lastUid,
    lastError: m.lastError,
    lastErrorAt: m.lastErrorAt === null ? null : new Date(m.lastErrorAt).toISOString(),
    lastSuccessAt: m.lastSuccessAt === null ? null : new Date(m.lastSuccessAt).toISOString(),
    subscriptionExpiresAt: m.subscriptionId ? m.subscriptionExpiresAt : null,
    messagesToday: m.day === today ? m.messagesToday : 0,
    lagMs: now - m.updatedAt,
  }));
}
