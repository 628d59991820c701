/**
 * Our addresses and the keys inside them (SPEC §1). `%{key}` in INCOMING_EMAIL and
 * SERVICE_DESK_EMAIL marks where the key goes: `incoming+%{key}@desk.example.com`.
 */

export interface AddressTemplates {
  incoming: string;
  alias: string | null;
  /** MAIL_FROM, the From of customer email, when set apart from the incoming address */
  from?: string | null;
  /** verified custom support addresses (`support@company.com`), each naming one project */
  custom?: { projectId: number; address: string }[];
}

/** Where an address of ours points: a key in a template, or a project's custom address. */
export type MatchedKey = { key: string; mailbox: 'incoming' | 'alias' } | { key: ''; mailbox: 'custom'; projectId: number };

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** `incoming+%{key}@host` → /^<?incoming\+(.+)@host>?$/i (`(.*)` when an empty key counts too) */
export function templateRegex(template: string, emptyKey = false): RegExp {
  const [before, after] = template.split('%{key}') as [string, string | undefined];
  if (after === undefined) return new RegExp(`^<?${escapeRegex(template)}>?$`, 'i');
  return new RegExp(`^<?${escapeRegex(before)}(${emptyKey ? '.*' : '.+'})${escapeRegex(after)}>?$`, 'i');
}

export function fillTemplate(template: string, key: string): string {
  return template.replace('%{key}', key);
}

/** A template without its key: `incoming+%{key}@host` → `incoming@host` (the From of system mail). */
function withoutKey(template: string): string {
  return template.replace(/[+.-]?%\{key\}/, '');
}

export function createAddressBook(t: AddressTemplates) {
  const incoming = templateRegex(t.incoming);
  const alias = t.alias ? templateRegex(t.alias) : null;
  // Any key at all, even an empty one: `incoming+@host` is ours too.
  const anyKey = [t.incoming, t.alias].filter((x): x is string => !!x).map((x) => templateRegex(x, true));
  const fixed = [withoutKey(t.incoming), t.alias ? withoutKey(t.alias) : null, t.from ?? null]
    .filter((a): a is string => !!a)
    .map((a) => a.trim().toLowerCase());
  const custom = new Map((t.custom ?? []).map((c) => [c.address.trim().toLowerCase(), c.projectId]));
  const customOf = new Map((t.custom ?? []).map((c) => [c.projectId, c.address.trim().toLowerCase()]));
  const bareAddress = (address: string) => address.trim().replace(/^<|>$/g, '').toLowerCase();
  return {
    templates: t,
    /** The key in one of our addresses (or the project of a custom address), or null when the address is not ours. */
    match(address: string): MatchedKey | null {
      const a = address.trim();
      const projectId = custom.get(bareAddress(a));
      if (projectId !== undefined) return { key: '', mailbox: 'custom', projectId };
      // The alias is checked first: mail there always goes to Service Desk (SPEC §1).
      const m = alias?.exec(a);
      if (m?.[1]) return { key: m[1], mailbox: 'alias' };
      const i = incoming.exec(a);
      if (i?.[1]) return { key: i[1], mailbox: 'incoming' };
      return null;
    },
    /**
     * Every one of our addresses is never a ticket author, participant or recipient: the incoming
     * and alias addresses with any key or none, the From we send with, and custom addresses.
     */
    isOurs(address: string): boolean {
      const a = bareAddress(address);
      return anyKey.some((re) => re.test(a)) || fixed.includes(a) || custom.has(a);
    },
    /** The project's verified custom address, if it has one. */
    customFor(projectId: number): string | null {
      return customOf.get(projectId) ?? null;
    },
    incomingFor(key: string): string {
      return fillTemplate(t.incoming, key);
    },
    aliasFor(key: string): string | null {
      return t.alias ? fillTemplate(t.alias, key) : null;
    },
    /** The incoming address without a key (`incoming@host`): From of system mail. */
    bare(): string {
      return withoutKey(t.incoming);
    },
    /** The host part of the incoming address, used in Message-IDs and reply-key references. */
    host(): string {
      return t.incoming.split('@')[1] ?? 'localhost';
    },
  };
}

export type AddressBook = ReturnType<typeof createAddressBook>;

/** GitLab's full_path_slug: lowercase, non [a-z0-9] → '-', 63 chars, trim '-' and '.'. */
export function fullPathSlug(path: string): string {
  return path
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '-')
    .slice(0, 63)
    .replace(/^[-.]+|[-.]+$/g, '');
}

/** The project-key part of the incoming address: `<slug>-<id>-issue-`. */
export function projectKey(project: { id: number; path: string }): string {
  return `${fullPathSlug(project.path)}-${project.id}-issue-`;
}

export const REPLY_KEY_RE = /^[0-9a-f]{32}$/;
