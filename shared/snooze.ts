/**
 * `/snooze` times: a duration from now (`45s`, `30m`, `4h`, `2d`, `1w`) or a moment (`2031-01-05`,
 * `2031-01-05T09:00`, read as UTC unless it gives an offset). Pure, so the composer's hint and
 * the server read them alike.
 */
const UNIT_MS = { s: 1000, m: 60_000, h: 3600_000, d: 86_400_000, w: 7 * 86_400_000 } as const;

/** The time `spec` names, or null when it names none. */
export function parseSnooze(spec: string, now: number): number | null {
  const s = spec.trim().toLowerCase();
  const rel = /^(\d{1,4})\s*(s|m|min|h|d|w)$/.exec(s);
  if (rel) {
    const unit = (rel[2] === 'min' ? 'm' : rel[2]) as keyof typeof UNIT_MS;
    return now + Number(rel[1]) * UNIT_MS[unit];
  }
  const day = /^(\d{4})-(\d{2})-(\d{2})(?:[t ](\d{2}):(\d{2}))?(z|[+-]\d{2}:\d{2})?$/.exec(s);
  if (!day) return null;
  const [y, mo, d] = [Number(day[1]), Number(day[2]), Number(day[3])];
  if (new Date(Date.UTC(y, mo - 1, d)).getUTCDate() !== d || mo < 1 || mo > 12) return null;
  const iso = `${day[1]}-${day[2]}-${day[3]}T${day[4] ?? '09'}:${day[5] ?? '00'}:00${(day[6] ?? 'z').toUpperCase()}`;
  const at = Date.parse(iso);
  return Number.isNaN(at) ? null : at;
}
