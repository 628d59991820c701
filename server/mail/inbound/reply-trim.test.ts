import { test } from 'node:test';
import assert from 'node:assert/strict';
import { noteBodyFromReply, trimReply } from './reply-trim';
import { neutraliseLines, neutraliseQuickActions, bodyMarkdown, tidy } from './body';

test('"On … wrote:" and quotes are trimmed and kept', () => {
  const t = trimReply('Thanks, fixed!\n\nOn Tue, Nov 3, 2026 at 10:00 AM Support <s@x.io> wrote:\n> Hello\n> there\n');
  assert.equal(t.visible, 'Thanks, fixed!');
  assert.match(t.trimmed, /wrote:[\s\S]*> Hello/);
  assert.match(noteBodyFromReply(t), /^Thanks, fixed!\n\n<details><summary>…<\/summary>[\s\S]*> there[\s\S]*<\/details>$/);
});

test('Outlook From:/Sent: blocks, signatures and "Sent from my iPhone" are trimmed', () => {
  const outlook = trimReply('Yes please.\n\nFrom: Support <x@y.com>\nSent: Tuesday, November 3, 2026 10:00 AM\nTo: Bob <bob@z.com>\nSubject: RE: Help\n\nHello there\n');
  assert.equal(outlook.visible, 'Yes please.');
  assert.match(outlook.trimmed, /Hello there/);
  assert.equal(trimReply('Sure.\n\n-- \nBob\nACME Inc').visible, 'Sure.');
  assert.equal(trimReply('Ok, will do\n\nSent from my iPhone').visible, 'Ok, will do');
});

test('a reply that is only quotes leaves nothing visible', () => {
  assert.equal(trimReply('On Mon, Bob wrote:\n> old text\n> more\n').visible, '');
});

test('customer quick actions are neutralised, code blocks left alone', () => {
  assert.equal(neutraliseQuickActions('Hi\n/close\n  /label ~bug\nnot /this'), 'Hi\n`/close`\n  `/label ~bug`\nnot /this');
  assert.equal(neutraliseQuickActions('```\n/close\n```'), '```\n/close\n```');
});

test('a path at the start of a line stays the customer\'s text; what a note would run as a command is still neutralised', () => {
  // a wrapped line of a customer's mail began with a path and became inline code, sentence and all
  const text = 'You should not make subdirectories under $HOME/bin any more than under\n/usr/bin. Although home directories are less standardized…\n/etc/hosts is fine';
  assert.equal(neutraliseQuickActions(text), text);
  // a known command runs whatever follows it (`/close.`, `/close/now`): those stay neutralised
  assert.equal(neutraliseQuickActions('/close.\n/close/now\n/snooze 4h\n/reopen'), '`/close.`\n`/close/now`\n`/snooze 4h`\n`/reopen`');
  // a word alone or before a blank is shaped like a command (GitLab has many more): neutralised
  assert.equal(neutraliseQuickActions('/shrug\n/estimate 1d'), '`/shrug`\n`/estimate 1d`');
});

test('the quick-action fast path changes nothing the line-by-line rule would', () => {
  // the line-by-line rule is the reference: the fast path may only skip texts it leaves alone
  const reference = neutraliseLines;
  const alphabet = [' ', '\t', '\r', '\n', '\u00a0', '\u2028', '/', 'a', 'Z', '_', '`', '~', 'x', '.'];
  let seed = 42;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  let changed = 0;
  for (let i = 0; i < 20_000; i++) {
    const text = Array.from({ length: 1 + Math.floor(next() * 24) }, () => alphabet[Math.floor(next() * alphabet.length)]).join('');
    const want = reference(text);
    if (want !== text) changed++;
    assert.equal(neutraliseQuickActions(text), want, JSON.stringify(text));
  }
  assert.ok(changed > 500, `only ${changed} texts had a quick action`);
  // linear on hostile text: line breaks and blanks, no slash
  for (const hostile of ['\r'.repeat(500_000), ' \r'.repeat(250_000), '\u00a0'.repeat(500_000), '\n \t'.repeat(150_000)]) {
    const start = performance.now();
    neutraliseQuickActions(hostile);
    // quadratic work on 500,000 characters takes minutes; a second is room for a loaded machine
    assert.ok(performance.now() - start < 1000, `${performance.now() - start} ms`);
  }
});

test('trailing whitespace is removed per line; HTML-only mail becomes Markdown', () => {
  assert.equal(tidy('a  \r\nb\t\r\n\r\n'), 'a\nb');
  const md = bodyMarkdown(null, '<p>Hi <b>there</b>, see <a href="https://x.test/a">this</a></p><ul><li>one</li><li>two</li></ul><blockquote>quoted</blockquote><table><tr><th>A</th><th>B</th></tr><tr><td>1</td><td>2</td></tr></table>');
  assert.match(md, /\*\*there\*\*/);
  assert.match(md, /\[this\]\(https:\/\/x\.test\/a\)/);
  assert.match(md, /^- one$/m);
  assert.match(md, /^> quoted$/m);
  assert.match(md, /^\| A \| B \|$/m);
  assert.match(md, /^\| 1 \| 2 \|$/m);
});

