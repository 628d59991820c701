/** My profile: name, email (confirmed by a link), password, notifications, reply signature, sessions. */
import { createEffect, createResource, createSignal, For, on, Show } from 'solid-js';
import type { NotifyMode, ProfileView } from '../../shared/views';
import FormError from '../components/FormError';
import { createAction } from '../lib/action';
import { errorMessage } from '../lib/errors';
import { relativeTime } from '../lib/relative-time';
import { api } from '../lib/trpc';
import { mode, setMode } from '../stores/notifications';
import { updateMe } from '../stores/session';
import { usePageTitle } from '../lib/page-title';

function NameForm(props: { profile: ProfileView; onSaved(p: ProfileView): void }) {
  const [name, setName] = createSignal(props.profile.name);
  const [saved, setSaved] = createSignal(false);
  const action = createAction(() => api.profile.update.mutate({ name: name().trim() }));
  return (
    <form
      class="panel stack"
      aria-labelledby="name-heading"
      onSubmit={async (e) => {
        e.preventDefault();
        setSaved(false);
        const p = await action.run();
        if (!p) return;
        updateMe({ name: p.name });
        props.onSaved(p);
        setSaved(true);
      }}
    >
      <h2 id="name-heading">Name</h2>
      <label class="field">
        <span>Shown to your team, and to customers as “Your name (via the project’s name)”</span>
        <input name="name" required maxLength={100} value={name()} onInput={(e) => setName(e.currentTarget.value)} />
      </label>
      <FormError error={action.error()} />
      <Show when={saved()}>
        <p class="form-ok" role="status">Name saved.</p>
      </Show>
      <div>
        <button type="submit" class="button button-primary" disabled={action.pending()}>
          Save name
        </button>
      </div>
    </form>
  );
}

function EmailForm(props: { profile: ProfileView; onSaved(p: ProfileView): void }) {
  const [email, setEmail] = createSignal('');
  const [current, setCurrent] = createSignal('');
  const action = createAction(() => api.profile.changeEmail.mutate({ email: email(), currentPassword: props.profile.hasPassword ? current() : undefined }));
  return (
    <form
      class="panel stack"
      aria-labelledby="email-heading"
      onSubmit={async (e) => {
        e.preventDefault();
        const p = await action.run();
        if (!p) return;
        setEmail('');
        setCurrent('');
        props.onSaved(p);
      }}
    >
      <h2 id="email-heading">Email</h2>
      <p>
        You sign in with <strong data-testid="profile-email">{props.profile.email}</strong>.
      </p>
      <Show when={props.profile.pendingEmail}>
        <p class="form-ok" role="status" data-testid="pending-email">
          We sent a confirmation link to {props.profile.pendingEmail}. Your address changes when you open it.
        </p>
      </Show>
      <div class="row-fields">
        <label class="field">
          <span>New email</span>
          <input type="email" name="new-email" required value={email()} onInput={(e) => setEmail(e.currentTarget.value)} />
        </label>
        <Show when={props.profile.hasPassword}>
          <label class="field">
            <span>Current password</span>
            <input type="password" name="email-current-password" autocomplete="current-password" required value={current()} onInput={(e) => setCurrent(e.currentTarget.value)} />
          </label>
        </Show>
      </div>
      <FormError error={action.error()} />
      <div>
        <button type="submit" class="button" disabled={action.pending()}>
          Send confirmation link
        </button>
      </div>
    </form>
  );
}

function PasswordForm(props: { profile: ProfileView; onChanged(): void }) {
  const [current, setCurrent] = createSignal('');
  const [next, setNext] = createSignal('');
  const [done, setDone] = createSignal(false);
  const action = createAction(() => api.profile.changePassword.mutate({ currentPassword: current(), newPassword: next() }));
  return (
    <form
      class="panel stack"
      aria-labelledby="password-heading"
      onSubmit={async (e) => {
        e.preventDefault();
        setDone(false);
        if (!(await action.run())) return;
        setCurrent('');
        setNext('');
        setDone(true);
        props.onChanged();
      }}
    >
      <h2 id="password-heading">Password</h2>
      <div class="row-fields">
        <Show when={props.profile.hasPassword}>
          <label class="field">
            <span>Current password</span>
            <input type="password" name="current-password" autocomplete="current-password" required value={current()} onInput={(e) => setCurrent(e.currentTarget.value)} />
          </label>
        </Show>
        <label class="field">
          <span>New password (10 characters or more)</span>
          <input type="password" name="new-password" autocomplete="new-password" minLength={10} required value={next()} onInput={(e) => setNext(e.currentTarget.value)} />
        </label>
      </div>
      <FormError error={action.error()} />
      <Show when={done()}>
        <p class="form-ok" role="status">Password changed. Your other sessions were signed out.</p>
      </Show>
      <div>
        <button type="submit" class="button" disabled={action.pending()}>
          Change password
        </button>
      </div>
    </form>
  );
}

