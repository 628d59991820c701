/**
 * Markdown of tickets and notes → safe HTML for the browser. Customer text is untrusted: the
 * HTML is sanitised to an allowlist, links open safely, and images load only from our own
 * attachment URLs (a remote image in a customer's mail would tell them who reads it, and when).
 */
import { marked } from 'marked';
import sanitizeHtml from 'sanitize-html';
import { isAttachmentPath } from '../../../shared/attachment-markdown';
import { safeUrl, withUrl } from './safe-url';

const LINK_SCHEMES = ['http', 'https', 'mailto'] as const;
const OPTIONS: sanitizeHtml.IOptions = {
  allowedTags: [
    'p', 'br', 'hr', 'strong', 'b', 'em', 'i', 'u', 's', 'del', 'code', 'pre', 'blockquote', 'ul', 'ol', 'li', 'a', 'img',
    'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'table', 'thead', 'tbody', 'tr', 'th', 'td', 'details', 'summary', 'span',
  ],
  allowedAttributes: { a: ['href', 'title', 'rel', 'target'], img: ['src', 'alt', 'title'], td: ['align'], th: ['align'] },
  allowedSchemes: ['http', 'https', 'mailto'],
  allowedSchemesAppliedToAttributes: ['href'],
  transformTags: {
    // Links open in a new tab without handing the app's window to the page (customer text's own
    // rel/target are replaced).
    a: (tagName, attribs) => ({
      tagName,
      attribs: { ...withUrl(attribs, 'href', safeUrl(attribs.href ?? '', LINK_SCHEMES, { relative: true })), rel: 'noopener noreferrer nofollow', target: '_blank' },
    }),
    img: (tagName, attribs) => {
      const url = safeUrl(attribs.src ?? '', [], { relative: true });
      return { tagName, attribs: withUrl(attribs, 'src', url !== null && isAttachmentPath(url) ? url : null) };
    },
  },
  exclusiveFilter: (frame) => frame.tag === 'img' && !isAttachmentPath(frame.attribs.src ?? ''),
};

export function renderMarkdown(markdown: string): string {
  if (!markdown.trim()) return '';
  return sanitizeHtml(marked.parse(markdown, { async: false, gfm: true, breaks: true }) as string, OPTIONS);
}
