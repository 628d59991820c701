/** Single sign-on settings on the Admin page (the environment's OIDC_* are the defaults). */
import { ssoSettingsInput } from '../../../shared/schemas';
import { readSsoSettings, saveSsoSettings, ssoView } from '../../domain/accounts/sso';
import { actorOf } from '../../domain/audit/audit-log';
import { forgetOidcClient } from '../../http/oidc-client';
import { adminProcedure, router } from '../init';

export const ssoRouter = router({
  get: adminProcedure.query(async ({ ctx }) => ({
    ...ssoView(await readSsoSettings(ctx.dc, ctx.config.oidc)),
    redirectUri: `${ctx.dc.mail.publicUrl}/auth/oidc/callback`,
  })),
  update: adminProcedure.input(ssoSettingsInput).mutation(async ({ ctx, input }) => {
    const saved = await saveSsoSettings(ctx.dc, actorOf(ctx.user), ctx.config.oidc, input);
    forgetOidcClient();
    return { ...saved, redirectUri: `${ctx.dc.mail.publicUrl}/auth/oidc/callback` };
  }),
});
