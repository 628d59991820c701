/**
 * Invitations by email: an admin invites to the instance (optionally to a project), a maintainer
 * to their project with a role. The invitee gets a single-use link valid for 7 days; opening it
 * sets a name and password (or signs in with single sign-on) and lands in the project. Inviting
 * someone who already has an account just adds the membership. Pending invitations can be
 * resent (a new link; the old one stops working) and revoked.
 */
import { and, desc, eq, isNull, lt } from 'drizzle-orm';
import type { Q, Tx } from '../../../db/client';
import { accountTokens, memberships, projects, users } from '../../../db/schema';
import { AppError } from '../../../shared/errors';
import { ACCESS, type Role } from '../../../shared/roles';
import type { InvitationView, MemberView } from '../../../shared/views';
import { recordAudit, type Actor } from '../audit/audit-log';
import type { DomainCtx } from '../core/context';
import { currentAccess, type ProjectAccess } from './access';
import { linkFor, queueAccountMail } from './account-mail';
import { setMember } from './members';
import { hashPassword } from './passwords';
import { createSessionTx, type SessionMeta } from './sessions';
import { consumeToken, findToken, newToken, TOKEN_TTL_MS, tokenState, usableToken, type TokenRow, type TokenState } from './tokens';
import { findUserByEmail, isUniqueViolation, type UserRow } from './users';
import { admitInvitationResend } from './login-throttle';

export type InviteResult =
  | { status: 'invited'; invitation: InvitationView; url: string }
  | { status: 'added'; member: MemberView };

async function view(q: Q, row: TokenRow, now: number): Promise<InvitationView> {
  const project = row.projectId === null ? undefined : await q.select({ path: projects.path }).from(projects).where(eq(projects.id, row.projectId)).get();
  const inviter = row.invitedBy === null ? undefined : await q.select({ name: users.name }).from(users).where(eq(users.id, row.invitedBy)).get();
  return {
    id: row.id,
    email: row.email,
    projectPath: project?.path ?? null,
    role: row.role,
    invitedBy: inviter?.name ?? null,
    createdAt: new Date(row.createdAt).toISOString(),
    expiresAt: new Date(row.expiresAt).toISOString(),
    expired: row.expiresAt <= now,
  };
}

/**
 * Invites `email`, to the instance or (with `pa` and `role`) to a project. Only owners and admins
 * may invite as owner, as with members.
 */
export async function invite(dc: DomainCtx, actor: Actor, input: { email: string; pa?: ProjectAccess | undefined; role?: Role | undefined }): Promise<InviteResult> {
  const email = input.email.toLowerCase();
  const { pa, role } = input;
  if (pa && !role) throw new AppError('INVITATION_ROLE_REQUIRED');
  if (pa && role === 'owner' && pa.access < ACCESS.owner) throw new AppError('OWNER_REQUIRED');
  const existing = await findUserByEmail(dc.db, email);
  if (existing) {
    if (existing.kind !== 'human' || !pa || !role) throw new AppError('ALREADY_MEMBER');
    return { status: 'added', member: await setMember(dc, pa, { email, role }, actor) };
  }
  return dc.db.write(async (tx) => {
    const at = dc.now();
    // A second invitation to the same place replaces the first: one pending link per person and
    // project. It is an invitation sent again, counted as a resend is (a first one is not).
    const replaced = await tx
      .update(accountTokens)
      .set({ revokedAt: at })
      .where(
        and(
          eq(accountTokens.kind, 'invitation'),
          eq(accountTokens.email, email),
          pa ? eq(accountTokens.projectId, pa.project.id) : isNull(accountTokens.projectId),
          isNull(accountTokens.usedAt),
          isNull(accountTokens.revokedAt),
        ),
      )
      .returning({ id: accountTokens.id })
      .all();
    if (replaced.length > 0) await admitInvitationResend(tx, email, at);
    const { token, hash } = newToken();
    const row = await tx
      .insert(accountTokens)
      .values({
        kind: 'invitation',
        tokenHash: hash,
        email,
        projectId: pa?.project.id ?? null,
        role: role ?? null,
        invitedBy: actor.id,
        createdAt: at,
        expiresAt: at + TOKEN_TTL_MS.invitation,
      })
      .returning()
      .get();
    await queueAccountMail(tx, dc.mail, { kind: 'invitation', to: email, token, ...(await inviterOf(tx, actor)), projectPath: pa?.project.path ?? null, role: role ?? null }, at);
    await recordAudit(tx, actor, { projectId: pa?.project.id ?? null, action: 'invitation.created', target: email, ...(role ? { detail: { role } } : {}) }, at);
    return { status: 'invited' as const, invitation: await view(tx, row, at), url: linkFor(dc.mail, 'invitation', token) };
  });
}

