/** Turns an email body into the Markdown we store (SPEC §2). */
import { createRequire } from 'node:module';
import type TurndownService from 'turndown';
import { QUICK_ACTIONS } from '../../domain/notes/quick-actions';
import { escapeTagLike } from './angle-brackets';

// Loaded on first use (the render worker's): the server's start only needs the text helpers here.
const load = createRequire(import.meta.url);

let turndown: TurndownService | null = null;

/** The parts of a DOM node the rules read (turndown's DOM, typed loosely). */
interface El {
  nodeName: string;
  parentNode: El | null;
  textContent: string | null;
  getAttribute?(name: string): string | null;
  querySelector?(selector: string): El | null;
  querySelectorAll?(selector: string): ArrayLike<El>;
}

function closestTable(node: El): El | null {
  for (let n: El | null = node.parentNode; n; n = n.parentNode) if (n.nodeName === 'TABLE') return n;
  return null;
}

/** Elements that make a <div> hold blocks rather than one line of text. */
const BLOCKS = 'p, div, table, ul, ol, dl, blockquote, h1, h2, h3, h4, h5, h6, pre, hr, details, center, section, article';

const BLOCK_NAMES = new Set(BLOCKS.split(',').map((name) => name.trim().toUpperCase()));

/** A DOM node as walked here (children only). */
interface Walked {
  nodeType: number;
  nodeName: string;
  firstChild: Walked | null;
  nextSibling: Walked | null;
}

const holdsBlockCache = new WeakMap<object, boolean>();
/**
 * Whether an element holds a block element (BLOCKS) anywhere below it. Worked out once per node,
 * bottom-up, for the whole subtree at the first question: `querySelector` per <div> rescanned the
 * subtree at every level of a nested thread (O(nodes × depth): a 60-level Gmail thread took 4×).
 */
function holdsBlock(root: Walked): boolean {
  const known = holdsBlockCache.get(root);
  if (known !== undefined) return known;
  // elements in pre-order, skipping subtrees already known; in reverse, children come first
  const order: Walked[] = [];
  const stack: Walked[] = [root];
  while (stack.length) {
    const el = stack.pop() as Walked;
    order.push(el);
    for (let c = el.firstChild; c; c = c.nextSibling) if (c.nodeType === 1 && !holdsBlockCache.has(c)) stack.push(c);
  }
  for (let i = order.length - 1; i >= 0; i--) {
    const el = order[i] as Walked;
    let holds = false;
    for (let c = el.firstChild; c && !holds; c = c.nextSibling) holds = c.nodeType === 1 && (BLOCK_NAMES.has(c.nodeName.toUpperCase()) || holdsBlockCache.get(c) === true);
    holdsBlockCache.set(el, holds);
  }
  return holdsBlockCache.get(root) as boolean;
}

const layoutCache = new WeakMap<object, boolean>();
/**
 * A table used for layout (newsletters, signatures, HTML-only clients) rather than for data:
 * marked as presentation, holding another table, one column only, or cells holding blocks
 * (paragraphs, headings, lists) without any header cell. Its cells become paragraphs: a data
 * table stays a Markdown table.
 */
function isLayoutTable(table: El): boolean {
  const known = layoutCache.get(table);
  if (known !== undefined) return known;
  const role = (table.getAttribute?.('role') ?? '').toLowerCase();
  const rows = Array.from(table.querySelectorAll?.('tr') ?? []).filter((r) => closestTable(r) === table);
  const cellsOf = (r: El) => Array.from(r.querySelectorAll?.('td, th') ?? []).filter((c) => c.parentNode === r);
  const layout =
    role === 'presentation' ||
    role === 'none' ||
    !!table.querySelector?.('table') ||
    rows.every((r) => cellsOf(r).length <= 1) ||
    (!table.querySelector?.('th') && !!table.querySelector?.('p, div, h1, h2, h3, h4, h5, h6, ul, ol, blockquote, img'));
  layoutCache.set(table, layout);
  return layout;
}

/** The containers HTML-only clients put the quoted message in (see the quotedHistory rule). */
function isQuotedHistory(el: El): boolean {
  if (el.getAttribute?.('name') === 'messageReplySection') return true;
  const id = el.getAttribute?.('id') ?? '';
  if (id === 'origbody') return true;
  return /(?:^|\s)yahoo_quoted(?:\s|$)/.test(el.getAttribute?.('class') ?? '');
}

/** Gmail's signature block (class or data-smartmail "gmail_signature"), not one inside a quote's own markup. */
function isSignatureBlock(el: El): boolean {
  return el.getAttribute?.('data-smartmail') === 'gmail_signature' || /(?:^|\s)gmail_signature(?:\s|$)/.test(el.getAttribute?.('class') ?? '');
}

