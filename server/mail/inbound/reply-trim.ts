/**
 * Reply trimming (SPEC §2): the new text stays visible; quotes, "On … wrote:", Outlook
 * "From:/Sent:" blocks and signatures are kept in a collapsed <details>.
 */
import EmailReplyParser from 'email-reply-parser';

export interface Trimmed {
  visible: string;
  trimmed: string;
}

const OUTLOOK_BLOCK = /^\s*(?:\*\*)?From:(?:\*\*)?\s.+\n\s*(?:\*\*)?(?:Sent|Date):(?:\*\*)?\s/m;
const ORIGINAL_MESSAGE = /^\s*-{2,}\s*Original Message\s*-{2,}\s*$/im;
const MOBILE_SIGNATURE = /^\s*(Sent from my (iPhone|iPad|Android|mobile device|Galaxy)|Get Outlook for (iOS|Android))\b.*$/im;

function cutAt(text: string, re: RegExp): Trimmed | null {
  const m = re.exec(text);
  if (!m) return null;
  return { visible: text.slice(0, m.index), trimmed: text.slice(m.index) };
}

export function trimReply(body: string): Trimmed {
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
  return { visible: visible.replace(/^\s+|\s+$/g, ''), trimmed: trimmed.replace(/^\s+|\s+$/g, '') };
}

export function noteBodyFromReply(t: Trimmed): string {
  if (!t.trimmed) return t.visible;
  return `${t.visible}\n\n<details><summary>…</summary>\n\n${t.trimmed}\n\n</details>`;
}
