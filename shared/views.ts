/** Shapes the API returns. Plain JSON (no transformer): dates are ISO strings. */
import type { Role, Visibility } from './roles';
import type { MacroActions } from './macros';

/** Open, waiting on the customer (pending), snoozed until a time, or closed. */
export const TICKET_STATES = ['opened', 'pending', 'snoozed', 'closed'] as const;
export type TicketState = (typeof TICKET_STATES)[number];

export interface UserRef {
  id: number;
  name: string;
  /** true for the Support Bot, which authors everything that arrives by email */
  bot?: boolean;
}

export type NotifyMode = 'all' | 'assigned' | 'off';

export interface Me {
  id: number;
  email: string;
  name: string;
  isAdmin: boolean;
  notifyMode: NotifyMode;
}

/** A user as the admin list shows them. */
export interface AdminUserView {
  id: number;
  email: string;
  name: string;
  isAdmin: boolean;
  /** too many failed sign-ins keep them out for now */
  locked: boolean;
  deactivated: boolean;
  /** signs in with the instance's OpenID provider */
  sso: boolean;
  createdAt: string;
}

/** My profile. */
export interface ProfileView {
  id: number;
  email: string;
  name: string;
  signature: string;
  notifyMode: NotifyMode;
  /** false for accounts created by single sign-on that never set one */
  hasPassword: boolean;
  /** an email change waiting for its confirmation link to be opened */
  pendingEmail: string | null;
}

export interface SessionView {
  /** an opaque id (not the session's secret) */
  id: string;
  current: boolean;
  createdAt: string;
  lastSeenAt: string;
  userAgent: string | null;
  clientAddress: string | null;
}

export interface InvitationView {
  id: number;
  email: string;
  projectPath: string | null;
  role: Role | null;
  invitedBy: string | null;
  createdAt: string;
  expiresAt: string;
  expired: boolean;
}

export interface AuditEntryView {
  id: number;
  at: string;
  /** `id: null`: the operator's command line */
  actor: { id: number | null; name: string };
  projectPath: string | null;
  action: string;
  target: string;
  detail: Record<string, unknown>;
}

export interface AuditPage {
  items: AuditEntryView[];
  nextCursor: number | null;
}

/** What the sign-in page offers. */
export interface SignInOptions {
  needsSetup: boolean;
  /**
   * "Sign in with <name>" when single sign-on is configured. `unnamed`: no display name is set
   * and `name` is only the issuer's host name (pages then say "single sign-on").
   */
  sso: { name: string; unnamed?: true } | null;
  /** passwords are refused for everyone but administrators */
  ssoOnly: boolean;
}

export interface ProjectView {
  id: number;
  path: string;
  name: string;
  visibility: Visibility;
  /** the caller's own role; null for admins and viewers who are not members */
  role: Role | null;
  /** the caller's access level (see shared/roles ACCESS) */
  access: number;
  openCount: number;
}

export interface MemberView {
  user: UserRef & { email: string };
  role: Role;
  createdAt: string;
  /** the account is deactivated (it keeps its membership for when it comes back) */
  deactivated?: boolean;
}

export interface TicketSummary {
  id: number;
  iid: number;
  title: string;
  state: TicketState;
  /** when a snoozed ticket returns to open by itself; null unless snoozed */
  snoozedUntil: string | null;
  /** the iid of the ticket this one was merged into (it is closed); null unless merged */
  mergedInto: number | null;
  confidential: boolean;
  author: UserRef | null;
  externalAuthor: string | null;
  /** the customer's display name from their email (`Ada Lovelace`); hidden below reporter */
  externalAuthorName?: string | null;
  assignee: UserRef | null;
  labels: string[];
  noteCount: number;
  createdAt: string;
  updatedAt: string;
  lastActivityAt: string;
  /** when the caller last read it (in `tickets.list` answers only; events leave it out) */
  readAt?: string | null;
  /** the customer (external author) it is for; null below reporter, where addresses are masked */
  customer: CustomerRef | null;
  /** one line of the latest public message */
  preview: string;
  /** since when the customer waits for our public reply; null when nobody waits on us */
  waitingSince: string | null;
  /** our first public reply */
  firstResponseAt: string | null;
  /** when it was closed (resolution), null while it is not */
  closedAt: string | null;
}

/** A customer as a ticket row names them. */
export interface CustomerRef {
  id: number;
  email: string;
  /** the display name from their mail, when it had one */
  name: string | null;
}

