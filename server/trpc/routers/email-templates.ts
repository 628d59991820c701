import { emailTemplatePreviewInput, emailTemplateUpdateInput } from '../../../shared/schemas';
import { CAN } from '../../../shared/roles';
import { listEmailTemplates, previewEmailTemplate, saveEmailTemplate } from '../../domain/customer-email/email-templates';
import { projectProcedure, router } from '../init';
import { actorOf } from '../../domain/audit/audit-log';

export const emailTemplatesRouter = router({
  list: projectProcedure(CAN.configureServiceDesk).query(({ ctx }) => listEmailTemplates(ctx.dc, ctx.pa.project.id)),
  update: projectProcedure(CAN.configureServiceDesk)
    .input(emailTemplateUpdateInput)
    .mutation(({ ctx, input }) => saveEmailTemplate(ctx.dc, ctx.pa.project.id, input.kind, input.body, actorOf(ctx.user))),
  preview: projectProcedure(CAN.configureServiceDesk)
    .input(emailTemplatePreviewInput)
    .query(({ ctx, input }) => previewEmailTemplate(ctx.dc, ctx.pa.project, input.kind, input.body)),
});
