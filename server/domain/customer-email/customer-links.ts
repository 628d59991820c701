/**
 * The links a customer gets, which work without an account (issue 10): the customer view of
 * their own thread, and downloads of the files in it. Each link is signed (HMAC with the
 * instance key) over a `customer_links` row — one participant's access to one ticket — and an
 * expiry; revoking the row ends every link made with it. Nothing usable is stored.
 */
import { and, eq, isNull, sql } from 'drizzle-orm';
import type { Q, Tx } from '../../../db/client';
import { later } from '../../../db/later';
import { prepared } from '../../../db/prepared';
import { customerLinks, dialect } from '../../../db/schema';
import { isAttachmentPath } from '../../../shared/attachment-markdown';
import type { SecretBox } from '../core/secret-box';
import type { DomainCtx } from '../core/context';

/** How long a link in an email works. Every new email carries fresh ones. */
export const CUSTOMER_LINK_TTL_MS = 30 * 24 * 60 * 60 * 1000;

export type CustomerLinkRow = typeof customerLinks.$inferSelect;

/**
 * This participant's access row for the ticket: the current one, or a new one (after a
 * revocation). `isNew`: the ticket was created in this transaction, so there is none yet.
 */
export async function customerLinkFor(tx: Tx, ticketId: number, email: string, at: number, opts: { isNew?: boolean; id?: Promise<number> | null | undefined } = {}): Promise<number> {
  const address = email.toLowerCase();
  if (opts.isNew && opts.id) {
    // numbered ahead (reserveCustomerLinkId): nobody waits for the INSERT's answer
    const id = await opts.id;
    later(tx, insertLinkWithId(tx, { id, ticketId, email: address, createdAt: at }));
    return id;
  }
  const row = opts.isNew ? undefined : await tx
    .select({ id: customerLinks.id })
    .from(customerLinks)
    .where(and(eq(customerLinks.ticketId, ticketId), eq(customerLinks.email, address), isNull(customerLinks.revokedAt)))
    .get();
  if (row) return row.id;
  return (await insertLink(tx, { ticketId, email: address, createdAt: at })).id;
}
const insertLink = prepared<{ ticketId: number; email: string; createdAt: number }, { id: number }>('get', (q) =>
  q
    .insert(customerLinks)
    .values({ ticketId: sql.placeholder('ticketId'), email: sql.placeholder('email'), createdAt: sql.placeholder('createdAt') } as unknown as typeof customerLinks.$inferInsert)
    .returning({ id: customerLinks.id }),
);
const insertLinkWithId = prepared<{ id: number; ticketId: number; email: string; createdAt: number }, unknown>('run', (q) =>
  q
    .insert(customerLinks)
    .values({ id: sql.placeholder('id'), ticketId: sql.placeholder('ticketId'), email: sql.placeholder('email'), createdAt: sql.placeholder('createdAt') } as unknown as typeof customerLinks.$inferInsert),
);

/**
 * PostgreSQL: the next customer link id, taken from the table's sequence now (sent with the
 * statements around it, unanswered), so an email that signs the link can be queued without
 * waiting for the link's INSERT (one round trip less under the write lock). An id reserved and
 * not used is a gap, as a rolled-back INSERT leaves. SQLite: null (its INSERT answers at once).
 */
export function reserveCustomerLinkId(tx: Tx): Promise<number> | null {
  if (dialect() !== 'pg') return null;
  const id = nextLinkId(tx, {}).then((r) => Number(r?.id));
  later(tx, id);
  return id;
}
// (prepared: sent at once, ahead of the statements that follow it)
const nextLinkId = prepared<Record<string, never>, { id: number } | undefined>('get', (q) =>
  q.select({ id: sql<number>`nextval('customer_links_id_seq')` }).from(sql`(select 1) as one`),
);

export async function customerLinkById(q: Q, id: number): Promise<CustomerLinkRow | undefined> {
  return q.select().from(customerLinks).where(eq(customerLinks.id, id)).get();
}

/** `<id>.<expires>.<signature>`: the part of a customer view URL after `/c/`. */
export function viewToken(secrets: SecretBox, linkId: number, expires: number): string {
  return `${linkId}.${expires}.${secrets.sign(`view:${linkId}:${expires}`)}`;
}

/** The link id a view token names, if its signature holds and it has not expired. */
export function readViewToken(secrets: SecretBox, token: string, now: number): { linkId: number; expires: number } | null {
  const m = /^(\d{1,12})\.(\d{1,15})\.([A-Za-z0-9_-]{32})$/.exec(token);
  if (!m) return null;
  const linkId = Number(m[1]);
  const expires = Number(m[2]);
  if (!secrets.verify(`view:${linkId}:${expires}`, m[3] as string) || expires < now) return null;
  return { linkId, expires };
}

/** `?l=<id>&e=<expires>&s=<signature>` for one attachment (by its token). */
export function attachmentQuery(secrets: SecretBox, attachmentToken: string, linkId: number, expires: number): string {
  return `?l=${linkId}&e=${expires}&s=${secrets.sign(`file:${attachmentToken}:${linkId}:${expires}`)}`;
}

export function readAttachmentQuery(secrets: SecretBox, attachmentToken: string, params: URLSearchParams, now: number): number | null {
  const linkId = Number(params.get('l'));
  const expires = Number(params.get('e'));
  const sig = params.get('s') ?? '';
  if (!Number.isSafeInteger(linkId) || !Number.isSafeInteger(expires) || linkId <= 0) return null;
  if (!secrets.verify(`file:${attachmentToken}:${linkId}:${expires}`, sig) || expires < now) return null;
  return linkId;
}

/**
 * Attachment links in Markdown (`](/attachments/<token>/<name>)`) made absolute and signed for one
 * recipient. Only exact attachment paths (isAttachmentPath): a customer's own Markdown may write
 * `/attachments/<token>/../../elsewhere`, which must not become a signed link to another of our URLs.
 */
export function signAttachmentLinks(markdown: string, publicUrl: string, secrets: SecretBox, linkId: number, expires: number): string {
  return markdown.replace(/\]\(\/attachments\/([0-9a-f]{32})(\/[^)\s?#]*)?\)/g, (whole, token: string, rest: string | undefined) =>
    isAttachmentPath(`/attachments/${token}${rest ?? ''}`) ? `](${publicUrl}/attachments/${token}${rest ?? ''}${attachmentQuery(secrets, token, linkId, expires)})` : whole,
  );
}

/** Ends every customer link of the ticket (view and files); the next email carries new ones. */
export async function revokeCustomerLinks(dc: DomainCtx, ticketId: number): Promise<number> {
  const at = dc.now();
  return dc.db.write(async (tx) => {
    const rows = await tx
      .update(customerLinks)
      .set({ revokedAt: at })
      .where(and(eq(customerLinks.ticketId, ticketId), isNull(customerLinks.revokedAt)))
      .returning({ id: customerLinks.id })
      .all();
    return rows.length;
  });
}

export async function activeCustomerLinks(q: Q, ticketId: number): Promise<number> {
  const rows = await q.select({ id: customerLinks.id }).from(customerLinks).where(and(eq(customerLinks.ticketId, ticketId), isNull(customerLinks.revokedAt))).limit(1000).all();
  return rows.length;
}
