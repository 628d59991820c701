/**
 * Instance mail settings made in the Admin page (issue 10): the incoming address template, the
 * Service Desk alias, the From address, the outgoing SMTP server and IMAP mailboxes. Passwords
 * are sealed before they are stored and never leave the server again.
 */
import { passwordAgain, sameMailServer, type MailServer } from './stored-secret';
import { asc, eq, sql } from 'drizzle-orm';
import type { Q } from '../../../db/client';
import { imapMailboxes, mailSettings } from '../../../db/schema';
import { AppError } from '../../../shared/errors';
import type { ExistingMail } from '../../../shared/mail-settings';
import type { DomainCtx } from '../core/context';
import { isUniqueViolation } from '../accounts/users';
import { writeMailSettings } from './signal';
import { mailboxNameTaken } from './graph-settings';

export type Security = 'tls' | 'starttls' | 'none';

export interface AddressSettings {
  incomingEmail: string | null;
  serviceDeskEmail: string | null;
  mailFrom: string | null;
}

export interface SmtpSettings {
  host: string;
  port: number;
  security: Security;
  user: string;
  /** sealed (secret-box); '' when the server takes mail without AUTH */
  password: string;
}

export type MailboxRow = typeof imapMailboxes.$inferSelect;

const NO_ADDRESSES: AddressSettings = { incomingEmail: null, serviceDeskEmail: null, mailFrom: null };

async function readSetting<T>(q: Q, name: string): Promise<T | null> {
  const row = await q.select({ value: mailSettings.value }).from(mailSettings).where(eq(mailSettings.name, name)).get();
  if (!row) return null;
  // SQLite's json mode parses; a value stored as a JSON string by hand is parsed here too.
  return (typeof row.value === 'string' ? JSON.parse(row.value) : row.value) as T;
}

export async function readAddressSettings(q: Q): Promise<AddressSettings> {
  return { ...NO_ADDRESSES, ...(await readSetting<Partial<AddressSettings>>(q, 'addresses')) };
}

export async function readSmtpSettings(q: Q): Promise<SmtpSettings | null> {
  return readSetting<SmtpSettings>(q, 'smtp');
}

export async function listMailboxRows(q: Q): Promise<MailboxRow[]> {
  return q.select().from(imapMailboxes).orderBy(asc(imapMailboxes.id)).limit(100).all();
}

export async function mailboxRow(q: Q, id: number): Promise<MailboxRow | undefined> {
  return q.select().from(imapMailboxes).where(eq(imapMailboxes.id, id)).get();
}

export async function saveAddressSettings(dc: DomainCtx, input: AddressSettings): Promise<AddressSettings> {
  await writeMailSettings(dc, async (tx, at) => {
    await tx
      .insert(mailSettings)
      .values({ name: 'addresses', value: input, updatedAt: at })
      .onConflictDoUpdate({ target: mailSettings.name, set: { value: input, updatedAt: at } })
      .run();
  });
  return input;
}

/**
 * Saves the outgoing server. `password` undefined keeps the stored one (the form shows only
 * "set"); a string replaces it ('' for a server without AUTH).
 */
export async function saveSmtpSettings(
  dc: DomainCtx,
  input: { host: string; port: number; security: Security; user: string; password?: string | undefined },
): Promise<SmtpSettings> {
  return writeMailSettings(dc, async (tx, at) => {
    const before = await readSmtpSettings(tx);
    let keep = '';
    if (input.password === undefined && before?.password && before.user === input.user) {
      if (!sameMailServer(before, input)) throw passwordAgain();
      keep = before.password;
    }
    const value: SmtpSettings = {
      host: input.host,
      port: input.port,
      security: input.security,
      user: input.user,
      password: input.password ? dc.secrets.seal(input.password) : keep,
    };
    await tx
      .insert(mailSettings)
      .values({ name: 'smtp', value, updatedAt: at })
      .onConflictDoUpdate({ target: mailSettings.name, set: { value, updatedAt: at } })
      .run();
    return value;
  });
}

