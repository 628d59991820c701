/** The fallback rendering: the text itself, escaped, with its line breaks. Never fails, linear. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}

export function plainTextHtml(text: string): string {
  if (!text.trim()) return '';
  return text
    .replace(/\r\n?/g, '\n')
    .split(/\n{2,}/)
    .map((para) => `<p>${escapeHtml(para).replace(/\n/g, '<br>\n')}</p>`)
    .join('\n');
}

/**
 * Visible text of an HTML document without a parser: tags dropped, block ends as line breaks,
 * the common entities decoded. For mail whose HTML is too deep or too slow to convert.
 */
export function htmlToPlainText(html: string): string {
  const out: string[] = [];
  let i = 0;
  let skipUntil: string | null = null;
  while (i < html.length) {
    const lt = html.indexOf('<', i);
    const chunk = html.slice(i, lt === -1 ? html.length : lt);
    if (!skipUntil && chunk) out.push(chunk);
    if (lt === -1) break;
    const gt = html.indexOf('>', lt);
    if (gt === -1) break;
    const tag = html.slice(lt + 1, Math.min(gt, lt + 40)).toLowerCase();
    const name = /^\/?([a-z0-9]+)/.exec(tag)?.[1] ?? '';
    if (skipUntil) {
      if (tag.startsWith(`/${skipUntil}`)) skipUntil = null;
    } else if (!tag.startsWith('/') && (name === 'script' || name === 'style' || name === 'head')) {
      skipUntil = name;
    } else if (/^(br|p|div|tr|li|h[1-6]|blockquote|table|pre)$/.test(name)) {
      out.push('\n');
    }
    i = gt + 1;
  }
  return decodeEntities(out.join(''))
    .replace(/[ \t\u00a0]+\n/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-f]{1,6}|#[0-9]{1,7}|[a-z]{2,6});/gi, (whole, e: string) => {
    if (e[0] !== '#') return NAMED[e.toLowerCase()] ?? whole;
    const code = e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
    return code > 0 && code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff) ? String.fromCodePoint(code) : whole;
  });
}
