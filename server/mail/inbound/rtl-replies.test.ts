/**
 * Replies from right-to-left mail clients fold their history as others do: Gmail in Hebrew and
 * Arabic wraps its attribution in invisible bidi controls (U+202B … U+202C), and Outlook in those
 * languages (and in Indonesian, Vietnamese, Thai) heads the quoted message with its own labels.
 * The attribution or header block no longer dangles in the visible answer. Through the real SMTP
 * listener (a customer's reply threaded by In-Reply-To), then the rules.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { eq } from 'drizzle-orm';
import { DESK_TO as TO, sendOverSmtp, startDeskWithReporter } from '../../testing/mailbox-tests';
import type { TestApp } from '../../testing/test-app';
import { notes } from '../../../db/schema';
import { trimReply } from './reply-trim';

let app: TestApp;

before(async () => {
  ({ app } = await startDeskWithReporter());
});
after(() => app.close());

const RLE = '\u202b';
const LRE = '\u202a';
const PDF = '\u202c';
const RLM = '\u200f';

/** As Gmail in Hebrew writes a reply: text and HTML, the attribution wrapped in bidi controls. */
function gmailHebrewReply(): string {
  const attribution = `${RLE}בתאריך יום ג׳, 1 בדצמ׳ 2026 ב-10:00 מאת ${LRE}Noa Levi${PDF}${RLM} <${LRE}noa@customer.test${PDF}${RLM}>:${PDF}`;
  return [
    'From: Noa Levi <noa@customer.test>',
    `To: ${TO}`,
    'Subject: Re: החשבונית לא נשלחה',
    'Message-ID: <CAGmail-he-2@mail.gmail.com>',
    'In-Reply-To: <rtl-he-1@customer.test>',
    'References: <rtl-he-1@customer.test>',
    'Date: Tue, 01 Dec 2026 11:00:00 +0200',
    'MIME-Version: 1.0',
    'Content-Type: multipart/alternative; boundary="000000000000a1b2c3"',
    '',
    '--000000000000a1b2c3',
    'Content-Type: text/plain; charset="UTF-8"',
    'Content-Transfer-Encoding: 8bit',
    '',
    'תודה, עכשיו זה עובד.',
    '',
    attribution,
    '',
    '> החשבונית של נובמבר לא הגיעה אליי.',
    '',
    '--000000000000a1b2c3',
    'Content-Type: text/html; charset="UTF-8"',
    'Content-Transfer-Encoding: 8bit',
    '',
    `<div dir="rtl">תודה, עכשיו זה עובד.</div><br><div class="gmail_quote"><div dir="ltr" class="gmail_attr">${attribution.replace('<', '&lt;').replace('>:', '&gt;:')}<br></div><blockquote class="gmail_quote" style="margin:0px 0px 0px 0.8ex;border-left:1px solid rgb(204,204,204);padding-left:1ex"><div dir="rtl">החשבונית של נובמבר לא הגיעה אליי.</div></blockquote></div>`,
    '',
    '--000000000000a1b2c3--',
    '',
  ].join('\r\n');
}

test("a Gmail reply in Hebrew folds its attribution with the quote: the responder sees only the customer's answer", async () => {
  const first = `From: Noa Levi <noa@customer.test>\r\nTo: ${TO}\r\nSubject: החשבונית לא נשלחה\r\nMessage-ID: <rtl-he-1@customer.test>\r\nDate: Tue, 01 Dec 2026 10:00:00 +0200\r\nContent-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\nהחשבונית של נובמבר לא הגיעה אליי.\r\n`;
  assert.match(await sendOverSmtp(app, first, 'noa@customer.test'), /Ok: ticket/);
  assert.match(await sendOverSmtp(app, gmailHebrewReply(), 'noa@customer.test'), /Ok: note/);
  const note = (await app.dc.db.select().from(notes).where(eq(notes.externalAuthor, 'noa@customer.test')).all()).at(-1);
  assert.ok(note);
  const [visible, folded = ''] = note.body.split('<details>');
  assert.equal(visible?.trim(), 'תודה, עכשיו זה עובד.', note.body);
  assert.match(folded, /בתאריך יום ג׳/);
  assert.match(folded, /החשבונית של נובמבר לא הגיעה אליי/);
});

test('Gmail attributions in bidi controls and Outlook header blocks in Hebrew, Arabic, Indonesian, Vietnamese and Thai are history', () => {
  const old = '\n\nThe old message\n';
  const replies: [string, string][] = [
    ['תודה', `${RLE}בתאריך יום ד׳, 23 בספט׳ 2026 ב-17:24 מאת ${LRE}Limor${PDF} <limor@x.com>:${PDF}\n\n> old`],
    ['شكرا', `${RLE}في الأربعاء، 7 أكتوبر 2026 في 3:53 م تمت كتابة ما يلي بواسطة ${LRE}Ahmed${PDF} <a@x.com>:${PDF}\n\n> old`],
    ['ممنون', `${RLE}در تاریخ سه‌شنبه ۵ مارس ۲۰۲۴ ساعت ۱۰:۰۰ Ali <a@x.com> نوشت:${PDF}\n\n> old`],
    ['תודה רבה', `מאת: Dan <d@x.com>\nנשלח: יום שלישי 05 מרץ 2024 10:00\nאל: support@x.com\nנושא: בעיה${old}`],
    ['תודה רבה', `${RLM}מאת: Dan <d@x.com>\n${RLM}נשלח: יום שלישי 05 מרץ 2024 10:00\n${RLM}אל: support@x.com\n${RLM}נושא: בעיה${old}`],
    ['شكرا', `من: Ahmed <a@x.com>\nتم الإرسال: الثلاثاء، 5 مارس 2024 10:00 ص\nإلى: support@x.com\nالموضوع: مشكلة${old}`],
    ['תודה', `-------- הודעה מקורית --------\nמאת: Dan <d@x.com>\nתאריך: 5/3/24 10:00 (GMT+02:00)\nאל: support@x.com\nנושא: בעיה${old}`],
    ['شكرا', `-------- الرسالة الأصلية --------\nمن: Ahmed <a@x.com>\nالتاريخ: 5/3/24 10:00 (GMT+02:00)\nإلى: support@x.com\nالموضوع: مشكلة${old}`],
    ['Terima kasih', `Dari: Budi <b@x.com>\nDikirim: Selasa, 05 Maret 2024 10.00\nKepada: support@x.com\nSubjek: Masalah${old}`],
    ['Cảm ơn', `Từ: An <a@x.com>\nĐã gửi: Thứ Ba, 5 tháng 3, 2024 10:00\nĐến: support@x.com\nChủ đề: Vấn đề${old}`],
    ['ขอบคุณ', `จาก: Somchai <s@x.com>\nส่ง: 5 มีนาคม 2567 10:00\nถึง: support@x.com\nเรื่อง: ปัญหา${old}`],
  ];
  for (const [answer, history] of replies) {
    const t = trimReply(`${answer}\n\n${history}`);
    assert.equal(t.visible, answer, history);
    assert.ok(t.trimmed.includes('old'), history);
  }
  // a customer's own from/to lines (dates of a leave, a transfer) stay theirs: no address, no subject line
  for (const own of ['أرجو تغيير الحجز:\nمن: 2025/03/01\nإلى: 2025/03/07\nالتاريخ: 2025/02/28\nشكرا', 'Mohon ubah jadwal:\nDari: 1 Maret\nKepada: 7 Maret\nTanggal: 28 Februari\nTerima kasih']) {
    assert.equal(trimReply(own).trimmed, '', own);
  }
});
