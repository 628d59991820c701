import { AppError } from '../../../shared/errors';
import { CAN } from '../../../shared/roles';
import { issueTemplateRefInput, issueTemplateSaveInput } from '../../../shared/schemas';
import { deleteIssueTemplate, listIssueTemplates, saveIssueTemplate } from '../../domain/projects/issue-templates';
import { projectProcedure, router } from '../init';
import { actorOf, recordAudit } from '../../domain/audit/audit-log';

/** Issue templates a project can append to new Service Desk tickets (SPEC §2, §7). */
export const issueTemplatesRouter = router({
  list: projectProcedure(CAN.respond).query(({ ctx }) => listIssueTemplates(ctx.dc.db, ctx.pa.project.id)),
  save: projectProcedure(CAN.configureServiceDesk)
    .input(issueTemplateSaveInput)
    .mutation(async ({ ctx, input }) => {
      const at = ctx.dc.now();
      await ctx.dc.db.write(async (tx) => {
        await saveIssueTemplate(tx, ctx.pa.project.id, input.key, input.body, at);
        await recordAudit(tx, actorOf(ctx.user), { projectId: ctx.pa.project.id, action: 'issue_template.saved', target: input.key }, at);
      });
      return listIssueTemplates(ctx.dc.db, ctx.pa.project.id);
    }),
  delete: projectProcedure(CAN.configureServiceDesk)
    .input(issueTemplateRefInput)
    .mutation(async ({ ctx, input }) => {
      const deleted = await ctx.dc.db.write(async (tx) => {
        const gone = await deleteIssueTemplate(tx, ctx.pa.project.id, input.key);
        if (gone) await recordAudit(tx, actorOf(ctx.user), { projectId: ctx.pa.project.id, action: 'issue_template.deleted', target: input.key }, ctx.dc.now());
        return gone;
      });
      if (!deleted) throw new AppError('ISSUE_TEMPLATE_NOT_FOUND');
      return listIssueTemplates(ctx.dc.db, ctx.pa.project.id);
    }),
});
