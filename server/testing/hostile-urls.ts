/**
 * URLs that try to smuggle a script past a sanitiser: hidden characters before or inside the
 * scheme, HTML character references, odd case, and schemes that are active on their own.
 */
import assert from 'node:assert/strict';

export const HOSTILE_URLS = [
  '\u2028javascript:alert(1)',
  '\u2029javascript:alert(1)',
  ' javascript:alert(1)',
  'java\tscript:alert(1)',
  'jav&#x09;ascript:alert(1)',
  '&#106;avascript:alert(1)',
  'JaVaScRiPt:alert(1)',
  'java\u200bscript:alert(1)',
  '\u202ejavascript:alert(1)',
  '\u0000javascript:alert(1)',
  '\u0085javascript:alert(1)',
  'vbscript:msgbox(1)',
  'data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==',
];

const ACTIVE = /^(?:javascript|vbscript):|^data:text/;

function decodeReferences(s: string): string {
  let prev;
  do {
    prev = s;
    s = s
      .replace(/&#x([0-9a-f]+);?/gi, (_m, h: string) => String.fromCodePoint(parseInt(h, 16)))
      .replace(/&#([0-9]+);?/g, (_m, d: string) => String.fromCodePoint(Number(d)))
      .replace(/&(amp|quot|lt|gt|apos|tab|newline|colon);/gi, (_m, n: string) => ({ amp: '&', quot: '"', lt: '<', gt: '>', apos: "'", tab: '\t', newline: '\n', colon: ':' })[n.toLowerCase()] ?? '');
  } while (s !== prev);
  return s;
}

/** Every URL attribute of `html` as a browser would read its scheme: references decoded, hidden characters gone, lower-case. */
export function urlAttributes(html: string): string[] {
  return [...html.matchAll(/\s(?:href|src|srcset|action|formaction|xlink:href)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]*))/gi)].map((m) =>
    decodeReferences(m[1] ?? m[2] ?? m[3] ?? '')
      .replace(/[\x00-\x20\x7f-\x9f\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]/g, '')
      .toLowerCase(),
  );
}

export function assertNoActiveUrl(html: string, context: string): void {
  for (const url of urlAttributes(html)) assert.ok(!ACTIVE.test(url), `${context}: active URL ${JSON.stringify(url)} survived in ${html}`);
}
