/** zod validators shared by the server (input validation) and the client (forms). */
import { z } from 'zod';
import { ROLES, VISIBILITIES } from './roles';
import { parseCustomerFilter } from './customers';
import { TICKET_STATES } from './views';
import { parseSnooze } from './snooze';
import { EXISTING_MAIL } from './mail-settings';

/**
 * What a single-line field never holds: C0 and C1 control characters (CR and LF would let a title
 * or display name break into mail headers; TAB and the rest only garble), the Unicode line and
 * paragraph separators, and the bidi embeddings, overrides and isolates that make text read
 * differently from what it is.
 */
const SINGLE_LINE = /^[^\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]*$/;

/** Trimmed one-line text of at most `max` characters; `field` names it in the messages. */
export function singleLineText(field: string, max: number) {
  return z
    .string()
    .trim()
    .regex(SINGLE_LINE, { message: `${field} must be a single line without control characters.`, abort: true })
    .max(max, `${field} must be at most ${max} characters.`);
}

export const email = z
  .string()
  .trim()
  .max(254, 'Email must be at most 254 characters.')
  .pipe(z.email('Enter a valid email address.'))
  .transform((value) => value.toLowerCase());

export const password = z
  .string()
  .min(10, 'Password must be at least 10 characters.')
  .max(200, 'Password must be at most 200 characters.');

export const displayName = singleLineText('Name', 100).min(1, 'Name cannot be empty.');

/** `group/project` (one or more groups), like GitLab paths. */
export const projectPath = z
  .string()
  .trim()
  .min(3, 'Project path must look like group/project.')
  .max(255, 'Project path must be at most 255 characters.')
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9_.-]*(\/[A-Za-z0-9][A-Za-z0-9_.-]*)+$/,
    'Project path must look like group/project: letters, digits, "_", "-", "." separated by "/".',
  );

export const role = z.enum(ROLES, { error: `Role must be one of: ${ROLES.join(', ')}.` });
export const visibility = z.enum(VISIBILITIES, {
  error: `Visibility must be one of: ${VISIBILITIES.join(', ')}.`,
});

export const iid = z.number({ error: 'iid must be a number.' }).int().positive();
export const limit = z.number().int().min(1).max(100, 'limit must be at most 100.');

export const ticketState = z.enum(TICKET_STATES, {
  error: 'state must be "opened", "pending", "snoozed" or "closed".',
});
export const ticketStateFilter = z.enum([...TICKET_STATES, 'all'], {
  error: 'state must be "opened", "pending", "snoozed", "closed" or "all".',
});
/** When a snoozed ticket comes back: an ISO date-time with its offset (the domain wants it in the future). */
export const snoozedUntil = z.iso
  .datetime({ offset: true, error: 'snoozedUntil must be an ISO date and time, like 2030-01-31T09:00:00Z.' })
  .transform((s) => Date.parse(s));

export const ticketTitle = singleLineText('Title', 255).min(1, 'Title cannot be empty.');
/** NUL is not text (and PostgreSQL cannot store it): refused with a precise message. */
const NO_NUL = [(v: string) => !v.includes('\u0000'), 'Text cannot contain NUL (\\u0000) characters.'] as const;

export const markdownBody = z
  .string()
  .refine(...NO_NUL)
  .max(1_000_000, 'Text must be at most 1,000,000 characters.');
export const noteBody = markdownBody.refine((s) => s.trim().length > 0, 'Note cannot be empty.');

export const labelName = singleLineText('Label names', 100)
  .min(1, 'Label names cannot be empty.')
  .refine((s) => !s.includes(','), 'Label names cannot contain commas.');
export const MAX_LABELS = 50;
/** A ticket's labels, as the API sets them and as `/label` adds them. */
export const ticketLabels = z.array(labelName).max(MAX_LABELS, `A ticket can have at most ${MAX_LABELS} labels.`);

export const loginInput = z.object({ email, password: z.string().min(1, 'Enter your password.') });
export const setupInput = z.object({ email, password, name: displayName.optional() });
export const createUserInput = z.object({
  email,
  password,
  name: displayName.optional(),
  isAdmin: z.boolean().optional(),
});
export const createProjectInput = z.object({
  path: projectPath,
  name: displayName.optional(),
  visibility: visibility.optional(),
});
export const projectRef = z.object({ projectPath });
export const memberInput = z.object({ projectPath, email, role });
export const removeMemberInput = z.object({ projectPath, email });

