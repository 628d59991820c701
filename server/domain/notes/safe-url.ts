/**
 * URL attributes in sanitised HTML (links, images). Characters a browser drops or does not show
 * can hide a scheme from a naive check (`\u2028javascript:`, `java\tscript:`), so the scheme is
 * read only after they are gone, and only schemes on an allow-list pass. The value is taken as
 * the HTML parser decoded it; nothing is decoded a second time.
 */

/** C0 and C1 controls, soft hyphen, zero-width and bidi marks, line and paragraph separators, BOM. */
const INVISIBLE = /[\x00-\x1f\x7f-\x9f\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff\ufff9-\ufffb]/g;
const SCHEME = /^([a-z][a-z0-9+.-]*):/i;

/** The URL without invisible characters, trimmed; spaces left inside are percent-encoded. */
export function normalizeUrl(raw: string): string {
  return raw.replace(INVISIBLE, '').trim().replace(/\s/g, (c) => encodeURIComponent(c));
}

/** The scheme, lower-case; `null` for a relative URL. Whitespace anywhere is ignored while reading it. */
export function urlScheme(url: string): string | null {
  const m = SCHEME.exec(url.replace(INVISIBLE, '').replace(/\s|%20/gi, ''));
  return m ? m[1]!.toLowerCase() : null;
}

/**
 * The normalised URL when its scheme is allowed, else `null` (the attribute is then dropped).
 * A relative URL passes only when `relative` is set; a protocol-relative one (`//host`) counts
 * as `https:`.
 */
export function safeUrl(raw: string, schemes: readonly string[], opts: { relative: boolean }): string | null {
  const url = normalizeUrl(raw);
  if (!url) return null;
  if (/^[/\\]{2}/.test(url)) return schemes.includes('https') ? `https:${url.replace(/^[/\\]+/, '//')}` : null;
  const scheme = urlScheme(url);
  // RFC 3986 §4.2: a relative path's first segment has no colon; one that does is a scheme in disguise.
  if (scheme === null) return opts.relative && !/^[^/?#]*:/.test(url) ? url : null;
  return schemes.includes(scheme) ? url : null;
}

/** `attribs` with `name` set to `url`, in its place, or without it when the URL was refused. */
export function withUrl(attribs: Record<string, string>, name: string, url: string | null): Record<string, string> {
  const out = { ...attribs };
  if (url === null) delete out[name];
  else out[name] = url;
  return out;
}