test('pathological replies (huge runs of blank lines, endless quotes) are handled, not stalled on', () => {
  const blank = trimReply(`Real answer\n${'\n'.repeat(200_000)}tail`);
  assert.equal(blank.visible.startsWith('Real answer'), true);
  const quotes = trimReply(`Answer\n\nOn Mon, Bob wrote:\n${'> old\n'.repeat(100_000)}`);
  assert.equal(quotes.visible, 'Answer');
  assert.ok(quotes.trimmed.length > 100_000, 'nothing is lost: the history is kept collapsed');
});

test('a bottom-posted reply (Thunderbird/Apple Mail: attribution, quote, then the answer) keeps the answer visible, the quote folded above it', () => {
  const t = trimReply('Am 07.05.2012 08:10, schrieb Martin via Team:\n> Hallo Marc,\n>\n> welcher Termin passt?\n>\n> --\n> Martin\nHallo Martin,\n\nnur am Freitag.\n\nGrüße aus Bonn\n');
  assert.equal(t.visible, 'Hallo Martin,\n\nnur am Freitag.\n\nGrüße aus Bonn');
  assert.match(t.leading ?? '', /^Am 07\.05\.2012 08:10, schrieb[\s\S]*welcher Termin passt\?[\s\S]*> Martin$/, 'the passage answered is folded, not lost');
  assert.match(noteBodyFromReply(t), /^<details><summary>…<\/summary>\n\nAm 07\.05\.2012[\s\S]*<\/details>\n\nHallo Martin,/);
  const interleaved = trimReply('On Mon, Bob <b@x.io> wrote:\n> Which browser?\n\nFirefox 135.\n\n> And the version?\n\n2.4.1\n\nOn Sun, Bob <b@x.io> wrote:\n> old history\n');
  assert.match(interleaved.visible, /Firefox 135\.[\s\S]*2\.4\.1$/);
  assert.match(interleaved.trimmed, /^On Sun[\s\S]*old history/);
  // top-posting is unchanged: the answer first, the quoted history folded
  assert.equal(trimReply('Thanks!\n\nAm 07.05.2012 08:10, schrieb Martin:\n> Hallo\n').visible, 'Thanks!');
  assert.equal(trimReply('Thanks!\n\nOn Mon, Bob wrote:\n> Hallo\n\n-- \nAlice\n').visible, 'Thanks!');
});

test('a bottom-post folds its leading quote only when it is plainly history: never an interleaved reply or a quote the customer introduces', () => {
  // Czech Thunderbird and Evolution, nested quotes, then the answer and a signature
  const cz = trimReply('Dne 10.7.2025 13:48, Petr Dvořák napsal(a):\n> On 07/10/2025 12:29 PM, Vera wrote:\n>> Old question?\n>\n> Old answer.\n\nThanks, that explains it.\n\n-- \nVera\n');
  assert.equal(cz.visible, 'Thanks, that explains it.');
  assert.match(cz.leading ?? '', /^Dne 10\.7\.2025[\s\S]*> Old answer\.$/);
  assert.match(cz.trimmed, /^-- \nVera$/);
  const evo = trimReply('Petr Dvořák píše v Út 24. 07. 2025 v 20:48 +0100:\n> Can we build it natively?\n\nYes, the cross compilers are there.\n');
  assert.equal(evo.visible, 'Yes, the cross compilers are there.');
  // the iPhone writes the attribution inside the quote
  const iphone = trimReply('> On 3 Mar 2025, at 10:00, Support <s@desk.test> wrote:\n>\n> Is it fixed?\n\nYes, thanks!\n');
  assert.equal(iphone.visible, 'Yes, thanks!');
  // interleaved answers stay as written, each with the passage it answers
  const interleaved = trimReply('On Mon, Bob <b@x.io> wrote:\n> Which browser?\n\nFirefox 135.\n\n> And the version?\n\n2.4.1\n');
  assert.equal(interleaved.leading, undefined);
  assert.match(interleaved.visible, /^On Mon, Bob[\s\S]*2\.4\.1$/);
  // the customer's own line above their quoted log is theirs: nothing folds
  const own = trimReply('Here is the error I get:\n> TypeError: x is undefined\n>   at main.js:10\n\nPlease help.\n');
  assert.equal(own.leading, undefined);
  assert.match(own.visible, /^Here is the error I get:[\s\S]*Please help\.$/);
  // a quote with nothing after it is still trailing history as before
  assert.equal(trimReply('On Mon, Bob <b@x.io> wrote:\n> Which browser?\n').visible, '');
});

test('a `--` signature delimiter or a `====`/`----` separator under a line of text is not made a heading', async () => {
  const { renderMarkdown } = await import('../../domain/notes/markdown');
  const md = bodyMarkdown('Attached are the comments.\n--\nLon Peters\n\nRESULTS\n=======\nall green\n\n> quoted\n> --\n> Bob\n', null);
  const html = renderMarkdown(md);
  assert.doesNotMatch(html, /<h[12]>/, html);
  assert.match(html, /Attached are the comments\./);
  assert.match(html, /--<br \/>Lon Peters/);
  assert.match(md, /^--$/m, 'the delimiter line itself is kept for reply trimming');
  assert.equal(trimReply(md).visible.includes('Lon Peters'), false, 'the signature is still trimmed from a reply');
  // the same for a signature that came as HTML
  assert.doesNotMatch(renderMarkdown(bodyMarkdown(null, '<div>Thanks</div><div>--</div><div>Bob</div>')), /<h2>/);
  // real Markdown structure is untouched: fences, lists, tables
  assert.equal(bodyMarkdown('```\ncode\n---\n```\n- item\n\n| a |\n| --- |', null), '```\ncode\n---\n```\n- item\n\n| a |\n| --- |');
});

