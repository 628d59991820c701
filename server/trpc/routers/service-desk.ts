import { z } from 'zod';
import { projectKeySuffix, serviceDeskUpdateInput } from '../../../shared/schemas';
import { ACCESS, CAN } from '../../../shared/roles';
import { checkProjectKey, readSettings, serviceDeskView, updateSettings } from '../../domain/projects/service-desk';
import { isUniqueViolation } from '../../domain/accounts/users';
import { AppError } from '../../../shared/errors';
import { projectProcedure, router } from '../init';
import { actorOf } from '../../domain/audit/audit-log';

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
