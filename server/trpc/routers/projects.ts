import { createProjectInput, memberInput, removeMemberInput } from '../../../shared/schemas';
import { ACCESS, CAN } from '../../../shared/roles';
import { listMembers, removeMember, setMember } from '../../domain/accounts/members';
import { createProject, listProjectsFor, projectView } from '../../domain/projects/projects';
import { listProjectAddresses } from '../../domain/projects/project-address';
import { adminProcedure, authedProcedure, projectProcedure, router } from '../init';
import { actorOf } from '../../domain/audit/audit-log';

export const projectsRouter = router({
  list: authedProcedure.query(({ ctx }) => listProjectsFor(ctx.dc.db, ctx.user)),
  /** Admins: every project's Service Desk address and whether it takes mail. */
  addresses: adminProcedure.query(({ ctx }) => listProjectAddresses(ctx.dc.db, ctx.mail.book)),
  get: projectProcedure().query(({ ctx }) => projectView(ctx.dc.db, ctx.pa.project, ctx.pa.role, ctx.pa.access)),
  create: adminProcedure.input(createProjectInput).mutation(async ({ ctx, input }) => {
    const project = await createProject(ctx.dc, input, actorOf(ctx.user));
    return projectView(ctx.dc.db, project, null, ACCESS.admin);
  }),
});

export const membersRouter = router({
  list: projectProcedure(ACCESS.guest).query(({ ctx }) => listMembers(ctx.dc.db, ctx.pa.project.id)),
  set: projectProcedure(CAN.manageMembers)
    .input(memberInput)
    .mutation(({ ctx, input }) => setMember(ctx.dc, ctx.pa, input, actorOf(ctx.user))),
  remove: projectProcedure(CAN.manageMembers)
    .input(removeMemberInput)
    .mutation(async ({ ctx, input }) => {
      await removeMember(ctx.dc, ctx.pa, input.email, actorOf(ctx.user));
      return { ok: true };
    }),
});
