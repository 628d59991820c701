import type { OutboundSpec } from './spec';
import { PLACEHOLDERS, type Vars } from './templates';
import { renderEmailTemplate } from '../../render';
import type { AttachmentStore } from '../../files/attachment-store';

/** Composes the RFC 5322 bytes of a spec (multipart/alternative when there is HTML). */
const EMPTY_VARS: Vars = Object.fromEntries(PLACEHOLDERS.map((p) => [p, ''])) as Vars;

export async function compose(spec: OutboundSpec, store?: AttachmentStore): Promise<Buffer> {
  if (spec.template) {
    const vars = { ...EMPTY_VARS, ...spec.template.vars } as Vars;
    // Customer and responder text inside: rendered in the render worker, never on the event loop.
    const r = await renderEmailTemplate(spec.template.source, vars, spec.subject);
    spec = { ...spec, text: r.text, html: r.html };
  }
  const { default: MailComposer } = await import('nodemailer/lib/mail-composer');
  const mail = new MailComposer({
    from: { name: spec.from.name, address: spec.from.address },
    to: spec.to,
    replyTo: spec.replyTo,
    subject: spec.subject,
    text: spec.text,
    html: spec.html,
    messageId: spec.messageId,
    inReplyTo: spec.inReplyTo,
    references: spec.references,
    headers: spec.headers,
    date: new Date(spec.date),
    attachments: store
      ? await Promise.all(
          (spec.attachments ?? []).map(async (a) => {
            const content = await store.read(a.sha256);
            if (!content) throw new Error(`attachment ${a.filename} is missing from storage`);
            return { filename: a.filename, content, contentType: a.contentType };
          }),
        )
      : [],
  });
  return new Promise((resolve, reject) => {
    mail.compile().build((err, message) => (err ? reject(err) : resolve(message)));
  });
}
