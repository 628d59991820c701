/**
 * Answers the server puts into the page it serves (docs/decisions/016-fast-start-and-preloaded-pages.md):
 * the queries a page is about to make, answered in the same round trip as the page itself, so a
 * first visit renders its data without waiting for requests that wait for one another.
 */

/** the `<script type="application/json">` element the answers travel in */
export const PRELOAD_ELEMENT_ID = 'tl-preload';

/** Preloaded answers are used only this soon after the page loaded; later queries ask the server. */
export const PRELOAD_FRESH_MS = 10_000;

export type PreloadEntries = Record<string, unknown>;

/** A query's key: its procedure and its input as canonical JSON (keys sorted, undefined left out). */
export function preloadKey(path: string, input: unknown): string {
  return `${path} ${canonical(input) ?? ''}`;
}

function canonical(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map((v) => canonical(v) ?? 'null').join(',')}]`;
  const fields = Object.keys(value as Record<string, unknown>)
    .sort()
    .flatMap((k) => {
      const v = canonical((value as Record<string, unknown>)[k]);
      return v === undefined ? [] : [`${JSON.stringify(k)}:${v}`];
    });
  return `{${fields.join(',')}}`;
}

/** JSON that is safe inside a `<script>` element (no `</script>`, no line separators). */
export function scriptSafeJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}
