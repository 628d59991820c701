import { serviceDeskUpdateInput } from '../../../shared/schemas';
import { ACCESS, CAN } from '../../../shared/roles';
import { readSettings, serviceDeskView, updateSettings } from '../../domain/service-desk';
import { isUniqueViolation } from '../../domain/users';
import { AppError } from '../../../shared/errors';
import { projectProcedure, router } from '../init';

export const serviceDeskRouter = router({
  /** The project's Service Desk address and settings. Responders see it; maintainers change it. */
  get: projectProcedure(ACCESS.reporter).query(({ ctx }) =>
    serviceDeskView(ctx.mail.book, ctx.pa.project, readSettings(ctx.dc, ctx.pa.project.id)),
  ),
  update: projectProcedure(CAN.configureServiceDesk)
    .input(serviceDeskUpdateInput)
    .mutation(({ ctx, input }) => {
      const { projectPath: _p, ...changes } = input;
      try {
        return serviceDeskView(ctx.mail.book, ctx.pa.project, updateSettings(ctx.dc, ctx.pa, changes));
      } catch (err) {
        if (isUniqueViolation(err)) throw new AppError('PROJECT_KEY_TAKEN');
        throw err;
      }
    }),
});