export const ticketsListInput = z.object({
  projectPath,
  state: ticketStateFilter.optional(),
  search: singleLineText('Search', 200).optional(),
  assignee: z.union([z.literal('me'), z.literal('none'), z.literal('any')]).optional(),
  label: labelName.optional(),
  confidential: z.boolean().optional(),
  /** `alice@x.com` for one customer's tickets, `@x.com` for everyone at that domain */
  customer: singleLineText('Customer', 254)
    .refine((s) => parseCustomerFilter(s) !== null, 'customer must be an email address or @domain.')
    .optional(),
  sort: z.enum(['activity', 'newest', 'waiting'], { error: 'sort must be "activity", "newest" or "waiting".' }).optional(),
  cursor: z.string().max(100).optional(),
  limit: limit.optional(),
});
export const ticketRef = z.object({ projectPath, iid });
export const createTicketInput = z.object({
  projectPath,
  title: ticketTitle,
  description: markdownBody.optional(),
  confidential: z.boolean().optional(),
  externalAuthor: email.optional(),
  labels: ticketLabels.optional(),
});
export const updateTicketInput = z
  .object({
    projectPath,
    iid,
    state: ticketState.optional(),
    /** with state "snoozed": when it returns to open */
    snoozedUntil: snoozedUntil.optional(),
    /** user id, or null to unassign */
    assigneeId: z.number().int().positive().nullable().optional(),
    labels: ticketLabels.optional(),
    /**
     * Labels to add to, or take off, the ticket's labels as they are when the change is made:
     * two people labelling at once both keep theirs (`labels` replaces the whole set).
     */
    addLabels: ticketLabels.optional(),
    removeLabels: ticketLabels.optional(),
    title: ticketTitle.optional(),
    confidential: z.boolean().optional(),
  })
  .refine(
    (v) =>
      v.state !== undefined ||
      v.assigneeId !== undefined ||
      v.labels !== undefined ||
      v.addLabels !== undefined ||
      v.removeLabels !== undefined ||
      v.title !== undefined ||
      v.confidential !== undefined,
    'Nothing to update: give at least one of state, assigneeId, labels, addLabels, removeLabels, title, confidential.',
  )
  .refine((v) => v.labels === undefined || (v.addLabels === undefined && v.removeLabels === undefined), {
    message: 'Give labels (the whole set) or addLabels/removeLabels, not both.',
    path: ['labels'],
  })
  .refine((v) => (v.state === 'snoozed') === (v.snoozedUntil !== undefined), {
    message: 'Snoozing needs snoozedUntil, and snoozedUntil only goes with state "snoozed".',
    path: ['snoozedUntil'],
  });
export const createNoteInput = z.object({
  projectPath,
  iid,
  body: noteBody,
  internal: z.boolean({ error: 'internal must be true or false.' }),
  /**
   * Collision guard for public replies: the newest public note id the responder had seen when
   * they started writing. A newer public note refuses the reply (REPLY_COLLISION) until the
   * responder has seen it and sends again with its id.
   */
  seenNoteId: z.number().int().min(0).optional(),
  /** a macro whose actions (labels, assignee, state) are applied with the note, in its transaction */
  macroId: z.number().int().positive().optional(),
});
export const eventsInput = z.object({
  projectPath,
  /** Resume point: the `seq` of the last event the client saw (a string, as tRPC tracks it). */
  lastEventId: z
    .union([z.string().regex(/^\d+$/, 'lastEventId must be a number.'), z.number().int().min(0)])
    .nullish(),
});

export const issueTemplateKey = singleLineText('Template name', 100)
  .min(1, 'Template name cannot be empty.')
  .regex(/^[A-Za-z0-9][A-Za-z0-9 _.-]*$/, 'Template names use letters, digits, spaces, "_", "-" and ".".');

export const projectKeySuffix = z
  .string()
  .trim()
  .max(255, 'Project key must be at most 255 characters.')
  .regex(/^[a-z0-9_]+$/, "Project key can contain only lowercase letters, digits, and '_'.");

