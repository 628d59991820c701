/** "Attach files": a real button (keyboard and screen readers) opening the file picker. */
export default function AttachButton(props: { onFiles(files: File[]): void }) {
  let input: HTMLInputElement | undefined;
  return (
    <>
      <input
        ref={input}
        type="file"
        multiple
        hidden
        data-testid="composer-file-input"
        onChange={(e) => {
          const files = Array.from(e.currentTarget.files ?? []);
          // Cleared so that choosing the same file again still uploads it.
          e.currentTarget.value = '';
          if (files.length) props.onFiles(files);
        }}
      />
      <button
        type="button"
        class="button button-quiet button-small"
        data-testid="composer-attach"
        title="Attach files (you can also paste or drop them into the text)"
        onClick={() => input?.click()}
      >
        Attach files
      </button>
    </>
  );
}
