/**
 * Saved replies and macros (issue 12, item 5): the placeholders a saved reply may use, filled in
 * when a responder inserts it, and the actions a macro applies with the note.
 */
import type { TicketState } from './views';

/** What a macro does besides its text. Every field is optional; an empty object does nothing. */
export interface MacroActions {
  /** labels added to the ticket's own */
  labels?: string[];
  /** `me` (whoever uses it), a member's email, or null to unassign */
  assignee?: string | null;
  /** the state it leaves the ticket in; `snoozed` needs `snooze` (`4h`, `2d`, a date: shared/snooze.ts) */
  state?: TicketState;
  snooze?: string;
}

export const PLACEHOLDERS = {
  customer_name: "the customer's name (their address's first part when their mail gave none)",
  customer_first_name: "the first word of the customer's name",
  customer_email: "the customer's address",
  ticket_iid: 'the ticket number, like #12',
  ticket_title: "the ticket's title",
  agent_name: 'your name',
  agent_first_name: 'the first word of your name',
  project_name: "the project's name",
} as const;

export type Placeholder = keyof typeof PLACEHOLDERS;

/**
 * Text from outside (a customer's display name, a mail subject) made inert for the Markdown it is
 * placed in: one line, no link (bare URLs and domains included), image, HTML, mention or formatting
 * syntax, and never a quick action at the start of a line (`/close` as a display name must not close
 * the ticket). Renders as written.
 */
export function escapeMarkdownInline(text: string): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  // `:` and a dot inside a word too: a bare `https://…` or `evil.example` would be made a link.
  const escaped = oneLine.replace(/[\\`*_[\]<>!@|~:]/g, '\\$&').replace(/(?<=\w)\.(?=\w)/g, '\\.');
  return /^[/#+=-]/.test(escaped) ? `\\${escaped}` : escaped;
}

/** `{name}` placeholders filled from `values`; unknown ones stay as written. */
export function fillPlaceholders(text: string, values: Record<Placeholder, string>): string {
  return text.replace(/\{\s*([a-z_]+)\s*\}/g, (whole, name: string) => (name in values ? values[name as Placeholder] : whole));
}

/** The placeholders a text names that do not exist (a typo shows before it reaches a customer). */
export function unknownPlaceholders(text: string): string[] {
  return [...new Set([...text.matchAll(/\{\s*([a-z_]+)\s*\}/g)].map((m) => m[1] as string).filter((n) => !(n in PLACEHOLDERS)))];
}

/** A macro's actions in words, for the composer ("adds ~refund, assigns to me, closes"). */
export function describeActions(a: MacroActions | null | undefined): string[] {
  if (!a) return [];
  const out: string[] = [];
  if (a.labels?.length) out.push(`adds ${a.labels.map((l) => `~${l}`).join(' ')}`);
  if (a.assignee === null) out.push('unassigns');
  else if (a.assignee) out.push(a.assignee === 'me' ? 'assigns to you' : `assigns to ${a.assignee}`);
  if (a.state === 'closed') out.push('closes the ticket');
  if (a.state === 'opened') out.push('reopens the ticket');
  if (a.state === 'pending') out.push('marks it pending');
  if (a.state === 'snoozed') out.push(`snoozes it for ${a.snooze ?? '?'}`);
  return out;
}