export const serviceDeskUpdateInput = z.object({
  projectPath,
  enabled: z.boolean().optional(),
  issueTemplateKey: issueTemplateKey.nullable().optional(),
  outgoingName: singleLineText('Outgoing display name', 255).nullable().optional(),
  projectKey: projectKeySuffix.nullable().optional(),
  confidentialByDefault: z.boolean().optional(),
  reopenOnExternalNote: z.boolean().optional(),
  addCcParticipants: z.boolean().optional(),
  sendThankYou: z.boolean().optional(),
  sendResolved: z.boolean().optional(),
});

export const inboundListInput = z
  .object({
    status: z.array(z.enum(['pending', 'ticket', 'note', 'ignored', 'rejected', 'unsubscribed', 'quarantined', 'duplicate', 'discarded'])).optional(),
    beforeId: z.number().int().positive().optional(),
    limit: limit.optional(),
  })
  .optional();
export const inboundRef = z.object({ id: z.number({ error: 'id must be a number.' }).int().positive() });

/** Participant addresses for one call, as the API takes them and as `/add_email` and `/remove_email` do. */
export const participantEmailList = z
  .array(email)
  .min(1, 'Give at least one email address.')
  .max(6, 'At most 6 emails at a time.');
export const participantsInput = z.object({ projectPath, iid, emails: participantEmailList });
/**
 * Removing names participants that already exist, whatever shape of address mail brought in
 * (`a@localhost`, `b@[10.1.2.3]`, IDN): any single-line address, matched against the list.
 */
export const removableEmailList = z
  .array(singleLineText('Email', 254).refine((s) => s.includes('@'), 'Enter an email address.'))
  .min(1, 'Give at least one email address.')
  .max(6, 'At most 6 emails at a time.');
export const participantsRemoveInput = z.object({ projectPath, iid, emails: removableEmailList });

export const emailTemplateKind = z.enum(['thank_you', 'new_participant', 'new_note', 'rejection', 'resolved'], {
  error: 'kind must be thank_you, new_participant, new_note, rejection or resolved.',
});
export const emailTemplateUpdateInput = z.object({
  projectPath,
  kind: emailTemplateKind,
  /** null restores the default */
  body: z.string().max(100_000, 'Template must be at most 100,000 characters.').refine(...NO_NUL).nullable(),
});
export const emailTemplatePreviewInput = z.object({
  projectPath,
  kind: emailTemplateKind,
  body: z.string().max(100_000, 'Template must be at most 100,000 characters.').refine(...NO_NUL),
});

export const markdownPreviewInput = z.object({ projectPath, text: markdownBody });

export const issueTemplateSaveInput = z.object({ projectPath, key: issueTemplateKey, body: markdownBody });
export const issueTemplateRefInput = z.object({ projectPath, key: issueTemplateKey });

// ---------------------------------------------------------------- team accounts

/** A link's token as it appears in the URL: shape only, the server decides the rest. */
export const linkToken = z.string().min(1, 'The link is incomplete.').max(200, 'The link is not valid.');
export const notifyMode = z.enum(['all', 'assigned', 'off'], { error: 'notifyMode must be all, assigned or off.' });
/** Markdown appended to public replies in the customer's email. */
export const signature = z.string().max(2000, 'Signature must be at most 2,000 characters.');
const userId = z.number({ error: 'userId must be a number.' }).int().positive();

export const forgotPasswordInput = z.object({ email });
export const resetPasswordInput = z.object({ token: linkToken, password });
export const tokenInput = z.object({ token: linkToken });
/** Name and password are needed unless the address already has an account (then only the membership is added). */
export const acceptInvitationInput = z.object({ token: linkToken, name: displayName.optional(), password: password.optional() });

export const usersListInput = z
  .object({
    search: singleLineText('Search', 100).optional(),
    status: z.enum(['active', 'deactivated', 'all'], { error: 'status must be active, deactivated or all.' }).optional(),
    afterId: z.number().int().min(0).optional(),
    limit: limit.optional(),
  })
  .optional();
export const userRefInput = z.object({ userId });
export const setAdminInput = z.object({ userId, isAdmin: z.boolean({ error: 'isAdmin must be true or false.' }) });

export const inviteInput = z
  .object({ email, projectPath: projectPath.optional(), role: role.optional() })
  .refine((v) => (v.projectPath === undefined) === (v.role === undefined), 'A project invitation needs both projectPath and role.');
