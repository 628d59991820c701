/**
 * Microsoft Graph mailboxes made in the Admin page (issue 13). The client secret is sealed before
 * it is stored and never leaves the server again. A Graph mailbox and an IMAP mailbox never share
 * a name: health, checkpoint and lease are keyed by it.
 */
import { asc, eq, sql } from 'drizzle-orm';
import type { Q, Tx } from '../../../db/client';
import { graphMailboxes, imapMailboxes } from '../../../db/schema';
import { AppError } from '../../../shared/errors';
import type { ExistingMail } from '../../../shared/mail-settings';
import type { DomainCtx } from '../core/context';
import { isUniqueViolation } from '../accounts/users';
import { writeMailSettings } from './signal';

export type GraphMailboxRow = typeof graphMailboxes.$inferSelect;

export interface GraphMailboxInput {
  name: string;
  tenantId: string;
  clientId: string;
  /** undefined keeps the stored secret (edits) */
  clientSecret?: string | undefined;
  mailbox: string;
  baseUrl: string;
  loginUrl: string;
  pollSeconds: number;
  after: 'seen' | 'move';
  moveTo: string;
  existingMail: ExistingMail;
}

export async function listGraphMailboxRows(q: Q): Promise<GraphMailboxRow[]> {
  return q.select().from(graphMailboxes).orderBy(asc(graphMailboxes.id)).limit(100).all();
}

export async function graphMailboxRow(q: Q, id: number): Promise<GraphMailboxRow | undefined> {
  return q.select().from(graphMailboxes).where(eq(graphMailboxes.id, id)).get();
}

/** Is `name` used by a mailbox of the other kind (or, for edits, another one of this kind)? */
export async function mailboxNameTaken(tx: Tx | Q, name: string, except: { kind: 'imap' | 'graph'; id: number | null }): Promise<boolean> {
  const lower = name.toLowerCase();
  const imap = await tx.select({ id: imapMailboxes.id }).from(imapMailboxes).where(eq(sql`lower(${imapMailboxes.name})`, lower)).get();
  const graph = await tx.select({ id: graphMailboxes.id }).from(graphMailboxes).where(eq(sql`lower(${graphMailboxes.name})`, lower)).get();
  if (imap && !(except.kind === 'imap' && imap.id === except.id)) return true;
  return !!graph && !(except.kind === 'graph' && graph.id === except.id);
}

function taken(err: unknown): never {
  if (isUniqueViolation(err)) throw new AppError('MAILBOX_NAME_TAKEN');
  throw err;
}

function reservedCheck(name: string, reserved: string[]): void {
  if (reserved.some((n) => n.toLowerCase() === name.toLowerCase())) throw new AppError('MAILBOX_NAME_TAKEN');
}

export async function addGraphMailbox(dc: DomainCtx, input: GraphMailboxInput, reserved: string[]): Promise<GraphMailboxRow> {
  reservedCheck(input.name, reserved);
  if (!input.clientSecret) throw new AppError('INVALID_INPUT', 'Enter the client secret.');
  const clientSecret = dc.secrets.seal(input.clientSecret);
  return writeMailSettings(dc, async (tx, at) => {
    if (await mailboxNameTaken(tx, input.name, { kind: 'graph', id: null })) throw new AppError('MAILBOX_NAME_TAKEN');
    return tx
      .insert(graphMailboxes)
      .values({ ...input, clientSecret, paused: false, createdAt: at, updatedAt: at })
      .returning()
      .get();
  }).catch(taken);
}

/**
 * Edits a Graph mailbox. A new tenant, client or mailbox with no new secret keeps none: the
 * stored secret belongs to the app registration it was entered for.
 */
export async function updateGraphMailbox(dc: DomainCtx, id: number, input: GraphMailboxInput, reserved: string[]): Promise<GraphMailboxRow> {
  reservedCheck(input.name, reserved);
  const sealed = input.clientSecret ? dc.secrets.seal(input.clientSecret) : undefined;
  return writeMailSettings(dc, async (tx, at) => {
    const before = await graphMailboxRow(tx, id);
    if (!before) throw new AppError('MAILBOX_NOT_FOUND');
    if (await mailboxNameTaken(tx, input.name, { kind: 'graph', id })) throw new AppError('MAILBOX_NAME_TAKEN');
    const sameApp = before.tenantId === input.tenantId && before.clientId === input.clientId && before.loginUrl === input.loginUrl;
    if (!sealed && !sameApp) throw new AppError('INVALID_INPUT', 'Enter the client secret again: the tenant, client id or login URL changed.');
    const { clientSecret: _s, ...rest } = input;
    const row = await tx
      .update(graphMailboxes)
      .set({ ...rest, ...(sealed ? { clientSecret: sealed } : {}), updatedAt: at })
      .where(eq(graphMailboxes.id, id))
      .returning()
      .get();
    if (!row) throw new AppError('MAILBOX_NOT_FOUND');
    return row;
  }).catch(taken);
}

export async function setGraphMailboxPaused(dc: DomainCtx, id: number, paused: boolean): Promise<GraphMailboxRow> {
  return writeMailSettings(dc, async (tx, at) => {
    const row = await tx.update(graphMailboxes).set({ paused, updatedAt: at }).where(eq(graphMailboxes.id, id)).returning().get();
    if (!row) throw new AppError('MAILBOX_NOT_FOUND');
    return row;
  });
}

/** Removes a Graph mailbox; its checkpoint (delta link) and health row stay (re-adding resumes). */
export async function removeGraphMailbox(dc: DomainCtx, id: number): Promise<GraphMailboxRow> {
  return writeMailSettings(dc, async (tx) => {
    const row = await tx.delete(graphMailboxes).where(eq(graphMailboxes.id, id)).returning().get();
    if (!row) throw new AppError('MAILBOX_NOT_FOUND');
    return row;
  });
}
