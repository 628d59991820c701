import { router } from './init';
import { authRouter } from './routers/auth';
import { eventsRouter } from './routers/events';
import { membersRouter, projectsRouter } from './routers/projects';
import { notesRouter, participantsRouter, ticketsRouter } from './routers/tickets';
import { outboxRouter } from './routers/outbox';
import { emailTemplatesRouter } from './routers/email-templates';
import { presenceRouter } from './routers/presence';
import { issueTemplatesRouter } from './routers/issue-templates';
import { usersRouter } from './routers/users';
import { serviceDeskRouter } from './routers/service-desk';
import { inboundRouter } from './routers/inbound';
import { labelsRouter } from './routers/labels';
import { invitationsRouter } from './routers/invitations';
import { profileRouter } from './routers/profile';
import { auditRouter } from './routers/audit';
import { ssoRouter } from './routers/sso';
import { mailSettingsRouter } from './routers/mail-settings';
import { customerLinksRouter } from './routers/customer-links';
import { customersRouter } from './routers/customers';
import { savedRepliesRouter } from './routers/saved-replies';
import { savedViewsRouter } from './routers/saved-views';
import { webhooksRouter } from './routers/webhooks';

export const appRouter = router({
  auth: authRouter,
  users: usersRouter,
  projects: projectsRouter,
  members: membersRouter,
  tickets: ticketsRouter,
  notes: notesRouter,
  participants: participantsRouter,
  outbox: outboxRouter,
  emailTemplates: emailTemplatesRouter,
  presence: presenceRouter,
  issueTemplates: issueTemplatesRouter,
  events: eventsRouter,
  serviceDesk: serviceDeskRouter,
  inbound: inboundRouter,
  labels: labelsRouter,
  invitations: invitationsRouter,
  profile: profileRouter,
  audit: auditRouter,
  sso: ssoRouter,
  mailSettings: mailSettingsRouter,
  customerLinks: customerLinksRouter,
  customers: customersRouter,
  savedReplies: savedRepliesRouter,
  savedViews: savedViewsRouter,
  webhooks: webhooksRouter,
});

export type AppRouter = typeof appRouter;
