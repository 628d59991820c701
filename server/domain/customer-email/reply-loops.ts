/**
 * Auto-responder ping-pong on one ticket (issue 15): two auto-responders without auto-reply
 * headers answer each other through the ticket, each reply relayed to the other. It shows as the
 * same sender sending the same text (give or take dates and counters) again and again within
 * minutes; the per-sender rate limit is far too slow to notice.
 */
import { createHash } from 'node:crypto';
import { and, desc, eq, gt, sql } from 'drizzle-orm';
import { notes } from '../../../db/schema';
import type { Q } from '../../../db/client';

export const LOOP_WINDOW_MS = 10 * 60_000;
/** This many notes of one shape from one sender within the window is a loop. */
export const LOOP_REPEATS = 3;
/** Only the sender's latest notes are compared: a loop shows within its first few. */
const LOOKBACK = 50;

const DATE_WORDS =
  /\b(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun|(?:mon|tues|wednes|thurs|fri|satur|sun)day|jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec|january|february|march|april|june|july|august|september|october|november|december)\b/g;
/** Numbers with what clocks and calendars put after them: 3rd, 10am, 14:05 h. */
const NUMBERS = /\d+(?:st|nd|rd|th|am|pm|h)?\b|\d+/g;

/**
 * What stays the same between two auto-replies: the visible text (quoted history folded away)
 * without links, numbers, dates, punctuation, spacing or case. Empty when nothing is left.
 */
export function bodyShape(noteBody: string): string {
  const visible = noteBody.split('<details>')[0] ?? '';
  const letters = visible
    .toLowerCase()
    .replace(/!?\[[^\]]*\]\([^)]*\)/g, '')
    .replace(/\bhttps?:\/\/\S+/g, '')
    .replace(NUMBERS, '')
    .replace(DATE_WORDS, '')
    .replace(/[^\p{L}]+/gu, '');
  return letters ? createHash('sha256').update(letters).digest('hex') : '';
}

/**
 * Whether the sender's note just added completes a loop: at least LOOP_REPEATS public notes by
 * them on the ticket within the window (this one included) with this note's shape.
 */
export async function isReplyLoop(q: Q, ticketId: number, sender: string, noteBody: string, at: number): Promise<boolean> {
  const shape = bodyShape(noteBody);
  if (!shape) return false;
  const recent = await q
    .select({ body: notes.body })
    .from(notes)
    .where(
      and(
        eq(notes.ticketId, ticketId),
        sql`lower(${notes.externalAuthor}) = ${sender.toLowerCase()}`,
        eq(notes.system, false),
        gt(notes.createdAt, at - LOOP_WINDOW_MS),
      ),
    )
    .orderBy(desc(notes.id))
    .limit(LOOKBACK)
    .all();
  return recent.filter((n) => bodyShape(n.body) === shape).length >= LOOP_REPEATS;
}
