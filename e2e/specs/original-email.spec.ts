/**
 * "View original email": a remote image in the customer's HTML is not fetched until the
 * responder clicks "Load remote images", and then it loads inside the sandboxed frame. The
 * "remote" server is a local one started here, so every request it gets is counted.
 */
import { createServer, type Server } from 'node:http';
import { createTransport } from 'nodemailer';
import { startAppServer, type AppServer } from '../fixtures/app-server';
import { freePort } from '../fixtures/dovecot';
import { expect, PROJECT, SEED, signIn, test, USERS } from '../fixtures/test';

/** A real 1×1 PNG, so the frame can show that the image loaded. */
const PIXEL = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');

let mailApp: AppServer;
let smtpPort: number;
let tracker: Server;
let trackerUrl: string;
const hits: string[] = [];

test.beforeAll(async () => {
  tracker = createServer((req, res) => {
    hits.push(req.url ?? '');
    res.writeHead(200, { 'Content-Type': 'image/png', 'Cache-Control': 'no-store' }).end(PIXEL);
  });
  await new Promise<void>((resolve) => tracker.listen(0, '127.0.0.1', resolve));
  const address = tracker.address();
  trackerUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  smtpPort = await freePort();
  mailApp = await startAppServer({ seed: SEED, env: { SMTP_LISTEN: `127.0.0.1:${smtpPort}`, INCOMING_EMAIL: 'incoming+%{key}@desk.test' } });
});
test.afterAll(async () => {
  await mailApp?.stop();
  await new Promise<void>((resolve) => (tracker ? tracker.close(() => resolve()) : resolve()));
});

test('a remote image in the original email is fetched only after "Load remote images", and then shows in the frame', async ({ browser }) => {
  const subject = `Chart looks wrong ${Date.now()}`;
  const raw =
    `From: Paula Customer <paula@customer.test>\r\nTo: incoming+acme-mobile-app-1-issue-@desk.test\r\nSubject: ${subject}\r\n` +
    `Message-ID: <chart-${Date.now()}@customer.test>\r\nMIME-Version: 1.0\r\nContent-Type: text/html; charset=utf-8\r\n\r\n` +
    `<p>The sales chart is empty:</p><p><img src="${trackerUrl}/chart.png?u=paula" alt="sales chart" width="40" height="40"></p>\r\n`;
  const smtp = createTransport({ host: '127.0.0.1', port: smtpPort, secure: false, ignoreTLS: true });
  await smtp.sendMail({ envelope: { from: 'paula@customer.test', to: ['incoming+acme-mobile-app-1-issue-@desk.test'] }, raw });
  smtp.close();

  const b = await signIn(browser, mailApp.url, USERS.bob);
  const { page } = b;
  await page.goto(`/p/${PROJECT}`);
  await page.getByTestId('ticket-row').filter({ hasText: subject }).getByRole('link', { name: subject }).click();
  await expect(page.getByTestId('ticket-title')).toHaveText(subject);
  await page.getByTestId('view-original').first().click();

  const frame = page.frameLocator('[data-testid="original-frame"]');
  await expect(frame.getByText('The sales chart is empty:')).toBeVisible();
  const image = frame.getByRole('img', { name: 'sales chart' });
  await expect(image).toHaveAttribute('src', /^data:image\/gif;/);
  await expect(page.getByTestId('remote-images-blocked')).toContainText('1 remote image was blocked');
  expect(hits, 'nothing was fetched from the sender\'s server before the click').toEqual([]);

  await page.getByRole('button', { name: 'Load remote images' }).click();
  await expect(page.getByTestId('remote-images-blocked')).toHaveCount(0);
  await expect(image).toHaveAttribute('src', `${trackerUrl}/chart.png?u=paula`);
  // Loaded means served: the request was counted before the answer went out.
  await expect(image).toHaveJSProperty('naturalWidth', 1);
  expect(hits, 'fetched exactly once, after the click').toEqual(['/chart.png?u=paula']);
  await b.context.close();
});
