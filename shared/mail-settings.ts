/** What the Admin page's mail settings show (issue 10). Passwords never appear: only whether one is set. */

/** `env`: an environment variable sets it (read-only here); `settings`: saved in the Admin page. */
export type SettingSource = 'env' | 'settings' | 'default';

export interface SourcedValue<T> {
  value: T;
  source: SettingSource;
}

export type MailSecurity = 'tls' | 'starttls' | 'none';

/**
 * What becomes of mail already in a mailbox when it is added (or pointed at another server, user,
 * folder or Exchange mailbox): `unread` messages only (the default, as GitLab's mail_room), `all`
 * of them, read or not, or `none` (only mail arriving afterwards). Mail arriving afterwards is
 * always taken, read or not.
 */
export const EXISTING_MAIL = ['unread', 'all', 'none'] as const;
export type ExistingMail = (typeof EXISTING_MAIL)[number];

export interface SmtpView {
  source: 'env' | 'settings' | 'none';
  host: string | null;
  port: number | null;
  /** 'auto' for SMTP_URL without ?tls= (STARTTLS when the server offers it) */
  security: MailSecurity | 'auto' | null;
  user: string | null;
  passwordSet: boolean;
  /** where email goes now: `smtp host:port`, or `folder` (.eml files in DATA_DIR/outbox) */
  transport: string;
}

export interface MailboxHealthView {
  state: string;
  lastUid: number;
  lastError: string | null;
  lastErrorAt: string | null;
  /** when the mailbox last caught up without error */
  lastSuccessAt: string | null;
  messagesToday: number;
  lagMs: number;
}

export interface MailboxView {
  /** null for a mailbox from IMAP_MAILBOXES (read-only) */
  id: number | null;
  source: 'env' | 'settings';
  name: string;
  host: string;
  port: number;
  security: MailSecurity | 'auto';
  username: string;
  passwordSet: boolean;
  folder: string;
  after: 'seen' | 'move' | 'delete';
  moveTo: string;
  existingMail: ExistingMail;
  paused: boolean;
  health: MailboxHealthView | null;
}

/** A Microsoft Graph (Exchange Online) mailbox. The client secret never appears: only whether one is set. */
export interface GraphMailboxView {
  /** null for the GRAPH_* mailbox (read-only) */
  id: number | null;
  source: 'env' | 'settings';
  name: string;
  tenantId: string;
  clientId: string;
  secretSet: boolean;
  mailbox: string;
  baseUrl: string;
  loginUrl: string;
  pollSeconds: number;
  after: 'seen' | 'move';
  moveTo: string;
  existingMail: ExistingMail;
  paused: boolean;
  /** change notifications: a live subscription wakes the poller (else polling alone) */
  notifications: boolean;
  health: MailboxHealthView | null;
}

/** Which SMTP servers projects' custom addresses may use (Admin page; server/domain/mail-setup/project-smtp.ts). */
export interface ProjectSmtpPolicy {
  mode: 'any' | 'list' | 'off';
  /** `host` (ports 25, 465, 587) or `host:port` */
  hosts: string[];
}

export interface MailSettingsView {
  incomingEmail: SourcedValue<string>;
  serviceDeskEmail: SourcedValue<string | null>;
  mailFrom: SourcedValue<string | null>;
  /** the From address customer email goes out with when MAIL_FROM is not set */
  effectiveFrom: string;
  smtp: SmtpView;
  mailboxes: MailboxView[];
  graphMailboxes: GraphMailboxView[];
  /** where the key sealing stored passwords comes from */
  secretKey: 'env' | 'file';
  projectSmtp: ProjectSmtpPolicy;
}
