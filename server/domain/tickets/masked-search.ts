/**
 * Search for viewers who see addresses masked (below reporter; review 9 L2). The full-text indexes
 * hold the text as stored, addresses whole, so a guest typing `ali`, `alic`, `alice` would see a
 * ticket showing `al*****@e*****.c**` come and go and read the address a prefix at a time. For
 * them a ticket matches only if the words match the text as they see it (decision 018):
 *
 * 1. SQL finds the tickets the search matches where some word could have matched inside one of
 *    the ticket's known addresses (ticket-addresses.ts): a word, diacritics folded, contained in
 *    the address; an address or a word with non-ASCII letters always counts (case folding and
 *    diacritics there are the engines' own, so no guess is made).
 * 2. Those tickets' text is masked as `tickets.get` masks it for them and searched again: every
 *    word a prefix of a word of the title and description, or of a single public note.
 * 3. Those that no longer match are left out of the list and the counts.
 *
 * At most VERIFY_LIMIT tickets are checked again per search (the newest); older ones of step 1
 * are left out unchecked: a search that hits an address in that many tickets lists fewer, never
 * one whose match the viewer could not see.
 */
import { and, desc, eq, inArray, sql, type SQL, type SQLWrapper } from 'drizzle-orm';
import { dialect, notes, participants, removedParticipants, tickets } from '../../../db/schema';
import type { ProjectAccess } from '../accounts/access';
import type { DomainCtx } from '../core/context';
import { maskerFor } from './masking';
import { searchWords, ticketMatches } from './search';
import { knownAddresses } from './ticket-addresses';

export const VERIFY_LIMIT = 200;

/** Lower case, diacritics removed, ß as ss: as both engines' search folds (FTS5 remove_diacritics, unaccent). */
function fold(s: string): string {
  return s.normalize('NFKD').replace(/\p{M}+/gu, '').toLowerCase().replace(/ß/g, 'ss');
}

/** Letter and digit runs: `_` and punctuation split words, as both indexes do. */
function tokens(s: string): string[] {
  return fold(s.normalize('NFKC'))
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);
}

const NON_ASCII = /[^\x20-\x7e]/;

const likeEscape = sql.raw(`'\\'`);
const likeContains = (part: string) => `%${part.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** An address column that might hold something one of `parts` matches (a superset; JSON lists too). */
function mayHold(column: SQLWrapper, parts: readonly string[], json = false): SQL {
  const text = json && dialect() === 'pg' ? sql`(${column})::text` : sql`${column}`;
  const nonAscii = dialect() === 'pg' ? sql`octet_length(${text}) <> char_length(${text})` : sql`length(${text}) <> length(cast(${text} as blob))`;
  const likes = parts.map((p) => sql`lower(${text}) like ${likeContains(p)} escape ${likeEscape}`);
  // never NULL, so that `not` of it holds for a ticket without that address
  return sql`(${column} is not null and (${sql.join([nonAscii, ...likes], sql` or `)}))`;
}

/** Tickets of the search whose match might lie in an address the viewer sees masked. */
function addressMayMatch(parts: readonly string[] | 'any'): SQL {
  const holds = (column: SQLWrapper, json = false) => (parts === 'any' ? sql`${column} is not null` : mayHold(column, parts, json));
  return sql`(${holds(tickets.externalAuthor)} or ${holds(tickets.ccNotAdded, true)}
    or exists (select 1 from ${participants} where ${participants.ticketId} = ${tickets.id} and ${holds(participants.email)})
    or exists (select 1 from ${removedParticipants} where ${removedParticipants.ticketId} = ${tickets.id} and ${holds(removedParticipants.email)})
    or exists (select 1 from ${notes} where ${notes.ticketId} = ${tickets.id} and (${holds(notes.externalAuthor)} or ${holds(notes.ccNotAdded, true)})))`;
}

/** Every word a prefix of some word of the text. */
function matchesAll(words: readonly string[][], text: readonly string[]): boolean {
  return words.every((parts) => parts.every((p) => text.some((t) => t.startsWith(p))));
}

/**
 * For a viewer who sees addresses masked, the condition that keeps out tickets the search `text`
 * matches only through what they see masked (and those beyond the check's limit).
 */
export async function maskedSearchCondition(dc: DomainCtx, pa: ProjectAccess, text: string): Promise<SQL | undefined> {
  const words = searchWords(text).map(tokens).filter((w) => w.length > 0);
  const match = ticketMatches(text, false);
  if (words.length === 0 || !match) return undefined;
  const parts = [...new Set(words.flat())];
  const suspect = addressMayMatch(parts.some((p) => NON_ASCII.test(p)) ? 'any' : parts);
  const checked = await dc.db
    .select({ id: tickets.id, title: tickets.title, description: tickets.description })
    .from(tickets)
    .where(and(eq(tickets.projectId, pa.project.id), eq(tickets.confidential, false), match, suspect))
    .orderBy(desc(tickets.id))
    .limit(VERIFY_LIMIT)
    .all();
  if (checked.length === 0) return undefined;
  const ids = checked.map((t) => t.id);
  const [addresses, bodies] = await Promise.all([
    knownAddresses(dc.db, ids),
    dc.db
      .select({ ticketId: notes.ticketId, body: notes.body })
      .from(notes)
      .where(and(inArray(notes.ticketId, ids), eq(notes.internal, false), eq(notes.system, false)))
      .all(),
  ]);
  const notesOf = new Map<number, string[]>();
  for (const n of bodies) notesOf.set(n.ticketId, [...(notesOf.get(n.ticketId) ?? []), n.body]);
  const seen = checked.filter((t) => {
    const m = maskerFor(addresses.get(t.id) ?? []);
    return matchesAll(words, tokens(m.text(`${t.title} ${t.description}`))) || (notesOf.get(t.id) ?? []).some((b) => matchesAll(words, tokens(m.text(b))));
  });
  return seen.length ? sql`(not ${suspect} or ${inArray(tickets.id, seen.map((t) => t.id))})` : sql`not ${suspect}`;
}
