/**
 * Splits a stored body into safe pieces to render without HTML: plain text, attachment links
 * and images (only our own `/attachments/…` URLs), and the collapsed part that reply trimming
 * kept in `<details>`. Full Markdown rendering arrives with the workspace issue.
 */
export type Piece =
  | { kind: 'text'; text: string }
  | { kind: 'link'; text: string; href: string }
  | { kind: 'image'; alt: string; src: string };

export interface BodyParts {
  visible: Piece[];
  /** the trimmed quote/signature, if any */
  collapsed: Piece[] | null;
}

const ATTACHMENT = /(!?)\[([^\]\n]*)\]\((\/attachments\/[0-9a-f]{32}\/[^)\s]*)\)/g;
const DETAILS = /\n*<details><summary>…<\/summary>\n\n([\s\S]*?)\n\n<\/details>\s*$/;

export function pieces(text: string): Piece[] {
  const out: Piece[] = [];
  let last = 0;
  for (const m of text.matchAll(ATTACHMENT)) {
    const at = m.index ?? 0;
    if (at > last) out.push({ kind: 'text', text: text.slice(last, at) });
    const [, bang, label = '', href = ''] = m;
    out.push(bang ? { kind: 'image', alt: label, src: href } : { kind: 'link', text: label, href });
    last = at + m[0].length;
  }
  if (last < text.length) out.push({ kind: 'text', text: text.slice(last) });
  return out;
}

export function bodyParts(body: string): BodyParts {
  const d = DETAILS.exec(body);
  if (!d) return { visible: pieces(body), collapsed: null };
  return { visible: pieces(body.slice(0, d.index)), collapsed: pieces(d[1] ?? '') };
}
