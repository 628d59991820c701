/** The outgoing SMTP server, and "Send test email" showing the server's last answer. */
import { createSignal, For, Show, untrack } from 'solid-js';
import type { MailSecurity, MailSettingsView } from '../../../shared/mail-settings';
import { createAction } from '../../lib/action';
import { api } from '../../lib/trpc';
import FormError from '../FormError';
import EnvBadge from './EnvBadge';
import SecurityField, { securityLabel } from './SecurityField';
import { tlsHint } from '../../lib/tls-hint';

type TestResult = Awaited<ReturnType<typeof api.mailSettings.sendTestEmail.mutate>>;

export default function SmtpForm(props: { view: MailSettingsView; onSaved(v: MailSettingsView): void }) {
  const s0 = untrack(() => props.view.smtp);
  const [host, setHost] = createSignal(s0.source === 'settings' ? (s0.host ?? '') : '');
  const [port, setPort] = createSignal(String(s0.source === 'settings' ? (s0.port ?? 587) : 587));
  const [security, setSecurity] = createSignal<MailSecurity>(s0.source === 'settings' && s0.security !== 'auto' && s0.security ? s0.security : 'starttls');
  const [user, setUser] = createSignal(s0.source === 'settings' ? (s0.user ?? '') : '');
  const [password, setPassword] = createSignal('');
  const [to, setTo] = createSignal('');
  const [result, setResult] = createSignal<TestResult | null>(null);
  const [done, setDone] = createSignal<string | null>(null);
  const fromEnv = () => props.view.smtp.source === 'env';
  const form = () => ({ host: host().trim(), port: Number(port()), security: security(), user: user().trim(), ...(password() ? { password: password() } : {}) });
  const save = createAction(() => api.mailSettings.saveSmtp.mutate(form()));
  const clear = createAction(() => api.mailSettings.clearSmtp.mutate());
  const test = createAction(() => api.mailSettings.sendTestEmail.mutate({ to: to().trim(), ...(fromEnv() ? {} : { settings: form() }) }));

  async function submit(e: SubmitEvent) {
    e.preventDefault();
    setDone(null);
    const next = await save.run();
    if (!next) return;
    setPassword('');
    props.onSaved(next);
    setDone(`Saved. Email goes out through ${next.smtp.transport} now.`);
  }

  return (
    <form class="panel stack" onSubmit={(e) => void submit(e)} aria-labelledby="smtp-heading" data-testid="smtp-settings">
      <h3 id="smtp-heading">
        Outgoing email (SMTP) <Show when={fromEnv()}><EnvBadge variable="SMTP_URL" /></Show>
      </h3>
      <p class="muted" data-testid="smtp-transport">
        <Show when={props.view.smtp.source !== 'none'} fallback={<>No server yet: every email is written as an .eml file to DATA_DIR/outbox.</>}>
          Email goes out through <code class="mono">{props.view.smtp.transport}</code>.
        </Show>
      </p>
      <Show
        when={!fromEnv()}
        fallback={
          <dl class="facts">
            <dt>Server</dt>
            <dd class="mono">
              {props.view.smtp.host}:{props.view.smtp.port}
            </dd>
            <dt>Security</dt>
            <dd>{securityLabel(props.view.smtp.security)}</dd>
            <dt>User</dt>
            <dd class="mono">{props.view.smtp.user ?? '—'}</dd>
            <dt>Password</dt>
            <dd>{props.view.smtp.passwordSet ? 'set' : 'none'}</dd>
          </dl>
        }
      >
        <div class="row-fields">
          <label class="field">
            <span>Server</span>
            <input name="smtpHost" data-testid="smtp-host" required placeholder="smtp.example.com" value={host()} onInput={(e) => setHost(e.currentTarget.value)} />
          </label>
          <label class="field">
            <span>Port</span>
            <input name="smtpPort" data-testid="smtp-port" type="number" min="1" max="65535" required value={port()} onInput={(e) => setPort(e.currentTarget.value)} />
          </label>
          <SecurityField value={security()} onChange={setSecurity} testid="smtp-security" />
        </div>
        <div class="row-fields">
          <label class="field">
            <span>User name (optional)</span>
            <input name="smtpUser" data-testid="smtp-user" autocomplete="off" value={user()} onInput={(e) => setUser(e.currentTarget.value)} />
          </label>
          <label class="field">
            <span>Password</span>
            <input
              name="smtpPassword"
              data-testid="smtp-password"
              type="password"
              autocomplete="new-password"
              placeholder={props.view.smtp.passwordSet ? 'set — type to replace' : ''}
              value={password()}
              onInput={(e) => setPassword(e.currentTarget.value)}
            />
          </label>
        </div>
        <FormError error={save.error() ?? clear.error()} />
        <Show when={done()}>
          <p class="form-ok" role="status">{done()}</p>
        </Show>
        <div class="actions">
          <button type="submit" class="button button-primary" disabled={save.pending()}>
            Save SMTP server
          </button>
          <Show when={props.view.smtp.source === 'settings'}>
            <button
              type="button"
              class="button"
              disabled={clear.pending()}
              onClick={async () => {
                const next = await clear.run();
                if (next) props.onSaved(next);
              }}
            >
              Stop using this server
            </button>
          </Show>
        </div>
      </Show>
      <div class="stack" aria-labelledby="smtp-test-heading">
        <h4 id="smtp-test-heading">Send test email</h4>
        <div class="actions" style={{ 'align-items': 'end', 'flex-wrap': 'wrap' }}>
          <label class="field">
            <span>To</span>
            <input type="email" data-testid="smtp-test-to" placeholder="you@example.com" value={to()} onInput={(e) => setTo(e.currentTarget.value)} />
          </label>
          <button
            type="button"
            class="button"
            data-testid="smtp-test-send"
            disabled={test.pending() || !to().trim()}
            onClick={async () => {
              setResult(null);
              const r = await test.run();
              if (r) setResult(r);
            }}
          >
            {test.pending() ? 'Sending…' : 'Send test email'}
          </button>
        </div>
        <FormError error={test.error()} />
        <Show when={result()}>
          {(r) => (
            <div classList={{ 'form-ok': r().ok, 'form-error': !r().ok }} role="status" data-testid="smtp-test-result" data-ok={String(r().ok)}>
              <p>
                {r().ok ? 'Sent. The server answered:' : 'Not sent. The server answered:'} <code class="mono" data-testid="smtp-last-answer">{r().lastAnswer}</code>
              </p>
              <Show when={!r().ok && tlsHint(r().lastAnswer)}>{(hint) => <p data-testid="smtp-test-hint">{hint()}</p>}</Show>
              <Show when={r().transcript.length > 0}>
                <details>
                  <summary>SMTP transcript</summary>
                  <pre class="mono transcript">
                    <For each={r().transcript}>{(l) => `${l}\n`}</For>
                  </pre>
                </details>
              </Show>
            </div>
          )}
        </Show>
      </div>
    </form>
  );
}
