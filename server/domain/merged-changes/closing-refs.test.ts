/** Closing words as GitLab's default issue_closing_pattern reads them, with our references. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { closingTicketIids, MAX_REFS, MAX_TEXT } from './closing-refs';

const ctx = { publicUrl: 'https://desk.example.com', projectPath: 'acme/app' };
const refs = (text: string) => closingTicketIids(text, ctx);
const URL = 'https://desk.example.com/p/acme/app/-/tickets';

test('every keyword form GitLab knows closes, with the first letter in either case', () => {
  const words = ['close', 'closes', 'closed', 'closing', 'fix', 'fixes', 'fixed', 'fixing', 'resolve', 'resolves', 'resolved', 'resolving', 'implement', 'implements', 'implemented', 'implementing'];
  for (const w of words) {
    assert.deepEqual(refs(`${w} #4`), [4], w);
    assert.deepEqual(refs(`${w[0]!.toUpperCase()}${w.slice(1)} #4`), [4], w);
  }
});

test('words GitLab does not know, or knows only in another case, close nothing', () => {
  for (const text of ['CLOSES #1', 'FIXES #1', 'Fixs #1', 'Closeses #1', 'Resolv #1', 'Implementes #1', 'Unclosed #1', 'Prefixes #1', 'Fixture #1', 'Refixed #1', 'See #1', 'Related to #1', 'closes', '#1 closes']) {
    assert.deepEqual(refs(text), [], text);
  }
});

test('the keyword needs a space after it (an optional colon first)', () => {
  assert.deepEqual(refs('Closes: #7'), [7]);
  assert.deepEqual(refs('Closes:  #7'), [7]);
  assert.deepEqual(refs('Closes   #7'), [7]);
  assert.deepEqual(refs('closes#7'), []);
  assert.deepEqual(refs('Closes:#7'), []);
  assert.deepEqual(refs('Closes :#7'), []);
  assert.deepEqual(refs('Closes\t#7'), []);
  assert.deepEqual(refs('Closes\n#7'), []);
  assert.deepEqual(refs('Closes - #7'), []);
});

test('lists: commas, spaces and "and", as GitLab separates them', () => {
  assert.deepEqual(refs('Closes #1, #2 and tl#3'), [1, 2, 3]);
  assert.deepEqual(refs('Fixes #1,#2'), [1, 2]);
  assert.deepEqual(refs('Fixes #1 #2'), [1, 2]);
  assert.deepEqual(refs('Fixes #1 , #2'), [1, 2]);
  assert.deepEqual(refs('Fixes #1, and #2'), [1, 2]);
  assert.deepEqual(refs('Fixes #1 and #2 and #3'), [1, 2, 3]);
  // "and" needs spaces on both sides; without them the list ends.
  assert.deepEqual(refs('Fixes #1and #2'), []);
  assert.deepEqual(refs('Fixes #1 and#2'), [1]);
  // Words in between end the list: "#3" here is only mentioned.
  assert.deepEqual(refs('Fixes #1 and also #3'), [1]);
  assert.deepEqual(refs('Fixes #1. See #3'), [1]);
});

test('"issue" / "issues" may come before a reference', () => {
  assert.deepEqual(refs('Closes issue #5'), [5]);
  assert.deepEqual(refs('Closes issues #5 and #6'), [5, 6]);
  assert.deepEqual(refs('Closes issue issue #5'), []);
  assert.deepEqual(refs('Closes Issue #5'), []);
});

test('several statements anywhere in title and description, each ticket once, in order', () => {
  const text = 'Printer fix (Fixes #20)\n\nThis is related to #17 and fixes #18, #19\nand closes #20 too.\nResolves: tl#21';
  assert.deepEqual(refs(text), [20, 18, 19, 21]);
});

test('references: #n, tl#n (either case), and this instance’s ticket URLs of this project only', () => {
  assert.deepEqual(refs('Closes TL#9'), [9]);
  assert.deepEqual(refs(`Closes ${URL}/12`), [12]);
  assert.deepEqual(refs(`Closes ${URL}/12.`), [12]);
  assert.deepEqual(refs(`Closes ${URL}/12, ${URL}/13 and #14`), [12, 13, 14]);
  assert.deepEqual(refs(`Closes HTTPS://DESK.EXAMPLE.COM/p/Acme/App/-/tickets/15`), [15]);
  // Another project of this instance keeps the list going but closes nothing here.
  assert.deepEqual(refs('Closes https://desk.example.com/p/acme/other/-/tickets/3 and #4'), [4]);
  // Another host's URL is not one of our references: the list ends there.
  assert.deepEqual(refs('Closes https://github.com/acme/app/issues/3 and #4'), []);
  assert.deepEqual(refs('Closes https://desk.example.com.evil.test/p/acme/app/-/tickets/3'), []);
  // An external tracker's key is part of the list, as in GitLab.
  assert.deepEqual(refs('Closes JIRA-12, #4'), [4]);
  // Other projects' short references (group/project#n) are GitLab's, not ours.
  assert.deepEqual(refs('Closes acme/other#3'), []);
});

test('not a reference: digits glued to letters, #0, too many digits, other prefixes', () => {
  assert.deepEqual(refs('Closes #12abc'), []);
  assert.deepEqual(refs('Closes #0'), []);
  assert.deepEqual(refs('Closes #1234567890'), []);
  assert.deepEqual(refs('Closes gh#3'), []);
  assert.deepEqual(refs('Closes !3'), []);
  assert.deepEqual(refs(`Closes ${URL}/12abc`), []);
  assert.deepEqual(refs('Closes #12-and-more'), [12]);
});

test('a trailing slash on PUBLIC_URL changes nothing', () => {
  assert.deepEqual(closingTicketIids(`Fixes ${URL}/3`, { publicUrl: 'https://desk.example.com/', projectPath: 'acme/app' }), [3]);
});

test('bounded: at most MAX_REFS tickets, nothing after MAX_TEXT characters', () => {
  const many = `Closes ${Array.from({ length: 200 }, (_, i) => `#${i + 1}`).join(', ')}`;
  assert.equal(refs(many).length, MAX_REFS);
  assert.deepEqual(refs(`${'x'.repeat(MAX_TEXT)} Closes #1`), []);
});

// A quadratic reading of these 100,000 characters takes minutes; a linear one, milliseconds.
test('hostile text is read in linear time', { timeout: 10_000 }, () => {
  // Runs of spaces and commas that make the pattern as written backtrack quadratically.
  const inputs = [
    `Closes #1${' '.repeat(MAX_TEXT - 20)}x`,
    `Closes #1${', '.repeat(MAX_TEXT / 2 - 10)}`,
    'Closes '.repeat(MAX_TEXT / 7),
    `Fixes ${'issue '.repeat(MAX_TEXT / 6)}`,
    `Closes ${'#1 and '.repeat(MAX_TEXT / 7)}`,
  ];
  assert.deepEqual(inputs.map(refs), [[1], [1], [], [], [1]]);
});
