/**
 * Quick actions inside a project's issue template ARE executed (SPEC §2), unlike a customer's.
 * Supported here: `/label ~a ~"two words"`, `/confidential`. Executed lines leave the text.
 */
export interface TemplateActions {
  text: string;
  labels: string[];
  confidential: boolean;
}

export function extractTemplateActions(template: string): TemplateActions {
  const labels: string[] = [];
  let confidential = false;
  const kept: string[] = [];
  for (const line of template.split('\n')) {
    const label = /^\s*\/labels?\s+(.+)$/i.exec(line);
    if (label?.[1]) {
      for (const m of label[1].matchAll(/~"([^"]+)"|~([^\s~]+)/g)) labels.push((m[1] ?? m[2]) as string);
      continue;
    }
    if (/^\s*\/confidential\s*$/i.test(line)) {
      confidential = true;
      continue;
    }
    kept.push(line);
  }
  return { text: kept.join('\n').replace(/\n+$/, ''), labels, confidential };
}
