import { z } from 'zod';
import { customEmailInput, projectKeySuffix, serviceDeskUpdateInput } from '../../../shared/schemas';
import { customEmailOf, customEmailView, failCustomEmail, removeCustomEmail, requestCustomEmail } from '../../domain/projects/custom-email';
import { serviceDeskAddress } from '../../domain/projects/project-address';
import { sendVerificationEmail } from '../../mail/setup/custom-email-verification';
import type { Context } from '../context';
import type { ProjectAccess } from '../../domain/accounts/access';
import { ACCESS, CAN } from '../../../shared/roles';
import { checkProjectKey, readSettings, serviceDeskView, updateSettings } from '../../domain/projects/service-desk';
import { isUniqueViolation } from '../../domain/accounts/users';
import { AppError } from '../../../shared/errors';
import { projectProcedure, router } from '../init';
import { actorOf } from '../../domain/audit/audit-log';

async function customEmail(ctx: Context & { pa: ProjectAccess }) {
  const settings = await readSettings(ctx.dc, ctx.pa.project.id);
  const forwardTo = serviceDeskAddress(ctx.dc.mail.book, ctx.pa.project, settings);
  return customEmailView(await customEmailOf(ctx.dc.db, ctx.pa.project.id), forwardTo, ctx.dc.now());
}

export const serviceDeskRouter = router({
  /** The project's Service Desk address and settings. Responders see it; maintainers change it. */
  get: projectProcedure(ACCESS.reporter).query(async ({ ctx }) =>
    serviceDeskView(ctx.mail.book, ctx.pa.project, await readSettings(ctx.dc, ctx.pa.project.id)),
  ),
  /** Validation as the maintainer types: format, uniqueness, and the address it would give. */
  checkKey: projectProcedure(CAN.configureServiceDesk)
    .input(z.object({ projectKey: z.string().max(1000, 'Project key must be at most 255 characters.') }))
    .query(({ ctx, input }) => {
      const key = input.projectKey.trim();
      const format = projectKeySuffix.safeParse(key);
      if (key && !format.success) return { ok: false, message: format.error.issues[0]?.message ?? 'Invalid project key.', address: null };
      return checkProjectKey(ctx.dc, ctx.mail.book, ctx.pa.project, key);
    }),
  /** The project's own support address and where its verification stands (null: none). */
  customEmail: projectProcedure(CAN.configureServiceDesk).query(({ ctx }) => customEmail(ctx)),
  /**
   * Sets the custom support address (and, optionally, the SMTP server to send as it) and sends
   * the verification email. The address is used once that email came back through the
   * forwarding; until then the project keeps its current address.
   */
  setCustomEmail: projectProcedure(CAN.configureServiceDesk)
    .input(customEmailInput)
    .mutation(async ({ ctx, input }) => {
      const row = await requestCustomEmail(ctx.dc, ctx.pa, { address: input.address, smtp: input.smtp }, ctx.user.id);
      const settings = await readSettings(ctx.dc, ctx.pa.project.id);
      const sent = await sendVerificationEmail(row, {
        projectName: ctx.pa.project.name,
        forwardTo: serviceDeskAddress(ctx.dc.mail.book, ctx.pa.project, settings),
        host: ctx.dc.mail.book.host(),
        secrets: ctx.dc.secrets,
        instance: ctx.mail.transports,
      });
      if (!sent.ok) await failCustomEmail(ctx.dc, ctx.pa.project.id, row.token, sent.error, sent.detail);
      return customEmail(ctx);
    }),
  /** Stops using the custom address: customers write to the Service Desk address again. */
  removeCustomEmail: projectProcedure(CAN.configureServiceDesk).mutation(async ({ ctx }) => {
    await removeCustomEmail(ctx.dc, ctx.pa.project.id);
    await ctx.mail.reconfigure();
    return null;
  }),
  update: projectProcedure(CAN.configureServiceDesk)
    .input(serviceDeskUpdateInput)
    .mutation(async ({ ctx, input }) => {
      const { projectPath: _p, ...changes } = input;
      try {
        return serviceDeskView(ctx.mail.book, ctx.pa.project, await updateSettings(ctx.dc, ctx.pa, changes, actorOf(ctx.user)));
      } catch (err) {
        if (isUniqueViolation(err)) throw new AppError('PROJECT_KEY_TAKEN');
        throw err;
      }
    }),
});
