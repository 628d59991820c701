import { addressPattern, asciiAddress } from './email-address';

/**
 * Masks an email for viewers below reporter, as GitLab does:
 * `user@example.com` → `us*****@e*****.c**`. IDN domains are masked in their ASCII form, and an
 * IP literal (`b@[10.1.2.3]`) shows none of its digits.
 */
export function maskEmail(address: string): string {
  const ascii = asciiAddress(address);
  const at = ascii.lastIndexOf('@');
  if (at < 0) return `${ascii.slice(0, 2)}*****`;
  const local = ascii.slice(0, at);
  const domain = ascii.slice(at + 1);
  if (domain.startsWith('[')) return `${local.slice(0, 2)}*****@[*****]`;
  const dot = domain.lastIndexOf('.');
  const host = dot < 0 ? domain : domain.slice(0, dot);
  const tld = dot < 0 ? '' : domain.slice(dot + 1);
  const maskedDomain = `${host.slice(0, 1)}*****` + (dot < 0 ? '' : `.${tld.slice(0, 1)}**`);
  return `${local.slice(0, 2)}*****@${maskedDomain}`;
}

const ALREADY_MASKED = /\*{5}@/;

/** Masks anything in the text shaped like an address, whatever its domain (masked ones stay). */
export function maskAddressesIn(text: string): string {
  return text.includes('@') ? text.replace(addressPattern(), (a) => (ALREADY_MASKED.test(a) ? a : maskEmail(a))) : text;
}