export const invitationsListInput = z.object({ projectPath: projectPath.optional(), beforeId: z.number().int().positive().optional(), limit: limit.optional() }).optional();
export const invitationRefInput = z.object({ id: z.number({ error: 'id must be a number.' }).int().positive() });

export const profileUpdateInput = z
  .object({ name: displayName.optional(), signature: signature.optional(), notifyMode: notifyMode.optional() })
  .refine((v) => v.name !== undefined || v.signature !== undefined || v.notifyMode !== undefined, 'Nothing to update: give name, signature or notifyMode.');
export const changePasswordInput = z.object({ currentPassword: z.string().max(200), newPassword: password });
export const changeEmailInput = z.object({ email, currentPassword: z.string().max(200).optional() });
export const signaturePreviewInput = z.object({ signature });
export const revokeSessionInput = z.object({ id: z.string().regex(/^[0-9a-f]{16}$/, 'id is not a session id.') });

export const auditListInput = z.object({ beforeId: z.number().int().positive().optional(), limit: limit.optional() }).optional();
export const projectAuditInput = z.object({ projectPath, beforeId: z.number().int().positive().optional(), limit: limit.optional() });

/** Single sign-on settings from the Admin page; an empty clientSecret keeps the stored one. */
export const ssoSettingsInput = z.object({
  enabled: z.boolean(),
  issuer: z.union([z.literal(''), z.url({ error: 'Issuer must be an absolute URL like https://login.example.com.' }).max(500)]),
  clientId: singleLineText('Client id', 200),
  clientSecret: z.string().max(500).optional(),
  providerName: singleLineText('Provider name', 60),
  autoCreate: z.boolean(),
  ssoOnly: z.boolean(),
});
// ---------------------------------------------------------------- mail settings (issue 10)

const ADDRESS_TEMPLATE = /^[^@\s]*%\{key\}[^@\s]*@[^@\s]+$/;
export const addressTemplate = (field: string, example: string) =>
  singleLineText(field, 254).regex(ADDRESS_TEMPLATE, `${field} must be an address whose local part contains %{key}, e.g. ${example}.`);
