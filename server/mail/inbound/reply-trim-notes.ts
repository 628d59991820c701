/**
 * Lotus Notes' and IBM Verse's ways of writing the message replied to (reply-trim.ts asks these
 * rules). Customers write "To: … / Cc: … / Subject: …" and "From:/To:/Date:" tables of their own
 * (instructions for a mail rule, a mail that never arrived, a travel itinerary), so each rule asks
 * for what Notes itself writes, not merely for its labels. Every rule is string operations or a
 * bounded pattern on a line of at most MAX_LINE_CHARS, so a hostile line costs one pass.
 */

/** No header line Notes writes is this long; longer lines are not tested at all. */
const MAX_LINE_CHARS = 1000;

/** Where a rule found the quoted message's headers: `start` is where history begins, `end` the line after them. */
export interface Block {
  start: number;
  end: number;
}

/**
 * A header row of a table as a header line: Lotus Notes 9 and IBM Verse write the quoted
 * message's headers as a table (HTML "domino-section"), which becomes `| From: | Ann <a@x> |`.
 */
function unpiped(line: string): string | null {
  const t = line.trim();
  if (!t.startsWith('|') || t.length > MAX_LINE_CHARS) return null;
  const bar = t.indexOf('|', 1);
  const label = bar < 0 ? '' : t.slice(1, bar).trim();
  if (!label.endsWith(':') || label.length > 20) return null;
  const rest = t.slice(bar + 1);
  return `${label} ${(rest.endsWith('|') ? rest.slice(0, -1) : rest).trim()}`;
}

/** A Markdown table's rule row (`| --- | --- |`), which a table with a first row as its head gets. */
const TABLE_RULE = /^\|[ \t|:-]+\|$/;

/**
 * The rows of a domino-section header table starting at line `i`, as header lines, when the table
 * has that section's shape: the section title just above it (`Ann Lee --- Re: Order 4711 ---`),
 * or a Subject row and a sender with an address or a Notes name. A customer's table with From/To/
 * Date rows (an itinerary, shipment details) has neither.
 */
export function dominoTable(lines: string[], i: number): { rows: string[]; end: number } | null {
  const first = unpiped(lines[i] as string);
  if (first === null) return null;
  const rows = [first];
  let end = i + 1;
  for (; end < lines.length && rows.length < 12; end++) {
    const line = (lines[end] as string).trim();
    if (TABLE_RULE.test(line) && line.length <= MAX_LINE_CHARS) continue;
    const row = unpiped(line);
    if (row === null) break;
    rows.push(row);
  }
  let k = i - 1;
  while (k >= 0 && k > i - 4 && !(lines[k] as string).trim()) k--;
  const titled = k >= 0 && isNotesSectionTitle(lines[k] as string);
  const subject = rows.some((r) => /^(?:Subject|Betreff):/i.test(r));
  const sender = first.includes('@') || first.includes('/');
  return titled || (subject && sender) ? { rows, end } : null;
}

/**
 * IBM Verse and Notes 9 in plain text put the quoted headers on one line, with no space between a
 * field's value and the next label: `From:"Ann" <a@x>To:b@yCc:…Date:Tue, Sep 3, 2019 6:28 PMSubject:Re: …`.
 * Only that form: the sender (an address, with or without a name) and `To:` right after it. A
 * customer's "From: your system arrives with the wrong Date: and Subject: …" is not one.
 */
// The blanks after `From:` belong to one alternative only: with `[ \t]*` in front of both, a line
// of `From:` and blanks was tried ~200 ways per blank (170–390 ms for a hostile reply).
const VERSE_NAMED = /^From:(?:[ \t]*"[^"\r\n]{0,200}"[ \t]{0,20}|[^"<>\r\n]{0,200})<[^<>\s]{1,254}>To:/;
const VERSE_BARE = /^From:[ \t]*[^\s<>"@]{1,64}@[^\s<>"@]{1,253}?To:/;
export function isOneLineHeaders(line: string): boolean {
  if (line.length > MAX_LINE_CHARS) return false;
  const t = line.trim();
  if (!t.startsWith('From:') || !t.includes('To:')) return false;
  if (!VERSE_NAMED.test(t) && !VERSE_BARE.test(t)) return false;
  return /\SSubject:/.test(t) && /\S(?:Date|Sent):/.test(t);
}

/** The title Notes 9 and Verse put above the quoted headers: `Ann Lee --- Re: Order 4711 ---`. */
export function isNotesSectionTitle(line: string): boolean {
  if (line.length > MAX_LINE_CHARS) return false;
  const t = line.trim();
  return t.endsWith(' ---') && t.indexOf(' --- ') >= 0 && t.indexOf(' --- ') < t.length - 4;
}

type MemoLabel = 'to' | 'cc' | 'subject';
const NOTES_LABELS: Record<string, MemoLabel> = { to: 'to', an: 'to', cc: 'cc', kopie: 'cc', subject: 'subject', betreff: 'subject' };

