/**
 * An outbound spec's RFC 5322 bytes (multipart/alternative when there is HTML). Pure: run in the
 * render worker (server/render/tasks.ts) and, as a fallback, on the server's thread.
 */
import type { OutboundSpec } from './spec';
import { PLACEHOLDERS, type Vars } from './templates';

const EMPTY_VARS: Vars = Object.fromEntries(PLACEHOLDERS.map((p) => [p, ''])) as Vars;

export interface MimeAttachment {
  filename: string;
  content: Buffer;
  contentType: string;
}

/** The template's placeholders, every one present (missing ones empty). */
export function templateVars(spec: OutboundSpec): Vars {
  return { ...EMPTY_VARS, ...spec.template?.vars } as Vars;
}

/** The MIME bytes of a spec whose text and HTML are final (no template left). */
export async function buildMime(spec: OutboundSpec, attachments: MimeAttachment[]): Promise<Buffer> {
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
    attachments,
  });
  return new Promise((resolve, reject) => {
    mail.compile().build((err, message) => (err ? reject(err) : resolve(message)));
  });
}

