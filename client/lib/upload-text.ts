/** Where uploads go in the composer's text: a placeholder at the cursor, then the file's Markdown. */
import { escapeLinkLabel } from '../../shared/attachment-markdown';

export function placeholderFor(filename: string): string {
  return `[Uploading ${escapeLinkLabel(filename)}…]()`;
}

/** `insert` in place of the selection [start, end); the cursor goes after it. */
export function spliceText(text: string, start: number, end: number, insert: string): { text: string; cursor: number } {
  return { text: text.slice(0, start) + insert + text.slice(end), cursor: start + insert.length };
}

/**
 * `insert` on a line of its own in place of the selection: a file's link never runs into the
 * words around it. The cursor goes after it, on the next line when text follows.
 */
export function spliceOwnLine(text: string, start: number, end: number, insert: string): { text: string; cursor: number } {
  const before = start > 0 && text[start - 1] !== '\n' ? '\n' : '';
  const after = end < text.length && text[end] !== '\n' ? '\n' : '';
  const put = spliceText(text, start, end, before + insert + after);
  return { text: put.text, cursor: put.cursor };
}

/**
 * The placeholder replaced by `to`, the cursor kept where the person left it. A placeholder they
 * edited away gets `to` appended, so a finished upload is never lost; an empty `to` just removes.
 */
export function swapText(text: string, cursor: number, from: string, to: string): { text: string; cursor: number } {
  const at = text.indexOf(from);
  if (at < 0) {
    if (!to) return { text, cursor };
    const sep = text === '' || text.endsWith('\n') ? '' : '\n';
    return { text: text + sep + to, cursor };
  }
  const end = at + from.length;
  const moved = cursor <= at ? cursor : cursor >= end ? cursor + to.length - from.length : at + to.length;
  return { text: text.slice(0, at) + to + text.slice(end), cursor: moved };
}
