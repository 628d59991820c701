/**
 * A customer email template filled and rendered to sanitised HTML in templates/layout.html. Runs
 * in the render worker (server/render/tasks.ts): Markdown and sanitising stay off the server's
 * start and its event loop.
 */
import { marked } from 'marked';
import sanitizeHtml from 'sanitize-html';
import { safeUrl, withUrl } from '../../domain/notes/safe-url';
import { fill, readTemplateFile, unknownPlaceholders, type Rendered, type Vars } from './templates';
import { unescapeTagLike } from '../inbound/angle-brackets';

const SANITIZE: sanitizeHtml.IOptions = {
  allowedTags: [
    'p', 'br', 'hr', 'strong', 'b', 'em', 'i', 'u', 's', 'del', 'code', 'pre', 'blockquote', 'ul', 'ol', 'li',
    'a', 'img', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'table', 'thead', 'tbody', 'tr', 'th', 'td', 'details', 'summary', 'span', 'div',
  ],
  allowedAttributes: { a: ['href', 'title'], img: ['src', 'alt', 'title', 'width', 'height'] },
  allowedSchemes: ['http', 'https', 'mailto'],
  allowedSchemesByTag: { img: ['http', 'https'] },
  transformTags: {
    a: (tagName, attribs) => ({ tagName, attribs: withUrl(attribs, 'href', safeUrl(attribs.href ?? '', ['http', 'https', 'mailto'], { relative: true })) }),
    img: (tagName, attribs) => ({ tagName, attribs: withUrl(attribs, 'src', safeUrl(attribs.src ?? '', ['http', 'https'], { relative: false })) }),
  },
  // An image whose address was refused is dropped, not left as an empty frame.
  exclusiveFilter: (frame) => frame.tag === 'img' && !frame.attribs.src,
};

export function markdownToSafeHtml(markdown: string): string {
  return sanitizeHtml(marked.parse(markdown, { async: false, gfm: true, breaks: true }) as string, SANITIZE);
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}

/**
 * Fills and renders a template. Placeholder values are customer or responder text: they are
 * inserted into the Markdown, and the resulting HTML is sanitised as a whole, so nothing they
 * carry can become script or active markup.
 */
export function render(source: string, vars: Vars, subject: string): Rendered {
  const markdown = fill(source, vars).replace(/\n{3,}/g, '\n\n').trim();
  const unsubscribe = vars.UNSUBSCRIBE_URL
    ? `You are receiving this because you are a participant. <a href="${escapeHtml(vars.UNSUBSCRIBE_URL)}">Unsubscribe</a> from this thread.`
    : '';
  const block = (md: string) => (md.trim() ? markdownToSafeHtml(md) : '');
  // Like GitLab's "View it on GitLab": only non-confidential tickets have a URL to show.
  const view = vars.ISSUE_URL ? `<p style="font-size:13px;"><a href="${escapeHtml(vars.ISSUE_URL)}">View ticket ${escapeHtml(vars.ISSUE_ID)}</a></p>` : '';
  // Function replacers: `$'` or `$&` in customer text must not act as replacement patterns.
  const parts: Record<string, string> = {
    subject: escapeHtml(subject),
    header: block(vars.SYSTEM_HEADER),
    body: markdownToSafeHtml(markdown) + view,
    unsubscribe,
    footer: block(vars.SYSTEM_FOOTER),
  };
  const html = readTemplateFile('layout.html').replace(/\{\{(subject|header|body|unsubscribe|footer)\}\}/g, (_m, k: string) => parts[k] ?? '');
  const text = [
    vars.SYSTEM_HEADER.trim(),
    // the text part is the Markdown itself: a `\<` kept a customer's "<word>" from being taken for a tag
    unescapeTagLike(markdown),
    vars.ISSUE_URL ? `View ticket ${vars.ISSUE_ID}: ${vars.ISSUE_URL}` : '',
    vars.UNSUBSCRIBE_URL ? `--\nUnsubscribe from this thread: ${vars.UNSUBSCRIBE_URL}` : '',
    vars.SYSTEM_FOOTER.trim(),
  ]
    .filter(Boolean)
    .join('\n\n');
  return { text: `${text}\n`, html, unknown: unknownPlaceholders(source) };
}
