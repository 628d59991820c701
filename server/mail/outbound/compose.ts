import type { OutboundSpec } from './spec';
import { composeInWorker, renderEmailTemplate } from '../../render';
import type { AttachmentStore } from '../../files/attachment-store';
import { buildMime, templateVars } from './mime';

/**
 * Composes in the render worker (template rendering, sanitising and MIME encoding are the bulk
 * of an outgoing email's CPU, kept off the event loop); if the worker gives up, the template is
 * rendered with its plain-text fallback and the bytes are built here.
 */
export async function compose(spec: OutboundSpec, store?: AttachmentStore): Promise<Buffer> {
  const attachments = store
    ? await Promise.all(
        (spec.attachments ?? []).map(async (a) => {
          const content = await store.read(a.sha256);
          if (!content) throw new Error(`attachment ${a.filename} is missing from storage`);
          return { filename: a.filename, content, contentType: a.contentType };
        }),
      )
    : [];
  const composed = await composeInWorker(spec, attachments);
  if (composed) return composed;
  if (spec.template) {
    const r = await renderEmailTemplate(spec.template.source, templateVars(spec), spec.subject);
    spec = { ...spec, text: r.text, html: r.html };
  }
  return buildMime(spec, attachments);
}
