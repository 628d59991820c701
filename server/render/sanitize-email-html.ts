/**
 * The original email's HTML made safe to frame (SPEC §8): no script, styles, forms or active
 * content; remote images counted and replaced until the responder allows them. Runs in the
 * render worker (server/render/tasks.ts), never on the event loop.
 */
import sanitizeHtml from 'sanitize-html';
import { safeUrl, urlScheme, withUrl } from '../domain/notes/safe-url';

/** A transparent GIF in place of a blocked remote image, so no SVG data URL has to be allowed. */
const BLOCKED_IMAGE = 'data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7';

/** Raster types only: an SVG image can carry script and links of its own. */
const DATA_IMAGE = /^data:image\/(?:png|jpeg|gif|webp)(?:;[a-z0-9=._+-]*)*,/i;

type ImageSource = { kind: 'remote' | 'inline'; url: string } | null;

/** Where an image of the email comes from: a remote server, the message itself, or nowhere we allow. */
function imageSource(src: string): ImageSource {
  const url = safeUrl(src, ['http', 'https', 'data', 'cid'], { relative: false });
  if (url === null) return null;
  const scheme = urlScheme(url);
  if (scheme === 'http' || scheme === 'https') return { kind: 'remote', url };
  if (scheme === 'data') return DATA_IMAGE.test(url) ? { kind: 'inline', url } : null;
  return { kind: 'inline', url };
}

export function sanitizeEmailHtml(html: string, allowRemoteImages: boolean): { html: string; remoteImages: number } {
  let remoteImages = 0;
  const clean = sanitizeHtml(html, {
    allowedTags: sanitizeHtml.defaults.allowedTags.concat(['img', 'font', 'center', 'span', 'del', 'ins', 'sub', 'sup']),
    allowedAttributes: {
      a: ['href', 'title'],
      img: ['src', 'alt', 'title', 'width', 'height'],
      td: ['colspan', 'rowspan', 'align', 'valign'],
      th: ['colspan', 'rowspan', 'align', 'valign'],
      table: ['border', 'cellpadding', 'cellspacing'],
      font: ['color'],
    },
    allowedSchemes: ['http', 'https', 'mailto'],
    allowedSchemesByTag: { img: ['http', 'https', 'data', 'cid'] },
    transformTags: {
      a: (tagName, attribs) => ({ tagName, attribs: withUrl(attribs, 'href', safeUrl(attribs.href ?? '', ['http', 'https', 'mailto'], { relative: true })) }),
      img: (tagName, attribs) => {
        const source = imageSource(attribs.src ?? '');
        if (source?.kind === 'remote') {
          remoteImages++;
          if (!allowRemoteImages) return { tagName, attribs: { ...attribs, src: BLOCKED_IMAGE, title: `Blocked remote image: ${source.url}` } };
        }
        return { tagName, attribs: withUrl(attribs, 'src', source?.url ?? null) };
      },
    },
    // An image whose address was refused is dropped, not shown broken.
    exclusiveFilter: (frame) => frame.tag === 'img' && !frame.attribs.src,
  });
  return { html: clean, remoteImages };
}
