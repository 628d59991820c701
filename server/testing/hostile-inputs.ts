/**
 * Inputs known to make Markdown, HTML and MIME handling slow or deep: the ones from issue 15's
 * attack run and the usual pathological shapes for marked, turndown and sanitize-html. Shared by
 * the hostile-mail test and the ingest bench.
 */
export interface HostileBody {
  name: string;
  /** `text/plain` body, or HTML when `html` is set */
  body: string;
  html?: boolean;
  /** the whole text is markup that shows nothing (an HTML comment) */
  showsNothing?: boolean;
}

const lines = (n: number, f: (i: number) => string) => Array.from({ length: n }, (_, i) => f(i)).join('\n');

export const HOSTILE_BODIES: HostileBody[] = [
  { name: 'emphasis 300k', body: '*a_'.repeat(100_000) },
  { name: 'emphasis 36k', body: '*a_'.repeat(12_000) },
  { name: 'quote markers 20k', body: '>'.repeat(20_000) },
  { name: 'quote markers with spaces', body: '> '.repeat(20_000) },
  { name: '10 MB single line', body: 'x'.repeat(10 * 1024 * 1024) },
  { name: 'nested lists 3k', body: lines(3000, (i) => `${' '.repeat(i * 2)}- item ${i}`) },
  // marked itself throws on this ("Maximum call stack size exceeded"): plain text, never quarantine
  { name: 'list markers 5k', body: `${'- '.repeat(5000)}x` },
  { name: 'open brackets', body: '['.repeat(100_000) },
  { name: 'link openers', body: '[a]('.repeat(30_000) },
  { name: 'backticks', body: '`'.repeat(100_000) + 'a' + '``'.repeat(30_000) },
  { name: 'strong runs', body: '**a'.repeat(60_000) },
  { name: 'table columns', body: `${'|a'.repeat(20_000)}|\n${'|-'.repeat(20_000)}|\n${'|b'.repeat(20_000)}|` },
  { name: 'html comment openers', body: '<!--'.repeat(50_000), showsNothing: true },
  { name: 'angle autolinks', body: '<a'.repeat(80_000) },
  { name: 'reference definitions', body: lines(20_000, (i) => `[r${i}]: http://x/${i}`) + '\n' + '[r1]'.repeat(20_000) },
  { name: 'div nested 100k', html: true, body: `<html><body>${'<div>'.repeat(100_000)}deep${'</div>'.repeat(100_000)}</body></html>` },
  { name: 'table nested 20k', html: true, body: `<table><tr><td>`.repeat(20_000) + 'x' },
  { name: 'unclosed anchors', html: true, body: '<a href="http://x">'.repeat(100_000), showsNothing: true },
  { name: 'blockquote nested 50k', html: true, body: `${'<blockquote>'.repeat(50_000)}q${'</blockquote>'.repeat(50_000)}` },
  { name: 'list nested 30k', html: true, body: `${'<ul><li>'.repeat(30_000)}x` },
  // the containers HTML-only clients put quoted history and signatures in, deep and wide
  { name: 'quoted-history divs nested 200', html: true, body: `${'<div class="yahoo_quoted">'.repeat(200)}q${'</div>'.repeat(200)}` },
  { name: 'reply sections 20k', html: true, body: '<div name="messageReplySection"><p>a<br>b</p></div><div class="gmail_signature">s</div>'.repeat(20_000) },
];

/**
 * Reply texts (Markdown, as trimming reads them) shaped to make the reply-trimming rules slow:
 * header labels, dated attributions and separators by the thousand, and long lines of the parts
 * the rules look for.
 */
