import { simpleParser, type ParsedMail } from 'mailparser';
import { startAppServer, type AppServer } from '../fixtures/app-server';
import { expect, PROJECT, SEED, signIn, test, USERS } from '../fixtures/test';
import { startSmtpSink, type SmtpSink } from '../fixtures/smtp-sink';

/** A real 1×1 PNG, so the thread can show that the image loaded. */
const PIXEL = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';
const CUSTOMER = 'nora@customer.test';

let app: AppServer;
let sink: SmtpSink;

test.beforeAll(async () => {
  sink = await startSmtpSink();
  app = await startAppServer({ seed: SEED, env: { INCOMING_EMAIL: 'incoming+%{key}@desk.test', SMTP_URL: `${sink.url}?tls=off` } });
});
test.afterAll(async () => {
  await app?.stop();
  await sink?.stop();
});

async function mailTo(rcpt: string, from: number, containing: string): Promise<ParsedMail> {
  for (;;) {
    for (const m of sink.messages.slice(from).filter((c) => c.to.includes(rcpt))) {
      const parsed = await simpleParser(m.raw);
      if (parsed.text?.includes(containing)) return parsed;
    }
    await sink.waitFor(sink.messages.length + 1, 15_000);
  }
}

test('a responder attaches a file with the picker and pastes an image; the thread shows both and the customer gets them attached', async ({ browser }) => {
  const a = await signIn(browser, app.url, USERS.alice);
  const { page } = a;
  const title = `Screen stays black ${Date.now()}`;
  await page.goto(`/p/${PROJECT}`);
  await page.getByTestId('new-ticket-open').click();
  await page.getByTestId('new-ticket-title').fill(title);
  await page.getByLabel('Customer email (optional)').fill(CUSTOMER);
  await page.getByTestId('new-ticket-submit').click();
  await expect(page.getByTestId('ticket-title')).toHaveText(title);

  const composer = page.getByTestId('composer');
  await composer.fill('Here is the checklist: ');
  // Held until the placeholder has been seen: it shows while the file travels.
  let release: () => void = () => {};
  const held = new Promise<void>((resolve) => (release = resolve));
  await page.route('**/uploads?*', async (route) => {
    await held;
    await route.continue();
  });
  const chooser = page.waitForEvent('filechooser');
  await page.getByRole('button', { name: 'Attach files' }).press('Enter');
  await (await chooser).setFiles({ name: 'checklist.txt', mimeType: 'text/plain', buffer: Buffer.from('1. Unplug it\n2. Plug it back in\n') });
  // A file's link goes on a line of its own (issue 12), never into the words around it.
  await expect(composer).toHaveValue('Here is the checklist: \n[Uploading checklist.txt…]()');
  await expect(page.getByTestId('composer-submit')).toBeDisabled();
  release();
  await expect(composer).toHaveValue(/^Here is the checklist: \n\[checklist\.txt\]\(\/attachments\/[0-9a-f]{32}\/checklist\.txt\)$/);
  await page.unroute('**/uploads?*');

  await composer.press('End');
  await composer.pressSequentially(' and a screenshot: ');
  await composer.evaluate((box, png) => {
    const bytes = Uint8Array.from(atob(png), (c) => c.charCodeAt(0));
    const data = new DataTransfer();
    data.items.add(new File([bytes], 'screenshot.png', { type: 'image/png' }));
    box.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
  }, PIXEL);
  await expect(composer).toHaveValue(/ and a screenshot: \n!\[screenshot\.png\]\(\/attachments\/[0-9a-f]{32}\/screenshot\.png\)$/);

  const mark = sink.messages.length;
  await page.getByTestId('composer-submit').click();
  const note = page.getByTestId('note').filter({ hasText: 'Here is the checklist' });
  await expect(note).toHaveCount(1);
  await expect(composer).toHaveValue('');
  const image = note.getByRole('img', { name: 'screenshot.png' });
  await expect(image).toHaveJSProperty('naturalWidth', 1);
  // The link opens in a new tab, which downloads: fetched here with the same session.
  const href = await note.getByRole('link', { name: 'checklist.txt' }).getAttribute('href');
  expect(href).toMatch(/^\/attachments\/[0-9a-f]{32}\/checklist\.txt$/);
  const file = await page.request.get(href!);
  expect(file.headers()['content-disposition']).toMatch(/^attachment; filename="checklist.txt"/);
  expect(await file.text()).toBe('1. Unplug it\n2. Plug it back in\n');

  const mail = await mailTo(CUSTOMER, mark, 'Here is the checklist');
  expect(mail.attachments.map((x) => [x.filename, x.contentType])).toEqual([
    ['checklist.txt', 'text/plain'],
    ['screenshot.png', 'image/png'],
  ]);
  expect(mail.attachments[0]?.content.toString()).toContain('Plug it back in');
  expect(mail.attachments[1]?.content.toString('base64')).toBe(PIXEL);
  await a.context.close();
});

test('a file over 10 MB is refused with a clear message and nothing is inserted', async ({ browser }) => {
  const a = await signIn(browser, app.url, USERS.bob);
  const { page } = a;
  await page.goto(`/p/${PROJECT}`);
  await page.getByTestId('new-ticket-open').click();
  await page.getByTestId('new-ticket-title').fill(`Huge log ${Date.now()}`);
  await page.getByTestId('new-ticket-submit').click();
  await page.getByTestId('composer').fill('Log: ');
  await page.getByTestId('composer-file-input').setInputFiles({ name: 'huge.log', mimeType: 'text/plain', buffer: Buffer.alloc(10 * 1024 * 1024 + 1, 65) });
  await expect(page.getByRole('alert')).toHaveText('Could not upload huge.log: the file is too large: uploads are limited to 10 MB each.');
  await expect(page.getByTestId('composer')).toHaveValue('Log: ');
  await a.context.close();
});
