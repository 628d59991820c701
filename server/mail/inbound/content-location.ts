/**
 * Images an HTML email finds by Content-Location instead of Content-ID (RFC 2557, MHTML): the
 * `<img src="image1">` of a multipart/related saved by Word, Outlook's "Send as" web page, report
 * generators and .NET mailers, whose image part says `Content-Location: image1` (or an absolute
 * `file:///C:/…/image001.jpg`). mailparser follows `cid:` only; such an image showed as a dead
 * link in the text and again as a file below it. Here each reference that names a part's location
 * becomes a `cid:` reference to that part (given a Content-ID of its own when it has none), so the
 * image is shown where the customer put it, as a cid image is.
 */
import type { ParsedAttachment } from './parse';

/** At most this many references are pointed at parts (as MAX_CID_REWRITES for cid: links). */
const MAX_REWRITES = 1000;
/** At most this many references are looked up (each may be a URL to parse): a page of 50,000 images is not mail. */
const MAX_LOOKUPS = 5000;
/** A location longer than this is no file name anyone wrote: it is not looked for. */
const MAX_LOCATION_CHARS = 2048;

/** The value of a Content-Location/Content-Base header: folding and quotes removed (RFC 2557 §4.1). */
export function headerLocation(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const v = value.replace(/\s+/g, '').replace(/^["<]|[">]$/g, '');
  return v && v.length <= MAX_LOCATION_CHARS ? v : undefined;
}

function absolute(ref: string, base?: string): string | null {
  try {
    return new URL(ref, base).href;
  } catch {
    return null;
  }
}

/** The few entities an attribute value may carry in a URL (`&amp;` above all). */
function attributeText(v: string): string {
  return v.includes('&') ? v.replace(/&amp;/gi, '&').replace(/&quot;/gi, '"').replace(/&#39;|&apos;/gi, "'") : v;
}

/** The parts by location as written, by absolute URL, and by every `/…` ending of their location. */
interface Index {
  exact: Map<string, number>;
  href: Map<string, number>;
  tail: Map<string, number>;
}

function indexOf(attachments: ParsedAttachment[]): Index | null {
  const index: Index = { exact: new Map(), href: new Map(), tail: new Map() };
  attachments.forEach((a, i) => {
    const location = a.location;
    if (!location) return;
    if (!index.exact.has(location)) index.exact.set(location, i);
    const href = absolute(location);
    if (href && !index.href.has(href)) index.href.set(href, i);
    // at most MAX_LOCATION_CHARS / 2 endings per part, each found by one lookup
    for (let at = location.indexOf('/', 1); at > 0; at = location.indexOf('/', at + 1)) {
      const tail = location.slice(at);
      if (tail.length > 1 && !index.tail.has(tail)) index.tail.set(tail, i);
    }
  });
  return index.exact.size > 0 ? index : null;
}

/**
 * The part a reference in the HTML names: the same location as written, the same absolute URL
 * (relative ones resolved against the message's Content-Base or Content-Location), or — for an
 * absolute location such as `file:///C:/Doc/page_files/image001.jpg` referred to relatively from
 * the page beside it — the location ending in `/` + the reference.
 */
function find(ref: string, index: Index, base: string | undefined): number | null {
  if (!ref || ref.length > MAX_LOCATION_CHARS || /^(?:cid|data|mailto):/i.test(ref)) return null;
  const exact = index.exact.get(ref);
  if (exact !== undefined) return exact;
  const href = absolute(ref, base);
  const byHref = href ? index.href.get(href) : undefined;
  if (byHref !== undefined) return byHref;
  // a relative reference (no scheme, not rooted): the end of an absolute location
  if (!/^[a-z][a-z0-9+.-]*:|^\//i.test(ref)) return index.tail.get(`/${ref.replace(/^(?:\.\/)+/, '')}`) ?? null;
  return null;
}

/**
 * The HTML with references to parts' Content-Locations turned into `cid:` references, and the
 * attachments with the Content-IDs those point at. Unchanged when no part has a location.
 */
export function linkContentLocations(html: string, attachments: ParsedAttachment[], base: string | undefined): { html: string; attachments: ParsedAttachment[] } {
  const index = indexOf(attachments);
  if (!index) return { html, attachments };
  const out = attachments.slice();
  let rewrites = 0;
  let lookups = 0;
  const cidOf = (i: number): string => {
    const a = out[i]!;
    if (a.cid) return a.cid.replace(/^<|>$/g, '');
    const cid = `content-location-${i + 1}@threadline.invalid`;
    out[i] = { ...a, cid };
    return cid;
  };
  // src= and background= attribute values, quoted or not; one pass, no nested quantifiers
  const rewritten = html.replace(/(\s(?:src|background)\s*=\s*)("[^"]*"|'[^']*'|[^\s"'>]+)/gi, (match, lead: string, value: string) => {
    if (rewrites >= MAX_REWRITES || lookups >= MAX_LOOKUPS) return match;
    lookups++;
    const quoted = value.startsWith('"') || value.startsWith("'");
    const ref = attributeText((quoted ? value.slice(1, -1) : value).trim());
    const i = find(ref, index, base);
    if (i === null) return match;
    rewrites++;
    return `${lead}"cid:${cidOf(i)}"`;
  });
  return { html: rewritten, attachments: out };
}

/**
 * A name for an unnamed part from its Content-Location: the last path segment (`image001.jpg`),
 * with an extension from its type when the segment has none (`image1` → `image1.png`).
 */
export function nameFromLocation(location: string, contentType: string): string | undefined {
  const path = location.replace(/[?#].*$/, '');
  // the last segment of a URL, or of a Windows path written as one (`C:\\Doc\\image001.jpg`)
  const segment = path.slice(Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\')) + 1);
  let name: string;
  try {
    name = decodeURIComponent(segment);
  } catch {
    name = segment;
  }
  name = name.replace(/[\x00-\x1f\x7f]/g, '').trim().slice(0, 200);
  if (!name || /^\.+$/.test(name)) return undefined;
  if (/\.[a-z0-9]{1,5}$/i.test(name)) return name;
  const sub = contentType.split('/')[1]?.split(/[;+]/)[0]?.toLowerCase() ?? '';
  const ext = sub === 'jpeg' ? 'jpg' : sub.replace(/[^a-z0-9]/g, '');
  return ext ? `${name}.${ext}` : name;
}
