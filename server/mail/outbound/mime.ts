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

/**
 * The To header's recipient: the address with its person's name when it is worth showing. The
 * name is what a sender wrote, so it is made one plain line (control characters, CR and LF become
 * spaces) of at most 200 characters; nodemailer then quotes it (commas, quotes, backslashes) or
 * encodes it (non-ASCII, RFC 2047), so it can never end the header or add an address.
 */
export function recipient(address: string, name: string | undefined): string | { name: string; address: string } {
  const plain = [...(name ?? '').replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ').replace(/\s+/g, ' ').trim()].slice(0, 200).join('').trim();
  if (!plain || plain.toLowerCase() === address.toLowerCase()) return address;
  return { name: plain, address };
}

/** The MIME bytes of a spec whose text and HTML are final (no template left). */
export async function buildMime(spec: OutboundSpec, attachments: MimeAttachment[]): Promise<Buffer> {
  const { default: MailComposer } = await import('nodemailer/lib/mail-composer');
  const mail = new MailComposer({
    from: { name: spec.from.name, address: spec.from.address },
    to: recipient(spec.to, spec.toName),
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

