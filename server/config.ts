/** The only reader of process.env. Everything configurable is validated here, once, at start. */
import { isIP } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import type { ExistingMail } from '../shared/mail-settings';

const port = z.coerce.number().int().min(0).max(65535);

const schema = z.object({
  PORT: port.default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_URL: z
    .string()
    .default('')
    .refine((v) => v === '' || (/^postgres(ql)?:\/\//i.test(v) && URL.canParse(v)), 'DATABASE_URL must look like postgres://user:password@host:5432/threadline (or be unset for SQLite in DATA_DIR)'),
  NODE_NAME: z
    .string()
    .regex(/^[A-Za-z0-9._-]{1,64}$/, 'NODE_NAME must be 1-64 letters, digits, dots, dashes or underscores')
    .optional(),
  PUBLIC_URL: z.url({ error: 'PUBLIC_URL must be an absolute URL like https://desk.example.com' }).optional(),
  SESSION_TTL_DAYS: z.coerce.number().int().min(1).max(365).default(30),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
  TRUST_PROXY: z
    .string()
    .default('off')
    .transform((v, ctx) => {
      const trust = parseTrustProxy(v);
      if (trust) return trust;
      ctx.issues.push({
        code: 'custom',
        input: v,
        message: 'TRUST_PROXY must be off (the default), true, the number of proxies in front of Threadline (e.g. 2), or their addresses (e.g. 10.0.0.2,10.1.0.0/16)',
      });
      return z.NEVER;
    }),
  INCOMING_EMAIL: z
    .string()
    .default('incoming+%{key}@localhost')
    .refine((v) => /^[^@\s]*%\{key\}[^@\s]*@[^@\s]+$/.test(v), 'INCOMING_EMAIL must be an address whose local part contains %{key}, e.g. incoming+%{key}@desk.example.com'),
  SERVICE_DESK_EMAIL: z
    .string()
    .refine((v) => /^[^@\s]*%\{key\}[^@\s]*@[^@\s]+$/.test(v), 'SERVICE_DESK_EMAIL must be an address whose local part contains %{key}, e.g. contact+%{key}@example.com')
    .optional(),
  SMTP_LISTEN: z
    .string()
    .default('127.0.0.1:2525')
    .refine((v) => v === 'off' || /^[^\s]+:\d+$/.test(v), 'SMTP_LISTEN must be host:port (e.g. 0.0.0.0:25) or "off"'),
  IMAP_MAILBOXES: z.string().default(''),
  GRAPH_TENANT_ID: z.string().trim().default(''),
  GRAPH_CLIENT_ID: z.string().trim().default(''),
  GRAPH_CLIENT_SECRET: z.string().default(''),
  GRAPH_MAILBOX: z.string().trim().default(''),
  GRAPH_NAME: z.string().trim().default(''),
  GRAPH_BASE_URL: z.url({ error: 'GRAPH_BASE_URL must be an absolute URL like https://graph.microsoft.com' }).default('https://graph.microsoft.com'),
  GRAPH_LOGIN_URL: z.url({ error: 'GRAPH_LOGIN_URL must be an absolute URL like https://login.microsoftonline.com' }).default('https://login.microsoftonline.com'),
  GRAPH_POLL_SECONDS: z.coerce.number().int().min(1).max(3600).default(10),
  GRAPH_AFTER: z.enum(['seen', 'move'], { error: 'GRAPH_AFTER must be seen or move' }).default('seen'),
  GRAPH_MOVE_TO: z.string().trim().default(''),
  MAX_EMAIL_SIZE: z.coerce.number().int().min(1024).default(25 * 1024 * 1024),
  INGEST_RATE_LIMIT: z.coerce.number().int().min(1).default(30),
  HEAP_GROWING_PERCENT: z.coerce.number({ error: 'HEAP_GROWING_PERCENT must be a whole number from 0 to 400' }).int().min(0).max(400).default(200),
  OUTBOX_CLAIM_SECONDS: z.coerce.number().int().min(5).max(86400).default(300),
  SMTP_URL: z
    .string()
    .refine((v) => v === '' || (/^smtps?:\/\//.test(v) && URL.canParse(v)), 'SMTP_URL must look like smtp://user:pass@host:587 or smtps://user:pass@host:465 (user and password URL-encoded)')
    .default(''),
  MAIL_FROM: z.string().optional(),
  SYSTEM_HEADER: z.string().default(''),
  SYSTEM_FOOTER: z.string().default(''),
  ADDITIONAL_EMAIL_TEXT: z.string().default(''),
  OIDC_ISSUER: z.union([z.literal(''), z.url({ error: 'OIDC_ISSUER must be the provider\'s issuer URL, e.g. https://login.example.com/realms/staff' })]).default(''),
  OIDC_CLIENT_ID: z.string().default(''),
  OIDC_CLIENT_SECRET: z.string().default(''),
  SECRET_KEY: z.string().min(16, 'SECRET_KEY must be at least 16 characters (e.g. the output of `openssl rand -base64 32`)').optional(),
});

/** Every environment variable the server reads (README's Configuration table lists exactly these). */
export const ENV_VARIABLES: readonly string[] = Object.keys(schema.shape);

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  /** postgres://… for PostgreSQL; empty for SQLite in dataDir */
  databaseUrl: string;
  /** this node's name in leases and logs (NODE_NAME, or the host name); the domain appends the process id */
  nodeName: string;
  /** origin users reach us at, without trailing slash */
  publicUrl: string;
  /** whether PUBLIC_URL was set (else publicUrl is derived from HOST and PORT) */
  publicUrlSet: boolean;
  secureCookies: boolean;
  sessionTtlMs: number;
  logLevel: 'debug' | 'info' | 'warn' | 'error';
  /**
   * HEAP_GROWING_PERCENT: how far a JavaScript heap grows past its live size before the next full
   * GC (200: to 3×; decision 008). 0 leaves it to V8, which grows small heaps far less (for a
   * tight memory limit, at the cost of ~4 % more CPU while ingesting).
   */
  heapGrowingPercent: number;
  /** which peers may tell us the client's address in X-Forwarded-For */
  trustProxy: TrustProxy;
  /**
   * SECRET_KEY: encrypts stored mail passwords and signs customer links. Unset: a key generated
   * once in DATA_DIR/secret.key (mode 0600). Several nodes must share one key.
   */
  secretKey: string | null;
  mail: MailConfig;
  /** single sign-on from the environment (the Admin page's settings, once saved, take over); never logged */
  oidc: { issuer: string; clientId: string; clientSecret: string } | null;
}

/**
 * off: the client is the TCP peer. hops: that many reverse proxies stand in front of us, each
 * appending its peer to X-Forwarded-For. addresses: peers at these addresses (or CIDR ranges)
 * are our proxies, wherever they sit in the chain.
 */
export type TrustProxy =
  | { mode: 'off' }
  | { mode: 'hops'; hops: number }
  | { mode: 'addresses'; addresses: string[] };

/** TRUST_PROXY: off/false/0, true/1, a hop count, or a comma-separated list of addresses and CIDR ranges. */
export function parseTrustProxy(value: string): TrustProxy | null {
  const v = value.trim().toLowerCase();
  if (v === '' || v === 'off' || v === 'false' || v === '0') return { mode: 'off' };
  if (v === 'true') return { mode: 'hops', hops: 1 };
  if (/^\d+$/.test(v)) {
    const hops = Number(v);
    return hops <= 20 ? { mode: 'hops', hops } : null;
  }
  const addresses = v.split(/[\s,]+/).filter(Boolean);
  return addresses.every(isAddressOrRange) ? { mode: 'addresses', addresses } : null;
}

function isAddressOrRange(entry: string): boolean {
  const [address = '', prefix, ...rest] = entry.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128);
}

export interface ImapMailboxConfig {
  /** label used for checkpoints and health; defaults to user@host/mailbox */
  name: string;
  host: string;
  port: number;
  /** implicit TLS (imaps, 993) */
  secure: boolean;
  /** true: STARTTLS required; false: never; unset: used when the server offers it */
  doSTARTTLS?: boolean | undefined;
  user: string;
  password: string;
  mailbox: string;
  /** what to do after a message is committed: always \\Seen, then optionally move or delete */
  after: 'seen' | 'move' | 'delete';
  moveTo: string;
  /** mail already in the folder when it is first watched (IMAP_MAILBOXES: always `unread`) */
  existingMail: ExistingMail;
}

/** A Microsoft Graph (Exchange Online) mailbox read with the client-credentials flow. */
export interface GraphMailboxConfig {
  /** label used for checkpoints, health and the lease `graph:<name>` */
  name: string;
  tenantId: string;
  clientId: string;
  /** never logged */
  clientSecret: string;
  /** the mailbox's user id or user principal name */
  mailbox: string;
  /** https://graph.microsoft.com unless pointed elsewhere (national clouds, tests) */
  baseUrl: string;
  /** https://login.microsoftonline.com unless pointed elsewhere */
  loginUrl: string;
  /** how often the inbox is polled when no change notification wakes it sooner */
  pollSeconds: number;
  /** after a message is committed: always marked read, then optionally moved */
  after: 'seen' | 'move';
  /** folder id, well-known name (archive, deleteditems…) or display name of a top-level folder */
  moveTo: string;
  /** mail already in the inbox when it is first read (GRAPH_*: always `unread`) */
  existingMail: ExistingMail;
}

export interface MailConfig {
  incomingEmail: string;
  serviceDeskEmail: string | null;
  smtpListen: { host: string; port: number } | null;
  imapMailboxes: ImapMailboxConfig[];
  /** the GRAPH_* mailbox, when the environment sets one */
  graphMailbox: GraphMailboxConfig | null;
  maxEmailSize: number;
  /** messages per sender per project per minute */
  rateLimitPerMinute: number;
  /** outbound SMTP; null = write .eml files to DATA_DIR/outbox */
  smtpUrl: string | null;
  /** how long a node's claim on an email lasts: after that (the node died mid-send) another node sends it */
  outboxClaimMs: number;
  /** From address of customer email; defaults to the incoming address without key */
  mailFrom: string | null;
  systemHeader: string;
  systemFooter: string;
  additionalText: string;
  /**
   * Which mail settings the environment sets. Those win over the Admin page's and are shown
   * there read-only; the others come from the database (or their defaults).
   */
  fromEnv: { incomingEmail: boolean; serviceDeskEmail: boolean; smtpUrl: boolean; mailFrom: boolean; imapMailboxes: boolean; graphMailbox: boolean };
}

/**
 * IMAP_MAILBOXES: whitespace-separated URLs,
 * `imap[s]://user:password@host[:port]/Mailbox?after=seen|move|delete&moveTo=Processed&name=label`
 * (user and password URL-encoded).
 */
export function parseImapMailboxes(value: string): ImapMailboxConfig[] {
  return value
    .split(/\s+/)
    .filter(Boolean)
    .map((raw) => {
      let url: URL;
      try {
        url = new URL(raw);
      } catch {
        throw new Error('IMAP_MAILBOXES: each entry must be a URL like imaps://user:pass@imap.example.com/INBOX');
      }
      if (url.protocol !== 'imap:' && url.protocol !== 'imaps:') throw new Error(`IMAP_MAILBOXES: use imap:// or imaps://, not ${url.protocol}`);
      if (!url.username) throw new Error('IMAP_MAILBOXES: a user name is required');
      const after = url.searchParams.get('after') ?? 'seen';
      if (after !== 'seen' && after !== 'move' && after !== 'delete') throw new Error('IMAP_MAILBOXES: after= must be seen, move or delete');
      const secure = url.protocol === 'imaps:';
      const mailbox = decodeURIComponent(url.pathname.replace(/^\//, '')) || 'INBOX';
      const user = decodeURIComponent(url.username);
      return {
        name: url.searchParams.get('name') ?? `${user}@${url.hostname}/${mailbox}`,
        host: url.hostname,
        port: url.port ? Number(url.port) : secure ? 993 : 143,
        secure,
        user,
        password: decodeURIComponent(url.password),
        mailbox,
        after,
        moveTo: url.searchParams.get('moveTo') ?? 'Processed',
        existingMail: 'unread' as const,
      };
    });
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  const shownHost = e.HOST === '0.0.0.0' || e.HOST === '::' ? 'localhost' : e.HOST;
  const publicUrl = (e.PUBLIC_URL ?? `http://${shownHost}:${e.PORT}`).replace(/\/+$/, '');
  return {
    port: e.PORT,
    host: e.HOST,
    dataDir: path.resolve(e.DATA_DIR),
    databaseUrl: e.DATABASE_URL,
    nodeName: e.NODE_NAME ?? os.hostname(),
    publicUrl,
    publicUrlSet: e.PUBLIC_URL !== undefined,
    secureCookies: publicUrl.startsWith('https:'),
    sessionTtlMs: e.SESSION_TTL_DAYS * 24 * 60 * 60 * 1000,
    logLevel: e.LOG_LEVEL,
    heapGrowingPercent: e.HEAP_GROWING_PERCENT,
    trustProxy: e.TRUST_PROXY,
    secretKey: e.SECRET_KEY ?? null,
    mail: {
      incomingEmail: e.INCOMING_EMAIL,
      serviceDeskEmail: e.SERVICE_DESK_EMAIL ?? null,
      smtpListen: parseListen(e.SMTP_LISTEN),
      imapMailboxes: parseImapMailboxes(e.IMAP_MAILBOXES),
      graphMailbox: graphMailboxFromEnv(e),
      maxEmailSize: e.MAX_EMAIL_SIZE,
      rateLimitPerMinute: e.INGEST_RATE_LIMIT,
      outboxClaimMs: e.OUTBOX_CLAIM_SECONDS * 1000,
      smtpUrl: e.SMTP_URL || null,
      mailFrom: e.MAIL_FROM || null,
      systemHeader: e.SYSTEM_HEADER,
      systemFooter: e.SYSTEM_FOOTER,
      additionalText: e.ADDITIONAL_EMAIL_TEXT,
      fromEnv: {
        incomingEmail: isSet(env.INCOMING_EMAIL),
        serviceDeskEmail: isSet(env.SERVICE_DESK_EMAIL),
        smtpUrl: isSet(env.SMTP_URL),
        mailFrom: isSet(env.MAIL_FROM),
        imapMailboxes: isSet(env.IMAP_MAILBOXES),
        graphMailbox: isSet(env.GRAPH_MAILBOX) || isSet(env.GRAPH_TENANT_ID) || isSet(env.GRAPH_CLIENT_ID),
      },
    },
    oidc: e.OIDC_ISSUER && e.OIDC_CLIENT_ID ? { issuer: e.OIDC_ISSUER, clientId: e.OIDC_CLIENT_ID, clientSecret: e.OIDC_CLIENT_SECRET } : null,
  };
}

/** The GRAPH_* variables as one mailbox; all four of tenant, client id, secret and mailbox, or none. */
function graphMailboxFromEnv(e: z.infer<typeof schema>): GraphMailboxConfig | null {
  const required = { GRAPH_TENANT_ID: e.GRAPH_TENANT_ID, GRAPH_CLIENT_ID: e.GRAPH_CLIENT_ID, GRAPH_CLIENT_SECRET: e.GRAPH_CLIENT_SECRET, GRAPH_MAILBOX: e.GRAPH_MAILBOX };
  const missing = Object.entries(required).filter(([, v]) => v === '').map(([k]) => k);
  if (missing.length === 4) return null;
  if (missing.length > 0) throw new Error(`Invalid configuration:\n  A Microsoft Graph mailbox needs GRAPH_TENANT_ID, GRAPH_CLIENT_ID, GRAPH_CLIENT_SECRET and GRAPH_MAILBOX; missing: ${missing.join(', ')}`);
  if (e.GRAPH_AFTER === 'move' && !e.GRAPH_MOVE_TO) throw new Error('Invalid configuration:\n  GRAPH_AFTER=move needs GRAPH_MOVE_TO (a folder id, a well-known name like archive, or a folder name)');
  return {
    name: e.GRAPH_NAME || e.GRAPH_MAILBOX,
    tenantId: e.GRAPH_TENANT_ID,
    clientId: e.GRAPH_CLIENT_ID,
    clientSecret: e.GRAPH_CLIENT_SECRET,
    mailbox: e.GRAPH_MAILBOX,
    baseUrl: e.GRAPH_BASE_URL.replace(/\/+$/, ''),
    loginUrl: e.GRAPH_LOGIN_URL.replace(/\/+$/, ''),
    pollSeconds: e.GRAPH_POLL_SECONDS,
    after: e.GRAPH_AFTER,
    moveTo: e.GRAPH_MOVE_TO,
    existingMail: 'unread',
  };
}

function isSet(value: string | undefined): boolean {
  return value !== undefined && value.trim() !== '';
}

function parseListen(value: string): { host: string; port: number } | null {
  if (value === 'off') return null;
  const i = value.lastIndexOf(':');
  return { host: value.slice(0, i).replace(/^\[|\]$/g, ''), port: Number(value.slice(i + 1)) };
}

/** What `npm run cluster` (server/tools/cluster.ts) takes from its environment. */
export interface ClusterToolOptions {
  /** the balancer's port (`CLUSTER_PORT`, default 3000); nodes listen on the next three */
  port: number;
  /** one `SECRET_KEY` for every node; generated when unset */
  secretKey: string | undefined;
  logLevel: string;
  /** the environment the nodes inherit (PATH, locale, …) */
  inherited: NodeJS.ProcessEnv;
}

export function clusterToolOptions(env: NodeJS.ProcessEnv = process.env): ClusterToolOptions {
  const port = Number(env.CLUSTER_PORT ?? 3000);
  if (!Number.isInteger(port) || port < 1 || port > 65532) throw new Error(`Invalid configuration:\n  CLUSTER_PORT: must be a port number up to 65532 (got ${env.CLUSTER_PORT})`);
  return { port, secretKey: env.SECRET_KEY || undefined, logLevel: env.LOG_LEVEL ?? 'warn', inherited: { ...env } };
}

/**
 * The environment of a child process we start (the `desk` CLI run by tests and tools): ours, with
 * `overrides` on top. Here so that this module stays the one reader of process.env.
 */
export function childProcessEnv(overrides: Record<string, string>, env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return { ...env, ...overrides };
}
