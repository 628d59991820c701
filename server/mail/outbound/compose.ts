import type { OutboundSpec } from './spec';
import { composeInWorker, templateAsText } from '../../render';
import type { AttachmentStore } from '../../files/attachment-store';
import { buildMime, templateVars } from './mime';

/**
 * Composes in the render worker (template rendering, sanitising and MIME encoding are the bulk
 * of an outgoing email's CPU, kept off the event loop); if the worker gives up, the template's
 * filled text is sent as plain text (no second try in the worker) and the bytes are built here.
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
  // the worker gave up on this one (too slow, or crashed): its template as plain text, here
  if (spec.template) {
    const r = templateAsText(spec.template.source, templateVars(spec));
    spec = { ...spec, text: r.text, html: r.html };
  }
  return buildMime(spec, attachments);
}
