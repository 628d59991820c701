/**
 * How deep an HTML document nests, found by one linear scan of its tags (no parser). Elements
 * browsers close implicitly (`<p>`, `<li>`, `<td>`, …) and void elements do not count, so
 * ordinary sloppy mail HTML measures as shallow as it renders.
 */
const VOID_OR_IMPLIED = new Set([
  'area', 'base', 'br', 'col', 'embed', 'hr', 'img', 'input', 'link', 'meta', 'source', 'track', 'wbr',
  'p', 'li', 'dt', 'dd', 'tr', 'td', 'th', 'option', 'thead', 'tbody', 'tfoot', 'colgroup', 'html', 'head', 'body',
]);

export function htmlDepth(html: string, stopAt = Infinity): number {
  let depth = 0;
  let max = 0;
  const tag = /<(\/?)([a-zA-Z][a-zA-Z0-9-]*)[^>]*?(\/?)>/g;
  for (let m = tag.exec(html); m; m = tag.exec(html)) {
    const name = (m[2] as string).toLowerCase();
    if (VOID_OR_IMPLIED.has(name) || m[3]) continue;
    if (m[1]) depth = Math.max(0, depth - 1);
    else if (++depth > max) {
      max = depth;
      if (max > stopAt) return max;
    }
  }
  return max;
}
