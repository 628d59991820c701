
import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

export const users = sqliteTable(
  'users',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    /** stored lowercased */
    email: text('email').notNull(),
    name: text('name').notNull(),
    /** scrypt$N$r$p$salt$hash; null for the Support Bot, which cannot sign in */
    passwordHash: text('password_hash'),
    isAdmin: integer('is_admin', { mode: 'boolean' }).notNull().default(false),
    kind: text('kind', { enum: ['human', 'bot'] }).notNull().default('human'),
    createdAt: integer('created_at').notNull(),
    /** set while the account is deactivated: no sign-in, no session, no live stream */
    deactivatedAt: integer('deactivated_at'),
    /** Markdown appended to the user's public replies in the customer's email */
    signature: text('signature').notNull().default(''),
    notifyMode: text('notify_mode', { enum: ['all', 'assigned', 'off'] }).notNull().default('all'),
    /** the OpenID Connect `sub` this account signed in with (issuer-wide unique) */
    oidcSubject: text('oidc_subject'),
  },
  (t) => [uniqueIndex('users_email_unique').on(t.email), uniqueIndex('users_oidc_subject_unique').on(t.oidcSubject)],
);

export const sessions = sqliteTable(
  'sessions',
  {
    /** sha256 of the cookie token: a leaked database does not leak live sessions */
    id: text('id').primaryKey(),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    createdAt: integer('created_at').notNull(),
    expiresAt: integer('expires_at').notNull(),
    lastSeenAt: integer('last_seen_at').notNull(),
    /** shown in My profile's list of active sessions */
    userAgent: text('user_agent'),
    clientAddress: text('client_address'),
  },
  (t) => [index('sessions_user_idx').on(t.userId)],
);

/** Failed sign-ins per key (email, and client address), for throttling across restarts. */
export const loginThrottle = sqliteTable('login_throttle', {
  key: text('key').primaryKey(),
  failures: integer('failures').notNull().default(0),
  windowStart: integer('window_start').notNull(),
  lockedUntil: integer('locked_until').notNull().default(0),
});


/**
 * Single-use links sent by email: invitations, password resets, email-change confirmations.
 * Only the SHA-256 of the token is stored; the token itself exists only in the email.
 */
export const accountTokens = sqliteTable(
  'account_tokens',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    kind: text('kind', { enum: ['invitation', 'password_reset', 'email_change'] }).notNull(),
    tokenHash: text('token_hash').notNull(),
    /** the invitee, the account's address (reset) or the new address (email change); lowercased */
    email: text('email').notNull(),
    /** the account a reset or an email change is for */
    userId: integer('user_id').references(() => users.id, { onDelete: 'cascade' }),
    /** invitation to a project, with this role */
    projectId: integer('project_id'),
    role: text('role', { enum: ['guest', 'reporter', 'developer', 'maintainer', 'owner'] }),
    invitedBy: integer('invited_by'),
    createdAt: integer('created_at').notNull(),
    expiresAt: integer('expires_at').notNull(),
    usedAt: integer('used_at'),
    revokedAt: integer('revoked_at'),
  },
  (t) => [uniqueIndex('account_tokens_hash_unique').on(t.tokenHash), index('account_tokens_kind_email_idx').on(t.kind, t.email)],
);

/** Who changed which setting, member, role, template or user, and when. Never updated. */
export const auditLog = sqliteTable(
  'audit_log',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    at: integer('at').notNull(),
    /** null: the operator's command line */
    actorId: integer('actor_id'),
    actorName: text('actor_name').notNull(),
    /** null: an instance-wide change */
    projectId: integer('project_id'),
    action: text('action').notNull(),
    target: text('target').notNull().default(''),
    detail: text('detail').notNull().default(''),
  },
  (t) => [index('audit_log_project_idx').on(t.projectId, t.id)],
);

/** Instance settings changed on the Admin page (single sign-on); each value is JSON. */
export const instanceSettings = sqliteTable('instance_settings', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
  updatedAt: integer('updated_at').notNull(),
});

/**
 * An OpenID Connect sign-in under way: the PKCE verifier and nonce for the `state` the browser
 * carries (stored hashed), so the callback may land on any node.
 */
export const oidcStates = sqliteTable('oidc_states', {
  stateHash: text('state_hash').primaryKey(),
  codeVerifier: text('code_verifier').notNull(),
  nonce: text('nonce').notNull(),
  returnTo: text('return_to').notNull(),
  /** the invitation being accepted by signing in with the provider */
  invitationHash: text('invitation_hash'),
  expiresAt: integer('expires_at').notNull(),
});
