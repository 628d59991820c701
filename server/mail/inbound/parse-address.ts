/**
 * Whether a parsed address is one a person can be answered at. Spam and broken senders write
 * `foo@bar@baz`, `<foo@>`, `"Millions"@example.com>` or `claudia@yahoo.com.`: a harmless slip
 * (a stray `<`/`>` around it, the root dot after the domain) is mended, anything else is not an
 * address (a reply to a guess could reach a stranger). Lenient where mail is merely unusual:
 * quoted local parts, address literals, international domains and single-label hosts
 * (`root@localhost` from a cron job) all pass.
 */

/** RFC 5321's limit (a path of 256 with its brackets); longer is no address at all. */
const MAX_ADDRESS = 254;

const LOCAL_ATOM = /^[^\s"(),:;<>@[\\\]]+$/;
const LOCAL_QUOTED = /^"[^"\\\r\n]+"$/;
/**
 * A domain label as mailparser hands it over: punycode (`xn--42cl2bj2hxbd2g`) is decoded to Unicode
 * by then, and Thai, Devanagari, Tamil or Bengali names need their combining vowel signs and
 * viramas (\p{M}, never first, as IDNA 2008 says) and the joiners ZWNJ/ZWJ inside a label.
 */
const LABEL = /^[\p{L}\p{N}_](?:[\p{L}\p{M}\p{N}_\u200c\u200d-]{0,61}[\p{L}\p{M}\p{N}_])?$/u;
const LITERAL = /^\[[^\s[\]\\]{1,64}\]$/;

export function usableAddress(address: string): string | null {
  let a = address.trim();
  if (a.length > MAX_ADDRESS + 4) return null;
  let start = 0;
  let end = a.length;
  while (start < end && a[start] === '<') start++;
  while (end > start && (a[end - 1] === '>' || a[end - 1] === '.')) end--;
  a = a.slice(start, end);
  if (a.length > MAX_ADDRESS) return null;
  const at = a.lastIndexOf('@');
  if (at <= 0) return null;
  const local = a.slice(0, at);
  const domain = a.slice(at + 1);
  if (!LOCAL_ATOM.test(local) && !LOCAL_QUOTED.test(local)) return null;
  if (LITERAL.test(domain)) return a;
  if (!domain || domain.length > 253 || !domain.split('.').every((l) => LABEL.test(l))) return null;
  return a;
}

/**
 * The contents of `<…>` in a raw address header that hold a space and an `@`: `<power quadrant
 * system@example.com>` is parsed as `system@example.com` named "power quadrant", an address the
 * sender never wrote. Linear: one pass with indexOf.
 */
export function spacedAngleAddresses(header: string): string[] {
  const out: string[] = [];
  for (let open = header.indexOf('<'); open >= 0 && out.length < 20; ) {
    const close = header.indexOf('>', open + 1);
    if (close < 0) break;
    const inner = header.slice(open + 1, close);
    const next = inner.lastIndexOf('<');
    // a nested "<" starts the innermost pair
    const body = next >= 0 ? inner.slice(next + 1) : inner;
    if (body.includes('@') && /\s/.test(body.trim()) && !body.trim().startsWith('"')) out.push(body.trim().toLowerCase());
    open = header.indexOf('<', close + 1);
  }
  return out;
}
