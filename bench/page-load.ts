/**
 * Page loads in Chromium for the live bench: a cold browser (a new context each time: no cache,
 * no compiled code) opens a URL signed in, and a performance mark is set the moment the first
 * element matching a selector is in the DOM (a MutationObserver installed before any page
 * script). The mark's time is from navigation start. One load's requests are kept in order, so
 * a waterfall (a request that waits for another's answer) shows.
 */
import { chromium, type Browser } from '@playwright/test';
import { summary } from './lib';

export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

/**
 * Runs in the page before its scripts: marks `name` when `selector` first matches. A string, not
 * a function: the TypeScript loader would decorate a function with helpers the page lacks.
 */
function markWhenPresent(selector: string, name: string): string {
  return `(() => {
    const selector = ${JSON.stringify(selector)}, name = ${JSON.stringify(name)};
    const check = () => {
      if (performance.getEntriesByName(name).length) return true;
      if (!document.querySelector(selector)) return false;
      performance.mark(name);
      return true;
    };
    const observer = new MutationObserver(() => { if (check()) observer.disconnect(); });
    observer.observe(document, { childList: true, subtree: true });
  })();`;
}

export interface PageLoadResult {
  url: string;
  selector: string;
  loads: number;
  msFromNavigation: ReturnType<typeof summary> & { target: number };
  /** one load's requests in the order they started: ms from navigation start to its start and end, path */
  requests: string[];
}

export async function openBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
}

export async function measurePageLoads(
  browser: Browser,
  opts: { baseUrl: string; cookie: { name: string; value: string }; path: string; selector: string; loads: number; target: number },
): Promise<PageLoadResult> {
  const name = 'bench:ready';
  const samples: number[] = [];
  let requests: string[] = [];
  for (let i = 0; i < opts.loads; i++) {
    const context = await browser.newContext({ baseURL: opts.baseUrl });
    await context.addCookies([{ name: opts.cookie.name, value: opts.cookie.value, url: opts.baseUrl }]);
    const page = await context.newPage();
    await page.addInitScript(markWhenPresent(opts.selector, name));
    await page.goto(opts.path, { waitUntil: 'commit' });
    try {
      await page.waitForFunction((n) => performance.getEntriesByName(n).length > 0, name, { timeout: 30_000, polling: 50 });
    } catch (err) {
      const text = await page.locator('main').innerText().catch(() => '(no page)');
      throw new Error(`${opts.path}: nothing matched ${opts.selector} within 30 s; the page shows: ${text.slice(0, 500)}`, { cause: err });
    }
    samples.push(await page.evaluate((n) => (performance.getEntriesByName(n)[0] as PerformanceEntry).startTime, name));
    // the requests of the whole load (the mark comes first; later requests still show the order)
    if (i === opts.loads - 1) {
      await page.waitForLoadState('networkidle').catch(() => undefined);
      const timings = await page.evaluate(() =>
        performance.getEntriesByType('resource').map((e) => ({ name: e.name, start: Math.round(e.startTime), end: Math.round((e as PerformanceResourceTiming).responseEnd) })),
      );
      const nav = await page.evaluate(() => {
        const n = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming | undefined;
        return n ? Math.round(n.responseEnd) : 0;
      });
      requests = [`0–${nav} ms document ${opts.path}`, ...timings.map((t) => `${t.start}–${t.end} ms ${new URL(t.name).pathname}`)];
    }
    await context.close();
  }
  return { url: opts.path, selector: opts.selector, loads: opts.loads, msFromNavigation: { ...summary(samples), target: opts.target }, requests };
}
