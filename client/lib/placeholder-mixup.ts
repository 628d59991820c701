/**
 * Two placeholder spellings live side by side: saved replies fill `{customer_name}`, email
 * templates fill GitLab's `%{ISSUE_ID}`. One written in the other's place is sent as written,
 * so the editors name it before a customer sees it.
 */

/** Saved-reply placeholders (`{name}`, no `%` before it) in an email template. */
export function replyPlaceholdersIn(template: string): string[] {
  return [...new Set([...template.matchAll(/(?<!%)\{\s*[a-z_]+\s*\}/g)].map((m) => m[0]))];
}

/** Email-template placeholders (`%{NAME}`) in a saved reply. */
export function templatePlaceholdersIn(reply: string): string[] {
  return [...new Set([...reply.matchAll(/%\{[A-Za-z_]+\}/g)].map((m) => m[0]))];
}
