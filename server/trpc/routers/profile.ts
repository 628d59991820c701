/** My profile: every signed-in user manages their own account here. */
import { changeEmailInput, changePasswordInput, profileUpdateInput, revokeSessionInput, signaturePreviewInput } from '../../../shared/schemas';
import { changePassword, getProfile, requestEmailChange, updateProfile } from '../../domain/accounts/profile';
import { listSessions, revokeSession, signOutOtherSessions } from '../../domain/accounts/sessions';
import { markdownToHtml } from '../../render';
import { authedProcedure, router } from '../init';

export const profileRouter = router({
  get: authedProcedure.query(({ ctx }) => getProfile(ctx.dc, ctx.user)),
  /** Name, the signature appended to public replies, notification mode. */
  update: authedProcedure.input(profileUpdateInput).mutation(({ ctx, input }) => updateProfile(ctx.dc, ctx.user, input)),
  /** The signature as customers will see it under a reply (rendered and sanitised like a note). */
  previewSignature: authedProcedure.input(signaturePreviewInput).query(async ({ input }) => ({ html: await markdownToHtml(input.signature) })),
  /** Needs the current password; every other session of the account ends. */
  changePassword: authedProcedure.input(changePasswordInput).mutation(async ({ ctx, input }) => {
    await changePassword(ctx.dc, ctx.user, input, ctx.sessionToken);
    return { ok: true };
  }),
  /** Sends a confirmation link to the new address; the change happens when it is opened. */
  changeEmail: authedProcedure.input(changeEmailInput).mutation(({ ctx, input }) => requestEmailChange(ctx.dc, ctx.user, input)),
  sessions: authedProcedure.query(({ ctx }) => listSessions(ctx.dc, ctx.user.id, ctx.sessionToken)),
  /** "Sign out everywhere else". */
  signOutOthers: authedProcedure.mutation(async ({ ctx }) => {
    await signOutOtherSessions(ctx.dc, ctx.user.id, ctx.sessionToken);
    return { ok: true };
  }),
  revokeSession: authedProcedure.input(revokeSessionInput).mutation(async ({ ctx, input }) => {
    await revokeSession(ctx.dc, ctx.user.id, input.id);
    return { ok: true };
  }),
});
