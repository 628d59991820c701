/** Per-project overrides of customer email templates, and previews filled with a sample ticket. */
import { and, eq } from 'drizzle-orm';
import { emailTemplates } from '../../../db/schema';
import type { ProjectRow } from '../accounts/access';
import type { DomainCtx } from '../core/context';
import { recordAudit, type Actor } from '../audit/audit-log';
import { templateSource, templateVars } from './notifications';
import { defaultTemplate, REJECTIONS, TEMPLATE_KINDS, unknownPlaceholders, type TemplateKind } from '../../mail/outbound/templates';
import { renderEmailTemplate } from '../../render';
import type { TicketRow } from '../tickets/ticket-views';
import { replySubject } from './reply-subject';

export interface EmailTemplateView {
  kind: TemplateKind;
  body: string;
  isDefault: boolean;
  unknownPlaceholders: string[];
}

export async function listEmailTemplates(dc: DomainCtx, projectId: number): Promise<EmailTemplateView[]> {
  const views: EmailTemplateView[] = [];
  for (const kind of TEMPLATE_KINDS) {
    const body = await templateSource(dc.db, projectId, kind);
    views.push({ kind, body, isDefault: body === defaultTemplate(kind), unknownPlaceholders: unknownPlaceholders(body) });
  }
  return views;
}

export async function saveEmailTemplate(dc: DomainCtx, projectId: number, kind: TemplateKind, body: string | null, actor?: Actor): Promise<EmailTemplateView> {
  const at = dc.now();
  await dc.db.write(async (tx) => {
    if (body === null || body === defaultTemplate(kind)) {
      await tx.delete(emailTemplates).where(and(eq(emailTemplates.projectId, projectId), eq(emailTemplates.kind, kind))).run();
    } else {
      await tx
        .insert(emailTemplates)
        .values({ projectId, kind, body, updatedAt: at })
        .onConflictDoUpdate({ target: [emailTemplates.projectId, emailTemplates.kind], set: { body, updatedAt: at } })
        .run();
    }
    if (actor) await recordAudit(tx, actor, { projectId, action: body === null ? 'email_template.reset' : 'email_template.changed', target: kind }, at);
  });
  return (await listEmailTemplates(dc, projectId)).find((t) => t.kind === kind) as EmailTemplateView;
}

/** A sample ticket so the preview shows every placeholder filled. */
export async function previewEmailTemplate(dc: DomainCtx, project: ProjectRow, kind: TemplateKind, body: string) {
  const ticket = {
    id: 0,
    iid: 42,
    title: 'My order never arrived',
    description: 'Hello, I ordered a blue kettle on March 3rd and it has not arrived yet. Order #A-1001.',
    confidential: false,
  } as TicketRow;
  const vars = templateVars(dc.mail, ticket, project, {
    unsubscribeUrl: `${dc.mail.publicUrl}/unsubscribe/sample`,
    viewUrl: kind === 'rejection' ? '' : `${dc.mail.publicUrl}/c/sample`,
    description: kind === 'thank_you' || kind === 'resolved' ? ticket.description : '',
    noteText: kind === 'new_note' ? 'Thanks for waiting! The kettle was shipped today; tracking number **ZX-889**.' : '',
    rejectionReason: kind === 'rejection' ? REJECTIONS.EmptyEmail.reason : '',
    customerName: 'Ada Lovelace',
  });
  const subject = replySubject(ticket.title, ticket.iid);
  const r = await renderEmailTemplate(body, vars, subject);
  return { subject, html: r.html, text: r.text, unknownPlaceholders: r.unknown };
}
