/** Quick actions a responder can type in the composer, for autocomplete (SPEC §5). */
export const QUICK_ACTION_HINTS: { command: string; args: string; help: string }[] = [
  { command: '/close', args: '', help: 'Close the ticket' },
  { command: '/reopen', args: '', help: 'Reopen the ticket' },
  { command: '/assign', args: '@user', help: 'Assign to a member' },
  { command: '/unassign', args: '', help: 'Remove the assignee' },
  { command: '/label', args: '~label', help: 'Add labels' },
  { command: '/unlabel', args: '~label', help: 'Remove labels' },
  { command: '/add_email', args: 'a@b.c', help: 'Add up to 6 participants' },
  { command: '/remove_email', args: 'a@b.c', help: 'Remove participants' },
  { command: '/convert_to_ticket', args: 'a@b.c', help: 'Make it a Service Desk ticket for this email' },
  { command: '/pending', args: '', help: 'Wait on the customer: their reply reopens it' },
  { command: '/snooze', args: '4h | 2d | 2030-01-31T09:00', help: 'Snooze: it comes back by itself' },
];
