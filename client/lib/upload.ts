/** Composer uploads: POST /uploads, with a placeholder in the text until the file's Markdown arrives. */
import { createSignal } from 'solid-js';
import type { UploadReply } from '../../server/domain/notes/uploads';
import { placeholderFor, spliceOwnLine, swapText } from './upload-text';
import { UPLOAD_LIMIT_BYTES } from '../../shared/limits';

export async function uploadFile(projectPath: string, iid: number, file: File): Promise<UploadReply> {
  const query = new URLSearchParams({ projectPath, iid: String(iid), filename: file.name });
  let res: Response;
  try {
    res = await fetch(`/uploads?${query}`, {
      method: 'POST',
      body: file,
      headers: { 'Content-Type': file.type || 'application/octet-stream' },
      credentials: 'same-origin',
    });
  } catch {
    throw new Error(`Could not upload ${file.name}: cannot reach the server. Check your connection and try again.`);
  }
  const data = (await res.json().catch(() => null)) as (UploadReply & { error?: { message?: string } }) | null;
  if (!res.ok || !data) throw new Error(`Could not upload ${file.name}: ${data?.error?.message ?? `the server answered ${res.status}.`}`);
  return data;
}

/**
 * Files from a paste or a drop. Copying from office apps puts text and a picture of it on the
 * clipboard: when there is text, the paste is the text.
 */
export function droppedFiles(data: DataTransfer | null, kind: 'paste' | 'drop'): File[] {
  if (!data || !data.files.length) return [];
  if (kind === 'paste' && data.getData('text/plain').trim()) return [];
  return Array.from(data.files);
}

export function createUploads(opts: {
  projectPath(): string;
  iid(): number;
  box(): HTMLTextAreaElement | undefined;
  text(): string;
  setText(value: string): void;
}) {
  const [pending, setPending] = createSignal(0);
  const [error, setError] = createSignal<string | null>(null);

  function show(next: { text: string; cursor: number }, focus: boolean) {
    opts.setText(next.text);
    const box = opts.box();
    if (!box) return;
    if (focus) box.focus();
    if (document.activeElement === box) box.setSelectionRange(next.cursor, next.cursor);
  }

  async function one(file: File) {
    if (file.size > UPLOAD_LIMIT_BYTES) {
      setError(`Could not upload ${file.name}: the file is too large: uploads are limited to 10 MB each.`);
      return;
    }
    const placeholder = placeholderFor(file.name);
    const box = opts.box();
    const start = box?.selectionStart ?? opts.text().length;
    const end = box?.selectionEnd ?? start;
    show(spliceOwnLine(opts.text(), start, end, placeholder), true);
    setPending((n) => n + 1);
    const cursor = () => opts.box()?.selectionStart ?? 0;
    try {
      const done = await uploadFile(opts.projectPath(), opts.iid(), file);
      show(swapText(opts.text(), cursor(), placeholder, done.markdown), false);
    } catch (err) {
      show(swapText(opts.text(), cursor(), placeholder, ''), false);
      setError(err instanceof Error ? err.message : `Could not upload ${file.name}.`);
    } finally {
      setPending((n) => n - 1);
    }
  }

  /** Each file's link on a line of its own, in the order given. */
  function attach(files: File[]) {
    setError(null);
    for (const file of files) void one(file);
  }

  return { attach, pending, error };
}
