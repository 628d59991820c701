/**
 * Responders' quick actions in a note (SPEC §5): `/close`, `/reopen`, `/assign @user`,
 * `/unassign`, `/label ~a ~"b c"`, `/unlabel ~a`, `/add_email a b`, `/remove_email a b` (≤ 6 each),
 * `/convert_to_ticket email`; beyond GitLab, the waiting states `/pending` and `/snooze 4h`
 * (or a date, see shared/snooze.ts). Command lines leave the note; what is left is posted as usual.
 * Labels and addresses are checked by the API's own schemas, so a command accepts exactly what
 * the matching API call would.
 */
import type { z } from 'zod';
import { email, participantEmailList, removableEmailList, ticketLabels } from '../../../shared/schemas';
import { parseSnooze } from '../../../shared/snooze';

export type QuickAction =
  | { kind: 'close' }
  | { kind: 'reopen' }
  /** `userId` when the user is known already (a macro's "assign to me") */
  | { kind: 'assign'; username: string; userId?: number }
  | { kind: 'unassign' }
  | { kind: 'label'; labels: string[] }
  | { kind: 'unlabel'; labels: string[] }
  | { kind: 'add_email'; emails: string[] }
  | { kind: 'remove_email'; emails: string[] }
  | { kind: 'convert_to_ticket'; email: string }
  | { kind: 'pending' }
  /** `spec` is read against the clock when the note is posted (shared/snooze.ts) */
  | { kind: 'snooze'; spec: string };

export const QUICK_ACTIONS = ['close', 'reopen', 'assign', 'unassign', 'label', 'unlabel', 'add_email', 'remove_email', 'convert_to_ticket', 'pending', 'snooze'] as const;

export interface Extracted {
  body: string;
  actions: QuickAction[];
  errors: string[];
}

/** The first problem zod found, naming the offending word when it is one of `words`. */
function firstProblem(error: z.ZodError, words: string[]): string {
  const issue = error.issues[0];
  const at = issue?.path[0];
  const word = typeof at === 'number' ? words[at] : undefined;
  const message = issue?.message ?? 'Invalid input.';
  return word === undefined ? message : `${shown(word)}: ${message}`;
}

/** A word echoed in a message: quoted, at most 40 characters, with invisible and control characters made visible. */
function shown(word: string): string {
  const visible = word.replace(/\p{C}/gu, '\uFFFD');
  return `"${visible.length > 40 ? `${visible.slice(0, 40)}…` : visible}"`;
}

export function extractQuickActions(text: string): Extracted {
  const actions: QuickAction[] = [];
  const errors: string[] = [];
  const kept: string[] = [];
  let fence = false;
  for (const line of text.split('\n')) {
    if (/^\s*(```|~~~)/.test(line)) fence = !fence;
    const m = fence ? null : /^\s*\/([a-z_]+)\b\s*(.*)$/.exec(line);
    const name = m?.[1];
    const args = (m?.[2] ?? '').trim();
    if (!m || !name || !(QUICK_ACTIONS as readonly string[]).includes(name)) {
      kept.push(line);
      continue;
    }
    const words = args.split(/[\s,]+/).filter(Boolean);
    switch (name) {
      case 'close':
      case 'reopen':
      case 'unassign':
      case 'pending':
        actions.push({ kind: name });
        break;
      case 'snooze':
        if (parseSnooze(args, 0) !== null) actions.push({ kind: 'snooze', spec: args });
        else errors.push('Could not apply snooze command: give a time like 4h, 2d, 1w or 2030-01-31T09:00.');
        break;
      case 'assign':
        if (words[0]) actions.push({ kind: 'assign', username: words[0].replace(/^@/, '') });
        else errors.push('Could not apply assign command: no user given.');
        break;
      case 'label':
      case 'unlabel': {
        const names = [...args.matchAll(/~"([^"]+)"|~([^\s~]+)/g)].map((x) => (x[1] ?? x[2]) as string);
        const labels = ticketLabels.safeParse(names);
        if (names.length === 0) errors.push(`Could not apply ${name} command: no label given (use ~name).`);
        else if (!labels.success) errors.push(`Could not apply ${name} command: ${firstProblem(labels.error, names)}`);
        else actions.push({ kind: name, labels: labels.data });
        break;
      }
      case 'add_email':
      case 'remove_email': {
        const emails = (name === 'add_email' ? participantEmailList : removableEmailList).safeParse(words);
        if (emails.success) actions.push({ kind: name, emails: emails.data });
        else errors.push(`No email participants were ${name === 'add_email' ? 'added' : 'removed'}. ${firstProblem(emails.error, words)}`);
        break;
      }
      case 'convert_to_ticket': {
        const author = email.safeParse(words[0] ?? '');
        if (author.success) actions.push({ kind: 'convert_to_ticket', email: author.data });
        else errors.push('Cannot convert to ticket because no email was provided or the format was invalid.');
        break;
      }
    }
  }
  // Several `/label` lines add up: together they may not give the ticket more labels than the API allows.
  const added = [...new Set(actions.flatMap((a) => (a.kind === 'label' ? a.labels.map((l) => l.toLowerCase()) : [])))];
  const together = ticketLabels.safeParse(added);
  if (!together.success) errors.push(`Could not apply label command: ${firstProblem(together.error, added)}`);
  return { body: kept.join('\n').trim(), actions, errors };
}
