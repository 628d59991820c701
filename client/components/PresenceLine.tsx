import { Show } from 'solid-js';
import { presenceOn, type Presence } from '../stores/presence';
import { me } from '../stores/session';

/** Other people (not this user's own tabs) on a ticket, one entry per person. */
export function peopleOn(iid: number): Presence[] {
  const byUser = new Map<number, Presence>();
  for (const p of presenceOn(iid)) {
    if (p.userId === me()?.id) continue;
    const seen = byUser.get(p.userId);
    if (!seen || (p.typing && !seen.typing)) byUser.set(p.userId, p);
  }
  return [...byUser.values()].sort((a, b) => a.name.localeCompare(b.name));
}

function sentence(people: Presence[]): string {
  const typing = people.filter((p) => p.typing).map((p) => p.name);
  const viewing = people.filter((p) => !p.typing).map((p) => p.name);
  const parts: string[] = [];
  if (typing.length) parts.push(`${typing.join(', ')} ${typing.length > 1 ? 'are' : 'is'} typing…`);
  if (viewing.length) parts.push(`${viewing.join(', ')} ${viewing.length > 1 ? 'are' : 'is'} viewing`);
  return parts.join(' · ');
}

/** "Alice is typing… · Bob is viewing" on the ticket page; names only in queue rows. */
export default function PresenceLine(props: { iid: number; compact?: boolean }) {
  const people = () => peopleOn(props.iid);
  return (
    <Show when={people().length > 0}>
      <span class="presence" data-testid={props.compact ? 'row-presence' : 'presence'} aria-live="polite">
        <span class="presence-dot" aria-hidden="true" />
        {props.compact ? people().map((p) => (p.typing ? `${p.name} ✎` : p.name)).join(', ') : sentence(people())}
      </span>
    </Show>
  );
}
