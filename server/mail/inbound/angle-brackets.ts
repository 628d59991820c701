/**
 * A customer's `<word>` in the Markdown we store: "Error: <missing config>", "press <Ctrl>+<C>",
 * "set <tenant-id>", or an HTML mail's "&lt;span&gt;" (turndown writes it back as `<span>`). The
 * Markdown renderer takes each as an HTML tag and the sanitiser drops it, so the customer's words
 * vanished from the ticket ("Error:  here", "press + to copy"). Such a `<` is escaped (`\<`): it
 * shows as typed. Left alone: autolinks (`<https://…>`, `<ann@example.com>`, which attributions
 * and signatures use), the `<details>`/`<summary>` the HTML conversion writes for a <details>,
 * code (fenced, indented, inline) where Markdown shows `<` as it is, and a `<` already escaped.
 */

const FENCE = /^(?:[ \t]*>)*[ \t]*(```|~~~)/;
const INDENTED = /^(?:\t| {4})/;
/**
 * a `<` that opens what Markdown takes for raw HTML: a tag (its name then a blank, `/`, `>` or the
 * line's end), a closing tag, a comment, a declaration or a processing instruction. "<ann@x.org"
 * or "<3" is text to Markdown already.
 */
const TAG_LIKE = /<(?=[A-Za-z][A-Za-z0-9-]*(?:[\s/>]|$)|\/[A-Za-z][A-Za-z0-9-]*\s*>|!--|![A-Za-z[]|\?)/g;
const AUTOLINK = /<(?:[A-Za-z][A-Za-z0-9+.-]{1,31}:[^\s<>]*|[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*)>/y;
const OWN_TAG = /<\/?(?:details|summary)>/y;
const MAYBE = /<[A-Za-z!?/]/;

export function escapeTagLike(md: string): string {
  // most mail has no `<` before a letter at all: one scan, the text unchanged
  if (!MAYBE.test(md)) return md;
  return outsideCode(md, (line) => (line.includes('<') ? escapeLine(line) : line));
}

/**
 * The Markdown as text (an email's plain-text part): the `\<` escapeTagLike added read as `<`
 * again; code, where a backslash is the customer's own (`grep '\<word\>'`), stays as written.
 */
export function unescapeTagLike(md: string): string {
  if (!md.includes('\\<')) return md;
  return outsideCode(md, (line) => {
    if (!line.includes('\\<')) return line;
    const spans = codeSpans(line);
    let span = 0;
    return line.replace(/\\</g, (m, at: number) => {
      while (span < spans.length && (spans[span] as [number, number])[1] <= at) span++;
      const inside = span < spans.length && (spans[span] as [number, number])[0] <= at;
      return inside || escaped(line, at) ? m : '<';
    });
  });
}

/** Each line that is not code (fenced or indented) through `fn`. */
function outsideCode(md: string, fn: (line: string) => string): string {
  const lines = md.split('\n');
  let inFence = false;
  let prevBlank = true;
  let prevCode = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    const fence = FENCE.test(line);
    if (fence) inFence = !inFence;
    // an indented line is a code block after a blank line or another code line, else it continues a paragraph
    const code: boolean = inFence || fence || (INDENTED.test(line) && (prevBlank || prevCode) && line.trim() !== '');
    if (!code) lines[i] = fn(line);
    prevCode = code && !inFence && !fence;
    prevBlank = line.trim() === '';
  }
  return lines.join('\n');
}

/** The line with each tag-like `<` outside its code spans escaped. */
function escapeLine(line: string): string {
  const spans = codeSpans(line);
  let out = '';
  let from = 0;
  let span = 0;
  TAG_LIKE.lastIndex = 0;
  for (let m = TAG_LIKE.exec(line); m; m = TAG_LIKE.exec(line)) {
    const at = m.index;
    while (span < spans.length && (spans[span] as [number, number])[1] <= at) span++;
    const inside = span < spans.length && (spans[span] as [number, number])[0] <= at;
    if (inside || escaped(line, at) || matchesAt(AUTOLINK, line, at) || matchesAt(OWN_TAG, line, at)) continue;
    out += `${line.slice(from, at)}\\<`;
    from = at + 1;
  }
  return from === 0 ? line : out + line.slice(from);
}

function matchesAt(re: RegExp, line: string, at: number): boolean {
  re.lastIndex = at;
  return re.test(line);
}

/** An odd run of backslashes before `at` escapes it already. */
function escaped(line: string, at: number): boolean {
  let n = 0;
  while (at - n - 1 >= 0 && line[at - n - 1] === '\\') n++;
  return n % 2 === 1;
}

/**
 * [start, end) of each code span: a run of backticks up to the next run of the same length. The
 * next run of each length is found in one pass from the end, so a line of unmatched runs of many
 * lengths stays linear.
 */
function codeSpans(line: string): Array<[number, number]> {
  const spans: Array<[number, number]> = [];
  const runs = [...line.matchAll(/`+/g)];
  const next = new Array<number>(runs.length).fill(-1);
  const seen = new Map<number, number>();
  for (let i = runs.length - 1; i >= 0; i--) {
    const len = (runs[i] as RegExpMatchArray)[0].length;
    next[i] = seen.get(len) ?? -1;
    seen.set(len, i);
  }
  for (let i = 0; i < runs.length; i++) {
    const j = next[i] as number;
    if (j < 0) continue;
    const open = runs[i] as RegExpMatchArray;
    const close = runs[j] as RegExpMatchArray;
    spans.push([open.index as number, (close.index as number) + close[0].length]);
    i = j;
  }
  return spans;
}
