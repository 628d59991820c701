/**
 * Bounds on the work untrusted text may cause (issue 15). Customer mail is read by people, not
 * archived here: what passes these caps is still in the original email, one click away.
 */

/** Characters of Markdown rendered to HTML; an email body is stored cut to this length too. */
export const MAX_MARKDOWN_CHARS = 300_000;
/** Characters of an email's HTML part converted to Markdown. */
export const MAX_EMAIL_HTML_CHARS = 2_000_000;
/** HTML nested deeper than this is read as plain text instead of converted element by element. */
export const MAX_HTML_DEPTH = 256;
/** Blockquote levels kept at the start of a line (`>>>>…`); deeper markers are shown as text. */
export const MAX_QUOTE_DEPTH = 24;
/** Characters of an email's HTML sanitised for "view original email". */
export const MAX_ORIGINAL_HTML_CHARS = 5_000_000;
/**
 * Characters of an email's text part shown by "view original email": 1 M is a long book, beyond
 * what anyone reads in a browser, and the raw source has it all.
 */
export const MAX_ORIGINAL_TEXT_CHARS = 1_000_000;

/** Time a worker may spend on one conversion before it is stopped and the plain text is used. */
export const RENDER_BUDGET_MS = 1_500;
/** Time to parse one raw message (linear work, up to MAX_EMAIL_SIZE): generous, then quarantine. */
export const PARSE_BUDGET_MS = 30_000;

export const TRUNCATED_EMAIL_MARKER = '*[Message truncated — see the original email for the full text.]*';
export const TRUNCATED_NOTE_MARKER = '*[Too long to show in full here — the rest is in the note\'s text.]*';
