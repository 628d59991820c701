/**
 * One line of a message for the queue: the visible text of a note or description, without the
 * folded quote of a reply, Markdown punctuation, links' targets or line breaks. Linear and cut
 * before any pattern runs, so it is cheap enough to compute inside the write that stores the note.
 */
const SCAN_LIMIT = 4000;
export const PREVIEW_LENGTH = 160;

export function previewText(markdown: string, max = PREVIEW_LENGTH): string {
  const s = markdown
    .slice(0, SCAN_LIMIT)
    // the quoted history a reply carries, folded away in the thread (reply-trim.ts)
    .replace(/<details>[\s\S]*?(?:<\/details>|$)/gi, ' ')
    .replace(/!\[([^\]\n]{0,200})\]\([^)\n]{0,2000}\)/g, '$1')
    .replace(/\[([^\]\n]{0,200})\]\([^)\n]{0,2000}\)/g, '$1')
    .replace(/<[^>\n]{0,200}>/g, ' ')
    .replace(/^[ \t]{0,3}(?:#{1,6}|>+|[-*+]|\d{1,3}[.)])[ \t]+/gm, '')
    .replace(/\*\*|__|~~|`+/g, '')
    .replace(/\s+/g, ' ')
    .trim();
  return s.length > max ? `${s.slice(0, max - 1).trimEnd()}…` : s;
}