test('webmail HTML with one <div> per line keeps its lines together, and a blank <div><br></div> is one blank line', () => {
  const html = '<div dir="ltr">Hi,<div><br></div><div>I cannot log in since this morning.</div><div>The page says "expired".</div><div><br></div><div>Thanks,</div><div>Ann</div><br><div class="gmail_quote"><div dir="ltr" class="gmail_attr">On Mon, 3 Mar 2025 at 10:00, Support &lt;help@desk.test&gt; wrote:<br></div><blockquote class="gmail_quote">Hello Ann,<br>please try again.</blockquote></div></div>';
  const md = bodyMarkdown(null, html);
  assert.match(md, /^Hi,\n\nI cannot log in since this morning\.\nThe page says "expired"\.\n\nThanks,\nAnn\n/);
  const t = trimReply(md);
  assert.equal(t.visible, 'Hi,\n\nI cannot log in since this morning.\nThe page says "expired".\n\nThanks,\nAnn');
  assert.match(t.trimmed, /^On Mon, 3 Mar 2025[\s\S]*> Hello Ann,/);
  // divs holding blocks are still blocks
  assert.equal(bodyMarkdown(null, '<div><p>One</p><p>Two</p></div><div>three</div>'), 'One\n\nTwo\n\nthree');
});

test('an attribution in another language (Gmail in Danish, Polish, Japanese) goes with the quote it introduces', () => {
  const danish = trimReply('This is text from gmail set up with danish locale\n\n15. marts 2017 kl. 11.00 skrev John Doe <john@example.com>:\n\n> I am having an odd issue\n> with port forwarding\n');
  assert.equal(danish.visible, 'This is text from gmail set up with danish locale');
  assert.match(danish.trimmed, /^15\. marts 2017 kl\. 11\.00 skrev John Doe/);
  assert.equal(trimReply('Dzięki!\n\nW dniu 3.03.2025 o 10:00 Jan Kowalski <jan@firma.pl> napisał:\n> Proszę o fakturę\n').visible, 'Dzięki!');
  assert.equal(trimReply('了解しました。\n\n2025年3月3日(月) 10:00 Bob <bob@example.jp>:\n> 確認お願いします\n').visible, '了解しました。');
  // the customer's own line before a quoted log stays visible
  assert.equal(trimReply('Here is the error I get:\n> Error 500 at /export\n').visible, 'Here is the error I get:');
});

test('header blocks with To: before Sent: (Zimbra, Yahoo, AOL) are history, and the separator above a quoted message goes with it', () => {
  const zimbra = trimReply(bodyMarkdown(null, '<div>Hello<br><br><hr id="zwchr"><b>From: </b>bob@example.com<br><b>To: </b>ann@example.com<br><b>Sent: </b>Monday, April 2, 2012 5:44:22 PM<br><b>Subject: </b>Test<br><br>Hi<br></div>'));
  assert.equal(zimbra.visible, 'Hello');
  assert.match(zimbra.trimmed, /^\* \* \*\n\n\*\*From:\*\* bob@example\.com/);
  const outlookPlain = trimReply('Thanks, that worked.\n\n________________________________\nFrom: Support <help@desk.test>\nSent: Monday, March 3, 2025 10:00 AM\nTo: Ann\nSubject: Re: Login\n\nPlease try again.\n');
  assert.equal(outlookPlain.visible, 'Thanks, that worked.');
  const owa = trimReply(bodyMarkdown(null, '<div>Thanks, that worked.</div><hr style="display:inline-block;width:98%"><div id="divRplyFwdMsg"><b>From:</b> Support &lt;help@desk.test&gt;<br><b>Sent:</b> Monday, March 3, 2025 10:00 AM<br><b>To:</b> Ann</div><div>Please try again.</div>'));
  assert.equal(owa.visible, 'Thanks, that worked.');
  // a customer's own "From:" line that is no header block stays
  assert.equal(trimReply('From: the login page\nTo: the dashboard, it hangs.\n').trimmed, '');
});

test('a short reply ending in ":" above a quote is the customer\'s answer, not an attribution: it stays visible (no EmptyEmail)', () => {
  const crash = trimReply('Version 2.10 still crashes with:\n\n> Segmentation fault at 0x0\n');
  assert.equal(crash.visible, 'Version 2.10 still crashes with:');
  assert.equal(crash.trimmed, '> Segmentation fault at 0x0');
  assert.equal(trimReply('I restarted it at 10:30 as you said:\n> Restart the service and try again.\n').visible, 'I restarted it at 10:30 as you said:');
  assert.equal(trimReply('Please send the invoice to billing@acme.com, as your FAQ says:\n> Invoices are sent monthly.\n').visible, 'Please send the invoice to billing@acme.com, as your FAQ says:');
  // even a line that looks like an attribution is never the whole answer trimmed away
  assert.equal(trimReply('Please copy Ann <ann@acme.com> at 10:30 too:\n> The meeting moved.\n').visible, 'Please copy Ann <ann@acme.com> at 10:30 too:');
  // real attributions above a top-posted answer still go with their quote
  assert.equal(trimReply('Thanks!\n\n2025-03-03 10:00 GMT+01:00 bob@example.jp:\n> 確認お願いします\n').visible, 'Thanks!');
});

