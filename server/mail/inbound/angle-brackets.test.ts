import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bodyMarkdown } from './body';
import { escapeTagLike } from './angle-brackets';
import { renderMarkdown } from '../../domain/notes/markdown';

/** What a responder reads: the stored Markdown rendered, tags stripped to their text. */
function shown(md: string): string {
  return renderMarkdown(md)
    .replace(/<[^>]*>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

test("a customer's <word> in plain text shows as typed instead of vanishing as an HTML tag", () => {
  const md = bodyMarkdown('Error: <missing config> at start-up.\nPress <Ctrl>+<C>, then set <tenant-id> in </etc/app.conf>.\n', null);
  const text = shown(md);
  assert.match(text, /Error: <missing config> at start-up\./);
  assert.match(text, /Press <Ctrl>\+<C>, then set <tenant-id> in <\/etc\/app\.conf>\./);
});

test('an HTML mail that writes &lt;span&gt; as text keeps it', () => {
  const md = bodyMarkdown(null, '<p>Each run is wrapped in a &lt;span&gt; whose style sets a colour.</p>');
  assert.match(shown(md), /wrapped in a <span> whose style/);
});

test('links, code and the <details> of an HTML mail are left as they were', () => {
  const plain = 'Mail <ann@example.com> or see <https://example.com/a?b=1>.\nOn Mon, 3 Mar 2025, Ann <ann@example.com> wrote:\n> old\n\nIn code `<div>` stays, and:\n\n    <indented code>\n\n```\n<pre>\n```\nAlready \\<escaped>.';
  assert.equal(escapeTagLike(plain), plain);
  const html = bodyMarkdown(null, '<details><summary>Log</summary><p>line</p></details>');
  assert.match(renderMarkdown(html), /<details><summary>Log<\/summary>/);
});

test('escaping angle brackets is linear on hostile text', () => {
  for (const hostile of ['<a'.repeat(300_000), `${'`'.repeat(1)}<a ${'``<b '.repeat(100_000)}`, '<x:'.repeat(200_000), `${'a'.repeat(500_000)}@<`, '\n    <a'.repeat(100_000)]) {
    const start = performance.now();
    escapeTagLike(hostile);
    // quadratic work on these takes minutes; a second is room for a loaded machine
    assert.ok(performance.now() - start < 1000, `${performance.now() - start} ms`);
  }
});
