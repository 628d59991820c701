/**
 * Closing tickets from merged changes (issue 13): the project's webhook URL and secret for
 * GitLab, GitHub, Gitea and Forgejo (the secret shown only on request), regenerating both after a
 * confirmation, how to set up each host, and the newest deliveries, live.
 */
import { createResource, createSignal, For, onCleanup, Show } from 'solid-js';
import type { WebhookDeliveryView } from '../../shared/views';
import { createAction } from '../lib/action';
import { fullTime } from '../lib/local-time';
import { relativeTime } from '../lib/relative-time';
import { api } from '../lib/trpc';
import { followProject } from '../stores/live';
import CopyButton from './CopyButton';
import FormError from './FormError';

const HOSTS: Record<WebhookDeliveryView['host'], string> = { gitlab: 'GitLab', github: 'GitHub', gitea: 'Gitea', forgejo: 'Forgejo', unknown: '—' };
const OUTCOMES: Record<WebhookDeliveryView['outcome'], string> = { closed: 'Closed', ignored: 'Ignored', refused: 'Refused', duplicate: 'Redelivery' };

export default function WebhookPanel(props: { projectPath: string }) {
  const [hook] = createResource(() => props.projectPath, (projectPath) => api.webhooks.get.query({ projectPath }));
  const [secret, setSecret] = createSignal<string | null>(null);
  const [url, setUrl] = createSignal<string | null>(null);
  const [confirming, setConfirming] = createSignal(false);
  const reveal = createAction(() => api.webhooks.reveal.mutate({ projectPath: props.projectPath }));
  const regenerate = createAction(() => api.webhooks.regenerate.mutate({ projectPath: props.projectPath }));
  const shownUrl = () => url() ?? hook()?.url ?? '';

  const [deliveries, setDeliveries] = createSignal<WebhookDeliveryView[]>([]);
  const [listError, setListError] = createSignal<string | null>(null);
  let stop: (() => void) | null = null;
  let disposed = false;
  void api.webhooks.deliveries.query({ projectPath: props.projectPath }).then(
    ({ items, lastEventId }) => {
      if (disposed) return;
      setDeliveries(items);
      stop = followProject(
        props.projectPath,
        Number(lastEventId),
        ({ event }) => {
          if (event.type !== 'webhook.delivered') return;
          setDeliveries((list) => (list.some((d) => d.id === event.delivery.id) ? list : [event.delivery, ...list].slice(0, 20)));
        },
        setListError,
      );
    },
    (err: unknown) => setListError(err instanceof Error ? err.message : String(err)),
  );
  onCleanup(() => {
    disposed = true;
    stop?.();
  });

  async function showSecret() {
    const r = await reveal.run();
    if (r) {
      setSecret(r.secret);
      setUrl(r.url);
    }
  }

  async function replace() {
    const r = await regenerate.run();
    if (r) {
      setSecret(r.secret);
      setUrl(r.url);
      setConfirming(false);
    }
  }

  return (
    <section class="panel stack" aria-labelledby="hooks-heading" data-testid="webhook-panel">
      <h3 id="hooks-heading">Close tickets from merged changes</h3>
      <p class="muted">
        Add this webhook to your GitLab, GitHub, Gitea or Forgejo repository. When a merge request or pull request is merged, tickets its title or
        description closes — <code class="mono">Closes #12</code>, <code class="mono">Fixes tl#12, #13</code> or a ticket’s URL — are closed with a note linking
        the change.
      </p>
      <div class="field">
        <span>Webhook URL</span>
        <div class="actions" style={{ 'align-items': 'center', 'flex-wrap': 'wrap' }}>
          <code class="mono" data-testid="webhook-url">{shownUrl()}</code>
          <CopyButton text={shownUrl()} label="Copy URL" testId="copy-webhook-url" />
        </div>
      </div>
      <div class="field">
        <span>Secret</span>
        <div class="actions" style={{ 'align-items': 'center', 'flex-wrap': 'wrap' }}>
          <Show
            when={secret()}
            fallback={
              <>
                <code class="mono">••••••••••••••••</code>
                <button type="button" class="button button-small" data-testid="reveal-webhook-secret" disabled={reveal.pending()} onClick={() => void showSecret()}>
                  Reveal
                </button>
              </>
            }
          >
            {(s) => (
              <>
                <code class="mono" data-testid="webhook-secret">{s()}</code>
                <CopyButton text={s()} label="Copy secret" testId="copy-webhook-secret" />
                <button type="button" class="button button-quiet button-small" onClick={() => setSecret(null)}>
                  Hide
                </button>
              </>
            )}
          </Show>
        </div>
      </div>
      <details>
        <summary>How to set it up</summary>
        <ul>
          <li>
            <strong>GitLab</strong>: Settings → Webhooks → Add new webhook. URL above, <em>Secret token</em>: the secret. Trigger: <em>Merge request events</em>.
          </li>
          <li>
            <strong>GitHub</strong>: Settings → Webhooks → Add webhook. Payload URL above, content type <em>application/json</em>, <em>Secret</em>: the secret.
            Events: <em>Pull requests</em>.
          </li>
          <li>
            <strong>Gitea / Forgejo</strong>: Settings → Webhooks → Add webhook → Gitea (Forgejo). Target URL above, POST, <em>application/json</em>, <em>Secret</em>: the
            secret. Trigger on: <em>Pull request</em>.
          </li>
        </ul>
      </details>
      <Show
        when={confirming()}
        fallback={
          <div class="actions">
            <button type="button" class="button" data-testid="regenerate-webhook" onClick={() => setConfirming(true)}>
              Regenerate URL and secret…
            </button>
          </div>
        }
      >
        <div class="confirm" role="alertdialog" aria-labelledby="regen-text" data-testid="regenerate-webhook-confirm">
          <p id="regen-text">Make a new URL and secret? The current ones stop working at once: update every code host that uses them.</p>
          <div class="button-row">
            <button type="button" class="button button-danger button-small" data-testid="regenerate-webhook-confirm-button" disabled={regenerate.pending()} onClick={() => void replace()}>
              Regenerate
            </button>
            <button type="button" class="button button-quiet button-small" onClick={() => setConfirming(false)}>
              Cancel
            </button>
          </div>
        </div>
      </Show>
      <FormError error={reveal.error() ?? regenerate.error() ?? hook.error?.message ?? null} />
      <h4>Recent deliveries</h4>
      <FormError error={listError()} />
      <Show when={deliveries().length > 0} fallback={<p class="muted" data-testid="webhook-deliveries-empty">No deliveries yet.</p>}>
        <table class="table" data-testid="webhook-deliveries">
          <thead>
            <tr>
              <th>When</th>
              <th>Host</th>
              <th>Event</th>
              <th>Outcome</th>
            </tr>
          </thead>
          <tbody>
            <For each={deliveries()}>
              {(d) => (
                <tr data-testid="webhook-delivery" data-outcome={d.outcome}>
                  <td>
                    <time datetime={d.at} title={fullTime(d.at)}>
                      {relativeTime(d.at)}
                    </time>
                  </td>
                  <td>{HOSTS[d.host]}</td>
                  <td>
                    <code class="mono">{d.event || '—'}</code>
                  </td>
                  <td>
                    <strong>{OUTCOMES[d.outcome]}</strong> <span class="muted">{d.detail}</span>
                  </td>
                </tr>
              )}
            </For>
          </tbody>
        </table>
      </Show>
    </section>
  );
}