const pending = () => and(eq(accountTokens.kind, 'invitation'), isNull(accountTokens.usedAt), isNull(accountTokens.revokedAt));

/** Pending invitations, newest first: of one project, or (`projectId` undefined) of the whole instance. */
export async function listInvitations(dc: DomainCtx, opts: { projectId?: number | undefined; beforeId?: number | undefined; limit: number }): Promise<InvitationView[]> {
  const rows = await dc.db
    .select()
    .from(accountTokens)
    .where(and(pending(), opts.projectId === undefined ? undefined : eq(accountTokens.projectId, opts.projectId), opts.beforeId ? lt(accountTokens.id, opts.beforeId) : undefined))
    .orderBy(desc(accountTokens.id))
    .limit(opts.limit)
    .all();
  const now = dc.now();
  return Promise.all(rows.map((r) => view(dc.db, r, now)));
}

/**
 * The pending invitation `id`, if `user` may manage it: admins any, maintainers (and up) those
 * to their project. Anything else is "not found".
 */
export async function manageableInvitation(dc: DomainCtx, user: UserRow, id: number): Promise<TokenRow> {
  const row = await dc.db.select().from(accountTokens).where(and(pending(), eq(accountTokens.id, id))).get();
  if (!row) throw new AppError('INVITATION_NOT_FOUND');
  if (user.isAdmin) return row;
  const project = row.projectId === null ? undefined : await dc.db.select().from(projects).where(eq(projects.id, row.projectId)).get();
  if (!project || (await currentAccess(dc.db, project, user)) < ACCESS.maintainer) throw new AppError('INVITATION_NOT_FOUND');
  if (row.role === 'owner' && (await currentAccess(dc.db, project, user)) < ACCESS.owner) throw new AppError('OWNER_REQUIRED');
  return row;
}

/**
 * Who the invitation is from: a person's name and address (replies go to them). The command line
 * is nobody: "command line invited you" would read as a name.
 */
async function inviterOf(tx: Tx, actor: Actor): Promise<{ inviter?: string; inviterEmail?: string | null }> {
  if (actor.id === null) return {};
  const row = await tx.select({ email: users.email }).from(users).where(eq(users.id, actor.id)).get();
  return { inviter: actor.name, inviterEmail: row?.email ?? null };
}

/** A new link for the same invitation, valid 7 days from now; the old link stops working. */
export async function resendInvitation(dc: DomainCtx, actor: Actor, row: TokenRow): Promise<InvitationView> {
  return dc.db.write(async (tx) => {
    const at = dc.now();
    const { token, hash } = newToken();
    const updated = await tx
      .update(accountTokens)
      .set({ tokenHash: hash, expiresAt: at + TOKEN_TTL_MS.invitation })
      .where(and(pending(), eq(accountTokens.id, row.id)))
      .returning()
      .get();
    if (!updated) throw new AppError('INVITATION_NOT_FOUND');
    // after its own checks: a resend refused for another reason is not counted
    await admitInvitationResend(tx, row.email, at);
    const project = row.projectId === null ? undefined : await tx.select({ path: projects.path }).from(projects).where(eq(projects.id, row.projectId)).get();
    await queueAccountMail(tx, dc.mail, { kind: 'invitation', to: row.email, token, ...(await inviterOf(tx, actor)), projectPath: project?.path ?? null, role: row.role }, at);
    await recordAudit(tx, actor, { projectId: row.projectId, action: 'invitation.resent', target: row.email }, at);
    return view(tx, updated, at);
  });
}

export async function revokeInvitation(dc: DomainCtx, actor: Actor, row: TokenRow): Promise<void> {
  await dc.db.write(async (tx) => {
    const at = dc.now();
    const revoked = await tx.update(accountTokens).set({ revokedAt: at }).where(and(pending(), eq(accountTokens.id, row.id))).returning({ id: accountTokens.id }).get();
    if (!revoked) throw new AppError('INVITATION_NOT_FOUND');
    await recordAudit(tx, actor, { projectId: row.projectId, action: 'invitation.revoked', target: row.email }, at);
  });
}

