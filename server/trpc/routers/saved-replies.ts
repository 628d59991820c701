/** Saved replies and macros: maintainers keep them, responders list and insert them. */
import { savedReplyFillInput, savedReplyRef, savedReplySaveInput } from '../../../shared/schemas';
import { CAN } from '../../../shared/roles';
import { fillSavedReply, listSavedReplies, removeSavedReply, saveSavedReply } from '../../domain/notes/saved-replies';
import { projectProcedure, router } from '../init';

export const savedRepliesRouter = router({
  list: projectProcedure(CAN.respond).query(({ ctx }) => listSavedReplies(ctx.dc.db, ctx.pa.project.id)),
  /** A saved reply with its placeholders filled in for one ticket and the caller. */
  fill: projectProcedure(CAN.respond)
    .input(savedReplyFillInput)
    .query(({ ctx, input }) => fillSavedReply(ctx.dc, ctx.pa, ctx.user, input.iid, input.id)),
  save: projectProcedure(CAN.configureServiceDesk)
    .input(savedReplySaveInput)
    .mutation(({ ctx, input }) => saveSavedReply(ctx.dc, ctx.pa, ctx.user, input)),
  remove: projectProcedure(CAN.configureServiceDesk)
    .input(savedReplyRef)
    .mutation(async ({ ctx, input }) => {
      await removeSavedReply(ctx.dc, ctx.pa, ctx.user, input.id);
      return { ok: true };
    }),
});
