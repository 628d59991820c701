/**
 * Single sign-on with OpenID Connect, the rules side: the provider settings (environment
 * `OIDC_ISSUER`, `OIDC_CLIENT_ID`, `OIDC_CLIENT_SECRET` by default, or set on the Admin page),
 * sign-ins under way (PKCE verifier and nonce, kept in the database so the callback may reach any
 * node), and who a provider's answer signs in: the account linked to its subject, else the
 * account with its verified email, else — when creation is on, or an invitation is being
 * accepted — a new account. The protocol itself (discovery, redirects, token checks) is
 * server/http/oidc.ts with openid-client.
 */
import { and, eq, isNull, lt } from 'drizzle-orm';
import { instanceSettings, oidcStates, users } from '../../../db/schema';
import { AppError } from '../../../shared/errors';
import type { SignInOptions } from '../../../shared/views';
import { recordAudit, type Actor } from '../audit/audit-log';
import type { DomainCtx } from '../core/context';
import { acceptInvitationRow, invitationByHash } from './invitations';
import { forgetSignInOptions, keptSignInOptions } from './sign-in-cache';
import { createSession, type SessionMeta } from './sessions';
import { hashToken } from './tokens';
import { log } from '../../log';
import { findUserByEmail, isUniqueViolation, setupNeeded, type UserRow } from './users';

export interface SsoSettings {
  enabled: boolean;
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** shown as "Sign in with <providerName>" */
  providerName: string;
  /** create an account for a verified email that has none (off by default) */
  autoCreate: boolean;
  /** passwords refused for everyone but administrators */
  ssoOnly: boolean;
}

/** The settings as the Admin page shows them: never the secret itself. */
export type SsoSettingsView = Omit<SsoSettings, 'clientSecret'> & { hasClientSecret: boolean; fromEnvironment: boolean };

export interface SsoEnvironment {
  issuer: string;
  clientId: string;
  clientSecret: string;
}

const KEY = 'sso';

/** What the sign-in pages and the password rules need: everything but the client secret. */
export type SignInSettings = Omit<SsoSettings, 'clientSecret'>;

/**
 * The client secret is stored sealed with the instance key (domain/core/secret-box.ts), like
 * mail passwords. A value saved before that is plain text and still read; the next save seals it.
 * One this node cannot open (another SECRET_KEY) reads as no secret: the provider then refuses.
 * That is said once per node and stored value, not at every sign-in attempt.
 */
let undecryptableWarned = '';
function openClientSecret(dc: DomainCtx, stored: string): string {
  if (!stored.startsWith('v1:')) return stored;
  try {
    return dc.secrets.open(stored);
  } catch {
    if (undecryptableWarned !== stored) {
      undecryptableWarned = stored;
      log.warn('the stored single sign-on client secret cannot be decrypted with this server\'s key; set the same SECRET_KEY on every node or enter it again');
    }
    return '';
  }
}

async function storedSettings(dc: DomainCtx): Promise<SsoSettings | undefined> {
  const row = await dc.db.select({ value: instanceSettings.value }).from(instanceSettings).where(eq(instanceSettings.key, KEY)).get();
  return row ? (JSON.parse(row.value) as SsoSettings) : undefined;
}

function environmentSettings(env: SsoEnvironment | null): SsoSettings & { fromEnvironment: boolean } {
  return {
    enabled: env !== null,
    issuer: env?.issuer ?? '',
    clientId: env?.clientId ?? '',
    clientSecret: env?.clientSecret ?? '',
    providerName: env ? new URL(env.issuer).hostname : '',
    autoCreate: false,
    ssoOnly: false,
    fromEnvironment: true,
  };
}

/** The settings with the client secret opened: for talking to the provider and for the Admin page. */
export async function readSsoSettings(dc: DomainCtx, env: SsoEnvironment | null): Promise<SsoSettings & { fromEnvironment: boolean }> {
  const stored = await storedSettings(dc);
  if (stored) return { ...stored, clientSecret: openClientSecret(dc, stored.clientSecret), fromEnvironment: false };
  return environmentSettings(env);
}

/** The settings without the client secret, which is then neither opened nor complained about. */
export async function readSignInSettings(dc: DomainCtx, env: SsoEnvironment | null): Promise<SignInSettings> {
  const { clientSecret: _secret, ...settings } = (await storedSettings(dc)) ?? environmentSettings(env);
  return settings;
}

export function ssoView(s: SsoSettings & { fromEnvironment: boolean }): SsoSettingsView {
  const { clientSecret, ...rest } = s;
  return { ...rest, hasClientSecret: clientSecret !== '' };
}