test('attribution checks are linear on long lines: "x<" + "a@" × 150,000 (22 s before) takes no time', () => {
  const inputs = [
    `x<${'a@'.repeat(150_000)}`,
    `Answer\n\n${`x<${'a@'.repeat(490)}\n`.repeat(300)}`,
    `On ${'a@'.repeat(150_000)}\n${'<a@'.repeat(50_000)}`,
  ];
  for (const input of inputs) {
    const start = performance.now();
    const t = trimReply(input);
    const ms = performance.now() - start;
    // quadratic work on these inputs took 22 s; a second is room for a loaded machine
    assert.ok(ms < 1000, `${ms.toFixed(0)} ms for ${input.length} characters`);
    assert.equal(t.visible.length + t.trimmed.length > 0, true);
  }
  // a real attribution with a bracketed address is still recognised
  assert.equal(trimReply('Ok\n\nJohn Doe <john@example.com> wrote:\n> hi\n').visible, 'Ok');
});

test('a top-posted reply whose quote is followed by a disclaimer, a list footer or a signature still folds the quoted history', () => {
  const head = 'The issue persists.\n\nOn Mon, 3 Mar 2025, Support <s@desk.test> wrote:\n> We fixed it.\n> Regards\n\n';
  const disclaimer = trimReply(`${head}CONFIDENTIALITY NOTICE: This e-mail is intended only for the addressee.\n`);
  assert.equal(disclaimer.visible, 'The issue persists.');
  assert.match(disclaimer.trimmed, /^On Mon[\s\S]*We fixed it\.[\s\S]*CONFIDENTIALITY NOTICE/, 'nothing is lost');
  assert.equal(trimReply(`${head}_______________________________________________\nUsers mailing list\nusers@lists.example.org\n`).visible, 'The issue persists.');
  assert.equal(trimReply(`${head}Ann Smith\nACME Inc.\n`).visible, 'The issue persists.');
  assert.equal(trimReply(`The issue persists.\n\nAm 07.05.2012 08:10, schrieb Martin:\n> Hallo\n\nSent via ACME Mail\n`).visible, 'The issue persists.');
  // bottom-posting (nothing of the customer's own above the attribution) keeps its answer
  const bottom = trimReply('On Mon, 3 Mar 2025, Support <s@desk.test> wrote:\n> We fixed it.\n\nNo, it still fails.\n');
  assert.equal(bottom.visible, 'No, it still fails.');
  assert.equal(bottom.leading, 'On Mon, 3 Mar 2025, Support <s@desk.test> wrote:\n> We fixed it.');
});

test('HTML conversion does not rescan each <div>\'s subtree (O(nodes × depth)): nested webmail threads convert in linear work, with the same Markdown', async () => {
  const { createRequire } = await import('node:module');
  const fromTurndown = createRequire(createRequire(import.meta.url).resolve('turndown'));
  const domino = fromTurndown('@mixmark-io/domino') as { createDocument(html: string): { querySelector(s: string): object } };
  // counted on <div> elements (their prototype shadows the inherited, read-only method)
  const divProto = Object.getPrototypeOf(domino.createDocument('<div></div>').querySelector('div')) as { querySelector(s: string): unknown };
  const original = divProto.querySelector;
  let scans = 0;
  Object.defineProperty(divProto, 'querySelector', {
    configurable: true,
    writable: true,
    value(this: unknown, s: string) {
      scans++;
      return original.call(this, s);
    },
  });
  let gmail = '<div>Original question</div>';
  for (let i = 0; i < 60; i++) gmail = `<div dir="ltr"><div>Reply ${i}</div><div><br></div><div>Thanks,</div><div>Ann</div><div class="gmail_quote"><div dir="ltr" class="gmail_attr">On Mon, 3 Mar 2025 at 10:00, Support &lt;help@desk.test&gt; wrote:<br></div><blockquote class="gmail_quote"><div>${'<span>text <b>bold</b></span> '.repeat(5)}</div>${gmail}</blockquote></div></div>`;
  let md: string;
  try {
    md = bodyMarkdown(null, gmail);
  } finally {
    delete (divProto as { querySelector?: unknown }).querySelector;
  }
  assert.ok(scans < 10, `${scans} subtree scans for a 60-level thread`);
  assert.match(md, /^Reply 59\n\nThanks,\nAnn\n\nOn Mon, 3 Mar 2025 at 10:00, Support <help@desk\.test> wrote:\n\n> text \*\*bold\*\*/);
  assert.match(md, /(?:> ){60}Original question$/);
  // divs holding blocks deep below are blocks, lines are lines
  assert.equal(bodyMarkdown(null, '<div><div><span><p>One</p></span></div><div>two</div><div>three</div></div>'), 'One\n\ntwo\nthree');
});

