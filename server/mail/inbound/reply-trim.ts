/**
 * Reply trimming (SPEC §2): the new text stays visible; quotes, "On … wrote:", Outlook
 * "From:/Sent:" blocks and signatures are kept in a collapsed <details>.
 */
import EmailReplyParser from 'email-reply-parser';

export interface Trimmed {
  visible: string;
  trimmed: string;
}

const OUTLOOK_BLOCK = /^[ \t]*(?:\*\*)?From:(?:\*\*)?[ \t].+\n[ \t]*(?:\*\*)?(?:Sent|Date):(?:\*\*)?[ \t]/m;
const ORIGINAL_MESSAGE = /^[ \t]*-{2,}[ \t]*Original Message[ \t]*-{2,}[ \t]*$/im;
const MOBILE_SIGNATURE = /^[ \t]*(Sent from my (iPhone|iPad|Android|mobile device|Galaxy)|Get Outlook for (iOS|Android))\b.*$/im;
/**
 * Trimming libraries are superlinear on pathological input (thousands of blank lines), and one
 * message must never stall the server: blank runs are squeezed and only the head is parsed;
 * anything past it counts as quoted history, which is where it almost always is.
 */
const TRIM_LIMIT = 16 * 1024;

function cutAt(text: string, re: RegExp): Trimmed | null {
  const m = re.exec(text);
  if (!m) return null;
  return { visible: text.slice(0, m.index), trimmed: text.slice(m.index) };
}

export function trimReply(input: string): Trimmed {
  const squeezed = input.replace(/\r\n?/g, '\n').replace(/\n[ \t]*(?:\n[ \t]*){2,}/g, '\n\n');
  const body = squeezed.slice(0, TRIM_LIMIT);
  const tail = squeezed.slice(TRIM_LIMIT);
  const parsed = new EmailReplyParser().read(body);
  let visible = parsed.getVisibleText().replace(/\s+$/, '');
  let trimmed = '';
  if (visible.length < body.replace(/\s+$/, '').length) {
    // everything after the visible prefix; the parser keeps fragments in order
    const idx = body.indexOf(visible.trim().slice(0, 40));
    trimmed = idx >= 0 ? body.slice(idx + visible.trim().length) : '';
  }
  // The parser misses some client styles; cut at the earliest of ours too.
  for (const re of [OUTLOOK_BLOCK, ORIGINAL_MESSAGE, MOBILE_SIGNATURE]) {
    const cut = cutAt(visible, re);
    if (cut) {
      trimmed = `${cut.trimmed}${trimmed ? `\n${trimmed}` : ''}`;
      visible = cut.visible;
    }
  }
  if (tail) trimmed = `${trimmed}${tail}`;
  return { visible: visible.trim(), trimmed: trimmed.trim() };
}

export function noteBodyFromReply(t: Trimmed): string {
  if (!t.trimmed) return t.visible;
  return `${t.visible}\n\n<details><summary>…</summary>\n\n${t.trimmed}\n\n</details>`;
}
