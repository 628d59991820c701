/**
 * What becomes of the mail already in a mailbox when it is added, or pointed at another server,
 * user, folder or Exchange mailbox: unread messages only (the default), all of them, or none.
 */
import type { ExistingMail } from '../../../shared/mail-settings';

const EXPLAIN: Record<ExistingMail, string> = {
  unread: 'Unread messages already there become tickets; read ones are left alone.',
  all: 'Every message already there becomes a ticket, read or not, a few at a time, new mail first.',
  none: 'Nothing already there becomes a ticket, read or not.',
};

export default function ExistingMailField(props: { value: ExistingMail; onChange(v: ExistingMail): void; testid: string }) {
  return (
    <label class="field">
      <span>Mail already there</span>
      <select data-testid={props.testid} aria-describedby={`${props.testid}-hint`} value={props.value} onChange={(e) => props.onChange(e.currentTarget.value as ExistingMail)}>
        <option value="unread">Unread mail only</option>
        <option value="all">All mail already there</option>
        <option value="none">None — only new mail</option>
      </select>
      <small class="muted" id={`${props.testid}-hint`} data-testid={`${props.testid}-hint`}>
        {EXPLAIN[props.value]} Applies when the mailbox is added or pointed elsewhere; mail arriving later is always taken.
      </small>
    </label>
  );
}
