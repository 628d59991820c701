/**
 * Customers as responders see them: the organisation a customer's domain stands for, and the
 * `from:` filter of the queue's search (`from:alice@x.com`, `from:@x.com`). Shared so the
 * client patches a filtered queue from live events by the rules the server filters by.
 */

/**
 * Domains where anyone can get an address: they group people, not an organisation. Customers
 * there have no organisation (the list holds the common ones; others read as organisations).
 */
const FREE_MAIL = new Set([
  'aol.com', 'gmail.com', 'googlemail.com', 'gmx.com', 'gmx.de', 'gmx.net', 'hotmail.com', 'hotmail.co.uk', 'icloud.com',
  'live.com', 'mac.com', 'mail.com', 'mail.ru', 'me.com', 'msn.com', 'outlook.com', 'proton.me', 'protonmail.com',
  'qq.com', 'web.de', 'yahoo.com', 'yahoo.co.uk', 'yandex.ru', 'zoho.com',
]);

/** The organisation a domain stands for, or null for free-mail domains. */
export function organizationOf(domain: string): string | null {
  const d = domain.toLowerCase();
  return d && !FREE_MAIL.has(d) ? d : null;
}

export function domainOf(email: string): string {
  return email.slice(email.lastIndexOf('@') + 1).toLowerCase();
}

/** `alice@x.com` (one customer) or `@x.com` (everyone at that domain). */
export type CustomerFilter = { email: string } | { domain: string };

/** The customer filter a `from:` value names, or null when it names neither. */
export function parseCustomerFilter(value: string): CustomerFilter | null {
  const v = value.trim().toLowerCase();
  if (/^@[^\s@]+$/.test(v)) return { domain: v.slice(1) };
  if (/^[^\s@]+@[^\s@]+$/.test(v)) return { email: v };
  return null;
}

/** A search split into its `from:` filter (the last one wins) and the words left to search for. */
export function splitSearch(search: string): { text: string; from: CustomerFilter | null } {
  let from: CustomerFilter | null = null;
  const text = search
    .replace(/(^|\s)from:(\S+)/gi, (whole, lead: string, value: string) => {
      const f = parseCustomerFilter(value);
      if (!f) return whole;
      from = f;
      return lead;
    })
    .replace(/\s+/g, ' ')
    .trim();
  return { text, from };
}

/** Whether an address is one a customer filter names. */
export function matchesCustomer(email: string | null | undefined, f: CustomerFilter): boolean {
  if (!email) return false;
  const e = email.toLowerCase();
  return 'email' in f ? e === f.email : domainOf(e) === f.domain;
}