/** Whether single sign-on can be offered: on, and complete. */
export function ssoUsable(s: SignInSettings): boolean {
  return s.enabled && s.issuer !== '' && s.clientId !== '';
}

export function signInOptions(s: SignInSettings, needsSetup: boolean): SignInOptions {
  const usable = ssoUsable(s);
  return { needsSetup, sso: usable ? ssoLabel(s) : null, ssoOnly: usable && s.ssoOnly };
}

/** What the sign-in page offers, as `auth.status` answers it: kept briefly per node (sign-in-cache.ts). */
export function currentSignInOptions(dc: DomainCtx, env: SsoEnvironment | null): Promise<SignInOptions> {
  return keptSignInOptions(dc, async () => signInOptions(await readSignInSettings(dc, env), await setupNeeded(dc)));
}

/**
 * The provider's name as configured. With none — or only the issuer's host name, which the
 * environment's settings use and an Admin page saved from them keeps — the host name, marked
 * `unnamed` so pages say "single sign-on" rather than "Sign in with 127.0.0.1".
 */
function ssoLabel(s: SignInSettings): NonNullable<SignInOptions['sso']> {
  let host: string;
  try {
    host = new URL(s.issuer).hostname;
  } catch {
    host = s.issuer;
  }
  const name = s.providerName.trim();
  return name && name !== host ? { name } : { name: host, unnamed: true };
}

/** Whether this user may sign in (or reset) with a password: always, unless "SSO only" is on and they are not an admin. */
export function mayUsePassword(s: SignInSettings, user: Pick<UserRow, 'isAdmin'>): boolean {
  return !(ssoUsable(s) && s.ssoOnly) || user.isAdmin;
}

/** Saves the Admin page's settings; an empty `clientSecret` keeps the stored one. Audited, secret left out. */
export async function saveSsoSettings(dc: DomainCtx, actor: Actor, env: SsoEnvironment | null, input: Omit<SsoSettings, 'clientSecret'> & { clientSecret?: string | undefined }): Promise<SsoSettingsView> {
  const current = await readSsoSettings(dc, env);
  const next: SsoSettings = {
    enabled: input.enabled,
    issuer: input.issuer,
    clientId: input.clientId,
    clientSecret: input.clientSecret ? input.clientSecret : current.clientSecret,
    providerName: input.providerName,
    autoCreate: input.autoCreate,
    ssoOnly: input.ssoOnly,
  };
  if (next.enabled && (!next.issuer || !next.clientId)) throw new AppError('INVALID_INPUT', 'Single sign-on needs an issuer URL and a client id.');
  await dc.db.write(async (tx) => {
    const at = dc.now();
    const value = JSON.stringify({ ...next, clientSecret: next.clientSecret ? dc.secrets.seal(next.clientSecret) : '' });
    await tx.insert(instanceSettings).values({ key: KEY, value, updatedAt: at }).onConflictDoUpdate({ target: instanceSettings.key, set: { value, updatedAt: at } }).run();
    const { clientSecret: _secret, ...shown } = next;
    await recordAudit(tx, actor, { action: 'settings.sso_changed', detail: { ...shown, clientSecretChanged: Boolean(input.clientSecret) } }, at);
  });
  forgetSignInOptions(dc);
  return ssoView({ ...next, fromEnvironment: false });
}

// ---------------------------------------------------------------- sign-ins under way

const STATE_TTL_MS = 10 * 60 * 1000;

export async function saveOidcState(dc: DomainCtx, s: { state: string; codeVerifier: string; nonce: string; returnTo: string; invitationToken?: string | undefined }): Promise<void> {
  await dc.db.write(async (tx) => {
    const at = dc.now();
    await tx.delete(oidcStates).where(lt(oidcStates.expiresAt, at)).run();
    await tx
      .insert(oidcStates)
      .values({
        stateHash: hashToken(s.state),
        codeVerifier: s.codeVerifier,
        nonce: s.nonce,
        returnTo: s.returnTo,
        invitationHash: s.invitationToken ? hashToken(s.invitationToken) : null,
        expiresAt: at + STATE_TTL_MS,
      })
      .run();
  });
}

/** The sign-in this `state` started, removed so it is used once; undefined when unknown or expired. */
export async function takeOidcState(dc: DomainCtx, state: string): Promise<typeof oidcStates.$inferSelect | undefined> {
  return dc.db.write(async (tx) => {
    const row = await tx.delete(oidcStates).where(and(eq(oidcStates.stateHash, hashToken(state)))).returning().get();
    return row && row.expiresAt > dc.now() ? row : undefined;
  });
}

