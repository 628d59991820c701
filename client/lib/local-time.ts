/**
 * Moments as the reader's own clock shows them, with the zone named, so the sidebar, tooltips and
 * system notes agree ("Tue, Dec 1, 2026, 10:00 AM GMT+1"). Pure (no timers), so tests can run it.
 */
import { FULL_TIME_FORMAT } from '../../shared/local-time-format';

export interface TimeOptions {
  /** for tests; the browser's own zone and language otherwise */
  timeZone?: string;
  locale?: string;
}

/**
 * Never throws: text that names no real instant (or a zone or locale the browser does not know) comes
 * back as it was, since `Intl.DateTimeFormat.format` throws a RangeError on an Invalid Date and a
 * throw while rendering blanks the whole page.
 */
export function fullTime(iso: string | number, opts: TimeOptions = {}): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return String(iso);
  try {
    return new Intl.DateTimeFormat(opts.locale, { ...FULL_TIME_FORMAT, timeZone: opts.timeZone }).format(date);
  } catch {
    return String(iso);
  }
}

/**
 * `2031-01-02 09:30 UTC`, as the server writes a moment into a system note (every reader can place it).
 * Only real months, days, hours and minutes match; the text around it may come from outside (an old
 * title is a customer's email subject, a merged change's title comes from the code host).
 */
const UTC_MINUTE = /(\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01]) (?:[01]\d|2[0-3]):[0-5]\d UTC)/;

/** A system note's text cut at each UTC moment: odd parts are moments, to show in local time. */
export function splitUtcMoments(text: string): string[] {
  return text.split(UTC_MINUTE);
}

/** The instant a `2031-01-02 09:30 UTC` part names. */
export function utcMomentToIso(part: string): string {
  return `${part.slice(0, 10)}T${part.slice(11, 16)}:00Z`;
}

/** The instant a `2031-01-02 09:30 UTC` part names, or null when it names none (`2025-02-31 10:00 UTC`). */
export function utcMomentInstant(part: string): string | null {
  const iso = utcMomentToIso(part);
  const at = Date.parse(iso);
  // Date.parse rolls some impossible days over (Feb 31 → Mar 3) instead of refusing them.
  if (Number.isNaN(at) || new Date(at).toISOString().slice(0, 16) !== iso.slice(0, 16)) return null;
  return iso;
}
