/**
 * Cheap, linear bounds applied before any parser sees untrusted text: length caps with a visible
 * marker, and a cap on the nesting a line-based Markdown parser would recurse into.
 */
import { MAX_EMAIL_HTML_CHARS, MAX_MARKDOWN_CHARS, MAX_QUOTE_DEPTH, TRUNCATED_EMAIL_MARKER } from './limits';

/** Cuts `text` to `max` characters (not inside a surrogate pair) and appends the marker. */
export function truncate(text: string, max: number, marker: string): { text: string; truncated: boolean } {
  if (text.length <= max) return { text, truncated: false };
  let end = max;
  const code = text.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end--;
  return { text: `${text.slice(0, end)}\n\n${marker}`, truncated: true };
}

/**
 * An email's text and HTML parts cut to what ingest reads (O(1) when they are short already), so a
 * 23 MB body is never copied between threads whole. The Markdown conversion cuts it exactly later.
 */
export function capEmailParts(text: string | null, html: string | null): { text: string | null; html: string | null } {
  const maxText = MAX_MARKDOWN_CHARS * 2;
  return {
    text: text && text.length > maxText ? `${text.slice(0, maxText)}\n\n${TRUNCATED_EMAIL_MARKER}` : text,
    html: html && html.length > MAX_EMAIL_HTML_CHARS ? html.slice(0, MAX_EMAIL_HTML_CHARS + 1) : html,
  };
}

const DEEP_QUOTE = new RegExp(`^((?:[ \\t]{0,3}>){${MAX_QUOTE_DEPTH}})((?:[ \\t]*>)+)`, 'gm');

/**
 * Blockquote markers past MAX_QUOTE_DEPTH are escaped (`\>`), so `'>'.repeat(20000)` is a quote
 * 24 levels deep followed by literal text, not 20,000 nested blocks (marked recurses per level).
 */
export function capQuoteDepth(markdown: string): string {
  return markdown.replace(DEEP_QUOTE, (_m, kept: string, rest: string) => kept + rest.replace(/>/g, '\\>'));
}