// ---------------------------------------------------------------- who the provider signs in

/** A provider's display name as one clean line (it becomes a mail header's display name). */
function cleanName(name: string | null, email: string): string {
  const clean = (name ?? '').replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, '').trim().slice(0, 100);
  return clean || (email.split('@')[0] ?? email);
}

export interface OidcIdentity {
  subject: string;
  email: string | null;
  emailVerified: boolean;
  name: string | null;
}

/**
 * The account the provider's answer signs in, with a new session: the one linked to its subject,
 * else the one with its verified email unless that is linked to another subject. Throws
 * SSO_EMAIL_UNVERIFIED, SSO_NO_ACCOUNT, SSO_ACCOUNT_LINKED, SSO_EMAIL_MISMATCH or ACCOUNT_DEACTIVATED.
 */
export async function signInWithOidc(
  dc: DomainCtx,
  settings: SsoSettings,
  id: OidcIdentity,
  opts: { invitationHash: string | null; ttlMs: number; meta: SessionMeta },
): Promise<{ user: UserRow; sessionToken: string; projectPath: string | null }> {
  const bySubject = await dc.db.select().from(users).where(eq(users.oidcSubject, id.subject)).get();
  let user = bySubject;
  if (!user) {
    if (!id.email || !id.emailVerified) throw new AppError('SSO_EMAIL_UNVERIFIED');
    const email = id.email.toLowerCase();
    user = await findUserByEmail(dc.db, email);
    if (user?.oidcSubject != null && user.oidcSubject !== id.subject) {
      // The account was linked to another identity at the provider: an email address the provider
      // has since given to someone else (a reused mailbox, a renamed colleague) must not take it over.
      log.warn('single sign-on refused: the account with this email is linked to another identity at the provider', { userId: user.id });
      throw new AppError('SSO_ACCOUNT_LINKED');
    }
    if (!user) {
      const invitation = opts.invitationHash ? await invitationByHash(dc.db, opts.invitationHash) : undefined;
      if (invitation && invitation.expiresAt > dc.now()) {
        if (invitation.email !== email) throw new AppError('SSO_EMAIL_MISMATCH');
        const accepted = await acceptInvitationRow(dc, invitation, { name: cleanName(id.name, email), password: null, oidcSubject: id.subject }, opts);
        if (accepted.sessionToken) return { user: accepted.user, sessionToken: accepted.sessionToken, projectPath: accepted.projectPath };
        user = accepted.user;
      } else if (settings.autoCreate) {
        user = await createSsoUser(dc, email, id);
      } else {
        throw new AppError('SSO_NO_ACCOUNT');
      }
    }
  }
  if (user.kind !== 'human') throw new AppError('SSO_NO_ACCOUNT');
  if (user.deactivatedAt !== null) throw new AppError('ACCOUNT_DEACTIVATED');
  if (user.oidcSubject === null) {
    const linked = user;
    // Only while still unlinked: two first sign-ins at once with different subjects (the case
    // SSO_ACCOUNT_LINKED guards) must not both link, the last one winning.
    const won = await dc.db.write((tx) =>
      tx.update(users).set({ oidcSubject: id.subject }).where(and(eq(users.id, linked.id), isNull(users.oidcSubject))).returning({ id: users.id }).get(),
    );
    if (!won) {
      const now = await dc.db.select({ oidcSubject: users.oidcSubject }).from(users).where(eq(users.id, linked.id)).get();
      if (now?.oidcSubject !== id.subject) {
        log.warn('single sign-on refused: the account was linked to another identity at the provider meanwhile', { userId: linked.id });
        throw new AppError('SSO_ACCOUNT_LINKED');
      }
    }
  }
  const { token } = await createSession(dc, user.id, opts.ttlMs, opts.meta);
  return { user, sessionToken: token, projectPath: null };
}

async function createSsoUser(dc: DomainCtx, email: string, id: OidcIdentity): Promise<UserRow> {
  try {
    return await dc.db.write(async (tx) => {
      const at = dc.now();
      const user = await tx
        .insert(users)
        .values({ email, name: cleanName(id.name, email), passwordHash: null, kind: 'human', createdAt: at, oidcSubject: id.subject })
        .returning()
        .get();
      await recordAudit(tx, { id: user.id, name: user.name }, { action: 'user.created_by_sso', target: email }, at);
      return user;
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw new AppError('SSO_FAILED');
    throw err;
  }
}
