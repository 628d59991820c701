/**
 * How a moment is written for the reader, in their own zone with the zone named ("Tue, Dec 1,
 * 2026, 10:00 AM GMT+1"): one definition for the app (client/lib/local-time.ts) and for the
 * customer view's small script, which the server writes out (server/http/customer-view.ts).
 */
export const FULL_TIME_FORMAT = {
  weekday: 'short',
  year: 'numeric',
  month: 'short',
  day: 'numeric',
  hour: 'numeric',
  minute: '2-digit',
  timeZoneName: 'short',
} as const satisfies Intl.DateTimeFormatOptions;
