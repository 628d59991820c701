import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { NoteView } from '../../../shared/views';
import { maskerFor, maskNote } from './masking';

const known = ['a@localhost', 'e@пример.рф', 'ann@customer.test', 'jo@customer.test'];

test('a known address is masked in text however it is written', () => {
  const m = maskerFor(known);
  assert.equal(m.text('mail A@LOCALHOST or e@xn--e1afmkfd.xn--p1ai or E@Пример.рф'), 'mail a*****@l***** or e*****@x*****.x** or e*****@x*****.x**');
  // The longer address is masked whole, not cut into by the shorter one.
  assert.equal(m.text('ann@customer.test'), 'an*****@c*****.t**');
});

test('in HTML, entities and percent-encoded mailto links are masked too', () => {
  const m = maskerFor(known);
  const html = '<p>a&#64;localhost <a href="mailto:e@%D0%BF%D1%80%D0%B8%D0%BC%D0%B5%D1%80.%D1%80%D1%84">e@пример.рф</a></p>';
  assert.equal(m.html(html), '<p>a*****@l***** <a href="mailto:e*****@x*****.x**">e*****@x*****.x**</a></p>');
});

test('addresses the ticket does not know stay in customer text; system notes mask any address', () => {
  const m = maskerFor(known);
  const note: NoteView = { id: 1, author: null, externalAuthor: 'ann@customer.test', body: 'ask support@vendor.example', internal: false, system: false, createdAt: '', fromEmail: true, html: '<p>ask support@vendor.example</p>' };
  assert.equal(maskNote(note, m).body, 'ask support@vendor.example');
  assert.equal(maskNote(note, m).externalAuthor, 'an*****@c*****.t**');
  const system = maskNote({ ...note, externalAuthor: null, system: true, body: 'added b@[10.1.2.3], a@localhost', html: '' }, m);
  assert.equal(system.body, 'added b*****@[*****], a*****@l*****');
});
