/** The audit log: admins read the whole instance's, maintainers their project's. */
import { auditListInput, projectAuditInput } from '../../../shared/schemas';
import { CAN } from '../../../shared/roles';
import { listAudit } from '../../domain/audit/audit-log';
import { adminProcedure, projectProcedure, router } from '../init';

export const auditRouter = router({
  instance: adminProcedure.input(auditListInput).query(({ ctx, input }) => listAudit(ctx.dc.db, { beforeId: input?.beforeId, limit: input?.limit ?? 50 })),
  project: projectProcedure(CAN.manageMembers)
    .input(projectAuditInput)
    .query(({ ctx, input }) => listAudit(ctx.dc.db, { projectId: ctx.pa.project.id, beforeId: input.beforeId, limit: input.limit ?? 50 })),
});