export const hostName = z
  .string()
  .trim()
  .min(1, 'Enter the server name, e.g. imap.example.com.')
  .max(253, 'Server name must be at most 253 characters.')
  .regex(/^(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*$|^\[[0-9A-Fa-f:.]+\]$/, 'Server name must be a host name like mail.example.com or an IP address.');
export const portNumber = z.number({ error: 'Port must be a number.' }).int().min(1, 'Port must be between 1 and 65535.').max(65535, 'Port must be between 1 and 65535.');
export const mailSecurity = z.enum(['tls', 'starttls', 'none'], { error: 'Security must be tls, starttls or none.' });
/** A password as typed; never echoed back. */
export const secretInput = z.string().max(1000, 'Password must be at most 1,000 characters.');

export const mailAddressesInput = z.object({
  /** undefined leaves a value as it is; null goes back to the default */
  incomingEmail: addressTemplate('Incoming address', 'incoming+%{key}@desk.example.com').nullable().optional(),
  serviceDeskEmail: addressTemplate('Service Desk alias', 'contact+%{key}@example.com').nullable().optional(),
  mailFrom: email.nullable().optional(),
});

export const projectSmtpPolicyInput = z.object({
  mode: z.enum(['any', 'list', 'off'], { error: 'Choose any, list or off.' }),
  hosts: z
    .array(
      z
        .string()
        .trim()
        .toLowerCase()
        .max(260, 'A server must be at most 260 characters.')
        .regex(/^(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*(?::\d{1,5})?$|^\[[0-9a-f:.]+\](?::\d{1,5})?$/, 'Each server must be a host name or IP address, optionally with :port, e.g. smtp.example.com or 10.0.0.5:2525.'),
    )
    .max(50, 'At most 50 servers.'),
});

export const smtpSettingsInput = z.object({
  host: hostName,
  port: portNumber,
  security: mailSecurity,
  user: singleLineText('User name', 254),
  /** absent: keep the stored password */
  password: secretInput.optional(),
});

export const smtpTestInput = z.object({
  to: email,
  /** unsaved settings from the form; absent: the settings in use */
  settings: smtpSettingsInput.optional(),
});

const mailboxName = singleLineText('Mailbox name', 100)
  .min(1, 'Give the mailbox a name, e.g. support.')
  .regex(/^[A-Za-z0-9][A-Za-z0-9 ._@+-]*$/, 'Mailbox names use letters, digits, spaces, ".", "_", "@", "+" and "-".');
const folderName = singleLineText('Folder', 200).min(1, 'Enter a folder, e.g. INBOX.');
/** absent: `unread`, what every mailbox did before the choice existed */
const existingMail = z.enum(EXISTING_MAIL, { error: 'Mail already in the mailbox must be "unread", "all" or "none".' }).default('unread');

export const mailboxSettingsInput = z.object({
  name: mailboxName,
  host: hostName,
  port: portNumber,
  security: mailSecurity,
  username: singleLineText('User name', 254).min(1, 'Enter the user name.'),
  /** required when adding; absent on edits keeps the stored password */
  password: secretInput.min(1, 'Enter the password.').optional(),
  folder: folderName.default('INBOX'),
  after: z.enum(['seen', 'move', 'delete'], { error: 'After processing must be seen, move or delete.' }).default('seen'),
  moveTo: folderName.default('Processed'),
  existingMail,
});
export const mailboxRef = z.object({ id: z.number({ error: 'id must be a number.' }).int().positive() });
export const mailboxUpdateInput = mailboxSettingsInput.extend({ id: mailboxRef.shape.id });
export const mailboxPauseInput = mailboxRef.extend({ paused: z.boolean() });
/** Test a saved mailbox (`id`), or the form's values (`settings`, with `id` to reuse its stored password). */
export const mailboxTestInput = z.object({ id: mailboxRef.shape.id.optional(), settings: mailboxSettingsInput.optional() }).refine((v) => v.id !== undefined || v.settings !== undefined, 'Give a mailbox id or its settings.');

const httpUrl = (label: string, example: string) =>
  z
    .string()
    .trim()
    .max(200, `${label} must be at most 200 characters.`)
    .refine((v) => /^https?:\/\/[^\s/?#]+(\/[^\s?#]*)?$/.test(v) && URL.canParse(v), `${label} must be an http(s) address like ${example}.`)
    .transform((v) => v.replace(/\/+$/, ''));
const directoryId = (label: string) =>
  singleLineText(label, 100)
    .min(1, `Enter the ${label.toLowerCase()}.`)
    .regex(/^[A-Za-z0-9][A-Za-z0-9.-]*$/, `${label} is a GUID (or, for the tenant, a domain like contoso.onmicrosoft.com).`);

/** A Microsoft Graph (Exchange Online) mailbox read with an app registration's client credentials. */
export const graphMailboxSettingsInput = z
  .object({
    name: mailboxName,
    tenantId: directoryId('Tenant ID'),
    clientId: directoryId('Client ID'),
    /** required when adding; absent on edits keeps the stored secret */
    clientSecret: z.string().min(1, 'Enter the client secret.').max(1000, 'Client secret must be at most 1,000 characters.').optional(),
    mailbox: singleLineText('Mailbox', 254)
      .min(1, 'Enter the mailbox user, e.g. support@contoso.com.')
      .regex(/^[^\s/?#\\]+$/, 'Mailbox is a user principal name like support@contoso.com or a user id.'),
    baseUrl: httpUrl('Graph URL', 'https://graph.microsoft.com').default('https://graph.microsoft.com'),
    loginUrl: httpUrl('Login URL', 'https://login.microsoftonline.com').default('https://login.microsoftonline.com'),
    pollSeconds: z.number({ error: 'Poll interval must be a number of seconds.' }).int().min(1, 'Poll interval must be between 1 and 3600 seconds.').max(3600, 'Poll interval must be between 1 and 3600 seconds.').default(10),
    after: z.enum(['seen', 'move'], { error: 'After processing must be seen or move.' }).default('seen'),
    moveTo: singleLineText('Move to', 255).default(''),
    existingMail,
  })
  .refine((v) => v.after !== 'move' || v.moveTo.trim() !== '', { message: 'Enter the folder to move processed mail to.', path: ['moveTo'] });
export const graphMailboxUpdateInput = z.intersection(graphMailboxSettingsInput, z.object({ id: mailboxRef.shape.id }));
/** Test a saved Graph mailbox (`id`), or the form's values (`settings`, with `id` to reuse its stored secret). */
export const graphMailboxTestInput = z
  .object({ id: mailboxRef.shape.id.optional(), settings: graphMailboxSettingsInput.optional() })
  .refine((v) => v.id !== undefined || v.settings !== undefined, 'Give a mailbox id or its settings.');

export const customEmailInput = z.object({
  projectPath,
  address: email,
  /** the SMTP server to send as the address; null: the instance's server sends (From the address) */
  smtp: smtpSettingsInput.nullable(),
});
export const customerId = z.number({ error: 'id must be a number.' }).int().positive();
export const customerPageInput = z.object({ id: customerId, cursor: z.string().max(100).optional(), limit: limit.optional() });
export const customerNotesInput = z.object({ id: customerId, notes: z.string().max(10_000, 'Notes must be at most 10,000 characters.') });
export const customerSearchInput = z.object({ projectPath, query: singleLineText('Search', 100) });

export const savedReplyId = z.number({ error: 'id must be a number.' }).int().positive();
export const macroActions = z
  .object({
    labels: ticketLabels.optional(),
    assignee: z.union([z.literal('me'), email, z.null()], { error: 'assignee must be "me", a member\'s email or null.' }).optional(),
    state: ticketState.optional(),
    snooze: singleLineText('Snooze', 40)
      .refine((s) => parseSnooze(s, 0) !== null, 'Snooze for a time like 4h, 2d or 1w.')
      .optional(),
  })
  .strict()
  .refine((a) => (a.state === 'snoozed') === (a.snooze !== undefined), {
    message: 'A macro that snoozes needs a snooze time (like 4h), and only such a macro has one.',
    path: ['snooze'],
  });
export const savedReplySaveInput = z.object({
  projectPath,
  /** absent: a new saved reply */
  id: savedReplyId.optional(),
  name: singleLineText('Name', 100).min(1, 'Name cannot be empty.'),
  body: z.string().max(20_000, 'A saved reply must be at most 20,000 characters.'),
  /** with actions it is a macro; null makes it a plain saved reply again */
  actions: macroActions.nullable().optional(),
});
export const savedReplyRef = z.object({ projectPath, id: savedReplyId });
export const savedReplyFillInput = z.object({ projectPath, iid, id: savedReplyId });

/** Merge ticket `iid` into ticket `into` (both of one project). */
export const mergeTicketInput = z.object({ projectPath, iid, into: iid });

/** What a bulk action does to every selected ticket. */
export const bulkAction = z.discriminatedUnion(
  'kind',
  [
    z.object({ kind: z.literal('state'), state: ticketState, snoozedUntil: snoozedUntil.optional() }),
    z.object({ kind: z.literal('assign'), assigneeId: z.number().int().positive().nullable() }),
    z.object({ kind: z.literal('labels'), add: ticketLabels.default([]), remove: ticketLabels.default([]) }),
    z.object({ kind: z.literal('merge'), into: iid }),
  ],
  { error: 'action.kind must be "state", "assign", "labels" or "merge".' },
);
export const bulkInput = z
  .object({
    projectPath,
    iids: z.array(iid).min(1, 'Select at least one ticket.').max(100, 'At most 100 tickets at a time.'),
    action: bulkAction,
  })
  .refine((v) => v.action.kind !== 'state' || (v.action.state === 'snoozed') === (v.action.snoozedUntil !== undefined), {
    message: 'Snoozing needs snoozedUntil, and snoozedUntil only goes with state "snoozed".',
    path: ['action', 'snoozedUntil'],
  });

export const savedViewFilters = ticketsListInput.pick({ state: true, search: true, assignee: true, label: true, confidential: true, customer: true, sort: true }).strict();
export const savedViewSaveInput = z.object({
  projectPath,
  /** absent: a new view */
  id: z.number().int().positive().optional(),
  name: singleLineText('Name', 60).min(1, 'Name cannot be empty.'),
  shared: z.boolean({ error: 'shared must be true or false.' }),
  filters: savedViewFilters,
});
export const savedViewRef = z.object({ projectPath, id: z.number({ error: 'id must be a number.' }).int().positive() });
