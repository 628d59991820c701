import { test } from 'node:test';
import assert from 'node:assert/strict';
import { trimReply } from './reply-trim';
import { bodyMarkdown } from './body';
import { replyMarkdown } from './message-markdown';

/**
 * Each hostile text, answered above, is trimmed within a second: each takes a few ms, and
 * quadratic work on 300,000 characters would take minutes, so a second leaves room for a loaded
 * machine and still catches it.
 */
function trimsWithinASecond(hostile: string[]): void {
  for (const text of hostile) {
    const t = performance.now();
    trimReply(`Answer\n\n${text}\n`);
    const ms = performance.now() - t;
    assert.ok(ms < 1000, `${Math.round(ms)} ms for ${JSON.stringify(text.slice(0, 30))}…`);
  }
}

test('Lotus Notes replies are trimmed: its header blocks (cc:, Kopie:), the classic memo header, separator lines, IBM Verse and the HTML "domino-section" table', () => {
  const history = (t: { trimmed: string }, s: string) => assert.ok(t.trimmed.includes(s), `history should hold ${JSON.stringify(s)}:\n${t.trimmed}`);
  const block = trimReply('Thanks, the patch fixed it.\n\nRegards,\nMark\n\n\n\nFrom:\tSupport <support@desk.test>\nTo:\tMark Jensen/Nordic/ACME@ACME\ncc:\tLisa Holm/Nordic/ACME@ACME\nDate:\t12.03.2025 10:15\nSubject:\tRe: License server down\n\nPlease apply the patch.\n');
  assert.equal(block.visible, 'Thanks, the patch fixed it.\n\nRegards,\nMark');
  history(block, 'Please apply the patch.');
  const german = trimReply('Danke, läuft wieder.\n\nVon:\tSupport <support@desk.test>\nAn:\tMark Jensen/Nordic/ACME@ACME\nKopie:\tLisa Holm/Nordic/ACME@ACME\nDatum:\t12.03.2025 10:15\nBetreff:\tRe: Lizenzserver\n\nBitte Patch einspielen.\n');
  assert.equal(german.visible, 'Danke, läuft wieder.');
  // Notes 6/7: labels right-aligned beside the sender, the address wrapped ("<…" then ">")
  const memo = trimReply([
    'Works now, thank you.', '', 'Mark', '', '', '',
    '             Support',
    '             <support@desk.test',
    '             >                                                          To',
    '                                       Mark Jensen/Nordic/ACME@ACME',
    '             12.03.2025 10:15                                           cc',
    '',
    '                                                                   Subject',
    '                                       Re: License server down',
    '', 'Please restart the license service.', '',
  ].join('\n'));
  assert.equal(memo.visible, 'Works now, thank you.\n\nMark');
  history(memo, '<support@desk.test');
  history(memo, 'Please restart the license service.');
  // Notes 7/8: each label on a line of its own under the sender and date
  const stacked = trimReply('Done, see attached log.\n\n\n\nSupport <support@desk.test>\n12.03.2025 10:15\n\nTo\nMark Jensen/Nordic/ACME@ACME\ncc\n\nSubject\nRe: License server down\n\nCan you send the log?\n');
  assert.equal(stacked.visible, 'Done, see attached log.');
  history(stacked, 'Support <support@desk.test>');
  const forwarded = trimReply('FYI, see below.\n\n----- Forwarded by Mark Jensen/Nordic/ACME on 12.03.2025 10:20 -----\n\nold text\n');
  assert.equal(forwarded.visible, 'FYI, see below.');
  const wrote = trimReply('Yes, Friday is fine.\n\n-----"Support" <support@desk.test> wrote: -----\n\nCan we call on Friday?\n');
  assert.equal(wrote.visible, 'Yes, Friday is fine.');
  const verse = trimReply('Yes, we have one for a client.\n\nSent from IBM Verse\n\n   Support --- Re: License server down ---\n    From:"Support" <support@desk.test>To:mark@nordic.testDate:Wed, Mar 12, 2025 10:15 AMSubject:Re: License server down\n\n  Hi, do you have a reference?\n');
  assert.equal(verse.visible, 'Yes, we have one for a client.\n\nSent from IBM Verse');
  const html = bodyMarkdown(null, '<p>Yes, that solved it.</p><p>Mark</p><br><div class="domino-section"><div class="domino-section-head"><span class="domino-section-title"><font color="#424282">Support --- Re: License server down --- </font></span></div><div class="domino-section-body"><br><table width="100%"><tr valign="top"><td width="1%"><font size="2" color="#5F5F5F">From:</font></td><td width="100%"><font size="2">&quot;Support&quot; &lt;support@desk.test&gt;</font></td></tr><tr><td><font>To:</font></td><td><font>mark.jensen@nordic.test</font></td></tr><tr><td><font>Date:</font></td><td><font>Wed, Mar 12, 2025 10:15 AM</font></td></tr><tr><td><font>Subject:</font></td><td><font>Re: License server down</font></td></tr></table><hr noshade><br></div></div><p>Please restart the service.</p>');
  const domino = trimReply(html);
  assert.equal(domino.visible, 'Yes, that solved it.\n\nMark');
  history(domino, 'Support --- Re: License server down ---');
  history(domino, 'Please restart the service.');
  // a customer's own lines are not a Notes header: no sender and date above them
  const own = 'Please change the rule to:\nTo: sales@customer.test\ncc: none\nSubject: anything\n\nThanks';
  assert.equal(trimReply(own).visible, own);
  assert.equal(trimReply('The tool prints --- done --- when it finishes.').visible, 'The tool prints --- done --- when it finishes.');
});

