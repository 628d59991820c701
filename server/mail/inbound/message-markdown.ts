/**
 * The Markdown a message becomes: a new ticket's description or a reply's note, with links to
 * its attachments. Pure, so the render worker can compute (and render) it together with parsing.
 */
import { neutraliseQuickActions } from './body';
import { markdownLink, type PreparedAttachment } from './prepare-attachments';
import { noteBodyFromReply, trimReply, type Trimmed } from './reply-trim';

export interface MessageBody {
  markdown: string;
  /** attachments shown inline in the body (cid: images), not linked again below it */
  inlineUsed: Set<string>;
  /**
   * `markdown` with its quoted history folded away (`trimReply`), worked out in the render worker
   * before the transaction when the message looks like a reply; else the first use works it out.
   */
  trimmed?: Trimmed;
}

/** The Markdown a new ticket's description starts with (before any issue template). */
export function descriptionMarkdown(body: MessageBody, prepared: PreparedAttachment[]): string {
  return withLinks(neutraliseQuickActions(body.markdown), attachmentLinks(prepared, body.inlineUsed));
}

/** A reply's note: the trimmed answer (quoted history folded away) and its attachment links. */
export function replyMarkdown(body: MessageBody, prepared: PreparedAttachment[]) {
  const trimmed = (body.trimmed ??= trimReply(body.markdown));
  const links = attachmentLinks(prepared, body.inlineUsed);
  const note = neutraliseQuickActions(noteBodyFromReply({ ...trimmed, visible: withLinks(trimmed.visible, links) }));
  return { trimmed, links, note, empty: !trimmed.visible && !links };
}

/** The attachments' links, one a line ('' when there are none). */
function attachmentLinks(list: PreparedAttachment[], skip: Set<string>): string {
  return list.filter((a) => !skip.has(a.token)).map(markdownLink).join('\n');
}

/** The text, then its attachment links in a paragraph of their own; a message that is only an attachment starts with its links. */
function withLinks(text: string, links: string): string {
  if (!links) return text;
  return text.trim() ? `${text}\n\n${links}` : links;
}