export interface CustomerView extends CustomerRef {
  /** their domain, unless it is a free-mail one */
  organization: string | null;
  /** the team's notes: empty unless `notesShared` */
  notes: string;
  /**
   * The notes are shared with this viewer: the customer's own mail reached the project (or, on the
   * customer page, one of the viewer's projects). A ticket a responder created or converted for
   * their address does not count (decision 013).
   */
  notesShared: boolean;
  createdAt: string;
  updatedAt: string;
}

/** One of a customer's tickets on the customer page (they span projects). */
export interface CustomerTicket {
  projectPath: string;
  projectName: string;
  ticket: TicketSummary;
}

export interface CustomerPage {
  customer: CustomerView;
  /** their tickets in projects where the caller is a responder, newest activity first */
  tickets: CustomerTicket[];
  nextCursor: string | null;
}

export interface NoteView {
  id: number;
  author: UserRef | null;
  externalAuthor: string | null;
  /** the sender's display name from their email; hidden below reporter */
  externalAuthorName?: string | null;
  /** Cc addresses of the email that were not made participants (the project's setting is off) */
  ccNotAdded?: string[];
  body: string;
  internal: boolean;
  system: boolean;
  createdAt: string;
  /** arrived by email: the original can be viewed */
  fromEmail: boolean;
  /**
   * arrived by email from an address that was not a participant, threaded only by a customer's
   * Message-ID: its sender was not added and nobody was emailed (`externalAuthor` is the sender)
   */
  fromNewSender?: boolean;
  /** came with the ticket of this iid when it was merged into this one */
  mergedFrom?: number | null;
  /** the body rendered from Markdown and sanitised on the server */
  html: string;
}

export interface ParticipantView {
  email: string;
  /** the display name mail gave for the address; hidden below reporter */
  name?: string | null;
  unsubscribed: boolean;
  createdAt: string;
}

export interface TicketDetail extends TicketSummary {
  /** the customer record, for responders (null below reporter, or without an external author) */
  customerDetail: CustomerView | null;
  description: string;
  descriptionHtml: string;
  /** created from an email: the original can be viewed */
  fromEmail: boolean;
  /** Cc addresses of that email that were not made participants (the project's setting is off) */
  ccNotAdded?: string[];
  notes: NoteView[];
  participants: ParticipantView[];
}

export interface SavedReplyView {
  id: number;
  name: string;
  body: string;
  /** a macro's actions; null for a plain saved reply */
  actions: MacroActions | null;
  updatedAt: string;
}

/** A saved reply filled in for one ticket and the responder inserting it. */
export interface FilledReply {
  id: number;
  name: string;
  body: string;
  actions: MacroActions | null;
  /** the actions in words, for the composer */
  describe: string[];
}

/** A queue's filters and sort, as `tickets.list` takes them (without paging). */
export interface SavedViewFilters {
  state?: TicketState | 'all';
  search?: string;
  assignee?: 'me' | 'none' | 'any';
  label?: string;
  confidential?: boolean;
  customer?: string;
  sort?: 'activity' | 'newest' | 'waiting';
}

export interface SavedViewView {
  id: number;
  name: string;
  /** shared with everyone in the project (else only its owner sees it) */
  shared: boolean;
  filters: SavedViewFilters;
  /** the caller may rename or delete it (its owner; for a shared one also maintainers) */
  mine: boolean;
}

/** What a bulk action did: every ticket is either updated or failed, with the reason. */
export interface BulkResult {
  updated: number[];
  failed: { iid: number; code: string; message: string }[];
}

export interface TicketPage {
  items: TicketSummary[];
  nextCursor: string | null;
  /** the seq of the newest event when the page was read: subscribe from here to miss nothing */
  lastEventId: string;
}

/** The code hosts whose merged changes close tickets (issue 13). */
export const CODE_HOSTS = ['gitlab', 'github', 'gitea', 'forgejo'] as const;
export type CodeHost = (typeof CODE_HOSTS)[number];

/** One call to a project's webhook, as the Service Desk page lists it. */
export interface WebhookDeliveryView {
  id: number;
  at: string;
  host: CodeHost | 'unknown';
  /** the host's event name (`Merge Request Hook`, `pull_request`, `ping`, …) */
  event: string;
  deliveryId: string | null;
  /** closed: tickets closed; ignored: nothing to do (and why); refused: not signed right (401) or too large; duplicate: a redelivery */
  outcome: 'closed' | 'ignored' | 'refused' | 'duplicate';
  detail: string;
  changeUrl: string | null;
}

/** A project's webhook for maintainers (the secret only on request: `webhooks.reveal`). */
export interface WebhookView {
  url: string;
  createdAt: string;
}
