import { mode, setMode } from '../stores/notifications';
import type { NotifyMode } from '../stores/notify-rules';

/** Per-user notification setting: all / assigned to me / off. */
export default function NotifyMenu() {
  return (
    <label class="notify-menu">
      <span class="visually-hidden">Notifications</span>
      <select data-testid="notify-mode" value={mode()} onChange={(e) => setMode(e.currentTarget.value as NotifyMode)} title="Notifications">
        <option value="all">Notify: all</option>
        <option value="assigned">Notify: assigned to me</option>
        <option value="off">Notify: off</option>
      </select>
    </label>
  );
}
