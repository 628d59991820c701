import { CAN } from '../../../shared/roles';
import { listLabels } from '../../domain/projects/labels';
import { projectProcedure, router } from '../init';

export const labelsRouter = router({
  /** The project's labels (name, color) for the queue filter and pickers. */
  list: projectProcedure().query(({ ctx }) => listLabels(ctx.dc.db, ctx.pa.project.id, ctx.pa.access >= CAN.seeConfidential)),
});
