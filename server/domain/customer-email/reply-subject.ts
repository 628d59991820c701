/**
 * The subject of our emails about a ticket: `Re: <title> (#<iid>)` (SPEC §4). A title that is
 * already a reply's subject — a customer who opened the ticket by answering an older email,
 * "Re: Your order" — keeps its one "Re:" instead of becoming "Re: Re: Your order (#12)".
 */
export function replySubject(title: string, iid: number): string {
  return `${/^\s*re\s*:/i.test(title) ? '' : 'Re: '}${title} (#${iid})`;
}