test('GMX/WEB.DE header blocks (Gesendet: before Von:), Zoho\'s "---- On … wrote ----", wrapped attributions and mobile signatures in other languages are history', () => {
  // GMX and WEB.DE webmail, HTML (bold labels) and plain text: the date comes first
  const gmxHtml = trimReply(bodyMarkdown(null, '<div>Leider geht es immer noch nicht.</div><div>&nbsp;<div name="quote"><div><b>Gesendet:</b>&nbsp;Dienstag, 3. März 2025 um 10:00 Uhr<br/><b>Von:</b>&nbsp;Support &lt;help@desk.test&gt;<br/><b>An:</b>&nbsp;kunde@gmx.de<br/><b>Betreff:</b>&nbsp;Re: Login</div><div name="quoted-content">Bitte versuchen Sie es erneut.</div></div></div>'));
  assert.equal(gmxHtml.visible, 'Leider geht es immer noch nicht.');
  assert.match(gmxHtml.trimmed, /^\*\*Gesendet:\*\*/);
  const gmxPlain = trimReply('Danke!\n\nGesendet: Dienstag, 3. März 2025 um 10:00 Uhr\nVon: "Support" <help@desk.test>\nAn: kunde@web.de\nBetreff: Re: Login\n\nBitte versuchen Sie es erneut.\n');
  assert.equal(gmxPlain.visible, 'Danke!');
  // a customer's own "Date: … / From: …" lines name no address: they stay
  assert.equal(trimReply('Date: 12 March\nFrom: Berlin\nTo: Munich\nThe train was cancelled.\n').trimmed, '');
  // Zoho Mail quotes without ">" under a dashed attribution
  const zoho = trimReply('Is there a way to export all tickets?\n\n---- On Mon, 03 Mar 2025 10:00:00 +0100 help@desk.test wrote ----\n\nWe have received your request.\n');
  assert.equal(zoho.visible, 'Is there a way to export all tickets?');
  assert.match(zoho.trimmed, /^---- On Mon/);
  // attributions the mail client wrapped before the address, in Portuguese and Finnish
  assert.equal(trimReply('Obrigado!\n\nEm 3 de março de 2025 às 10:00, Suporte (\nhelp@desk.test) escreveu:\n\n> Tente novamente.\n').visible, 'Obrigado!');
  assert.equal(trimReply('Kiitos!\n\nma 3. maaliskuuta 2025 klo 10.00 Tuki\n<help@desk.test> kirjoitti:\n\n> Yritä uudelleen.\n').visible, 'Kiitos!');
  // mobile signatures in German, French, Spanish, Dutch and Italian start the history, as "Sent from my iPhone" does
  for (const signature of ['Von meinem iPhone gesendet', 'Gesendet von Outlook für Android<https://aka.ms/AAb9ysg>', 'Envoyé de mon iPhone', 'Télécharger Outlook pour iOS<https://aka.ms/o0ukef>', 'Enviado desde mi iPhone', 'Verzonden vanaf mijn iPhone', 'Inviato da iPhone']) {
    assert.equal(trimReply(`Ok, passt.\n\n${signature}\n\nFrom: Support <help@desk.test>\n`).visible, 'Ok, passt.', signature);
  }
  // a sentence that merely starts like one stays
  assert.equal(trimReply('Gesendet von meinem Kollegen: die Rechnung fehlt.\n').trimmed, '');
});

test('Portuguese mobile signatures (iPhone, Samsung, Outlook in Brazil and Portugal) fold away as "Sent from my iPhone" does', () => {
  for (const signature of ['Enviado do meu iPhone', 'Enviado do meu smartphone Samsung Galaxy', 'Obter o Outlook para Android<https://aka.ms/AAb9ysg>']) {
    const t = trimReply(`pedido de agendamento\n\n${signature}\n`);
    assert.equal(t.visible, 'pedido de agendamento', signature);
    assert.ok(t.trimmed.startsWith(signature.slice(0, 12)), signature);
  }
  // a sentence that merely starts like one stays
  assert.equal(trimReply('Enviado do meu escritório ontem: a fatura.\n').trimmed, '');
});

test("Samsung's and Outlook mobile's signatures in German, French, Italian, Dutch, Russian, Chinese, Japanese and Korean fold away as \"Sent from my Galaxy\" does", () => {
  for (const signature of [
    'Von meinem Samsung Galaxy Smartphone gesendet.',
    'Envoyé depuis mon appareil Galaxy',
    'Envoyé depuis mon smartphone Samsung Galaxy.',
    'Inviato dal mio dispositivo Galaxy',
    'Verzonden vanaf mijn Galaxy',
    'Отправлено с устройства Galaxy',
    'Получить Outlook для Android',
    '获取 Outlook for Android',
    'Outlook for iOS を入手',
    'iOS 版 Outlook を入手',
    'iOS용 Outlook 받기',
  ]) {
    const t = trimReply(`Thanks, it works now.\n\n${signature}\n\n-------- Original message --------\nFrom: Support <help@desk.test>\nDate: 05.03.24 10:00\n\nold text\n`);
    assert.equal(t.visible, 'Thanks, it works now.', signature);
    assert.ok(t.trimmed.startsWith(signature), signature);
  }
  // a sentence that merely starts like one stays
  assert.equal(trimReply('Отправлено с устройства коллеги вчера: счёт не пришёл.\n').trimmed, '');
});

