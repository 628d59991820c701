/**
 * Masks an email for viewers below reporter, as GitLab does:
 * `user@example.com` → `us*****@e*****.c**`.
 */
export function maskEmail(address: string): string {
  const at = address.lastIndexOf('@');
  if (at < 0) return `${address.slice(0, 2)}*****`;
  const local = address.slice(0, at);
  const domain = address.slice(at + 1);
  const dot = domain.lastIndexOf('.');
  const host = dot < 0 ? domain : domain.slice(0, dot);
  const tld = dot < 0 ? '' : domain.slice(dot + 1);
  const maskedDomain = `${host.slice(0, 1)}*****` + (dot < 0 ? '' : `.${tld.slice(0, 1)}**`);
  return `${local.slice(0, 2)}*****@${maskedDomain}`;
}