test('the Lotus Notes rules stay linear: hostile 300,000-character lines take no time', () => {
  const n = 300_000;
  const hostile = [
    `${'-'.repeat(n)}x`,
    `----- Forwarded by ${'-'.repeat(n)}x`,
    `-----${' wrote'.repeat(n / 6)}x -----`,
    `| From: ${'|'.repeat(n)}`,
    `| ${' '.repeat(n)}:|`,
    `From:${'Subject:'.repeat(n / 8)}`,
    `x${' --- '.repeat(n / 5)}`,
    `${' '.repeat(n)}To`,
    `To:${' cc'.repeat(n / 3)}`,
    `From: a\nTo: ${'b '.repeat(n / 2)}\ncc: ${'c '.repeat(n / 2)}\nDate: x`,
    `a/b@c 1\nTo\n${'cc\n'.repeat(8)}Subject${' '.repeat(n)}`,
  ];
  trimsWithinASecond(hostile);
});

test('a customer\'s own To/Cc/Subject lines, "From: … Date: … Subject:" sentences and From/To/Date tables stay visible (no EmptyEmail)', () => {
  const visible = (text: string) => assert.equal(trimReply(text).visible, text.trim(), text);
  const instructions = 'Please send future invoices to our AP team (ap@acme.com) like this:\nTo: ap@acme.com\nCc: controller@acme.com\nSubject: Invoice <number> for PO 4711\n\nThanks,\nAnn';
  visible(instructions);
  visible(instructions.slice(instructions.indexOf('\n') + 1));
  visible('Hello,\n\nthe following mail from noreply@vendor.com on 12/03 never reached us:\nTo: ann@acme.com\ncc: bob@acme.com\nSubject: Invoice 4711\n\nCould you check your logs, please?\n\nAnn');
  visible('The mail from Vendor <noreply@vendor.com> sent 12.03.2025 10:30 never arrived:\nTo: ann@acme.com\nCc: bob@acme.com\nSubject: Invoice 4711\nPlease check your logs.');
  visible('From: your system arrives with the wrong Date: and Subject: fields since Monday.\nPlease check.');
  visible('From:"Ann" mails arrive without Date: and Subject: fields To: me.');
  const itinerary = bodyMarkdown(null, '<p>Thanks, here is the booking I need changed:</p><table><tr><td>From:</td><td>Berlin TXL</td></tr><tr><td>To:</td><td>Paris CDG</td></tr><tr><td>Date:</td><td>12.03.2025 10:15</td></tr></table><p>Please move it to the 14th.</p>');
  assert.match(trimReply(itinerary).visible, /Paris CDG[\s\S]*Please move it to the 14th\.$/);
  const shipment = bodyMarkdown(null, '<table><tr><th>From:</th><th>Hamburg warehouse</th></tr><tr><td>To:</td><td>ACME Lyon</td></tr><tr><td>Sent:</td><td>12.03.2025</td></tr></table><p>It has not arrived.</p>');
  assert.match(trimReply(shipment).visible, /It has not arrived\.$/);
  // through the reply path: a note, not a rejection
  const reply = replyMarkdown({ markdown: instructions.slice(instructions.indexOf('\n') + 1), inlineUsed: new Set() }, []);
  assert.equal(reply.empty, false);
});

