/**
 * The customer email's HTML part in a dark-mode mail client (mail7 #4): it declares that it
 * supports both schemes, so Apple Mail and other WebKit/Blink clients neither force-invert it nor
 * show a bright white card in a dark window; with the light scheme it is the email as before.
 */
import { expect, test, type Page } from '@playwright/test';
import { render } from '../../server/mail/outbound/render-template';
import { defaultTemplate, PLACEHOLDERS, type Vars } from '../../server/mail/outbound/templates';

const vars: Vars = {
  ...(Object.fromEntries(PLACEHOLDERS.map((p) => [p, ''])) as Vars),
  ISSUE_ID: '#7',
  ISSUE_URL: 'https://desk.test/c/abc',
  UNSUBSCRIBE_URL: 'https://desk.test/unsubscribe/abc',
  NOTE_TEXT: 'It ships **today**: see [tracking](https://carrier.test/ZX-889).\n\n> your question\n\nRun `restart` once.',
};

/** Relative luminance contrast of two CSS rgb() colours (WCAG). */
function contrast(a: string, b: string): number {
  const lum = (c: string) => {
    const [r, g, bl] = (c.match(/\d+(\.\d+)?/g) ?? []).slice(0, 3).map((v) => {
      const s = Number(v) / 255;
      return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r! + 0.7152 * g! + 0.0722 * bl!;
  };
  const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p);
  return (x! + 0.05) / (y! + 0.05);
}

async function colours(page: Page) {
  return page.evaluate(() => {
    const cs = (sel: string) => getComputedStyle(document.querySelector(sel) as Element);
    return {
      page: cs('body').backgroundColor,
      card: cs('.tl-card').backgroundColor,
      text: cs('.tl-card p').color,
      link: cs('.tl-card a').color,
      muted: cs('.tl-muted').color,
      scheme: cs('html').colorScheme,
    };
  });
}

for (const scheme of ['light', 'dark'] as const) {
  test(`the email's HTML reads well in a ${scheme} mail client`, async ({ browser }) => {
    const page = await browser.newPage({ colorScheme: scheme });
    const { html } = render(defaultTemplate('new_note'), vars, 'Re: Kettle (#7)');
    await page.setContent(html);
    const c = await colours(page);
    expect(c.scheme).toContain('dark');
    if (scheme === 'light') {
      expect(c.card).toBe('rgb(255, 255, 255)');
    } else {
      // no white card in a dark window
      expect(contrast(c.card, 'rgb(0, 0, 0)')).toBeLessThan(2);
    }
    expect(contrast(c.text, c.card)).toBeGreaterThan(7);
    expect(contrast(c.link, c.card)).toBeGreaterThan(4.5);
    expect(contrast(c.muted, c.page)).toBeGreaterThan(4.5);
    await page.close();
  });
}
