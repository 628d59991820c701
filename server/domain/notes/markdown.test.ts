import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertNoActiveUrl, HOSTILE_URLS } from '../../testing/hostile-urls';
import { renderMarkdown } from './markdown';

test('Markdown renders; script, handlers, javascript: links and remote images do not survive', () => {
  const html = renderMarkdown('**Hi** [x](javascript:alert(1)) <script>alert(2)</script> <img src=x onerror=alert(3)> ![t](https://tracker.test/p.gif) ![ok](/attachments/0123456789abcdef0123456789abcdef/a.png)');
  assert.match(html, /<strong>Hi<\/strong>/);
  for (const bad of ['<script', 'onerror', 'javascript:', 'tracker.test']) assert.ok(!html.includes(bad), `${bad}: ${html}`);
  assert.match(html, /<img src="\/attachments\/0123456789abcdef0123456789abcdef\/a.png" alt="ok" \/>/);
});

test('the collapsed quote of a trimmed reply renders as a real <details>', () => {
  const html = renderMarkdown('Thanks!\n\n<details><summary>…</summary>\n\n> old text\n\n</details>');
  assert.match(html, /<details><summary>…<\/summary>/);
  assert.match(html, /<blockquote>/);
});

test('a scheme hidden by control, invisible or encoded characters is dropped from links and images', () => {
  for (const url of HOSTILE_URLS) {
    for (const md of [`[x](${url})`, `<${url}>`, `<a href="${url}">x</a>`, `![x](${url})`, `<img src="${url}">`]) {
      assertNoActiveUrl(renderMarkdown(`${md} [ok](https://ok.test/)`), JSON.stringify(md));
    }
  }
  const html = renderMarkdown('<a href="\u2028javascript:alert(1)">x</a> [ok](https://ok.test/)');
  assert.match(html, /<a rel="noopener noreferrer nofollow" target="_blank">x<\/a> <a href="https:\/\/ok\.test\/"/);
  assert.match(html, /href="https:\/\/ok\.test\/" rel="noopener noreferrer nofollow" target="_blank"/, 'links open in a new tab without opener');
});