test('a Notes header with nothing of the customer\'s own above it is never the whole answer: only what follows is folded', () => {
  const verse = trimReply('   Support --- Re: License server down ---\n    From:"Support" <support@desk.test>To:mark@nordic.testDate:Wed, Mar 12, 2025 10:15 AMSubject:Re: License server down\n\n  Hi, do you have a reference?\n');
  assert.match(verse.visible, /From:"Support"/);
  assert.match(verse.trimmed, /do you have a reference/);
  const memo = trimReply('Vendor <noreply@vendor.com>\n12.03.2025 10:30\n\nTo\nann@acme.com\ncc\n\nSubject\nInvoice 4711\n\nThis one never reached us.\n');
  assert.match(memo.visible, /^Vendor <noreply@vendor\.com>[\s\S]*Invoice 4711$/);
  assert.equal(memo.trimmed, 'This one never reached us.');
  const domino = trimReply(bodyMarkdown(null, '<table><tr><td>From:</td><td>"Support" &lt;support@desk.test&gt;</td></tr><tr><td>Date:</td><td>Wed, Mar 12, 2025 10:15 AM</td></tr><tr><td>Subject:</td><td>Re: License</td></tr></table><p>Please restart the service.</p>'));
  assert.match(domino.visible, /support@desk\.test/);
  assert.match(domino.trimmed, /Please restart the service\./);
});

test('the stricter Notes rules stay linear on hostile input', () => {
  const n = 300_000;
  const hostile = [
    `From:"${'"'.repeat(n)}`,
    `From:${'a@'.repeat(n / 2)}To:`,
    `From:${' '.repeat(n)}<a@b>To:`,
    `${'Ann <a@b>\n12.03.2025 10:15\nTo\ncc\n'.repeat(n / 30)}Subject`,
    `${'| From: | a@b |\n'.repeat(n / 16)}`,
    `${'Ann Lee/'.repeat(n / 8)}ACME@ACME\n12.03.2025 10:15\nTo\ncc\nSubject`,
    `x\n${'1'.repeat(n)} 10:15\nTo\ncc\nSubject`,
  ];
  trimsWithinASecond(hostile);
});

test('lines of "From:" and blanks cost no more than ordinary lines of the same size (Verse one-line headers)', () => {
  // Before: `[ \t]*` in front of both the quoted and the unquoted name, ~130 ms on a quiet machine
  // for these 300 lines (the event loop, for every reply) against a few ms for ordinary text.
  const time = (text: string) => {
    let best = Infinity;
    for (let i = 0; i < 3; i++) {
      const t = performance.now();
      trimReply(text);
      best = Math.min(best, performance.now() - t);
    }
    return best;
  };
  const ordinary = time(`Hi\n${('Hi\n' + 'a '.repeat(497) + 'x\n').repeat(300)}`);
  const hostile = time(`Hi\n${('Hi\nFrom:' + ' \t'.repeat(496) + 'x\n').repeat(300)}`);
  assert.ok(hostile < Math.max(40, 8 * ordinary), `${hostile.toFixed(1)} ms against ${ordinary.toFixed(1)} ms for ordinary lines`);
});