test('header blocks and "Original Message" lines in Russian, Chinese, Japanese and more, bold or with a full-width colon, are history', () => {
  // Windows Mail / Outlook in Russian, as HTML (bold labels, linked names)
  const ru = trimReply(bodyMarkdown(null, '<div>Спасибо, всё работает.</div><div><br></div><div style="border-top:1px solid"><b>От:</b>&nbsp;<a href="mailto:help@desk.test">Поддержка</a><br><b>Отправлено:</b>&nbsp;четверг, 6 марта 2025 г. 10:05<br><b>Кому:</b>&nbsp;<a href="mailto:ivan@example.ru">Иван</a></div><div>Попробуйте ещё раз.</div>'));
  assert.equal(ru.visible, 'Спасибо, всё работает.');
  assert.match(ru.trimmed, /^\*\*От:\*\*[\s\S]*Попробуйте ещё раз\./);
  // Sina and NetEase: full-width colons with no space after them, date last
  const zh = trimReply('好的，谢谢。\n\n发件人：客服 <help@desk.test>\n收件人：wang@example.cn\n主题：回复：登录问题\n日期：2025年03月06日 10点05分\n\n请再试一次。\n');
  assert.equal(zh.visible, '好的，谢谢。');
  // Outlook in Japanese
  assert.equal(trimReply('承知しました。\n\n差出人: サポート <help@desk.test>\n送信日時: 2025年3月6日 10:05\n宛先: tanaka@example.jp\n件名: RE: ログイン\n\n再度お試しください。\n').visible, '承知しました。');
  // Polish and Swedish Outlook
  assert.equal(trimReply('Dziękuję!\n\nOd: Pomoc <help@desk.test>\nWysłano: czwartek, 6 marca 2025 10:05\nDo: jan@example.pl\nTemat: RE: Logowanie\n\nProszę spróbować ponownie.\n').visible, 'Dziękuję!');
  assert.equal(trimReply('Tack!\n\nFrån: Support <help@desk.test>\nSkickat: den 6 mars 2025 10:05\nTill: eva@example.se\nÄmne: SV: Inloggning\n\nFörsök igen.\n').visible, 'Tack!');
  // QQ Mail's separator with no-break spaces, ProtonMail's with typographic dashes, Outlook's in Russian
  for (const separator of ['------------------\u00a0原始邮件\u00a0------------------', '‐‐‐‐‐‐‐ Original Message ‐‐‐‐‐‐‐', '-----Исходное сообщение-----', '----- Původní zpráva -----']) {
    const t = trimReply(`Ok.\n\n${separator}\nold text\n`);
    assert.equal(t.visible, 'Ok.', separator);
    assert.match(t.trimmed, /old text/);
  }
  // a customer's own labelled lines name no quoted message: they stay
  assert.equal(trimReply('Тема: оплата\nДата: вчера\nСумма списана дважды.\n').trimmed, '');
  assert.equal(trimReply('主题：退款\n日期：昨天\n请尽快处理。\n').trimmed, '');
});

test('an attribution known by its date, time and address (Gmail in Russian writes no verb, Chinese clients end in "写道：") is history, quoted or not', () => {
  // Gmail in Russian, history unquoted below it (the leftover from round 3)
  const ru = trimReply('Да, теперь работает.\n\nср, 30 апр. 2025 г. в 15:19, Поддержка <help@desk.test>:\n\nПопробуйте ещё раз.\n--\nПоддержка\n');
  assert.equal(ru.visible, 'Да, теперь работает.');
  assert.match(ru.trimmed, /^ср, 30 апр\.[\s\S]*Попробуйте ещё раз\./);
  // wrapped before the address
  assert.equal(trimReply('Да.\n\nср, 30 апр. 2025 г. в 15:19, Служба поддержки\n<help@desk.test>:\n\nСтарый текст\n').visible, 'Да.');
  // Chinese clients: full-width colon, the address linked as HTML conversion writes it
  const zh = trimReply(bodyMarkdown(null, '<div>收到，谢谢。</div><br><div class="gmail_quote"><div class="gmail_attr">客服 &lt;<a href="mailto:help@desk.test">help@desk.test</a>&gt; 于2025年3月6日周四 上午10:05写道：<br></div><blockquote class="gmail_quote">请再试一次。</blockquote></div>'));
  assert.equal(zh.visible, '收到，谢谢。');
  assert.match(zh.trimmed, /^客服[\s\S]*写道：[\s\S]*> 请再试一次。/);
  // Zoho Mail in Chinese: between dashes, history unquoted
  assert.equal(trimReply('好的。\n\n---- 在 星期四, 06 三月 2025 10:05:00 +0800 客服 <help@desk.test> 撰写 ----\n\n请再试一次。\n').visible, '好的。');
  // the guards: nothing of the customer's own above it and no quote below → it is their text
  assert.equal(trimReply('Meeting on 2025-03-03 10:00 with Ann <ann@example.com>:\nWe agreed to ship on Friday.\n').trimmed, '');
  // a line without an address, or not ending in ":", is not one
  assert.equal(trimReply('It broke.\n\nOn 2025-03-03 at 10:00 the log said:\nDisk full\n').trimmed, '');
  assert.equal(trimReply('It broke.\n\n2025-03-03 10:00 ann@example.com reported the outage\nDisk full\n').trimmed, '');
});