function SignatureForm(props: { profile: ProfileView }) {
  const [text, setText] = createSignal(props.profile.signature);
  const [saved, setSaved] = createSignal(false);
  const action = createAction(() => api.profile.update.mutate({ signature: text() }));
  // Rendered on the server like a note, a moment after typing stops.
  const [debounced, setDebounced] = createSignal(text());
  let timer: ReturnType<typeof setTimeout> | undefined;
  createEffect(on(text, (t) => {
    clearTimeout(timer);
    timer = setTimeout(() => setDebounced(t), 250);
  }));
  const [preview] = createResource(debounced, (signature) => api.profile.previewSignature.query({ signature }));
  return (
    <form
      class="panel stack"
      aria-labelledby="signature-heading"
      onSubmit={async (e) => {
        e.preventDefault();
        setSaved(false);
        if (await action.run()) setSaved(true);
      }}
    >
      <h2 id="signature-heading">Signature</h2>
      <p class="muted">Added below your public replies in the customer's email (not in the thread, not to internal notes). Markdown works.</p>
      <label class="field">
        <span class="visually-hidden">Signature</span>
        <textarea name="signature" rows={4} maxLength={2000} value={text()} onInput={(e) => setText(e.currentTarget.value)} data-testid="signature" />
      </label>
      <div class="signature-preview" data-testid="signature-preview">
        <p class="muted">The customer sees:</p>
        <div class="markdown">
          <p>Your reply…</p>
          <p class="muted">-- </p>
          <div innerHTML={preview()?.html ?? ''} />
        </div>
      </div>
      <FormError error={action.error()} />
      <Show when={saved()}>
        <p class="form-ok" role="status">Signature saved.</p>
      </Show>
      <div>
        <button type="submit" class="button button-primary" disabled={action.pending()}>
          Save signature
        </button>
      </div>
    </form>
  );
}

function SessionsPanel(props: { version: number }) {
  const [sessions, { refetch }] = createResource(() => props.version + 1, () => api.profile.sessions.query());
  const others = createAction(() => api.profile.signOutOthers.mutate());
  const revoke = createAction((id: string) => api.profile.revokeSession.mutate({ id }));
  return (
    <section class="panel stack" aria-labelledby="sessions-heading">
      <h2 id="sessions-heading">Active sessions</h2>
      <FormError error={sessions.error ? errorMessage(sessions.error) : (others.error() ?? revoke.error())} />
      <table class="table" data-testid="sessions">
        <thead>
          <tr>
            <th scope="col">Browser</th>
            <th scope="col">From</th>
            <th scope="col">Signed in</th>
            <th scope="col" />
          </tr>
        </thead>
        <tbody>
          <For each={sessions()}>
            {(s) => (
              <tr data-testid="session-row">
                <td>{s.userAgent ?? 'unknown'}</td>
                <td class="mono">{s.clientAddress ?? ''}</td>
                <td title={s.createdAt}>{relativeTime(s.createdAt)}</td>
                <td class="cell-actions">
                  <Show when={!s.current} fallback={<span class="badge badge-soft">this browser</span>}>
                    <button type="button" class="button button-small" disabled={revoke.pending()} onClick={async () => (await revoke.run(s.id)) && refetch()}>
                      Sign out
                    </button>
                  </Show>
                </td>
              </tr>
            )}
          </For>
        </tbody>
      </table>
      <div>
        <button type="button" class="button" disabled={others.pending() || (sessions()?.length ?? 0) < 2} onClick={async () => (await others.run()) && refetch()}>
          Sign out everywhere else
        </button>
      </div>
    </section>
  );
}

export default function ProfilePage() {
  usePageTitle(() => 'My profile');
  const [profile, { mutate }] = createResource(() => api.profile.get.query());
  const [sessionsVersion, setSessionsVersion] = createSignal(0);
  return (
    <section class="stack-lg">
      <div class="page-head">
        <h1>My profile</h1>
      </div>
      <Show when={profile.error}>
        <FormError error={errorMessage(profile.error)} />
      </Show>
      <Show when={profile()}>
        {(p) => (
          <>
            <NameForm profile={p()} onSaved={(next) => mutate(next)} />
            <EmailForm profile={p()} onSaved={(next) => mutate(next)} />
            <PasswordForm profile={p()} onChanged={() => setSessionsVersion((v) => v + 1)} />
            <section class="panel stack" aria-labelledby="notify-heading">
              <h2 id="notify-heading">Notifications</h2>
              <label class="field">
                <span>Tell me about new tickets and customer replies</span>
                <select name="notify-mode" value={mode()} onChange={(e) => setMode(e.currentTarget.value as NotifyMode)}>
                  <option value="all">in every project I answer for</option>
                  <option value="assigned">only on tickets assigned to me</option>
                  <option value="off">never</option>
                </select>
              </label>
            </section>
            <SignatureForm profile={p()} />
            <SessionsPanel version={sessionsVersion()} />
          </>
        )}
      </Show>
    </section>
  );
}
