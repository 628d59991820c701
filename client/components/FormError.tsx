import { Show } from 'solid-js';

export default function FormError(props: { error: string | null | undefined }) {
  return (
    <Show when={props.error}>
      <p class="form-error" role="alert">
        {props.error}
      </p>
    </Show>
  );
}