function converter(): TurndownService {
  if (turndown) return turndown;
  const Turndown = load('turndown') as typeof TurndownService;
  const td = new Turndown({ headingStyle: 'atx', codeBlockStyle: 'fenced', bulletListMarker: '-', emDelimiter: '_' });
  td.remove(['script', 'style', 'head', 'title', 'meta', 'link']);
  // "- item" rather than turndown's "-   item", as people type it.
  td.addRule('listItem', {
    filter: 'li',
    replacement: (content, node) => {
      const parent = node.parentNode as { nodeName?: string; getAttribute?: (n: string) => string | null; children?: ArrayLike<unknown> } | null;
      let prefix = '- ';
      if (parent?.nodeName === 'OL') {
        const start = Number(parent.getAttribute?.('start') ?? 1) || 1;
        const index = Array.prototype.indexOf.call(parent.children ?? [], node);
        prefix = `${start + index}. `;
      }
      const body = content.replace(/^\n+/, '').replace(/\n+$/, '\n').replace(/\n/gm, `\n${' '.repeat(prefix.length)}`);
      return prefix + body + (node.nextSibling && !/\n$/.test(body) ? '\n' : '');
    },
  });
  // Tables as Markdown tables (turndown core has none).
  td.addRule('tableCell', {
    filter: ['th', 'td'],
    replacement: (content) => ` ${content.replace(/\n+/g, ' ').replace(/\|/g, '\\|').trim()} |`,
  });
  td.addRule('tableRow', {
    filter: 'tr',
    replacement: (content, node) => {
      const row = `|${content}\n`;
      const parent = node.parentNode as { nodeName?: string; firstChild?: unknown } | null;
      const isHeader = (node as { querySelector?: (s: string) => unknown }).querySelector?.('th') ||
        (parent?.nodeName === 'THEAD');
      if (!isHeader) return row;
      const cells = (content.match(/\|/g) ?? []).length;
      return `${row}|${' --- |'.repeat(cells)}\n`;
    },
  });
  td.addRule('table', { filter: 'table', replacement: (content) => `\n\n${content.replace(/\n\n+/g, '\n')}\n\n` });
  td.addRule('tableSection', { filter: ['thead', 'tbody', 'tfoot'], replacement: (content) => content });
  // Added after the data-table rules, so they win for layout tables (turndown tries the newest first).
  td.addRule('layoutCell', {
    filter: (node) => (node.nodeName === 'TD' || node.nodeName === 'TH') && !!closestTable(node as unknown as El) && isLayoutTable(closestTable(node as unknown as El) as El),
    replacement: (content) => `\n\n${content.trim()}\n\n`,
  });
  td.addRule('layoutRow', {
    filter: (node) => node.nodeName === 'TR' && !!closestTable(node as unknown as El) && isLayoutTable(closestTable(node as unknown as El) as El),
    replacement: (content) => `\n\n${content}\n\n`,
  });
  td.addRule('layoutTable', {
    filter: (node) => node.nodeName === 'TABLE' && isLayoutTable(node as unknown as El),
    replacement: (content) => `\n\n${content}\n\n`,
  });
  // Webmail (Gmail, Yahoo, Zimbra, Apple Mail) writes one <div> per line, an empty <div><br></div>
  // per blank line: such a div is a line, not a paragraph, or every line of the customer's text
  // and signature would stand apart ("Thanks," and "Ann" two paragraphs).
  td.addRule('lineDiv', {
    filter: (node) => node.nodeName === 'DIV' && !holdsBlock(node as unknown as Walked),
    replacement: (content) => (content.trim() ? `\n${content.replace(/^\n+|\n+$/g, '')}\n` : '\n\n'),
  });
  // <details> keeps its summary and its content, as the notes show them (reply trimming writes the same).
  td.addRule('summary', { filter: 'summary', replacement: () => '' });
  td.addRule('details', {
    filter: 'details',
    replacement: (content, node) => {
      const summary = ((node as unknown as El).querySelector?.('summary')?.textContent ?? '').replace(/\s+/g, ' ').trim() || 'Details';
      return `\n\n<details><summary>${summary.replace(/[<>&]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;' })[c] as string)}</summary>\n\n${content.trim()}\n\n</details>\n\n`;
    },
  });
  // Where HTML-only mail clients put the message replied to, with no <blockquote> around it (the
  // text part they send alongside has it quoted): Outlook for iOS/Android's reply section, Yahoo's
  // quoted block, Sina's original body. It becomes a quote, as in their text part, so reply
  // trimming folds it in any language; a new ticket shows it as the quote it is.
  td.addRule('quotedHistory', {
    filter: (node) => node.nodeName === 'DIV' && isQuotedHistory(node as unknown as El),
    replacement: (content) => {
      const inner = content.replace(/^\n+|\n+$/g, '');
      return inner.trim() ? `\n\n${inner.replace(/^/gm, '> ')}\n\n` : '';
    },
  });
  // Gmail's signature block: its text part puts the "-- " delimiter above it, the HTML does not.
  td.addRule('signatureBlock', {
    filter: (node) => node.nodeName === 'DIV' && isSignatureBlock(node as unknown as El),
    replacement: (content) => (content.trim() ? `\n\n-- \n${content.replace(/^\n+|\n+$/g, '')}\n\n` : ''),
  });
  // What the customer wrote is their text, as in a text/plain part: `### Steps` and `**` stay as
  // typed, never backslash-escaped (the same message gives the same text in either part).
  td.escape = (text: string) => text;
  turndown = td;
  return td;
}