/** What the invitation page shows: whose invitation, to where, and whether the link still works. */
export async function invitationState(
  dc: DomainCtx,
  token: string,
): Promise<{ state: TokenState; email: string | null; projectPath: string | null; role: Role | null; hasAccount: boolean }> {
  const row = await findToken(dc.db, 'invitation', token);
  const state = tokenState(row, dc.now());
  if (state !== 'valid' || !row) return { state, email: null, projectPath: null, role: null, hasAccount: false };
  const v = await view(dc.db, row, dc.now());
  return { state, email: row.email, projectPath: v.projectPath, role: row.role, hasAccount: (await findUserByEmail(dc.db, row.email)) !== undefined };
}

/** Membership from an invitation, inside the accepting transaction. */
async function joinProjectTx(tx: Tx, row: TokenRow, userId: number, at: number): Promise<void> {
  if (row.projectId === null || row.role === null) return;
  await tx
    .insert(memberships)
    .values({ projectId: row.projectId, userId, role: row.role, createdAt: at })
    .onConflictDoNothing()
    .run();
}

export interface Accepted {
  user: UserRow;
  /** a session for the new account; null when the address already had an account (sign in instead) */
  sessionToken: string | null;
  projectPath: string | null;
}

/**
 * Accepts an invitation: creates the account with this name and password (or, `password: null`,
 * one that signs in with single sign-on), adds the membership and signs in — once per link. If the
 * address got an account in the meantime, only the membership is added.
 */
export async function acceptInvitation(
  dc: DomainCtx,
  input: { token: string; name?: string | undefined; password?: string | undefined },
  session: { ttlMs: number; meta: SessionMeta },
): Promise<Accepted> {
  const row = await usableToken(dc.db, 'invitation', input.token, dc.now());
  if ((!input.name || !input.password) && !(await findUserByEmail(dc.db, row.email))) {
    throw new AppError('INVALID_INPUT', 'Choose your name and a password (at least 10 characters).');
  }
  return acceptInvitationRow(dc, row, { name: input.name ?? '', password: input.password ?? null }, session);
}

export async function acceptInvitationRow(
  dc: DomainCtx,
  row: TokenRow,
  input: { name: string; password: string | null; oidcSubject?: string | undefined },
  session: { ttlMs: number; meta: SessionMeta },
): Promise<Accepted> {
  const passwordHash = input.password === null ? null : await hashPassword(input.password);
  try {
    return await dc.db.write(async (tx) => {
      const at = dc.now();
      if (!(await consumeToken(tx, row, at))) throw new AppError('LINK_USED');
      const project = row.projectId === null ? undefined : await tx.select({ path: projects.path }).from(projects).where(eq(projects.id, row.projectId)).get();
      const existing = await tx.select().from(users).where(eq(users.email, row.email)).get();
      if (existing) {
        await joinProjectTx(tx, row, existing.id, at);
        await recordAudit(tx, { id: existing.id, name: existing.name }, { projectId: row.projectId, action: 'invitation.accepted', target: row.email }, at);
        return { user: existing, sessionToken: null, projectPath: project?.path ?? null };
      }
      const user = await tx
        .insert(users)
        .values({ email: row.email, name: input.name, passwordHash, kind: 'human', createdAt: at, oidcSubject: input.oidcSubject ?? null })
        .returning()
        .get();
      await joinProjectTx(tx, row, user.id, at);
      await recordAudit(tx, { id: user.id, name: user.name }, { projectId: row.projectId, action: 'invitation.accepted', target: row.email, ...(row.role ? { detail: { role: row.role } } : {}) }, at);
      const { token } = await createSessionTx(tx, user.id, session.ttlMs, at, session.meta);
      return { user, sessionToken: token, projectPath: project?.path ?? null };
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw new AppError('EMAIL_TAKEN');
    throw err;
  }
}

/** The pending invitation a token hash (kept through an OpenID sign-in) stands for. */
export async function invitationByHash(q: Q, hash: string): Promise<TokenRow | undefined> {
  return q.select().from(accountTokens).where(and(pending(), eq(accountTokens.tokenHash, hash))).get();
}

