/**
 * Closing words in a merged change's title and description, read as GitLab reads them (its
 * default `issue_closing_pattern`):
 *
 *   \b((?:[Cc]los(?:e[sd]?|ing)|\b[Ff]ix(?:e[sd]|ing)?|\b[Rr]esolv(?:e[sd]?|ing)|\b[Ii]mplement(?:s|ed|ing)?)(:?) +
 *     (?:(?:issues? +)?%{issue_ref}(?:(?: *,? +and +| *,? *)?)|([A-Z][A-Z0-9_]+-\d+))+)
 *
 * A keyword (first letter either case, the rest lower case), an optional colon, at least one
 * space, then a list of references separated by commas, spaces or "and". A reference here is
 * `#12`, `tl#12` or this instance's URL of a ticket of this project; an external tracker's key
 * (`PROJ-12`) or another project's ticket URL keeps the list going but closes nothing.
 *
 * The text is untrusted: it is cut to MAX_TEXT characters, the keyword search is one regular
 * expression without nested quantifiers, and the list after it is read by hand, each character
 * once, so the work is linear in the text (the pattern as written backtracks quadratically over
 * long runs of spaces).
 */

export const MAX_TEXT = 100_000;
export const MAX_REFS = 50;

const KEYWORD = /\b(?:[Cc]los(?:e[sd]?|ing)|[Ff]ix(?:e[sd]|ing)?|[Rr]esolv(?:e[sd]?|ing)|[Ii]mplement(?:s|ed|ing)?)(?=:? )/g;
const HASH_REF = /(?:tl|TL|Tl|tL)?#(\d{1,9})(?!\w)/y;
const EXTERNAL_KEY = /[A-Z][A-Z0-9_]+-\d+/y;
const DIGITS = /(\d{1,9})(?!\w)/y;
const URL_TOKEN = /[^\s,]+/y;

export interface RefContext {
  /** this instance's address (PUBLIC_URL), without a trailing slash */
  publicUrl: string;
  /** the project's path, e.g. `acme/app` */
  projectPath: string;
}

type Item = { end: number; iid: number | null };

function stickyAt(re: RegExp, text: string, at: number): RegExpExecArray | null {
  re.lastIndex = at;
  return re.exec(text);
}

function spacesFrom(text: string, at: number): number {
  let p = at;
  while (text.charCodeAt(p) === 32) p++;
  return p;
}

/** One list item at `at`: a reference (with its ticket number when it is one of ours), or null. */
function itemAt(text: string, p: number, ctx: { ticketPrefix: string; instancePrefix: string }, issueWord = true): Item | null {
  // GitLab's optional "issue " / "issues " before a reference (once: "issue issue #1" is not one).
  if (issueWord && text.startsWith('issue', p)) {
    const q = text.charCodeAt(p + 5) === 115 /* s */ ? p + 6 : p + 5;
    const r = spacesFrom(text, q);
    return r > q ? itemAt(text, r, ctx, false) : null;
  }
  const hash = stickyAt(HASH_REF, text, p);
  if (hash) return { end: p + hash[0].length, iid: Number(hash[1]) };
  const head = text.slice(p, p + ctx.instancePrefix.length).toLowerCase();
  if (head === ctx.instancePrefix) {
    const token = stickyAt(URL_TOKEN, text, p);
    if (!token) return null;
    const end = p + token[0].length;
    if (text.slice(p, p + ctx.ticketPrefix.length).toLowerCase() === ctx.ticketPrefix) {
      const n = stickyAt(DIGITS, text, p + ctx.ticketPrefix.length);
      // A trailing `.` or `)` ends the sentence, not the URL.
      if (n) return { end: p + ctx.ticketPrefix.length + n[0].length, iid: Number(n[1]) };
    }
    // Another project's ticket, or another page of this instance: part of the list, closes nothing here.
    return { end: trimSentenceEnd(text, p, end), iid: null };
  }
  const key = stickyAt(EXTERNAL_KEY, text, p);
  if (key) return { end: p + key[0].length, iid: null };
  return null;
}

function trimSentenceEnd(text: string, start: number, end: number): number {
  let e = end;
  while (e > start + 1 && '.)!?;:'.includes(text[e - 1] as string)) e--;
  return e;
}

/** After an item: `` *,? +and +`` or `` *,? *``; the position of the next item. */
function separatorEnd(text: string, at: number): number {
  let p = spacesFrom(text, at);
  if (text.charCodeAt(p) === 44 /* , */) p = spacesFrom(text, p + 1);
  // "and" needs a space right before it (after the comma, if any) and at least one after.
  if (text.charCodeAt(p - 1) === 32 && text.startsWith('and', p)) {
    const q = spacesFrom(text, p + 3);
    if (q > p + 3) return q;
  }
  return p;
}

/** The ticket numbers of this project the text closes, in the order first named, at most MAX_REFS. */
export function closingTicketIids(input: string, ctx: RefContext): number[] {
  const text = input.length > MAX_TEXT ? input.slice(0, MAX_TEXT) : input;
  const base = ctx.publicUrl.replace(/\/+$/, '').toLowerCase();
  const prefixes = { instancePrefix: `${base}/`, ticketPrefix: `${base}/p/${ctx.projectPath.toLowerCase()}/-/tickets/` };
  const found = new Set<number>();
  const keyword = new RegExp(KEYWORD.source, 'g');
  for (let m = keyword.exec(text); m; m = keyword.exec(text)) {
    let p = m.index + m[0].length;
    if (text.charCodeAt(p) === 58 /* : */) p++;
    p = spacesFrom(text, p);
    for (let item = itemAt(text, p, prefixes); item; item = itemAt(text, p, prefixes)) {
      if (item.iid !== null && item.iid > 0) found.add(item.iid);
      if (found.size >= MAX_REFS) return [...found];
      p = separatorEnd(text, item.end);
    }
    keyword.lastIndex = Math.max(keyword.lastIndex, p);
  }
  return [...found];
}
