/**
 * The mail setup a node runs: the environment's values where it sets them (public contract:
 * INCOMING_EMAIL, SERVICE_DESK_EMAIL, MAIL_FROM, SMTP_URL, IMAP_MAILBOXES, GRAPH_*), the Admin page's
 * otherwise, defaults last. Read again whenever the settings change (signal.ts).
 */
import type { Q } from '../../../db/client';
import type { Config, GraphMailboxConfig, ImapMailboxConfig } from '../../config';
import { customEmails } from '../../../db/schema';
import { eq } from 'drizzle-orm';
import type { DomainCtx } from '../core/context';
import type { SecretBox } from '../core/secret-box';
import { buildMailContext, type MailContext } from '../core/mail-context';
import { listMailboxRows, readAddressSettings, readSmtpSettings, type MailboxRow, type SmtpSettings } from './instance-settings';
import { listGraphMailboxRows, type GraphMailboxRow } from './graph-settings';
import { readProjectSmtpPolicy } from './project-smtp';
import type { ProjectSmtpPolicy } from '../../../shared/mail-settings';

export type Source = 'env' | 'settings' | 'default';

export interface Setting<T> {
  value: T;
  source: Source;
}

export type SmtpChoice =
  | { source: 'env'; url: string }
  | { source: 'settings'; settings: SmtpSettings }
  /** no server: every email is an .eml file in DATA_DIR/outbox */
  | { source: 'none' };

export interface MailboxSetup {
  /** null for a mailbox from IMAP_MAILBOXES */
  id: number | null;
  source: 'env' | 'settings';
  paused: boolean;
  /** the stored row (settings), whose password is still sealed */
  row: MailboxRow | null;
  /** the IMAP_MAILBOXES entry (env) */
  env: ImapMailboxConfig | null;
  name: string;
}

export interface GraphMailboxSetup {
  /** null for the GRAPH_* mailbox */
  id: number | null;
  source: 'env' | 'settings';
  paused: boolean;
  /** the stored row (settings), whose client secret is still sealed */
  row: GraphMailboxRow | null;
  /** the GRAPH_* mailbox (env) */
  env: GraphMailboxConfig | null;
  name: string;
}

export interface VerifiedCustomEmail {
  projectId: number;
  address: string;
  /** the SMTP server to send as it, when one was given (password sealed) */
  smtp: { host: string; port: number; security: 'tls' | 'starttls' | 'none'; user: string; password: string } | null;
}

export interface MailSetup {
  incomingEmail: Setting<string>;
  serviceDeskEmail: Setting<string | null>;
  mailFrom: Setting<string | null>;
  smtp: SmtpChoice;
  mailboxes: MailboxSetup[];
  graphMailboxes: GraphMailboxSetup[];
  customEmails: VerifiedCustomEmail[];
  /** which SMTP servers projects may send through (the admin's choice, project-smtp.ts) */
  projectSmtp: ProjectSmtpPolicy;
}

type MailEnv = Config['mail'];

function pick<T>(envSet: boolean, envValue: T, stored: T | null | undefined, fallback: T): Setting<T> {
  if (envSet) return { value: envValue, source: 'env' };
  if (stored !== null && stored !== undefined && stored !== '') return { value: stored, source: 'settings' };
  return { value: fallback, source: 'default' };
}

export async function verifiedCustomEmails(q: Q): Promise<VerifiedCustomEmail[]> {
  const rows = await q.select().from(customEmails).where(eq(customEmails.state, 'verified')).limit(10_000).all();
  return rows.map((r) => ({
    projectId: r.projectId,
    address: r.address,
    smtp:
      r.smtpHost && r.smtpPort && r.smtpSecurity
        ? { host: r.smtpHost, port: r.smtpPort, security: r.smtpSecurity, user: r.smtpUser ?? '', password: r.smtpPassword ?? '' }
        : null,
  }));
}

export async function loadMailSetup(q: Q, env: MailEnv): Promise<MailSetup> {
  const [addresses, smtp, rows, graphRows, custom, projectSmtp] = await Promise.all([
    readAddressSettings(q),
    readSmtpSettings(q),
    listMailboxRows(q),
    listGraphMailboxRows(q),
    verifiedCustomEmails(q),
    readProjectSmtpPolicy(q),
  ]);
  const envBoxes: MailboxSetup[] = env.imapMailboxes.map((m) => ({ id: null, source: 'env', paused: false, row: null, env: m, name: m.name }));
  const envGraph: GraphMailboxSetup[] = env.graphMailbox ? [{ id: null, source: 'env', paused: false, row: null, env: env.graphMailbox, name: env.graphMailbox.name }] : [];
  const taken = new Set([...envBoxes, ...envGraph].map((b) => b.name.toLowerCase()));
  return {
    incomingEmail: pick(env.fromEnv.incomingEmail, env.incomingEmail, addresses.incomingEmail, env.incomingEmail),
    serviceDeskEmail: pick(env.fromEnv.serviceDeskEmail, env.serviceDeskEmail, addresses.serviceDeskEmail, null),
    mailFrom: pick(env.fromEnv.mailFrom, env.mailFrom, addresses.mailFrom, null),
    smtp: env.smtpUrl ? { source: 'env', url: env.smtpUrl } : smtp?.host ? { source: 'settings', settings: smtp } : { source: 'none' },
    mailboxes: [
      ...envBoxes,
      // A stored mailbox named like an environment one is shadowed by it, never run twice.
      ...rows.filter((r) => !taken.has(r.name.toLowerCase())).map((r): MailboxSetup => ({ id: r.id, source: 'settings', paused: r.paused, row: r, env: null, name: r.name })),
    ],
    graphMailboxes: [
      ...envGraph,
      ...graphRows
        .filter((r) => !taken.has(r.name.toLowerCase()))
        .map((r): GraphMailboxSetup => ({ id: r.id, source: 'settings', paused: r.paused, row: r, env: null, name: r.name })),
    ],
    customEmails: custom,
    projectSmtp,
  };
}

export function mailContextOf(setup: MailSetup, config: Pick<Config, 'mail' | 'publicUrl'>, secrets: SecretBox): MailContext {
  return buildMailContext(
    {
      incoming: setup.incomingEmail.value,
      alias: setup.serviceDeskEmail.value,
      from: setup.mailFrom.value,
      custom: setup.customEmails.map(({ projectId, address }) => ({ projectId, address })),
    },
    config,
    secrets,
  );
}

/** Reads the settings again and gives this node's domain the addresses they name. */
export async function reloadMailContext(dc: DomainCtx, config: Pick<Config, 'mail' | 'publicUrl'>): Promise<MailSetup> {
  const setup = await loadMailSetup(dc.db, config.mail);
  dc.mail = mailContextOf(setup, config, dc.secrets);
  return setup;
}
