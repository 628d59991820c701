/**
 * How an attached file appears in a note's Markdown: `[name](/attachments/<token>/<name>)`, or
 * `![name](…)` for an image shown inline. The name is the sender's text: it is shown literally
 * and can neither end the link early nor become markup of its own.
 */

/**
 * Backslash-escapes what Markdown would read as syntax inside a link label. `_` between two
 * letters or digits stays as it is (it cannot start emphasis there), so `IMG_2041.jpg` stays
 * readable in the plain-text email, which carries the same Markdown.
 */
export function escapeLinkLabel(text: string): string {
  return text
    .replace(/[\r\n]+/g, ' ')
    .replace(/[\\`*[\]()<>~|]|&(?=#?[a-z0-9]+;)/gi, (c) => `\\${c}`)
    .replace(/_/g, (c, at: number, s: string) => (/[\p{L}\p{N}]/u.test(s[at - 1] ?? '') && /[\p{L}\p{N}]/u.test(s[at + 1] ?? '') ? c : '\\_'));
}

/**
 * The file name as one URL path segment: letters, digits and `-._~` stay readable (`résumé.pdf`),
 * everything else, which could end the link or hide in it, is percent-encoded.
 */
export function fileNameSegment(filename: string): string {
  return filename.replace(/[^\p{L}\p{M}\p{N}._~-]/gu, (c) => Array.from(new TextEncoder().encode(c), (b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join(''));
}

export function attachmentUrl(token: string, filename: string): string {
  return `/attachments/${token}/${fileNameSegment(filename)}`;
}

const ATTACHMENT_PATH = /^\/attachments\/[0-9a-f]{32}\/[^/?#\\]*$/;
/** `/attachments/<token>/` */
const ATTACHMENT_PREFIX_LENGTH = '/attachments/'.length + 32 + 1;

/**
 * One of our attachment paths and nothing else: `/attachments/<token>/<name>`, with no query,
 * fragment or dot segment, plain or percent-encoded. `/attachments/<token>/../../trpc/…` starts
 * like one but a browser resolves it to any path of ours (with the reader's cookies).
 */
export function isAttachmentPath(url: string): boolean {
  if (!ATTACHMENT_PATH.test(url)) return false;
  let name: string;
  try {
    name = decodeURIComponent(url.slice(ATTACHMENT_PREFIX_LENGTH));
  } catch {
    return false;
  }
  if (name === '.' || name === '..' || /[/\\]/.test(name)) return false;
  // and as a browser resolves it
  try {
    return new URL(url, 'http://x').pathname.startsWith(url.slice(0, ATTACHMENT_PREFIX_LENGTH));
  } catch {
    return false;
  }
}

export function attachmentMarkdown(filename: string, url: string, image: boolean): string {
  return `${image ? '!' : ''}[${escapeLinkLabel(filename)}](${url})`;
}
