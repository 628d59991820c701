/**
 * A Microsoft Graph mailbox's checkpoint as the domain keeps it (issue 13): the link the next
 * delta round starts from, stored only once every message before it is committed, and the
 * change-notification subscription that wakes the poller. The Graph source calls these; it never
 * touches the tables itself. Health (state, last error, last success) is mailbox-checkpoint.ts's.
 */
import { and, eq, inArray } from 'drizzle-orm';
import { inboundMessages, mailboxes } from '../../../db/schema';
import type { ExistingMail } from '../../../shared/mail-settings';
import type { DomainCtx } from '../core/context';

const dayOf = (at: number) => new Date(at).toISOString().slice(0, 10);

export interface GraphCheckpoint {
  deltaLink: string | null;
  subscriptionId: string | null;
  subscriptionExpiresAt: number | null;
}

const NONE: GraphCheckpoint = { deltaLink: null, subscriptionId: null, subscriptionExpiresAt: null };

/**
 * The checkpoint of mailbox `name` as far as it belongs to `scope` (`<graph url> <mailbox>`): a
 * mailbox edited to read another Exchange mailbox (or another cloud) under the same name starts
 * afresh instead of following the old mailbox's links.
 */
export async function graphCheckpoint(dc: DomainCtx, name: string, scope: string): Promise<GraphCheckpoint> {
  const row = await dc.db
    .select({ deltaLink: mailboxes.deltaLink, deltaScope: mailboxes.deltaScope, subscriptionId: mailboxes.subscriptionId, subscriptionExpiresAt: mailboxes.subscriptionExpiresAt })
    .from(mailboxes)
    .where(eq(mailboxes.name, name))
    .get();
  if (!row || row.deltaScope !== scope) return NONE;
  return { deltaLink: row.deltaLink, subscriptionId: row.subscriptionId, subscriptionExpiresAt: row.subscriptionExpiresAt };
}

/** What a Graph mailbox does with the mail received before it was first read (see `existingMail`). */
export interface ExistingMailRule {
  /** when this mailbox (as its scope) was first read; 0: everything is taken as new */
  before: number;
  /** the choice in force for that mail: the one made when `before` was set */
  choice: ExistingMail;
}

/**
 * When this mailbox (as `scope`) was first read, and what its choice (`choice`, the mailbox's
 * setting now) was then: of the messages received before it, only those that choice names
 * (unread ones, all, or none) are fetched, in the first round and in any later resync. Both are
 * set together on first use (a new mailbox, or one edited to read another Exchange mailbox) and
 * kept: a choice edited later applies to the next mailbox this one is pointed at, never to mail it
 * already left alone (else at the next resync years of read mail would become tickets). A mailbox
 * that was already being read before this was kept gets 0: everything it sees is taken as before
 * (it may have been down, and mail read in Outlook meanwhile is still new to us). A row from before
 * the choice was recorded keeps its time and records today's choice. Read first: a write only
 * when something must be set.
 */
export async function existingMailRule(dc: DomainCtx, name: string, scope: string, choice: ExistingMail): Promise<ExistingMailRule> {
  const known = await dc.db
    .select({ deltaScope: mailboxes.deltaScope, existingBefore: mailboxes.existingBefore, existingMail: mailboxes.existingMail })
    .from(mailboxes)
    .where(eq(mailboxes.name, name))
    .get();
  if (known && known.deltaScope === scope && known.existingBefore !== null && known.existingMail !== null) return { before: known.existingBefore, choice: known.existingMail };
  const at = dc.now();
  return dc.db.write(async (tx) => {
    const row = await tx
      .select({ deltaScope: mailboxes.deltaScope, deltaLink: mailboxes.deltaLink, existingBefore: mailboxes.existingBefore, existingMail: mailboxes.existingMail })
      .from(mailboxes)
      .where(eq(mailboxes.name, name))
      .get();
    if (row && row.deltaScope === scope && row.existingBefore !== null) {
      if (row.existingMail !== null) return { before: row.existingBefore, choice: row.existingMail };
      await tx.update(mailboxes).set({ existingMail: choice }).where(eq(mailboxes.name, name)).run();
      return { before: row.existingBefore, choice };
    }
    if (!row) {
      await tx.insert(mailboxes).values({ name, state: 'fetching', deltaScope: scope, existingBefore: at, existingMail: choice, day: dayOf(at), updatedAt: at }).run();
      return { before: at, choice };
    }
    if (row.deltaScope === scope) {
      // read before (a delta link of its own): an upgrade, not a new mailbox
      const since = row.deltaLink ? 0 : at;
      await tx.update(mailboxes).set({ existingBefore: since, existingMail: choice }).where(eq(mailboxes.name, name)).run();
      return { before: since, choice };
    }
    // another Exchange mailbox under this name (or none read yet): its links and subscription go, as in saveDeltaLink
    await tx
      .update(mailboxes)
      .set({ deltaScope: scope, existingBefore: at, existingMail: choice, updatedAt: at, deltaLink: null, subscriptionId: null, subscriptionExpiresAt: null })
      .where(eq(mailboxes.name, name))
      .run();
    return { before: at, choice };
  });
}

/**
 * Every message of a delta page is committed: the next round starts at `link` (the page's
 * nextLink, or the round's deltaLink), and today's count goes up by `committed`. `null` forgets
 * the link (the delta token expired: the next round is a full resync).
 */
export async function saveDeltaLink(dc: DomainCtx, name: string, scope: string, link: string | null, committed = 0): Promise<void> {
  const at = dc.now();
  const day = dayOf(at);
  await dc.db.write(async (tx) => {
    const row = await tx.select({ day: mailboxes.day, messagesToday: mailboxes.messagesToday, deltaScope: mailboxes.deltaScope }).from(mailboxes).where(eq(mailboxes.name, name)).get();
    if (!row) {
      await tx.insert(mailboxes).values({ name, state: 'fetching', deltaLink: link, deltaScope: scope, messagesToday: committed, day, updatedAt: at }).run();
      return;
    }
    const today = row.day === day ? row.messagesToday + committed : committed;
    // a new scope drops the old mailbox's subscription with its links
    const fresh = row.deltaScope !== scope ? { subscriptionId: null, subscriptionExpiresAt: null } : {};
    await tx.update(mailboxes).set({ deltaLink: link, deltaScope: scope, messagesToday: today, day, updatedAt: at, ...fresh }).where(eq(mailboxes.name, name)).run();
  });
}

export async function saveGraphSubscription(dc: DomainCtx, name: string, scope: string, id: string | null, expiresAt: number | null): Promise<void> {
  await dc.db.write(async (tx) => {
    await tx.update(mailboxes).set({ subscriptionId: id, subscriptionExpiresAt: expiresAt }).where(and(eq(mailboxes.name, name), eq(mailboxes.deltaScope, scope))).run();
  });
}

/** Of `ids` (Graph message ids), those received before: committed, or pending (a crash mid-way). */
export async function knownExternalIds(dc: DomainCtx, source: string, ids: string[]): Promise<Map<string, 'pending' | 'done'>> {
  if (ids.length === 0) return new Map();
  const rows = await dc.db
    .select({ externalId: inboundMessages.externalId, status: inboundMessages.status })
    .from(inboundMessages)
    .where(and(eq(inboundMessages.source, source), inArray(inboundMessages.externalId, ids)))
    .all();
  return new Map(rows.filter((r) => r.externalId !== null).map((r) => [r.externalId as string, r.status === 'pending' ? 'pending' : 'done']));
}
