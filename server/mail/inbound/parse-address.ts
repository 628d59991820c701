/**
 * Whether a parsed address is one a person can be answered at. Spam and broken senders write
 * `foo@bar@baz`, `<foo@>`, `"Millions"@example.com>` or `claudia@yahoo.com.`: a harmless slip
 * (a stray `<`/`>` around it, the root dot after the domain) is mended, anything else is not an
 * address (a reply to a guess could reach a stranger). Lenient where mail is merely unusual:
 * quoted local parts, address literals, international domains and single-label hosts
 * (`root@localhost` from a cron job) all pass.
 */

import type { AddressObject, HeaderLines } from 'mailparser';

export interface Address {
  address: string;
  name: string;
}

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
 * The contents of `<…>` in an address header that hold a space and an `@`: `<power quadrant
 * system@example.com>` is parsed as `system@example.com` named "power quadrant", an address the
 * sender never wrote. Quoted strings and comments are skipped (`"Help <help desk@x>" <desk@x>`
 * names the address `desk@x`). Linear: one pass.
 */
export function spacedAngleAddresses(header: string): string[] {
  const out: string[] = [];
  let open = -1;
  for (let i = 0; i < header.length && out.length < 20; i++) {
    const c = header[i];
    if (c === '"' || (c === '(' && open < 0)) {
      // a quoted string or a comment (comments nest), with backslash escapes
      const close = c === '"' ? '"' : ')';
      let depth = 1;
      for (i++; i < header.length && depth > 0; i++) {
        const d = header[i];
        if (d === '\\') i++;
        else if (d === close) depth--;
        else if (c === '(' && d === '(') depth++;
      }
      i--;
    } else if (c === '<') open = i;
    else if (c === '>' && open >= 0) {
      const body = header.slice(open + 1, i).trim();
      if (body.includes('@') && /\s/.test(body) && !body.startsWith('"')) out.push(body.toLowerCase());
      open = -1;
    }
  }
  return out;
}

/**
 * The address mailparser takes from a spaced `<two words@host>`: its last word. A scan from the
 * end: `/\S+$/` is tried from every start of a run and backtracked quadratically (1.7 s for a
 * 40,000-character header).
 */
export function lastWord(s: string): string {
  let end = s.length;
  while (end > 0 && /\s/.test(s[end - 1] as string)) end--;
  let start = end;
  while (start > 0 && !/\s/.test(s[start - 1] as string)) start--;
  return s.slice(start, end);
}

/** A raw header line (mailparser hands its bytes over one character each) as text: the header block is UTF-8 by now. */
const decodedLine = (line: string) => (/[\x80-\xff]/.test(line) ? Buffer.from(line, 'latin1').toString('utf8') : line);

/**
 * The usable addresses of an address header (parse-address.ts), in order. `raw`: the header as
 * written, to see through `<two words@host>`; `unusable` collects what was not an address.
 */
export function flatten(value: AddressObject | AddressObject[] | undefined, raw = '', unusable?: string[]): Address[] {
  if (!value) return [];
  const list = Array.isArray(value) ? value : [value];
  const spaced = raw.includes('<') ? spacedAngleAddresses(decodedLine(raw)) : [];
  const out: Address[] = [];
  const walk = (entries: { address?: string; name: string; group?: { address?: string; name: string }[] }[]) => {
    for (const e of entries) {
      if (e.group) walk(e.group);
      else if (e.address?.trim()) {
        const written = e.address.trim().toLowerCase();
        const split = spaced.find((s) => lastWord(s) === written);
        const address = split ? null : usableAddress(written);
        if (address) out.push({ address, name: e.name ?? '' });
        else unusable?.push(split ?? written);
      }
    }
  };
  for (const obj of list) walk(obj.value);
  return out;
}

/**
 * A message with several From headers: mailparser keeps the last, mail clients (and Zammad)
 * show the first, so the first is the author here. The others are parsed the same way (each as
 * a header of its own), for the ignore rules; what is no address in any of them goes to
 * `unusable`, which the ignore rules read too (a bounce from `<MAILER-DAEMON@>` is still a bounce).
 */
export async function fromHeaders(lines: HeaderLines, last: AddressObject | undefined, unusable: string[]): Promise<{ first: Address | null; others: Address[] }> {
  const fromLines = lines.filter((h) => h.key === 'from');
  if (fromLines.length < 2) return { first: flatten(last, fromLines[0]?.line ?? '', unusable)[0] ?? null, others: [] };
  const { simpleParser } = await import('mailparser');
  const each: Address[][] = [];
  // a forged message may repeat the header without end: a few are enough to decide
  for (const h of fromLines.slice(0, 10)) {
    const alone = await simpleParser(Buffer.from(`${h.line}\r\n\r\n`, 'latin1'), { skipTextToHtml: true });
    each.push(flatten(alone.from, h.line, unusable));
  }
  const [first, ...rest] = each;
  return { first: first?.[0] ?? null, others: rest.flat() };
}