export function htmlToMarkdown(html: string): string {
  return converter().turndown(html).trim();
}

/** Trailing whitespace per line removed, line endings normalised, outer blank lines dropped. */
export function tidy(text: string): string {
  // scans from the ends rather than `/[ \t]+$/` and `/\n+$/`, which retry at every blank of a long run (quadratic)
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  for (let i = 0; i < lines.length; i++) lines[i] = withoutTrailingBlanks(lines[i] as string);
  const joined = lines.join('\n');
  let a = 0;
  let b = joined.length;
  while (a < b && joined.charCodeAt(a) === 10) a++;
  while (b > a && joined.charCodeAt(b - 1) === 10) b--;
  return joined.slice(a, b);
}

function withoutTrailingBlanks(line: string): string {
  let end = line.length;
  while (end > 0) {
    const c = line.charCodeAt(end - 1);
    if (c !== 32 && c !== 9 && c !== 0xa0) break;
    end--;
  }
  return end === line.length ? line : line.slice(0, end);
}

/**
 * A line a responder's note would run as a quick action (server/domain/notes/quick-actions.ts: a
 * known command name, whatever follows it), or shaped like one (a word alone or followed by a
 * blank: GitLab's other commands). A path the customer typed at the start of a line
 * ("/usr/bin. Although…", "/etc/hosts") is their text, not a command: it stays as typed rather
 * than becoming inline code.
 */
const QUICK_ACTION_LINE = new RegExp(String.raw`^(\s*)(\/(?:(?:${QUICK_ACTIONS.join('|')})\b|[a-z_]+(?=\s|$)).*)$`, 'gim');
const MAYBE_QUICK_ACTION = /^[^\S\n\r\u2028\u2029]*\/[a-z_]/im;

/** Customers' quick actions are never executed: `/close` becomes `` `/close` `` (as GitLab). */
export function neutraliseQuickActions(text: string): string {
  // Most mail has no line starting with a slash: one linear scan instead of a regex per line.
  // (Every line start neutraliseLines can match is a line start here, blanks after it excluded:
  // from each, the scan stops at the next line break.)
  return MAYBE_QUICK_ACTION.test(text) ? neutraliseLines(text) : text;
}

/** The rule itself, line by line (exported for the test that holds the fast path to it). */
export function neutraliseLines(text: string): string {
  let inFence = false;
  return text
    .split('\n')
    .map((line) => {
      if (/^\s*(```|~~~)/.test(line)) inFence = !inFence;
      if (inFence) return line;
      return line.replace(QUICK_ACTION_LINE, (_m, indent: string, cmd: string) => `${indent}\`${cmd.replace(/`/g, '')}\``);
    })
    .join('\n');
}