test('a dated attribution folds unquoted history only when shaped like one (the sender in angle brackets, a blank line below); a customer\'s log line with their text below stays visible', () => {
  // real shapes, each with unquoted history below it: they still fold
  const real = [
    '2025年3月3日(月) 10:00 サポート <help@desk.test>:',
    '2025년 3월 3일 (월) 오전 10:00, 지원팀 <help@desk.test>님이 작성:',
    'Support <help@desk.test> ezt írta (időpont: 2025. márc. 3., H, 10:00):',
    'Support <help@desk.test>, 3 Mar 2025 Pzt, 10:00 tarihinde şunu yazdı:',
    '客服 <[help@desk.test](mailto:help@desk.test)> 于2025年3月6日周四 上午10:05写道：',
    '**客服 <help@desk.test>** 于2025年3月6日周四 上午10:05写道：',
    '---- 在 星期四, 06 三月 2025 10:05:00 +0800 help@desk.test 撰写 ----',
  ];
  for (const line of real) {
    const t = trimReply(`Thanks, that fixed it.\n\n${line}\n\nPlease try again.\n`);
    assert.equal(t.visible, 'Thanks, that fixed it.', line);
    assert.match(t.trimmed, /Please try again\.$/, line);
  }
  // a customer's own lines with a date, a time and an address, their text below: visible
  const own = [
    'Here is what the server wrote.\n\nLog from 2025-03-03 10:00 (user bob@example.com):\n2025-03-03 10:00:01 ERROR disk full\n2025-03-03 10:00:02 ERROR retrying\n',
    'Here is what the server wrote.\n\nLog from 2025-03-03 10:00 (user bob@example.com):\n\n2025-03-03 10:00:01 ERROR disk full\n',
    'Second try.\n\nTicket opened 2025-03-03 10:00 by bob@example.com:\n\nThe printer on floor 2 is broken.\n',
    'Notes.\n\nMeeting on 2025-03-03 10:00 with Ann <ann@example.com>:\nWe agreed to ship on Friday.\n',
  ];
  for (const text of own) assert.equal(trimReply(text).trimmed, '', text);
  // with a quote below, the quote rules decide as before: the customer's answer after it stays
  const quoted = trimReply('Here is the log.\n\nLog from 2025-03-03 10:00 (user bob@example.com):\n> ERROR disk full\n\nWhat does it mean?\n');
  assert.equal(quoted.trimmed, '');
});

test('a forwarded message\'s header block folds whole: the Subject:/Objet: line above its Date: and the "Forwarded Message" line go with it', () => {
  const french = trimReply('@team, can you have a look at this email below?\n\nObjet: Ça Discourse ?\nDate: 2017-01-04 11:27\nDe: Un Français <un@francais.fr>\nÀ: ba@bar.com\n\nBonjour,\n\nBises\n');
  assert.equal(french.visible, '@team, can you have a look at this email below?');
  assert.match(french.trimmed, /^Objet: Ça Discourse \?\nDate:/);
  const thunderbird = trimReply('The email I received is below.\n\nThanks,\nBart.\n\n\n\n-------- Forwarded Message --------\nSubject: \tRe: please revert the UFS HPB support\nDate: \tFri, 22 Oct 2021 07:41:43 +0900\nFrom: \t박대준 <pdaejun@gmail.com>\nTo: \tBart <bart@example.com>\n\nHi Bart,\n');
  assert.equal(thunderbird.visible, 'The email I received is below.\n\nThanks,\nBart.');
  assert.match(thunderbird.trimmed, /^-------- Forwarded Message --------\nSubject:/);
  for (const line of ['---------- Forwarded message ---------', '---------- Weitergeleitete Nachricht ----------', 'Begin forwarded message:']) {
    assert.equal(trimReply(`See below.\n\n${line}\nFrom: Ann <ann@example.com>\nDate: Mon, 3 Mar 2025 10:00\nSubject: Invoice\n\nold\n`).visible, 'See below.', line);
  }
  // a forward line alone is not history, and the customer's own "Subject:" line apart from a header block stays
  assert.equal(trimReply('---------- Forwarded message ---------\nPlease read the text below, it is from our auditor.\n').trimmed, '');
  const own = trimReply('Subject: the printer on floor 2\n\nIt is broken.\n\nFrom: Ann <ann@example.com>\nSent: Monday\nTo: help@desk.test\n\nold\n');
  assert.equal(own.visible, 'Subject: the printer on floor 2\n\nIt is broken.');
});

test('HTML-only replies: Outlook mobile\'s reply section, Yahoo\'s quoted block and Gmail\'s signature block are folded like their text twins', () => {
  const outlookMobile = trimReply(bodyMarkdown(null, '<div><div name="messageBodySection"><p>Die Rechnung ist <b>angekommen</b>.</p></div><div name="messageSignatureSection"><br>Gesendet von Outlook für iOS</div><div name="messageReplySection">Am 6. März 2025, 10:05 +0100 schrieb Support &lt;help@desk.test&gt;:<br><p>Anbei die Rechnung.</p></div></div>'));
  assert.equal(outlookMobile.visible, 'Die Rechnung ist **angekommen**.');
  assert.match(outlookMobile.trimmed, /Anbei die Rechnung\./);
  // Yahoo quotes in a div, not a blockquote; in Chinese no rule knows its attribution
  const yahoo = trimReply(bodyMarkdown(null, '<div class="yahoo-style-wrap"><div dir="ltr">收到了。</div></div><div id="yahoo_quoted_123" class="yahoo_quoted"><div>客服 在 2025年3月6日星期四 上午10:05 寫道：</div><div><br></div><div><div dir="ltr">請再試一次。</div></div></div>'));
  assert.equal(yahoo.visible, '收到了。');
  assert.match(yahoo.trimmed, /寫道：[\s\S]*請再試一次。/);
  // Gmail's signature block: the text part has "-- " above it
  const gmail = trimReply(bodyMarkdown(null, '<div dir="ltr">Works now, thanks!<br clear="all"><div><br></div>-- <br><div dir="ltr" class="gmail_signature" data-smartmail="gmail_signature"><div dir="ltr">Ann Lee<br>ACME Corp</div></div></div>'));
  assert.equal(gmail.visible, 'Works now, thanks!');
  const gmailNoDelimiter = trimReply(bodyMarkdown(null, '<div dir="ltr"><div>Works now, thanks!</div><div class="gmail_signature"><p>Ann Lee<br>ACME Corp</p></div></div>'));
  assert.equal(gmailNoDelimiter.visible, 'Works now, thanks!');
  assert.match(gmailNoDelimiter.trimmed, /Ann Lee/);
  // the new ticket's description keeps all of it: the history as a quote
  assert.match(bodyMarkdown(null, '<p>Hi</p><div class="yahoo_quoted"><p>old</p></div>'), /^Hi\n\n> old$/);
});