/**
 * The label of a line of Lotus Notes' classic memo header, where labels stand alone: first on
 * the line with a colon (`To: Mark/ACME@ACME`, `cc:`), the whole line (`To`), or last after a
 * wide gap, right-aligned beside the sender's name and date (`12.03.2015 10:15        cc`); then
 * `left` is the text in the sender's column.
 */
function notesLabel(line: string): { label: MemoLabel; left: string } | null {
  if (line.length > MAX_LINE_CHARS) return null;
  const t = line.trim();
  const gap = t.search(/[ \t]/);
  const first = gap < 0 ? t : t.slice(0, gap);
  if (first.endsWith(':') || gap < 0) {
    const label = NOTES_LABELS[first.replace(/:$/, '').toLowerCase()];
    if (label) return { label, left: '' };
  }
  const end = line.trimEnd();
  const cut = Math.max(end.lastIndexOf(' '), end.lastIndexOf('\t'));
  if (cut < 1 || !/[ \t]/.test(end[cut - 1] as string)) return null;
  const label = NOTES_LABELS[end.slice(cut + 1).toLowerCase()];
  return label ? { label, left: end.slice(0, cut).trim() } : null;
}

/** A line that is only a sender as Notes writes it: `Ann Lee <ann@x>` (its `>` may wrap to the next line) or `Ann Lee/Sales/ACME@ACME`. */
const SENDER_WITH_ADDRESS = /^(?:"[^"]{0,100}"|[^"<>@]{0,100})[ \t]*<[^<>\s@]{1,64}@[^<>\s@]{1,253}>?$/;
const NOTES_NAME = /^\p{L}[^/@<>]{0,100}(?:\/\p{L}[^/@<>\s]{0,63}){1,5}(?:@[^/@<>\s]{1,64})?$/u;
/** A line that is only a date and time, as Notes writes them beside the sender: `12.03.2025 10:15`, `03/12/2025 10:15 AM`. */
const DATE_TIME = /^(?:\d{1,2}[./-]\d{1,2}[./-]\d{2,4}|\d{4}-\d{2}-\d{2})[ \t]+\d{1,2}:\d{2}(?::\d{2})?(?:[ \t]*[AP]M)?$/i;

/**
 * Lotus Notes' classic header of the message replied to: the sender and the date and time on lines
 * of their own, then `To`, `cc` and `Subject` as labels of their own. Returns where it starts (the
 * sender's lines above the `To` label) and ends (after the subject), or null. A customer's own
 * "To: … / cc: … / Subject: …" lines, even below a sentence naming an address and a date, are not one.
 */
export function notesMemoHeader(lines: string[], i: number): Block | null {
  const to = notesLabel(lines[i] as string);
  if (to?.label !== 'to') return null;
  let cc = -1;
  let subject = -1;
  const column: string[] = [to.left];
  for (let k = i + 1; k < Math.min(lines.length, i + 12) && subject < 0; k++) {
    const found = notesLabel(lines[k] as string);
    if (found?.label === 'cc' && cc < 0 && k <= i + 8) {
      cc = k;
      column.push(found.left);
    } else if (found?.label === 'subject' && cc >= 0) subject = k;
  }
  if (subject < 0) return null;
  // the sender's name, address and date just above (one blank line may come between)
  let k = i - 1;
  if (k >= 0 && !(lines[k] as string).trim()) k--;
  let top = -1;
  const above: string[] = [];
  for (let n = 0; k >= 0 && n < 5 && (lines[k] as string).trim(); k--, n++) {
    top = k;
    above.push((lines[k] as string).trim());
  }
  if (top < 0) return null;
  const sender = [...above, to.left].some((l) => l.length <= 300 && (SENDER_WITH_ADDRESS.test(l) || NOTES_NAME.test(l)));
  const date = [...above, ...column].some((l) => l.length <= 100 && DATE_TIME.test(l));
  if (!sender || !date) return null;
  // the subject's value may stand on the lines below its label
  let end = subject + 1;
  while (end < Math.min(lines.length, subject + 3) && (lines[end] as string).trim()) end++;
  return { start: top, end };
}

/**
 * Lotus Notes' separator lines: `----- Forwarded by Ann Lee/ACME on 12.03.2015 10:15 -----` and
 * `-----"Ann Lee" <ann@x> wrote: -----`. The dashes are cut off with string operations, so the
 * patterns only see the middle and never backtrack over a run of dashes.
 */
export function isNotesSeparator(line: string): boolean {
  if (line.length > MAX_LINE_CHARS) return false;
  const t = line.trim();
  if (!t.startsWith('---') || !t.endsWith('---') || t.length < 9) return false;
  let a = 0;
  let b = t.length;
  while (a < b && t[a] === '-') a++;
  while (b > a && t[b - 1] === '-') b--;
  const middle = t.slice(a, b).trim();
  return NOTES_FORWARDED.test(middle) || NOTES_WROTE.test(middle);
}
const NOTES_FORWARDED = /^(?:Forwarded by|Weitergeleitet von)[ \t]/i;
const NOTES_WROTE = /(?:wrote|schrieb|a écrit|escribió|schreef|ha scritto)[ \t]*:$/i;