export const HOSTILE_REPLIES: { name: string; text: string }[] = [
  { name: 'dated attribution parts 400 chars × 5000', text: `Answer\n${`${'2025 10:00 '.repeat(20)}${'a'.repeat(60)}@${'b'.repeat(60)}:\n`.repeat(5000)}` },
  { name: 'address-shaped runs without a dot', text: `Answer\n${`x 2025 10:00 ${'a@'.repeat(190)}:\n`.repeat(3000)}` },
  { name: 'full-width labels × 5000', text: `Answer\n${'**发件人：**a\n**收件人：**b\n'.repeat(2500)}` },
  { name: 'label then blanks', text: `Answer\nОт:${' '.repeat(100_000)}x\nОтправлено:${'\u00a0'.repeat(100_000)}` },
  { name: 'typographic dashes', text: `Answer\n${'‐'.repeat(100_000)} Original ${'—'.repeat(100_000)}\n${'－ '.repeat(50_000)}` },
  { name: 'dashed attribution lines', text: `Answer\n${`---- ${'2025 10:00 a@b.cc '.repeat(20)}\n`.repeat(5000)}` },
  { name: 'bracketed senders without their colon', text: `Answer\n${`2025 10:00 ${'<a@b.cc>'.repeat(30)}${'x'.repeat(61)}:\n\n`.repeat(5000)}` },
  { name: 'header labels above a header block × 5000', text: `Answer\n${'Subject: a\nTo: b\nCc: c\nDate: d\nFrom: e <e@x.y>\n'.repeat(5000)}` },
  { name: 'forward lines without their words', text: `Answer\n${`${'-'.repeat(5000)} Forwarded ${'‐'.repeat(5000)}x\n`.repeat(50)}\nFrom: a <a@b.c>\nSent: x\n` },
  { name: 'linked senders never closed', text: `Answer\n${`2025 10:00 <[a@b.cc](${'('.repeat(150)}${'x'.repeat(150)} ${'<[a@b.cc]'.repeat(10)}:\n\n`.repeat(5000)}` },
];

/**
 * Header blocks (before the blank line) shaped to make the encoded-word relabelling slow: words
 * by the hundred thousand in one mislabelled group, openings that never close, and words whose
 * charset changes every time.
 */
export const HOSTILE_HEADER_BLOCKS: { name: string; head: string }[] = [
  { name: 'one group of 40k mislabelled words', head: `Subject: ${'=?iso-2022-jp?B?g2M=?= '.repeat(40_000)}` },
  { name: 'encoded-word openings that never close', head: `Subject: ${'=?iso-2022-jp?B?'.repeat(60_000)}` },
  { name: 'a long word text without its end', head: `Subject: =?iso-2022-jp?Q?${'=83'.repeat(300_000)}` },
  { name: 'alternating charsets', head: `From: ${'=?iso-2022-jp?Q?=83c?= =?big5?Q?=FF?= '.repeat(20_000)}<a@example.com>` },
];

/** A complete message carrying `b`, to `to`. */
export function hostileMessage(b: HostileBody, to: string, i: number): string {
  const type = b.html ? 'text/html' : 'text/plain';
  return (
    `From: Mallory ${i} <mallory${i}@attacker.test>\r\nTo: ${to}\r\nSubject: Hostile ${b.name}\r\n` +
    `Message-ID: <hostile-${i}-${Date.now()}@attacker.test>\r\nDate: Mon, 30 Nov 2026 10:00:00 +0000\r\nMIME-Version: 1.0\r\n` +
    `Content-Type: ${type}; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n${b.body}\r\n`
  );
}

/** A 23 MB plain-text body of ordinary lines (the issue's "23 MB text body"). */
export function hugeTextMessage(to: string): string {
  const line = 'The quick brown fox jumps over the lazy dog, again and again and again.\r\n';
  return (
    `From: Big Sender <big@customer.test>\r\nTo: ${to}\r\nSubject: Huge body\r\nMessage-ID: <huge-${Date.now()}@customer.test>\r\n` +
    `Date: Mon, 30 Nov 2026 10:00:00 +0000\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n` +
    line.repeat(Math.ceil((23 * 1024 * 1024) / line.length))
  );
}

/**
 * Runs `fn`, which must finish within `ms`: for decoders of hostile input that are linear, given
 * inputs small enough that only a super-linear path could take that long.
 */
export function quickly<T>(ms: number, fn: () => T): T {
  const t0 = performance.now();
  const r = fn();
  const took = performance.now() - t0;
  if (!(took < ms)) throw new Error(`took ${Math.round(took)} ms (bound ${ms} ms)`);
  return r;
}
