/** Every page the server renders names an icon that is there: no 404 in a customer's console. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, type TestApp } from '../testing/test-app';

let app: TestApp;
before(async () => {
  app = await startTestApp();
});
after(async () => {
  await app.close();
});

test('the icon is served where browsers look for it', async () => {
  for (const path of ['/favicon.ico', '/favicon.svg']) {
    const res = await fetch(`${app.url}${path}`);
    assert.equal(res.status, 200, path);
    assert.equal(res.headers.get('content-type'), 'image/svg+xml');
    assert.match(await res.text(), /^<svg /);
  }
});

test('a query string (a cache-busting ?v=2) still gets the icon, and only the exact paths do', async () => {
  for (const path of ['/favicon.ico?v=2', '/favicon.svg?v=2&x=1']) {
    const res = await fetch(`${app.url}${path}`);
    assert.equal(res.status, 200, path);
    assert.equal(res.headers.get('content-type'), 'image/svg+xml', path);
    assert.match(await res.text(), /^<svg /, path);
  }
  for (const path of ['/favicon.icox', '/favicon.ico/x?v=2']) {
    const res = await fetch(`${app.url}${path}`);
    assert.notEqual(res.headers.get('content-type'), 'image/svg+xml', path);
    await res.arrayBuffer();
  }
});

test('the pages the server renders itself (unsubscribe, customer view) declare that icon', async () => {
  for (const path of ['/unsubscribe/00000000000000000000000000000000', '/c/not-a-token']) {
    const html = await (await fetch(`${app.url}${path}`)).text();
    assert.match(html, /<link rel="icon" href="\/favicon\.svg" type="image\/svg\+xml"/, path);
  }
});
