/**
 * Reply trimming (SPEC §2): the new text stays visible; quoted history is kept in a collapsed
 * <details>. History is what follows an attribution ("On … wrote:", its translations), an
 * Outlook "From:/Sent:" header block, "-----Original Message-----", a signature delimiter or a
 * mobile signature — and a quote that nothing of the customer's own follows. A quote *between*
 * the customer's own lines is theirs (they answer a passage, or cite the FAQ) and stays visible,
 * with its attribution: Thunderbird and Apple Mail bottom-post ("Am … schrieb …:", the `>` quote,
 * then the answer below it), and that answer must not be folded away as history. A reply whose
 * answer comes first (top-posting) is not bottom-posted because a footer follows the quote.
 */

import { type Block, dominoTable, isNotesSectionTitle, isNotesSeparator, isOneLineHeaders, notesMemoHeader } from './reply-trim-notes';

export interface Trimmed {
  visible: string;
  trimmed: string;
  /** a bottom-posted reply's attribution and quote, above the answer (leadingHistory) */
  leading?: string;
}

const ATTRIBUTION = [
  /^\s*On\b.{0,400}\bwrote:\s*$/i,
  /^\s*Am\b.{0,400}\bschrieb\b.{0,80}:\s*$/i,
  /^\s*Le\b.{0,400}\ba écrit\s*:\s*$/i,
  /^\s*El\b.{0,400}\bescribió:\s*$/i,
  /^\s*Op\b.{0,400}\bschreef\b.{0,80}:\s*$/i,
  /^\s*Il giorno\b.{0,400}\bha scritto:\s*$/i,
  /^\s*Em\b.{0,400}\bescreveu:\s*$/i,
  /^\s*\S.{0,200}(?:<[^<>\s@]+@[^<>\s@]+>|\([ \t]*[^()\s@]+@[^()\s@]+[ \t]*\))\s+(?:wrote|schrieb|a écrit|escribió|escreveu|schreef|ha scritto|skrev|kirjoitti|napisał|napisała)\s*:\s*$/i,
  // Czech: Thunderbird's "Dne 10.7.2025 13:48, Petr Novák napsal(a):", Evolution's "Petr píše v Út 24. 07. 2025 v 20:48 +0100:"
  /^\s*Dne\b.{0,400}\bnapsal(?:\(a\)|a)?\s*:\s*$/i,
  /^\s*\S.{0,200}\spíše v\s.{0,200}\b\d{1,2}:\d{2}\b.{0,80}:\s*$/i,
  // Zoho Mail: `---- On Mon, 03 Mar 2025 10:00:00 +0100 help@desk.test wrote ----`, history unquoted below
  /^\s*-{2,}\s*On\b.{0,400}\bwrote\s*-{2,}\s*$/i,
];
/** The first line of an attribution the client wrapped (Gmail wraps before the address). */
const ATTRIBUTION_START = /^\s*(On|Am|Le|El|Op|Il giorno|Em)\b/i;
const WRAPPED_ADDRESS = /^\s*[<(][ \t]*[^<>()\s@]+@/;
/**
 * Header labels of the quoted message, as Outlook, Outlook.com, Windows Mail and the big webmails
 * write them in their users' languages (Chinese and Japanese with a full-width colon). A label ends
 * with ":" or "：", perhaps bold ("**От:**"); webmail puts a no-break space after it (GMX and WEB.DE
 * `<b>Von:</b>&nbsp;…`), and after a full-width colon there is often no space at all ("发件人：Ann").
 */
const FROM_LABELS = 'From|Von|De|Van|Da|От|Від|Od|Från|Fra|Lähettäjä|Kimden|Feladó|Από|Afzender|Expéditeur|Remitente|Mittente|发件人|發件人|寄件者|差出人|送信者|보낸 사람|מאת|من|Dari|Từ|จาก';
const SENT_LABELS =
  'Sent|Date|Gesendet|Envoyé|Enviado|Enviada|Verzonden|Inviato|Datum|Отправлено|Дата|Надіслано|Wysłano|Data|Odesláno|Skickat|Sendt|Lähetetty|Päivämäärä|Gönderildi|Tarih|Elküldve|Dátum|Στάλθηκε|Ημερομηνία|Verstuurd|Enviada em|Enviado em|发送时间|發送時間|日期|寄件日期|送信日時|日時|보낸 날짜|נשלח|תאריך|تم الإرسال|التاريخ|Dikirim|Tanggal|Đã gửi|Ngày|ส่ง|วันที่';
const BETWEEN_LABELS =
  'To|Cc|cc|Bcc|Subject|An|Kopie|Betreff|Objet|À|A|Para|Asunto|Aan|Onderwerp|Oggetto|Reply-To|Sent by|Gesendet von|Кому|Копия|Тема|Komu|Kopia|Do|DW|Temat|Předmět|Till|Ämne|Til|Emne|Vastaanottaja|Kopio|Aihe|Kime|Konu|Bilgi|Címzett|Másolat|Tárgy|Προς|Κοιν|Θέμα|Assunto|收件人|收件者|抄送|副本|主题|主題|主旨|宛先|件名|받는 사람|참조|제목|אל|עותק|נושא|إلى|نسخة|الموضوع|Kepada|Tembusan|Subjek|Perihal|Đến|Chủ đề|ถึง|สำเนา|เรื่อง';
/** The end of a header label: ":" then blanks, or a full-width "：" and perhaps blanks; bold around it. */
const LABEL_END = String.raw`(?:(?:\*\*|__)?:(?:\*\*|__)?[ \t\u00a0]+|(?:\*\*|__)?：(?:\*\*|__)?[ \t\u00a0]*)`;
const OUTLOOK_FROM = new RegExp(String.raw`^[ \t]*(?:\*\*|__)?(?:${FROM_LABELS})${LABEL_END}\S`);
const OUTLOOK_NEXT = new RegExp(String.raw`^[ \t]*(?:\*\*|__)?(?:${SENT_LABELS})${LABEL_END}`);
/** Header lines that may come between From: and Sent: (Zimbra, Yahoo and AOL put To: first). */
const HEADER_BETWEEN = new RegExp(String.raw`^[ \t]*(?:\*\*|__)?(?:${BETWEEN_LABELS})(?:${LABEL_END}|(?:\*\*|__)?[:：](?:\*\*|__)?$)`);
const SUBJECT_LABELS = 'Subject|Betreff|Objet|Asunto|Onderwerp|Oggetto|Тема|Temat|Předmět|Ämne|Emne|Aihe|Konu|Tárgy|Θέμα|Assunto|主题|主題|主旨|件名|제목|נושא|الموضوع|Subjek|Perihal|Chủ đề|เรื่อง';
const HEADER_SUBJECT = new RegExp(String.raw`^[ 	]*(?:\*\*|__)?(?:${SUBJECT_LABELS})(?:${LABEL_END}|(?:\*\*|__)?[:：](?:\*\*|__)?$)`);
/** A separator line mail clients put above the quoted message (Outlook's row of underscores, an <hr>). */
const SEPARATOR = /^[ \t]*(?:[-_*=][ \t]*){3,}$/;

/**
 * An attribution in any language, known by its parts rather than its verb: a date (a four-digit
 * year), a clock time and the sender's address, ending in ":" (Gmail in Russian and Japanese
 * writes no verb: `ср, 30 апр. 2025 г. в 15:19, Ann <ann@x.ru>:`, `2025年3月3日(月) 10:00 Ann <a@x.jp>:`;
 * Chinese clients end in "写道：") or between dashes (Zoho Mail: `---- 在 星期二, 02 七月 2019 17:55:32
 * +0800 Ann <a@x> 撰写 ----`). History may follow it unquoted. Each part is a bounded test on a
 * line of at most MAX_DATED_CHARS.
 */
const MAX_DATED_CHARS = 400;
function isDatedAttribution(line: string): boolean {
  if (line.length > MAX_DATED_CHARS || !line.includes('@')) return false;
  const t = line.trim();
  if (!/[:：]$/.test(t) && !(/^-{2,}/.test(t) && /-{2,}$/.test(t))) return false;
  return /(?:^|[^\d])(?:19|20)\d\d(?:[^\d]|$)/.test(t) && /(?:^|[^\d])\d{1,2}:\d\d(?:[^\d]|$)/.test(t) && /[^\s<>()"@\[\]]{1,64}@[^\s<>()"@\[\]]{1,253}\.[^\s<>()"@\[\]]{1,63}/.test(t);
}

/**
 * An Outlook-style header block starts here: From:, then Sent:/Date: within a few header lines
 * (Lotus Notes puts `cc:`, `Kopie:` or `Sent by:` between them).
 */
function isHeaderBlock(lines: string[], i: number): boolean {
  const first = lines[i] as string;
  if (OUTLOOK_NEXT.test(first)) return sentBeforeFrom(lines, i);
  if (!OUTLOOK_FROM.test(first)) return false;
  for (let k = i + 1; k < Math.min(lines.length, i + 5); k++) {
    const line = lines[k] as string;
    // A quoted message's header names its sender's address or has a subject line: a customer's
    // own "From: ACME Ltd / Date: 3 March / Amount: …" (or "Od: 1.3. / Do: 7.3. / Data: …") does not.
    if (OUTLOOK_NEXT.test(line)) return first.includes('@') || subjectNear(lines, i);
    if (!HEADER_BETWEEN.test(line)) return false;
  }
  return false;
}

/** A subject line in the lines around `i` (up to 6 above and 8 below, without crossing a blank line). */
function subjectNear(lines: string[], i: number): boolean {
  const near = (l: string) => l.length <= MAX_ATTRIBUTION_CHARS && l.trim() !== '';
  for (let k = i - 1; k >= Math.max(0, i - 6) && near(lines[k] as string); k--) if (HEADER_SUBJECT.test(lines[k] as string)) return true;
  for (let k = i + 1; k < Math.min(lines.length, i + 9) && near(lines[k] as string); k++) if (HEADER_SUBJECT.test(lines[k] as string)) return true;
  return false;
}

/**
 * The first line of the header block found at `i`: header lines right above it go with it (a
 * forward that starts `Subject:`/`Objet:` before its `Date:` and `From:`, as Thunderbird and French
 * webmail write it), so no label of the quoted message is left visible above the fold.
 */
function headerBlockTop(lines: string[], i: number): number {
  let k = i;
  while (k > 0 && i - k < 6 && (lines[k - 1] as string).length <= MAX_ATTRIBUTION_CHARS && HEADER_BETWEEN.test(lines[k - 1] as string)) k--;
  return k;
}

/**
 * The line a client puts above a forwarded message (Thunderbird's "-------- Forwarded Message
 * --------", Gmail's "---------- Forwarded message ---------", Apple Mail's "Begin forwarded
 * message:", in their users' languages). Not history by itself (a customer may forward what we
 * need to read): it goes with a header block right below it, like a separator.
 */
const FORWARDED = new RegExp(
  String.raw`^[ \t\u00a0]*(?:[-‐‑‒–—―－]{2,}[ \t\u00a0]*(?:` +
    [
      'Forwarded message',
      'Weitergeleitete Nachricht',
      'Message transféré',
      'Mensaje reenviado',
      'Mensagem encaminhada',
      'Messaggio inoltrato',
      'Doorgestuurd bericht',
      'Пересылаемое сообщение',
      'Пересланное сообщение',
      'Przekazana wiadomość',
      'Vidarebefordrat meddelande',
      'Videresendt meddelelse',
      '转发的邮件',
      '轉寄的郵件',
      '転送されたメッセージ',
      '전달된 메시지',
    ].join('|') +
    String.raw`)[ \t\u00a0]*[-‐‑‒–—―－]{2,}|Begin forwarded message:|Anfang der weitergeleiteten Nachricht:|Début du message réexpédié\s?:)[ \t\u00a0]*$`,
  'i',
);

/**
 * GMX and WEB.DE write the date first: `Gesendet: …`, then `Von: Name <address>`, `An:`, `Betreff:`.
 * The From line must name an address, so a customer's own "Date: 12 March / From: Berlin" stays.
 */
function sentBeforeFrom(lines: string[], i: number): boolean {
  for (let k = i + 1; k < Math.min(lines.length, i + 4); k++) {
    const line = lines[k] as string;
    if (OUTLOOK_FROM.test(line)) return line.length <= MAX_ATTRIBUTION_CHARS && line.includes('@');
    if (!HEADER_BETWEEN.test(line)) return false;
  }
  return false;
}

/**
 * Where a Lotus Notes or IBM Verse header of the quoted message starts and ends: the HTML
 * domino-section table (its rows read as an Outlook header block), Verse's one-line headers or
 * the classic memo header (reply-trim-notes.ts).
 */
function notesHeader(lines: string[], i: number): Block | null {
  const line = lines[i] as string;
  const table = dominoTable(lines, i);
  if (table && isHeaderBlock(table.rows, 0)) return { start: i, end: table.end };
  if (isOneLineHeaders(line)) return { start: i, end: i + 1 };
  return notesMemoHeader(lines, i);
}

/**
 * Whether the customer wrote anything above line `at` (a separator or Notes' section title is not
 * theirs: it goes with the history).
 */
function ownTextAbove(lines: string[], at: number): boolean {
  for (let i = 0; i < at; i++) {
    const line = lines[i] as string;
    if (line.trim() && !SEPARATOR.test(line) && !isNotesSectionTitle(line)) return true;
  }
  return false;
}

/**
 * "-----Original Message-----" in the languages Outlook, Yahoo, AOL, QQ Mail and Sina write it; the
 * dashes may be typographic (ProtonMail writes U+2010) and no-break spaces may surround the words.
 */
const ORIGINAL_MESSAGE = new RegExp(
  String.raw`^[ \t\u00a0]*[-‐‑‒–—―－]{2,}[ \t\u00a0]*(?:` +
    [
      'Original Message',
      'Ursprüngliche Nachricht',
      "Message d'origine",
      'Mensaje original',
      'Mensagem original',
      'Messaggio originale',
      'Oorspronkelijk bericht',
      'Исходное сообщение',
      'Оригинальное сообщение',
      'Вихідне повідомлення',
      'Původní zpráva',
      'Oryginalna wiadomość',
      'Ursprungligt meddelande',
      'Oprindelig meddelelse',
      'Opprinnelig melding',
      'Alkuperäinen viesti',
      'Eredeti üzenet',
      'Orijinal Mesaj',
      '原始邮件',
      '原始郵件',
      '原始信件',
      '元のメッセージ',
      '원본 메시지',
      'הודעה מקורית',
      'الرسالة الأصلية',
      'Pesan Asli',
    ].join('|') +
    String.raw`)[ \t\u00a0]*[-‐‑‒–—―－]{2,}[ \t\u00a0]*$`,
  'i',
);
const SIGNATURE = /^-- ?$/;
const MOBILE_SIGNATURE = new RegExp(
  '^[ \\t]*(?:' +
    [
      'Sent from my (?:iPhone|iPad|Android|mobile device|Galaxy)',
      'Get Outlook for (?:iOS|Android)',
      'Von meinem (?:iPhone|iPad|Smartphone|Samsung Galaxy(?: Smartphone)?|Galaxy|Android-Gerät) gesendet',
      'Gesendet von (?:meinem (?:iPhone|iPad|Smartphone)|Outlook für (?:iOS|Android))',
      'Envoyé (?:de|depuis) mon (?:iPhone|iPad|smartphone(?: Samsung Galaxy)?|Android|appareil Galaxy)',
      'Télécharger Outlook pour (?:iOS|Android)',
      'Enviado desde mi (?:iPhone|iPad|Android|smartphone)',
      'Obtener Outlook para (?:iOS|Android)',
      'Enviado do meu (?:iPhone|iPad|Android|smartphone|celular|telemóvel)',
      'Obter o Outlook para (?:iOS|Android)',
      'Verzonden (?:vanaf|met) mijn (?:iPhone|iPad|Android|smartphone|Galaxy)',
      'Outlook voor (?:iOS|Android) downloaden',
      'Inviato da (?:iPhone|iPad|Android|smartphone)',
      'Inviato dal mio (?:dispositivo Galaxy|smartphone Samsung Galaxy)',
      'Scarica Outlook per (?:iOS|Android)',
      'Sent from (?:Yahoo Mail|Mail for Windows|Outlook for (?:iOS|Android)|my (?:Samsung|Huawei|HUAWEI|Xiaomi|Pixel|BlackBerry|Windows Phone|Sony|LG|Nokia))',
      'Sent with Proton ?Mail',
      'Sent using Zoho Mail',
      'Отправлено (?:с|из) (?:моего )?(?:iPhone|iPad|Android|Samsung)',
      'Отправлено с устройства Galaxy',
      'Получить Outlook для (?:iOS|Android)',
      'Wysłane z (?:mojego )?(?:iPhone|iPada|Androida|telefonu)',
      'Skickat från (?:min |mitt )?(?:iPhone|iPad|Android|mobil)',
      'Sendt fra (?:min |mitt )?(?:iPhone|iPad|Android|mobil)',
      'Odesláno z (?:mého )?(?:iPhonu|iPadu|telefonu)',
    ].join('|') +
    ')\\b|^[ \\t]*(?:发自我的(?:iPhone|iPad|手机)|Отправлено из мобильной Почты|從我的 ?(?:iPhone|iPad)傳送|iPhoneから送信|使用 ?Zoho ?Mail ?[发發傳]送|iPadから送信|나의 (?:iPhone|iPad)에서 보냄|获取 ?Outlook for (?:iOS|Android)|(?:iOS|Android) ?版 ?Outlook を入手|Outlook for (?:iOS|Android) を入手|(?:iOS|Android)용 Outlook 받기)',
  'i',
);
const QUOTED = /^[ \t]*>/;

/**
 * A mobile or webmail signature, also as HTML mail writes it: with a link on the app's name, which
 * Markdown conversion makes `Get [Outlook for iOS](https://aka.ms/o0ukef)`.
 */
function isMobileSignature(line: string): boolean {
  if (MOBILE_SIGNATURE.test(line)) return true;
  if (line.length > MAX_ATTRIBUTION_CHARS || !line.includes('](')) return false;
  return MOBILE_SIGNATURE.test(line.replace(/\[([^[\]\n]{0,200})\]\([^()\s]{0,500}\)/g, '$1'));
}

/**
 * Bidirectional-text controls: Gmail in Hebrew, Arabic and Persian wraps its attribution in them
 * (`U+202B בתאריך … מאת U+202A Limor U+202C <limor@x.com>:U+202C`), Outlook puts RLM before an RTL
 * header label. Invisible, they would keep a line from being seen as an attribution or a label.
 */
const BIDI_CONTROL = /[\u200e\u200f\u202a-\u202e\u2066-\u2069]/;
const BIDI_CONTROLS = /[\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** Pathological input (thousands of lines) stays linear: the history is cut after this many lines. */
const MAX_LINES = 5000;

/**
 * No attribution is this long: longer lines are not tested at all, so the patterns' bounded
 * repeats never scan (and backtrack over) a 300,000-character line on the event loop.
 */
const MAX_ATTRIBUTION_CHARS = 1000;

function isAttribution(lines: string[], i: number): number {
  const line = lines[i] as string;
  if (line.length > MAX_ATTRIBUTION_CHARS) return 0;
  if (ATTRIBUTION.some((re) => re.test(line))) return 1;
  // Mail clients wrap a long attribution over two lines.
  const next = lines[i + 1];
  if (next !== undefined && next.length <= MAX_ATTRIBUTION_CHARS && (ATTRIBUTION_START.test(line) || WRAPPED_ADDRESS.test(next)) && !/[:：]\s*$/.test(line)) {
    const joined = `${line.trimEnd()} ${next.trim()}`;
    if (ATTRIBUTION.some((re) => re.test(joined))) return 2;
  }
  return 0;
}

/**
 * The sender as a client writes it at the end of its attribution: an address in angle brackets
 * (`Ann <ann@x.ru>:`, also as HTML conversion links it: `<[ann@x.ru](mailto:ann@x.ru)>`), then at
 * most a short tail before the colon (Chinese "于2025年3月6日 10:05写道：", Korean "님이 작성:",
 * Hungarian "ezt írta (időpont: 2025. márc. 3., H, 10:00):"). A customer's log line names its
 * address otherwise ("(user bob@example.com):", "by bob@example.com:"). Bounded repeats on a line of
 * at most MAX_DATED_CHARS.
 */
const SENDER_AT_END = /<(?:[^<>\s@]{1,64}@[^<>\s@]{1,253}|\[[^[\]\s@]{1,64}@[^[\]\s]{1,253}\]\([^()\s]{1,300}\))>[^<>]{0,60}[:：]\s*$/;

/** A dashed attribution (Zoho Mail): `---- 在 … 撰写 ----`. */
const DASHED = /^\s*-{2,}.*-{2,}\s*$/;

/**
 * Whether a dated attribution (`count` lines at `i`) is history. It must be shaped as a client
 * writes it: Zoho's dashed line, or a line ending in ":" that names its sender as clients do
 * (SENDER_AT_END); "Log from 2025-03-03 10:00 (user bob@example.com):" is the customer's (a quote
 * below such a line is left to the quote rules). Then a quote below it is history, as after any
 * attribution (the bottom-posting rule decides); with no quote, it never takes the whole answer
 * (the customer's own text must be above it), and the history below it is unquoted: Zoho's always
 * is; after a line ending in ":" a blank line (or nothing) follows, as clients write it.
 */
function datedIsHistory(lines: string[], i: number, count: number, textAbove: boolean): boolean {
  const text = count === 1 ? (lines[i] as string) : `${(lines[i] as string).trimEnd()} ${(lines[i + 1] as string).trim()}`;
  const dashed = DASHED.test(text);
  if (!dashed && !SENDER_AT_END.test(text)) return false;
  if (quoteFollows(lines, i + count)) return true;
  if (!textAbove) return false;
  const next = lines[i + count];
  return dashed || next === undefined || !next.trim();
}

/** A dated attribution (isDatedAttribution) at line `i`, perhaps wrapped before the address: its line count. */
function datedAttribution(lines: string[], i: number): number {
  const line = lines[i] as string;
  if (isDatedAttribution(line)) return 1;
  const next = lines[i + 1];
  if (next !== undefined && WRAPPED_ADDRESS.test(next) && !/[:：]\s*$/.test(line) && line.length + next.length < MAX_DATED_CHARS) {
    if (isDatedAttribution(`${line.trimEnd()} ${next.trim()}`)) return 2;
  }
  return 0;
}

/**
 * The end of the `>` quote (and blank lines) starting at `from`, or -1 when nothing of the
 * customer's own follows it (end of text, a signature): then the quote is history.
 */
function ownTextAfterQuote(lines: string[], from: number): number {
  let j = from;
  while (j < lines.length && (QUOTED.test(lines[j] as string) || !(lines[j] as string).trim())) j++;
  const rest = lines[j];
  if (rest === undefined || SIGNATURE.test(rest) || isMobileSignature(rest)) return -1;
  return j;
}

/**
 * The attribution line just above a quote that is history, in any language ("15. marts 2017 kl.
 * 11.00 skrev John Doe <john@example.com>:", "W dniu 3.03.2025 Jan <j@x.pl> napisał:", "2025年3月3日
 * 10:00 Bob <b@x.jp>:"): a line ending in ":" that names a bracketed address, as every client's
 * attribution does, or a bare address beside a clock time. A line of the customer's own ("Here is
 * the error I get:", "Version 2.10 still crashes with:", "I restarted it at 10:30 as you said:")
 * names neither and stays visible.
 */
function attributionBefore(lines: string[], quote: number): number | null {
  let k = quote - 1;
  while (k >= 0 && !(lines[k] as string).trim()) k--;
  const line = lines[k];
  if (line === undefined || line.length > 400 || !/[:：]\s*$/.test(line) || QUOTED.test(line)) return null;
  const bracketed = /<[^<>\s@]+@[^<>\s@]+>/.test(line);
  const bareWithTime = /[^\s<>()"@]+@[^\s<>()"@]+\.[^\s<>()"@]+/.test(line) && /\b\d{1,2}:\d{2}\b/.test(line);
  if (!bracketed && !bareWithTime) return null;
  // The guess never takes the whole answer: with nothing of the customer's own above it, the
  // line is their answer (a rejected "EmptyEmail" would lose it), and only the quote is history.
  for (let i = 0; i < k; i++) if ((lines[i] as string).trim()) return k;
  return null;
}

/** Whether the next non-blank line from `from` is a `>` quote. */
function quoteFollows(lines: string[], from: number): boolean {
  let q = from;
  while (q < lines.length && q < from + 50 && !(lines[q] as string).trim()) q++;
  return q < lines.length && QUOTED.test(lines[q] as string);
}

/**
 * Each fenced code block's opening line → its closing line, outside quotes. What a customer puts in
 * a fence is their own text (a log, a diff: body.ts fences pasted diffs), even when its lines look
 * like a quote (`> ` prompts), a signature delimiter or a header block. A fence never closed is
 * text as Markdown shows it: the rules read its lines as usual.
 */
function fencedBlocks(lines: string[], limit: number): Map<number, number> {
  const paired = pairFences(lines, limit, false);
  if (!paired.unclosed) return paired.blocks;
  // A fence is left open: the customer's stray one may have paired with a fence in our quoted
  // message below (an Outlook "-----Original Message-----", a header block, an attribution),
  // hiding that history as the customer's text. Paired again, no fence reaching into a line
  // where history may start: the stray one was text, unclosed. (Only then: a closed fence may
  // hold what looks like a header block, pasted bounce headers, and it is the customer's.)
  return pairFences(lines, limit, true).blocks;
}

function pairFences(lines: string[], limit: number, stopAtHistory: boolean): { blocks: Map<number, number>; unclosed: boolean } {
  const blocks = new Map<number, number>();
  let open = -1;
  let marker = '';
  for (let i = 0; i < limit; i++) {
    const line = lines[i] as string;
    if (stopAtHistory && open >= 0 && startsHistory(lines, i)) open = -1;
    const c = line.charCodeAt(line.length - line.trimStart().length);
    if (c !== 96 && c !== 126) continue; // ` or ~
    const m = /^ {0,3}(`{3,}|~{3,})/.exec(line);
    if (!m) continue;
    const fence = m[1] as string;
    if (open < 0) {
      open = i;
      marker = fence;
    } else if (fence[0] === marker[0] && fence.length >= marker.length && line.trim() === fence) {
      blocks.set(open, i);
      open = -1;
    }
  }
  return { blocks, unclosed: open >= 0 };
}

/** Whether line `i` is where a quoted history may start (for fencedBlocks: no fence spans it). */
function startsHistory(lines: string[], i: number): boolean {
  const line = lines[i] as string;
  return ORIGINAL_MESSAGE.test(line) || isAttribution(lines, i) > 0 || isHeaderBlock(lines, i);
}

/** Where the quoted history starts, or the line count when there is none. */
function historyStart(lines: string[]): number {
  const limit = Math.min(lines.length, MAX_LINES);
  const fences = fencedBlocks(lines, limit);
  // The customer answered above everything quoted (top-posting): what follows a quote then is a
  // disclaimer, a mailing-list footer or a signature, not their answer.
  let answeredAbove = false;
  let quoteSeen = false;
  // any line of the customer's own so far (a dated attribution needs one above it, or a quote below it)
  let textAbove = false;
  for (let i = 0; i < limit; i++) {
    const line = lines[i] as string;
    const fenceEnd = fences.get(i);
    if (fenceEnd !== undefined) {
      textAbove = true;
      if (!quoteSeen) answeredAbove = true;
      i = fenceEnd;
      continue;
    }
    let attribution = isAttribution(lines, i);
    if (!attribution) {
      // Known by its date, time and address only (datedIsHistory says when it is one)
      const dated = datedAttribution(lines, i);
      if (dated && datedIsHistory(lines, i, dated, textAbove)) attribution = dated;
    }
    if (line.trim() && !SEPARATOR.test(line)) textAbove = true;
    if (attribution) {
      if (answeredAbove) return i;
      quoteSeen = true;
      // Bottom-posting: the attribution and its quote come first, the answer after them.
      let q = i + attribution;
      while (q < lines.length && !(lines[q] as string).trim()) q++;
      const j = q < lines.length && QUOTED.test(lines[q] as string) ? ownTextAfterQuote(lines, q) : -1;
      if (j < 0) return i;
      i = j - 1;
      continue;
    }
    if (isHeaderBlock(lines, i)) return headerBlockTop(lines, i);
    if (isNotesSeparator(line)) return i;
    const notes = notesHeader(lines, i);
    // The Notes rules guess from labels a customer may write too, so the guess never takes the
    // whole answer: with nothing of the customer's own above it, only what follows is history.
    if (notes) return ownTextAbove(lines, notes.start) ? notes.start : notes.end;
    if (ORIGINAL_MESSAGE.test(line) || SIGNATURE.test(line) || isMobileSignature(line)) return i;
    if (QUOTED.test(line)) {
      quoteSeen = true;
      // A quote is history only when nothing of the customer's own comes after it.
      const j = ownTextAfterQuote(lines, i);
      if (j < 0) return attributionBefore(lines, i) ?? i;
      i = j - 1;
    } else if (!quoteSeen && line.trim()) answeredAbove = true;
  }
  return limit;
}

/**
 * A bottom-posted reply (Thunderbird, Apple Mail, Gmail, mutt: the attribution and its `>` quote
 * first, the answer below): where the answer starts, so the quote above it can fold as top-posted
 * history does; 0 when the text does not start so. Only when it is plainly history: a known
 * attribution (or, as the iPhone writes it, one inside the quote's first line), then only quote,
 * then the customer's text with no quote after it. An interleaved reply (answers between
 * quoted passages) and a quote the customer introduces themselves ("Here is the error I get:")
 * stay as written.
 */
function leadingHistory(lines: string[]): number {
  const limit = Math.min(lines.length, MAX_LINES);
  let i = 0;
  while (i < limit && !(lines[i] as string).trim()) i++;
  if (i >= limit) return 0;
  const first = lines[i] as string;
  let attribution = isAttribution(lines, i);
  if (!attribution) {
    const dated = datedAttribution(lines, i);
    if (dated && datedIsHistory(lines, i, dated, false)) attribution = dated;
  }
  if (!attribution && !(QUOTED.test(first) && isAttribution([first.replace(/^[ \t]*>[ \t]?/, '')], 0))) return 0;
  i += attribution;
  while (i < limit && !(lines[i] as string).trim()) i++;
  if (i >= limit || !QUOTED.test(lines[i] as string)) return 0;
  const own = ownTextAfterQuote(lines, i);
  if (own < 0 || own >= limit) return 0;
  for (let k = own; k < lines.length; k++) if (QUOTED.test(lines[k] as string)) return 0;
  return own;
}

export function trimReply(input: string): Trimmed {
  const squeezed = input.replace(/\r\n?/g, '\n').replace(/\n[ \t]*(?:\n[ \t]*){2,}/g, '\n\n');
  const lines = squeezed.split('\n');
  // history is recognised on the lines without bidi controls; what is kept and folded is as written
  const probe = BIDI_CONTROL.test(squeezed) ? lines.map((l) => l.replace(BIDI_CONTROLS, '')) : lines;
  let cut = historyStart(probe);
  // the separator above the history (Outlook's "_____", an <hr>) goes with it
  if (cut < probe.length) while (cut > 0 && (SEPARATOR.test(probe[cut - 1] as string) || isNotesSectionTitle(probe[cut - 1] as string) || FORWARDED.test(probe[cut - 1] as string) || !(probe[cut - 1] as string).trim())) cut--;
  const trimmed = lines.slice(cut).join('\n').trim();
  const kept = lines.slice(0, cut);
  const own = leadingHistory(probe.slice(0, cut));
  if (own > 0) return { leading: kept.slice(0, own).join('\n').trim(), visible: kept.slice(own).join('\n').trim(), trimmed };
  return { visible: kept.join('\n').trim(), trimmed };
}

/** The note: the answer, with the history folded above it (bottom-posted) or below it. */
export function noteBodyFromReply(t: Trimmed): string {
  const above = t.leading ? `<details><summary>…</summary>\n\n${t.leading}\n\n</details>\n\n` : '';
  if (!t.trimmed) return `${above}${t.visible}`;
  return `${above}${t.visible}\n\n<details><summary>…</summary>\n\n${t.trimmed}\n\n</details>`;
}
