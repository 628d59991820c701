/** Under a searched queue: how many matches the other state tabs hold, each one click away. */
import { For, Show } from 'solid-js';
import type { QueueParam } from '../lib/queue-params';
import { searchElsewhere } from '../lib/search-elsewhere';
import { stateLabel } from '../lib/state-label';
import type { QueueCounts } from '../stores/count-patch';
import type { QueueFilter } from '../stores/queue-patch';

export default function SearchElsewhere(props: {
  filter: QueueFilter;
  counts: QueueCounts | null;
  set(changes: Partial<Record<QueueParam, string | undefined>>): void;
}) {
  return (
    <Show when={searchElsewhere(props.filter.search, props.filter.state, props.counts)}>
      {(more) => (
        <p class="search-elsewhere" data-testid="search-elsewhere">
          {more().total === 1 ? '1 more match' : `${more().total} more matches`} in other states:{' '}
          <For each={more().states}>
            {(s, i) => (
              <>
                {i() > 0 ? ', ' : ''}
                <button type="button" class="link-button" onClick={() => props.set({ state: s.state })}>
                  {stateLabel(s.state)} ({s.count})
                </button>
              </>
            )}
          </For>
          {' · '}
          <button type="button" class="link-button" data-testid="search-all-states" onClick={() => props.set({ state: 'all' })}>
            Search all states
          </button>
        </p>
      )}
    </Show>
  );
}
