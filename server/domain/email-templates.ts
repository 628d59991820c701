/** Per-project overrides of customer email templates, and previews filled with a sample ticket. */
import { and, eq } from 'drizzle-orm';
import { emailTemplates } from '../../db/schema';
import type { ProjectRow } from './access';
import type { DomainCtx } from './context';
import { templateSource, templateVars } from './notifications';
import { defaultTemplate, TEMPLATE_KINDS, unknownPlaceholders, type TemplateKind } from '../mail/outbound/templates';
import { renderEmailTemplate } from '../render';
import type { TicketRow } from './ticket-views';

export interface EmailTemplateView {
  kind: TemplateKind;
  body: string;
  isDefault: boolean;
  unknownPlaceholders: string[];
}

export function listEmailTemplates(dc: DomainCtx, projectId: number): EmailTemplateView[] {
  return TEMPLATE_KINDS.map((kind) => {
    const body = templateSource(dc.db, projectId, kind);
    return { kind, body, isDefault: body === defaultTemplate(kind), unknownPlaceholders: unknownPlaceholders(body) };
  });
}

export function saveEmailTemplate(dc: DomainCtx, projectId: number, kind: TemplateKind, body: string | null): EmailTemplateView {
  if (body === null || body === defaultTemplate(kind)) {
    dc.db.delete(emailTemplates).where(and(eq(emailTemplates.projectId, projectId), eq(emailTemplates.kind, kind))).run();
  } else {
    dc.db
      .insert(emailTemplates)
      .values({ projectId, kind, body, updatedAt: dc.now() })
      .onConflictDoUpdate({ target: [emailTemplates.projectId, emailTemplates.kind], set: { body, updatedAt: dc.now() } })
      .run();
  }
  return listEmailTemplates(dc, projectId).find((t) => t.kind === kind) as EmailTemplateView;
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
  const vars = templateVars(dc.mail, ticket, project, `${dc.mail.publicUrl}/unsubscribe/sample`, kind === 'new_note' ? 'Thanks for waiting! The kettle was shipped today; tracking number **ZX-889**.' : '');
  const subject = `Re: ${ticket.title} (#${ticket.iid})`;
  const r = await renderEmailTemplate(body, vars, subject);
  return { subject, html: r.html, text: r.text, unknownPlaceholders: r.unknown };
}
