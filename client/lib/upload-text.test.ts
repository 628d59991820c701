import { test } from 'node:test';
import assert from 'node:assert/strict';
import { placeholderFor, spliceOwnLine, spliceText, swapText } from './upload-text';

test('the placeholder goes in at the cursor and the file\'s Markdown replaces it', () => {
  const ph = placeholderFor('shot.png');
  assert.equal(ph, '[Uploading shot.png…]()');
  const put = spliceText('See  please', 4, 4, ph);
  assert.deepEqual(put, { text: `See ${ph} please`, cursor: 4 + ph.length });
  const md = '![shot.png](/attachments/abc/shot.png)';
  assert.deepEqual(swapText(put.text, put.cursor, ph, md), { text: `See ${md} please`, cursor: 4 + md.length });
  assert.deepEqual(swapText(put.text, 2, ph, md), { text: `See ${md} please`, cursor: 2 }, 'a cursor before it stays put');
});

test('a placeholder edited away still gets the file appended; a failed upload just removes it', () => {
  assert.deepEqual(swapText('Hi', 2, placeholderFor('a.txt'), '[a.txt](/x)'), { text: 'Hi\n[a.txt](/x)', cursor: 2 });
  assert.deepEqual(swapText(`A ${placeholderFor('a.txt')} B`, 0, placeholderFor('a.txt'), ''), { text: 'A  B', cursor: 0 });
  assert.deepEqual(swapText('Hi', 1, placeholderFor('a.txt'), ''), { text: 'Hi', cursor: 1 });
});

test('a file goes on a line of its own, wherever the cursor was', () => {
  const ph = placeholderFor('a.txt');
  assert.deepEqual(spliceOwnLine('See please', 4, 4, ph), { text: `See \n${ph}\nplease`, cursor: 5 + ph.length + 1 });
  assert.deepEqual(spliceOwnLine('', 0, 0, ph), { text: ph, cursor: ph.length });
  assert.deepEqual(spliceOwnLine('Line\n', 5, 5, ph), { text: `Line\n${ph}`, cursor: 5 + ph.length });
  assert.deepEqual(spliceOwnLine(`Hi\n${ph}`, 3 + ph.length, 3 + ph.length, ph), { text: `Hi\n${ph}\n${ph}`, cursor: 3 + 2 * ph.length + 1 });
});