const UNDERLINE = /^((?:[ \t]*>)*)[ \t]{0,3}(?:-+|=+)[ \t]*$/;
const FENCE = /^(?:[ \t]*>)*[ \t]*(```|~~~)/;

/**
 * In email a line of only `-` or `=` under a line of text is a signature delimiter (`--`) or a
 * separator, never a heading; as Markdown it would turn the line above into a setext heading
 * ("Thanks\n--\nBob" showed "Thanks" as a big title and lost the `--`). A blank line (with the
 * same `>` quote prefix) goes between them: the text renders as typed, and the `--` line is left
 * as it was for reply trimming.
 */
export function breakSetextUnderlines(md: string): string {
  const lines = md.split('\n');
  const out: string[] = [];
  let inFence = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    if (FENCE.test(line)) inFence = !inFence;
    const m = inFence ? null : UNDERLINE.exec(line);
    const prev = out[out.length - 1];
    if (m && prev !== undefined) {
      const prefix = m[1] ?? '';
      const prevPrefix = /^(?:[ \t]*>)*/.exec(prev)?.[0] ?? '';
      const prevText = prev.slice(prevPrefix.length);
      if (prevPrefix.replace(/[ \t]/g, '') === prefix.replace(/[ \t]/g, '') && prevText.trim() && !UNDERLINE.test(prev)) out.push(prefix.trimEnd());
    }
    out.push(line);
  }
  return out.join('\n');
}

/** a hunk header, with the old and new line counts it gives (1 when left out) */
const HUNK_COUNTS = /^@@ -\d+(?:,(\d+))? \+\d+(?:,(\d+))? @@/;
const DIFF_START = /^(?:diff (?:--git |-[A-Za-z]+ )|--- \S|@@ -\d)/;
/** a line of a diff outside its hunks: a file header, git's extended headers, a missing newline */
const DIFF_HEADER = /^(?:diff |index |--- |\+\+\+ |(?:new|deleted) file mode |(?:old|new) mode |similarity index |rename (?:from|to) |Binary files |\\ No newline)/;
const ANY_FENCE = /^[ \t]*(?:```|~~~)/;

/**
 * A unified diff pasted into a plain-text email (`git diff`, `diff -u`, a patch) as a fenced
 * ```diff block. As Markdown its lines were lists, headings and rules: "+        code" became a
 * bulleted code block, "--- a/x" a list item, a removed "-" line a rule. A run counts only when
 * it starts as a diff does (a `diff` command line, a `--- `/`+++ ` pair or a hunk header) and
 * holds a hunk header and a changed line. A hunk holds the lines its header counts (a blank
 * one is a context line whose space the mail client stripped); between hunks only file headers go
 * on, so the run ends at the customer's next words, list or signature. Fenced and quoted text is
 * left alone; one pass over the lines.
 */
export function fenceDiffs(text: string): string {
  if (!text.includes('\n@@ -') && !text.startsWith('@@ -')) return text;
  const lines = text.split('\n');
  const out: string[] = [];
  let inFence = false;
  for (let i = 0; i < lines.length; ) {
    const line = lines[i] as string;
    if (ANY_FENCE.test(line)) inFence = !inFence;
    const starts = !inFence && DIFF_START.test(line) && (!line.startsWith('--- ') || (lines[i + 1] ?? '').startsWith('+++ '));
    if (!starts) {
      out.push(line);
      i++;
      continue;
    }
    let end = i;
    let hunk = false;
    let changed = false;
    let fenceInside = false;
    // lines the current hunk still holds, old and new, as its header counts them: inside a hunk a
    // blank line is a context line (mail clients strip its one space); after it, only a header goes on
    let oldLeft = 0;
    let newLeft = 0;
    while (end < lines.length) {
      const l = lines[end] as string;
      if (oldLeft > 0 || newLeft > 0) {
        const c = l[0];
        if ((l === '' || c === ' ') && oldLeft > 0 && newLeft > 0) {
          oldLeft--;
          newLeft--;
        } else if (c === '-' && oldLeft > 0) {
          oldLeft--;
          changed = true;
        } else if (c === '+' && newLeft > 0) {
          newLeft--;
          changed = true;
        } else if (!l.startsWith('\\ No newline')) break; // the hunk ends early: the rest is not its
      } else {
        const h = HUNK_COUNTS.exec(l);
        if (h) {
          hunk = true;
          oldLeft = h[1] === undefined ? 1 : Number(h[1]);
          newLeft = h[2] === undefined ? 1 : Number(h[2]);
        } else if (!DIFF_HEADER.test(l)) break;
      }
      if (ANY_FENCE.test(l)) fenceInside = true;
      end++;
    }
    // trailing blank lines go after the fence (a hunk that counted more lines than it holds)
    while (end > i + 1 && lines[end - 1] === '') end--;
    if (!hunk || !changed || fenceInside) {
      // the run stays as written, all of it: a start inside it would end where it ends and
      // hold no more (each line is looked at once)
      for (let k = i; k < end; k++) {
        out.push(lines[k] as string);
        if (k > i && ANY_FENCE.test(lines[k] as string)) inFence = !inFence;
      }
      i = end;
      continue;
    }
    out.push('```diff', ...lines.slice(i, end), '```');
    i = end;
  }
  return out.join('\n');
}

/** The body as Markdown: the text/plain part when there is one, else the HTML converted. */
export function bodyMarkdown(text: string | null, html: string | null): string {
  if (text && text.trim()) return escapeTagLike(breakSetextUnderlines(fenceDiffs(tidy(text))));
  if (html) return escapeTagLike(breakSetextUnderlines(tidy(htmlToMarkdown(html))));
  return '';
}
