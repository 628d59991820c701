/**
 * Invitations: admins invite to the instance (and optionally a project); maintainers invite to
 * their project with a role. The link itself only ever travels by email (or the operator's
 * `desk invite`), never in an API answer, so nobody can accept an invitation for someone else.
 */
import { invitationRefInput, invitationsListInput, inviteInput } from '../../../shared/schemas';
import { AppError } from '../../../shared/errors';
import { CAN } from '../../../shared/roles';
import { projectAccess, requireAccess, type ProjectAccess } from '../../domain/accounts/access';
import { invite, listInvitations, manageableInvitation, resendInvitation, revokeInvitation } from '../../domain/accounts/invitations';
import type { UserRow } from '../../domain/accounts/users';
import { actorOf } from '../../domain/audit/audit-log';
import type { Context } from '../context';
import { authedProcedure, router } from '../init';

/** With a project: its maintainers (and admins). Without: admins only. */
async function scope(ctx: Context & { user: UserRow }, projectPath: string | undefined): Promise<ProjectAccess | undefined> {
  if (projectPath === undefined) {
    if (!ctx.user.isAdmin) throw new AppError('ADMIN_ONLY');
    return undefined;
  }
  const pa = await projectAccess(ctx.dc.db, ctx.user, projectPath);
  requireAccess(pa, CAN.manageMembers);
  return pa;
}

export const invitationsRouter = router({
  /** Invites by email; someone who already has an account is added to the project at once (`status: 'added'`). */
  create: authedProcedure.input(inviteInput).mutation(async ({ ctx, input }) => {
    const pa = await scope(ctx, input.projectPath);
    const result = await invite(ctx.dc, actorOf(ctx.user), { email: input.email, pa, role: input.role });
    return result.status === 'invited' ? { status: result.status, invitation: result.invitation } : result;
  }),
  /** Pending invitations, newest first: a project's, or (admins, without projectPath) everyone's. */
  list: authedProcedure.input(invitationsListInput).query(async ({ ctx, input }) => {
    const pa = await scope(ctx, input?.projectPath);
    return listInvitations(ctx.dc, { projectId: pa?.project.id, beforeId: input?.beforeId, limit: input?.limit ?? 50 });
  }),
  /** Sends a new link (valid 7 days); the old one stops working. */
  resend: authedProcedure.input(invitationRefInput).mutation(async ({ ctx, input }) => {
    const row = await manageableInvitation(ctx.dc, ctx.user, input.id);
    return resendInvitation(ctx.dc, actorOf(ctx.user), row);
  }),
  revoke: authedProcedure.input(invitationRefInput).mutation(async ({ ctx, input }) => {
    const row = await manageableInvitation(ctx.dc, ctx.user, input.id);
    await revokeInvitation(ctx.dc, actorOf(ctx.user), row);
    return { ok: true };
  }),
});
