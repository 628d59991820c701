/**
 * Moments as the reader's own clock shows them, with the zone named, so the sidebar, tooltips and
 * system notes agree ("Tue, Dec 1, 2026, 10:00 AM GMT+1"). Pure (no timers), so tests can run it.
 */
export interface TimeOptions {
  /** for tests; the browser's own zone and language otherwise */
  timeZone?: string;
  locale?: string;
}

export function fullTime(iso: string | number, opts: TimeOptions = {}): string {
  return new Intl.DateTimeFormat(opts.locale, {
    weekday: 'short',
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    hour: 'numeric',
    minute: '2-digit',
    timeZoneName: 'short',
    timeZone: opts.timeZone,
  }).format(new Date(iso));
}

/** `2031-01-02 09:30 UTC`, as the server writes a moment into a system note (every reader can place it). */
const UTC_MINUTE = /(\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC)/;

/** A system note's text cut at each UTC moment: odd parts are moments, to show in local time. */
export function splitUtcMoments(text: string): string[] {
  return text.split(UTC_MINUTE);
}

/** The instant a `2031-01-02 09:30 UTC` part names. */
export function utcMomentToIso(part: string): string {
  return `${part.slice(0, 10)}T${part.slice(11, 16)}:00Z`;
}
