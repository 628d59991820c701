/**
 * What becomes of the mail already in a mailbox when it is added, or pointed at another server,
 * user, folder or Exchange mailbox: unread messages only (the default), all of them, or none.
 * How "all" is taken differs: IMAP takes existing mail a few messages at a time between new ones;
 * Graph's first delta round goes through the whole inbox, page by page.
 */
import type { ExistingMail } from '../../../shared/mail-settings';

const EXPLAIN = {
  unread: 'Unread messages already there become tickets; read ones are left alone.',
  none: 'Nothing already there becomes a ticket, read or not.',
} as const;
const EXPLAIN_ALL = {
  imap: 'Every message already there becomes a ticket, read or not, a few at a time, new mail first.',
  graph: 'Every message already there becomes a ticket, read or not: the first round goes through the whole inbox, page by page.',
} as const;

export default function ExistingMailField(props: { value: ExistingMail; onChange(v: ExistingMail): void; testid: string; source: keyof typeof EXPLAIN_ALL }) {
  return (
    <label class="field">
      <span>Mail already there</span>
      <select data-testid={props.testid} aria-describedby={`${props.testid}-hint`} value={props.value} onChange={(e) => props.onChange(e.currentTarget.value as ExistingMail)}>
        <option value="unread">Unread mail only</option>
        <option value="all">All mail already there</option>
        <option value="none">None — only new mail</option>
      </select>
      <small class="muted" id={`${props.testid}-hint`} data-testid={`${props.testid}-hint`}>
        {props.value === 'all' ? EXPLAIN_ALL[props.source] : EXPLAIN[props.value]} Applies when the mailbox is added or pointed elsewhere; mail arriving later is always taken.
      </small>
    </label>
  );
}
