import { createSignal } from 'solid-js';
import { duration } from './duration';
import { waitLevelOf } from './wait-level';

/** Ticks once a minute so "5 minutes ago" stays true on a page left open. */
const [now, setNow] = createSignal(Date.now());
setInterval(() => setNow(Date.now()), 60_000);

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['year', 365 * 24 * 3600],
  ['month', 30 * 24 * 3600],
  ['week', 7 * 24 * 3600],
  ['day', 24 * 3600],
  ['hour', 3600],
  ['minute', 60],
];

const format = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });

export function relativeTime(iso: string): string {
  const seconds = Math.round((Date.parse(iso) - now()) / 1000);
  for (const [unit, size] of UNITS) {
    if (Math.abs(seconds) >= size) return format.format(Math.trunc(seconds / size), unit);
  }
  return 'just now';
}

/** How long since `iso`, kept current (the customer's wait in the queue). */
export function elapsedSince(iso: string): string {
  return duration(now() - Date.parse(iso));
}

/**
 * How pressing a customer's wait is: under an hour it is just information, up to a day it
 * wants attention, longer is overdue (shown in the danger colour). Kept current.
 */
export function waitLevel(iso: string): 'fresh' | 'long' | 'overdue' {
  return waitLevelOf(now() - Date.parse(iso));
}

