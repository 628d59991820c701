import { test } from 'node:test';
import assert from 'node:assert/strict';
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
