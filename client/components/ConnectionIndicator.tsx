import { connection, type ConnectionState } from '../stores/live';

const LABELS: Record<ConnectionState, string> = {
  connecting: 'Connecting…',
  live: 'Live',
  offline: 'Offline — will reconnect',
  reconnecting: 'Reconnecting…',
};

export default function ConnectionIndicator() {
  return (
    <span class="connection" data-testid="connection" data-state={connection()} role="status" aria-live="polite">
      <span class="connection-dot" aria-hidden="true" />
      {LABELS[connection()]}
    </span>
  );
}
