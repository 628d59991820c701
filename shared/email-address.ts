/**
 * Email addresses as people are shown them: the domain in ASCII (punycode for IDN), so
 * `c@аррӏе.com` (Cyrillic) reads `c@xn--80ak6aa92e.com` and cannot pass for apple.com. And a
 * pattern broad enough to find any address in text — `localhost`, IP literals, digits in the TLD,
 * Unicode — for the passes that must not miss one.
 */

const LABEL = String.raw`[\p{L}\p{N}\p{M}](?:[\p{L}\p{N}\p{M}-]*[\p{L}\p{N}\p{M}])?`;
// Full stops other scripts use between labels (UTS 46 reads them as dots).
const DOT = String.raw`[.\u3002\uFF0E\uFF61]`;
const LOCAL = String.raw`[\p{L}\p{N}\p{M}!#$%&'*+/=?^_\x60{|}~.-]+`;
const DOMAIN = String.raw`(?:\[[^\[\]\s]+\]|${LABEL}(?:${DOT}${LABEL})*)`;

/** A fresh global regex matching `local@domain` for any domain an address may have. */
export function addressPattern(): RegExp {
  return new RegExp(`${LOCAL}@${DOMAIN}`, 'gu');
}

const ASCII = /^[\x20-\x7e]*$/;
// Characters that would make the URL parser read something other than a bare host.
const NOT_A_HOST = /[\s/?#:@\\%[\]]/;

/** Every non-ASCII character as `\u{…}`: visibly foreign, never a look-alike. */
function escapeNonAscii(s: string): string {
  return [...s].map((ch) => (ASCII.test(ch) ? ch : `\\u{${(ch.codePointAt(0) as number).toString(16)}}`)).join('');
}

/**
 * The domain in ASCII: IDN labels become `xn--…`. When the IDN mapping would change anything
 * else (full-width `ａpple.com` maps to `apple.com`, `ex。com` to `ex.com`) or fails, the
 * non-ASCII characters are shown escaped instead, so the result never hides them.
 */
export function asciiDomain(domain: string): string {
  if (ASCII.test(domain)) return domain;
  if (NOT_A_HOST.test(domain)) return escapeNonAscii(domain);
  let host: string;
  try {
    host = new URL(`http://${domain}/`).hostname;
  } catch {
    return escapeNonAscii(domain);
  }
  const before = domain.split('.');
  const after = host.split('.');
  const faithful =
    before.length === after.length &&
    before.every((label, i) => (ASCII.test(label) ? label.toLowerCase() === after[i] : after[i]?.startsWith('xn--')));
  return faithful ? host : escapeNonAscii(domain);
}

/** `local@domain` with the domain in ASCII (the local part is kept: it has no ASCII form). */
export function asciiAddress(address: string): string {
  const at = address.lastIndexOf('@');
  if (at < 0) return address;
  const domain = address.slice(at + 1);
  return ASCII.test(domain) ? address : `${address.slice(0, at)}@${asciiDomain(domain)}`;
}

/** Every address in a text with its domain in ASCII (system notes name participants). */
export function asciiAddressesIn(text: string): string {
  return text.includes('@') ? text.replace(addressPattern(), asciiAddress) : text;
}
