/** Turns an email body into the Markdown we store (SPEC §2). */
import TurndownService from 'turndown';

let turndown: TurndownService | null = null;

function converter(): TurndownService {
  if (turndown) return turndown;
  const td = new TurndownService({ headingStyle: 'atx', codeBlockStyle: 'fenced', bulletListMarker: '-', emDelimiter: '_' });
  td.remove(['script', 'style', 'head', 'title', 'meta', 'link']);
  // "- item" rather than turndown's "-   item", as people type it.
  td.addRule('listItem', {
    filter: 'li',
    replacement: (content, node) => {
      const parent = node.parentNode as { nodeName?: string; getAttribute?: (n: string) => string | null; children?: ArrayLike<unknown> } | null;
      let prefix = '- ';
      if (parent?.nodeName === 'OL') {
        const start = Number(parent.getAttribute?.('start') ?? 1) || 1;
        const index = Array.prototype.indexOf.call(parent.children ?? [], node);
        prefix = `${start + index}. `;
      }
      const body = content.replace(/^\n+/, '').replace(/\n+$/, '\n').replace(/\n/gm, `\n${' '.repeat(prefix.length)}`);
      return prefix + body + (node.nextSibling && !/\n$/.test(body) ? '\n' : '');
    },
  });
  // Tables as Markdown tables (turndown core has none).
  td.addRule('tableCell', {
    filter: ['th', 'td'],
    replacement: (content) => ` ${content.replace(/\n+/g, ' ').replace(/\|/g, '\\|').trim()} |`,
  });
  td.addRule('tableRow', {
    filter: 'tr',
    replacement: (content, node) => {
      const row = `|${content}\n`;
      const parent = node.parentNode as { nodeName?: string; firstChild?: unknown } | null;
      const isHeader = (node as { querySelector?: (s: string) => unknown }).querySelector?.('th') ||
        (parent?.nodeName === 'THEAD');
      if (!isHeader) return row;
      const cells = (content.match(/\|/g) ?? []).length;
      return `${row}|${' --- |'.repeat(cells)}\n`;
    },
  });
  td.addRule('table', { filter: 'table', replacement: (content) => `\n\n${content.replace(/\n\n+/g, '\n')}\n\n` });
  td.addRule('tableSection', { filter: ['thead', 'tbody', 'tfoot'], replacement: (content) => content });
  turndown = td;
  return td;
}

export function htmlToMarkdown(html: string): string {
  return converter().turndown(html).trim();
}

/** Trailing whitespace per line removed, line endings normalised, outer blank lines dropped. */
export function tidy(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((l) => l.replace(/[ \t\u00a0]+$/, ''))
    .join('\n')
    .replace(/^\n+|\n+$/g, '');
}

const QUICK_ACTION_LINE = /^(\s*)(\/[a-z_]+\b.*)$/gim;

/** Customers' quick actions are never executed: `/close` becomes `` `/close` `` (as GitLab). */
export function neutraliseQuickActions(text: string): string {
  let inFence = false;
  return text
    .split('\n')
    .map((line) => {
      if (/^\s*(```|~~~)/.test(line)) inFence = !inFence;
      if (inFence) return line;
      return line.replace(QUICK_ACTION_LINE, (_m, indent: string, cmd: string) => `${indent}\`${cmd.replace(/`/g, '')}\``);
    })
    .join('\n');
}

/** The body as Markdown: the text/plain part when there is one, else the HTML converted. */
export function bodyMarkdown(text: string | null, html: string | null): string {
  if (text && text.trim()) return tidy(text);
  if (html) return tidy(htmlToMarkdown(html));
  return '';
}
