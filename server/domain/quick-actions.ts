/**
 * Responders' quick actions in a note (SPEC §5): `/close`, `/reopen`, `/assign @user`,
 * `/unassign`, `/label ~a ~"b c"`, `/add_email a b`, `/remove_email a b` (≤ 6 each),
 * `/convert_to_ticket email`. Command lines leave the note; what is left is posted as usual.
 */
export type QuickAction =
  | { kind: 'close' }
  | { kind: 'reopen' }
  | { kind: 'assign'; username: string }
  | { kind: 'unassign' }
  | { kind: 'label'; labels: string[] }
  | { kind: 'add_email'; emails: string[] }
  | { kind: 'remove_email'; emails: string[] }
  | { kind: 'convert_to_ticket'; email: string };

export const QUICK_ACTIONS = ['close', 'reopen', 'assign', 'unassign', 'label', 'add_email', 'remove_email', 'convert_to_ticket'] as const;

export interface Extracted {
  body: string;
  actions: QuickAction[];
  errors: string[];
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

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
        actions.push({ kind: name });
        break;
      case 'assign':
        if (words[0]) actions.push({ kind: 'assign', username: words[0].replace(/^@/, '') });
        else errors.push('Could not apply assign command: no user given.');
        break;
      case 'label': {
        const labels = [...args.matchAll(/~"([^"]+)"|~([^\s~]+)/g)].map((x) => (x[1] ?? x[2]) as string);
        if (labels.length) actions.push({ kind: 'label', labels });
        else errors.push('Could not apply label command: no label given (use ~name).');
        break;
      }
      case 'add_email':
      case 'remove_email': {
        const emails = words.map((w) => w.toLowerCase());
        if (emails.length === 0 || emails.some((e) => !EMAIL.test(e))) errors.push(`No email participants were ${name === 'add_email' ? 'added' : 'removed'}. Either none were provided, or they don't exist.`);
        else if (emails.length > 6) errors.push(`No email participants were ${name === 'add_email' ? 'added' : 'removed'}. You can only ${name === 'add_email' ? 'add' : 'remove'} up to 6 emails at a time.`);
        else actions.push({ kind: name, emails });
        break;
      }
      case 'convert_to_ticket':
        if (words[0] && EMAIL.test(words[0])) actions.push({ kind: 'convert_to_ticket', email: words[0].toLowerCase() });
        else errors.push('Cannot convert to ticket because no email was provided or the format was invalid.');
        break;
    }
  }
  return { body: kept.join('\n').trim(), actions, errors };
}
