/** Marks a value that an environment variable sets: read-only in the browser. */
export default function EnvBadge(props: { variable: string }) {
  return (
    <span class="badge badge-soft" data-testid="env-badge" title={`Set by ${props.variable} on the server; change it there.`}>
      set by {props.variable}
    </span>
  );
}