test('mobile and webmail signatures in more languages start the history (ProtonMail, Samsung, Russian, Chinese, Japanese)', () => {
  for (const signature of ['Sent with Proton Mail secure email.', 'Sent with ProtonMail Secure Email.', 'Sent from my Samsung Galaxy smartphone.', 'Sent from Yahoo Mail on Android', 'Отправлено с iPhone', 'Отправлено из мобильной Почты Mail.ru', '发自我的iPhone', 'iPhoneから送信', 'Wysłane z iPhone\'a', 'Sent using Zoho Mail', '使用Zoho Mail发送']) {
    assert.equal(trimReply(`Ok, thanks.\n\n${signature}\n\nold text\n`).visible, 'Ok, thanks.', signature);
  }
  // HTML mail links the app's name: "Get [Outlook for iOS](…)" after conversion
  const outlookIos = trimReply(bodyMarkdown(null, '<div>Ok, thanks.</div><div><br></div><div id="ms-outlook-mobile-signature">Get <a href="https://aka.ms/o0ukef">Outlook for iOS</a></div><hr><div id="divRplyFwdMsg"><b>Von:</b> Support &lt;help@desk.test&gt;<br><b>Gesendet:</b> Donnerstag, 6. März 2025 10:05</div><div>old text</div>'));
  assert.equal(outlookIos.visible, 'Ok, thanks.');
  assert.equal(trimReply('Ok, thanks.\n\nSent with [Proton Mail](https://proton.me/mail/home) secure email.\n\nold text\n').visible, 'Ok, thanks.');
  // Zoho Mail links its name too: "使用[Zoho Mail](…)发送"
  const zoho = trimReply(bodyMarkdown(null, '<div>回复内容<br></div><br><div><p><span>使用<a href="https://www.zoho.com.cn/mail/">Zoho Mail</a>发送</span><br></p></div><br><div><br><div>---- 在 星期二, 02 七月 2019 17:55:32 +0800 <b>客服 &lt;help@desk.test&gt;</b> 撰写 ----<br></div><blockquote><div>请再试一次。</div></blockquote></div>'));
  assert.equal(zoho.visible, '回复内容');
  assert.match(zoho.trimmed, /^使用\[Zoho Mail\][\s\S]*请再试一次。/);
  // a link in the customer's own sentence is not a signature
  assert.equal(trimReply('I [sent from my iPhone](https://example.com/x) the logs.\n').trimmed, '');
});

test('the reply-trimming rules stay linear on hostile replies (labels, dated attributions, separators by the thousand)', async () => {
  const { HOSTILE_REPLIES, quickly } = await import('../../testing/hostile-inputs');
  for (const { name, text } of HOSTILE_REPLIES) {
    // linear work on these takes a few ms; a super-linear path takes seconds
    const t = quickly(1500, () => trimReply(text));
    assert.ok(t.visible.length + t.trimmed.length > 0, name);
  }
});

test("a customer's own From:/Date: lines (an invoice, a leave request) stay visible; a quoted header with no address still folds when it has a subject line", () => {
  for (const own of [
    'Hi, we paid the invoice:\nFrom: ACME Ltd\nDate: 3 March 2025\nAmount: 1200 EUR\nWhy is the account still locked?',
    'Здравствуйте! Мы оплатили счёт, реквизиты платёжки:\nОт: ООО Ромашка\nДата: 03.03.2025\nСумма: 12 000 руб.\nПочему доступ всё ещё закрыт?',
    'Dzień dobry, proszę o zmianę terminu:\nOd: 01.03.2025\nDo: 07.03.2025\nData: 28.02.2025\nCzy to możliwe? Pozdrawiam',
  ]) {
    assert.equal(trimReply(own).trimmed, '', own);
  }
  // Foxmail and Exchange inside a company: names without addresses, and a subject line
  const foxmail = trimReply('ok, thanks!\n\nFrom: Li Wang\nDate: 2021-01-27 12:27\nTo: Xinpeng Liu\nCC: LTP List\nSubject: Re: [LTP] oom-killer\nHi Xinpeng,\nold text');
  assert.equal(foxmail.visible, 'ok, thanks!');
  const exchange = trimReply('Done.\n\n**From:** Smith, John\n**Sent:** Monday, March 3, 2025 10:00 AM\n**To:** Support\n**Subject:** RE: Printer\n\nold text');
  assert.equal(exchange.visible, 'Done.');
  // with the sender's address, as before, no subject line is needed
  assert.equal(trimReply('Done.\n\nFrom: Support <help@desk.test>\nSent: Monday\n\nold text').visible, 'Done.');
});