export async function clearSmtpSettings(dc: DomainCtx): Promise<void> {
  await writeMailSettings(dc, async (tx) => {
    await tx.delete(mailSettings).where(eq(mailSettings.name, 'smtp')).run();
  });
}

export interface MailboxInput {
  name: string;
  host: string;
  port: number;
  security: Security;
  username: string;
  /** undefined keeps the stored password (edits) */
  password?: string | undefined;
  folder: string;
  after: 'seen' | 'move' | 'delete';
  moveTo: string;
  existingMail: ExistingMail;
}

function taken(err: unknown): never {
  if (isUniqueViolation(err)) throw new AppError('MAILBOX_NAME_TAKEN');
  throw err;
}

export async function addMailbox(dc: DomainCtx, input: MailboxInput, reserved: string[]): Promise<MailboxRow> {
  if (reserved.some((n) => n.toLowerCase() === input.name.toLowerCase())) throw new AppError('MAILBOX_NAME_TAKEN');
  if (!input.password) throw new AppError('INVALID_INPUT', 'Enter the mailbox password.');
  const password = dc.secrets.seal(input.password);
  return writeMailSettings(dc, async (tx, at) => {
    if (await mailboxNameTaken(tx, input.name, { kind: 'imap', id: null })) throw new AppError('MAILBOX_NAME_TAKEN');
    return tx
      .insert(imapMailboxes)
      .values({ ...input, password, paused: false, createdAt: at, updatedAt: at })
      .returning()
      .get();
  }).catch(taken);
}

/**
 * Edits a mailbox. Renaming it starts a new checkpoint under the new name (the old one stays in
 * the health list as stopped): Message-IDs keep already-imported mail from coming in twice.
 */
/** An IMAP mailbox's server and account, as a stored password is tied to them. */
export function mailboxServer(m: Pick<MailboxInput, 'host' | 'port' | 'security' | 'username'>): MailServer {
  return { host: m.host, port: m.port, security: m.security, user: m.username };
}

export async function updateMailbox(dc: DomainCtx, id: number, input: MailboxInput, reserved: string[]): Promise<MailboxRow> {
  if (reserved.some((n) => n.toLowerCase() === input.name.toLowerCase())) throw new AppError('MAILBOX_NAME_TAKEN');
  const sealed = input.password ? dc.secrets.seal(input.password) : undefined;
  return writeMailSettings(dc, async (tx, at) => {
    if (await mailboxNameTaken(tx, input.name, { kind: 'imap', id })) throw new AppError('MAILBOX_NAME_TAKEN');
    const before = sealed ? undefined : await mailboxRow(tx, id);
    if (before && !sameMailServer(mailboxServer(before), mailboxServer(input))) throw passwordAgain();
    const { password: _p, ...rest } = input;
    const row = await tx
      .update(imapMailboxes)
      .set({ ...rest, ...(sealed ? { password: sealed } : {}), updatedAt: at })
      .where(eq(imapMailboxes.id, id))
      .returning()
      .get();
    if (!row) throw new AppError('MAILBOX_NOT_FOUND');
    return row;
  }).catch(taken);
}

export async function setMailboxPaused(dc: DomainCtx, id: number, paused: boolean): Promise<MailboxRow> {
  return writeMailSettings(dc, async (tx, at) => {
    const row = await tx.update(imapMailboxes).set({ paused, updatedAt: at }).where(eq(imapMailboxes.id, id)).returning().get();
    if (!row) throw new AppError('MAILBOX_NOT_FOUND');
    return row;
  });
}

/** Removes a mailbox from the settings; its checkpoint and health row stay (re-adding resumes). */
export async function removeMailbox(dc: DomainCtx, id: number): Promise<MailboxRow> {
  return writeMailSettings(dc, async (tx) => {
    const row = await tx.delete(imapMailboxes).where(eq(imapMailboxes.id, id)).returning().get();
    if (!row) throw new AppError('MAILBOX_NOT_FOUND');
    return row;
  });
}

export async function findMailboxByName(q: Q, name: string): Promise<MailboxRow | undefined> {
  return q.select().from(imapMailboxes).where(eq(sql`lower(${imapMailboxes.name})`, name.toLowerCase())).get();
}
