/** How a mail connection is secured: implicit TLS, STARTTLS (required), or none (a trusted relay). */
import type { MailSecurity } from '../../../shared/mail-settings';

const LABELS: Record<MailSecurity | 'auto', string> = {
  tls: 'TLS (usually port 465 / 993)',
  starttls: 'STARTTLS (usually port 587 / 143)',
  none: 'None (trusted local server only)',
  auto: 'STARTTLS when offered',
};

export function securityLabel(s: MailSecurity | 'auto' | null): string {
  return s ? LABELS[s] : '—';
}

export default function SecurityField(props: { value: MailSecurity; onChange(v: MailSecurity): void; testid: string }) {
  return (
    <label class="field">
      <span>Security</span>
      <select data-testid={props.testid} value={props.value} onChange={(e) => props.onChange(e.currentTarget.value as MailSecurity)}>
        <option value="tls">{LABELS.tls}</option>
        <option value="starttls">{LABELS.starttls}</option>
        <option value="none">{LABELS.none}</option>
      </select>
    </label>
  );
}
