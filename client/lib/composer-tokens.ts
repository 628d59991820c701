/**
 * What the composer is completing at the cursor (pure, unit-tested):
 * - `/cmd` at the start of a line: a quick action;
 * - `#name`: a saved reply (the word after `#`; `#12` that names no reply suggests nothing);
 * - `@name`: a project member, on an `/assign` line or anywhere in an internal note (a mention);
 * - `~name` or `~"two words`: a label, on a `/label` or `/unlabel` line.
 */
export type TokenKind = 'command' | 'reply' | 'member' | 'label';

export interface Token {
  kind: TokenKind;
  /** what was typed after the sigil */
  query: string;
  /** where the token starts (its sigil) and ends (the cursor) */
  start: number;
  end: number;
}

export function tokenAt(text: string, cursor: number, opts: { internal: boolean }): Token | null {
  const lineStart = text.lastIndexOf('\n', cursor - 1) + 1;
  const line = text.slice(lineStart, cursor);
  if (/^\/[a-z_]*$/.test(line)) return { kind: 'command', query: line.slice(1), start: lineStart, end: cursor };
  const label = /(?:^|\s)~(?:"([^"~]*)|([^\s~"]*))$/.exec(line);
  if (label && /^\s*\/(un)?label\b/.test(line)) {
    const quoted = label[1] !== undefined;
    const query = label[1] ?? label[2] ?? '';
    return { kind: 'label', query, start: cursor - query.length - (quoted ? 2 : 1), end: cursor };
  }
  const member = /(?:^|\s)@([\w.+-]*)$/.exec(line);
  if (member && (opts.internal || /^\s*\/assign\b/.test(line))) {
    return { kind: 'member', query: member[1] ?? '', start: cursor - (member[1]?.length ?? 0) - 1, end: cursor };
  }
  const reply = /(?:^|\s)#([\w-]*)$/.exec(line);
  if (reply) return { kind: 'reply', query: reply[1] ?? '', start: cursor - (reply[1]?.length ?? 0) - 1, end: cursor };
  return null;
}

/** Replaces the token with `insert`; the cursor goes after it. */
export function replaceToken(text: string, token: Token, insert: string): { text: string; cursor: number } {
  return { text: text.slice(0, token.start) + insert + text.slice(token.end), cursor: token.start + insert.length };
}

/** How a typed word matches a name: the name, with spaces as dashes, starts with it or has it after a space or dash. */
export function nameMatches(name: string, query: string): boolean {
  const n = name.toLowerCase();
  const q = query.toLowerCase();
  if (!q) return true;
  return n.replace(/\s+/g, '-').startsWith(q) || n.split(/[\s-]+/).some((w) => w.startsWith(q));
}

/** A label as `/label` takes it: `~name`, or `~"two words"`. */
export function labelToken(name: string): string {
  return /\s/.test(name) ? `~"${name}"` : `~${name}`;
}

/** The name `@` mentions a member by: their address's first part, as `/assign @alice` reads it. */
export function mentionName(email: string): string {
  return email.split('@')[0] ?? email;
}

/** The members an internal note mentions (`@alice`), by mention name. */
export function mentionsIn(text: string): string[] {
  return [...new Set([...text.matchAll(/(?:^|[\s(])@([\w.+-]+)/g)].map((m) => (m[1] as string).replace(/\.$/, '').toLowerCase()))];
}
