import { createSignal } from 'solid-js';

/** Copies text to the clipboard and says so for a moment. */
export default function CopyButton(props: { text: string; label?: string; testId?: string }) {
  const [copied, setCopied] = createSignal(false);
  async function copy() {
    try {
      await navigator.clipboard.writeText(props.text);
    } catch {
      // Clipboard API needs a secure context; fall back to a selection the user can copy.
      const input = document.createElement('textarea');
      input.value = props.text;
      document.body.append(input);
      input.select();
      document.execCommand('copy');
      input.remove();
    }
    setCopied(true);
    setTimeout(() => setCopied(false), 1500);
  }
  return (
    <button type="button" class="button button-small" data-testid={props.testId ?? 'copy-address'} onClick={() => void copy()} aria-live="polite">
      {copied() ? 'Copied' : (props.label ?? 'Copy')}
    </button>
  );
}
