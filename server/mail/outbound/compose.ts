import MailComposer from 'nodemailer/lib/mail-composer';
import type { OutboundSpec } from './spec';

/** Composes the RFC 5322 bytes of a spec (multipart/alternative when there is HTML). */
export function compose(spec: OutboundSpec): Promise<Buffer> {
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
  });
  return new Promise((resolve, reject) => {
    mail.compile().build((err, message) => (err ? reject(err) : resolve(message)));
  });
}
