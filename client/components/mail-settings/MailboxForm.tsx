/** Adds or edits an IMAP mailbox, with "Test connection" on the values as typed. */
import { createSignal, Show } from 'solid-js';
import type { ExistingMail, MailboxView, MailSecurity, MailSettingsView } from '../../../shared/mail-settings';
import { createAction } from '../../lib/action';
import { api } from '../../lib/trpc';
import FormError from '../FormError';
import SecurityField from './SecurityField';
import ExistingMailField from './ExistingMailField';
import { tlsHint } from '../../lib/tls-hint';

type TestResult = Awaited<ReturnType<typeof api.mailSettings.testMailbox.mutate>>;

export default function MailboxForm(props: { editing: MailboxView | null; onSaved(v: MailSettingsView): void; onCancel(): void }) {
  const e0 = props.editing;
  const [name, setName] = createSignal(e0?.name ?? '');
  const [host, setHost] = createSignal(e0?.host ?? '');
  const [port, setPort] = createSignal(String(e0?.port ?? 993));
  const [security, setSecurity] = createSignal<MailSecurity>(e0 && e0.security !== 'auto' ? e0.security : 'tls');
  const [username, setUsername] = createSignal(e0?.username ?? '');
  const [password, setPassword] = createSignal('');
  const [folder, setFolder] = createSignal(e0?.folder ?? 'INBOX');
  const [after, setAfter] = createSignal<'seen' | 'move' | 'delete'>(e0?.after ?? 'seen');
  const [moveTo, setMoveTo] = createSignal(e0?.moveTo ?? 'Processed');
  const [existingMail, setExistingMail] = createSignal<ExistingMail>(e0?.existingMail ?? 'unread');
  const [tested, setTested] = createSignal<TestResult | null>(null);
  const settings = () => ({
    name: name().trim(),
    host: host().trim(),
    port: Number(port()),
    security: security(),
    username: username().trim(),
    ...(password() ? { password: password() } : {}),
    folder: folder().trim() || 'INBOX',
    after: after(),
    moveTo: moveTo().trim() || 'Processed',
    existingMail: existingMail(),
  });
  const save = createAction(() => (e0?.id ? api.mailSettings.updateMailbox.mutate({ id: e0.id, ...settings() }) : api.mailSettings.addMailbox.mutate(settings())));
  const test = createAction(() => api.mailSettings.testMailbox.mutate({ ...(e0?.id ? { id: e0.id } : {}), settings: settings() }));

  async function submit(e: SubmitEvent) {
    e.preventDefault();
    const next = await save.run();
    if (next) props.onSaved(next);
  }

  return (
    <form class="panel stack" onSubmit={(e) => void submit(e)} aria-label={e0 ? `Edit mailbox ${e0.name}` : 'Add a mailbox'} data-testid="mailbox-form">
      <h4>{e0 ? `Edit mailbox ${e0.name}` : 'Add a mailbox'}</h4>
      <div class="row-fields">
        <label class="field">
          <span>Name</span>
          <input name="mailboxName" data-testid="mailbox-name" required placeholder="support" value={name()} onInput={(e) => setName(e.currentTarget.value)} />
        </label>
        <label class="field">
          <span>IMAP server</span>
          <input name="mailboxHost" data-testid="mailbox-host" required placeholder="imap.example.com" value={host()} onInput={(e) => setHost(e.currentTarget.value)} />
        </label>
        <label class="field">
          <span>Port</span>
          <input name="mailboxPort" data-testid="mailbox-port" type="number" min="1" max="65535" required value={port()} onInput={(e) => setPort(e.currentTarget.value)} />
        </label>
        <SecurityField value={security()} onChange={setSecurity} testid="mailbox-security" />
      </div>
      <div class="row-fields">
        <label class="field">
          <span>User name</span>
          <input name="mailboxUser" data-testid="mailbox-user" required autocomplete="off" value={username()} onInput={(e) => setUsername(e.currentTarget.value)} />
        </label>
        <label class="field">
          <span>Password</span>
          <input
            name="mailboxPassword"
            data-testid="mailbox-password"
            type="password"
            autocomplete="new-password"
            required={!e0}
            placeholder={e0?.passwordSet ? 'set — type to replace' : ''}
            value={password()}
            onInput={(e) => setPassword(e.currentTarget.value)}
          />
        </label>
        <label class="field">
          <span>Folder</span>
          <input name="mailboxFolder" data-testid="mailbox-folder" value={folder()} onInput={(e) => setFolder(e.currentTarget.value)} />
        </label>
      </div>
      <div class="row-fields">
        <label class="field">
          <span>After a message is processed</span>
          <select data-testid="mailbox-after" value={after()} onChange={(e) => setAfter(e.currentTarget.value as 'seen' | 'move' | 'delete')}>
            <option value="seen">Mark it as read</option>
            <option value="move">Mark it as read and move it</option>
            <option value="delete">Delete it</option>
          </select>
        </label>
        <Show when={after() === 'move'}>
          <label class="field">
            <span>Move to folder</span>
            <input data-testid="mailbox-move-to" value={moveTo()} onInput={(e) => setMoveTo(e.currentTarget.value)} />
          </label>
        </Show>
      </div>
      <ExistingMailField value={existingMail()} onChange={setExistingMail} source="imap" testid="mailbox-existing" />
      <Show when={tested()}>
        {(t) => (
          <p classList={{ 'form-ok': t().ok, 'form-error': !t().ok }} role="status" data-testid="mailbox-test-result" data-ok={String(t().ok)}>
            {t().ok
              ? `Connected: ${(t() as { folder: string }).folder} has ${(t() as { messages: number }).messages} message${(t() as { messages: number }).messages === 1 ? '' : 's'}.`
              : [`The server said: ${(t() as { error: string }).error}`, tlsHint((t() as { error: string }).error)].filter(Boolean).join(' ')}
          </p>
        )}
      </Show>
      <FormError error={save.error() ?? test.error()} />
      <div class="actions">
        <button
          type="button"
          class="button"
          data-testid="mailbox-test"
          disabled={test.pending()}
          onClick={async () => {
            setTested(null);
            const r = await test.run();
            if (r) setTested(r);
          }}
        >
          {test.pending() ? 'Testing…' : 'Test connection'}
        </button>
        <button type="submit" class="button button-primary" data-testid="mailbox-save" disabled={save.pending()}>
          {e0 ? 'Save mailbox' : 'Add mailbox'}
        </button>
        <button type="button" class="button button-quiet" onClick={() => props.onCancel()}>
          Cancel
        </button>
      </div>
    </form>
  );
}
