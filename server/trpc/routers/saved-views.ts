/** Saved views of the queue: the caller's own and the project's shared ones. */
import { savedViewRef, savedViewSaveInput } from '../../../shared/schemas';
import { CAN } from '../../../shared/roles';
import { listSavedViews, removeSavedView, saveSavedView } from '../../domain/projects/saved-views';
import { projectProcedure, router } from '../init';

export const savedViewsRouter = router({
  list: projectProcedure().query(({ ctx }) => listSavedViews(ctx.dc, ctx.pa, ctx.user)),
  save: projectProcedure(CAN.respond)
    .input(savedViewSaveInput)
    .mutation(({ ctx, input }) => saveSavedView(ctx.dc, ctx.pa, ctx.user, input)),
  remove: projectProcedure(CAN.respond)
    .input(savedViewRef)
    .mutation(async ({ ctx, input }) => {
      await removeSavedView(ctx.dc, ctx.pa, ctx.user, input.id);
      return { ok: true };
    }),
});
