/** Project roles, lowest to highest. The instance admin sits above every role. */
export const ROLES = ['guest', 'reporter', 'developer', 'maintainer', 'owner'] as const;
export type Role = (typeof ROLES)[number];

/**
 * Numeric access levels. `viewer` is a signed-in non-member of an internal or public
 * project: they may read non-confidential tickets, like a guest.
 */
export const ACCESS = {
  none: 0,
  viewer: 5,
  guest: 10,
  reporter: 20,
  developer: 30,
  maintainer: 40,
  owner: 50,
  admin: 100,
} as const;
export type AccessLevel = (typeof ACCESS)[keyof typeof ACCESS];

export function roleLevel(role: Role): number {
  return ACCESS[role];
}

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

/** What a level may do, in one place so the client mirrors the server. */
export const CAN = {
  readTickets: ACCESS.viewer,
  seeConfidential: ACCESS.reporter,
  seeParticipantEmails: ACCESS.reporter,
  respond: ACCESS.reporter,
  manageMembers: ACCESS.maintainer,
  configureServiceDesk: ACCESS.maintainer,
} as const;

export const VISIBILITIES = ['private', 'internal', 'public'] as const;
export type Visibility = (typeof VISIBILITIES)[number];

/**
 * What each role can see and do, in a support team's words: shown wherever a role is chosen
 * (invitations, members, the admin page).
 */
export const ROLE_HELP: Record<Role, string> = {
  guest: 'Reads tickets that are not confidential. Cannot reply, and never sees customers’ email addresses or internal notes.',
  reporter: 'An agent: sees every ticket (confidential ones too) and internal notes, replies to customers, writes internal notes, assigns, labels and closes.',
  developer: 'Everything an agent does. For colleagues who fix what customers report; same ticket powers as reporter.',
  maintainer: 'A team lead: everything above, plus invites and removes members, changes roles (up to maintainer), Service Desk settings, email templates and the project’s audit log.',
  owner: 'Everything a maintainer does, plus grants and removes the owner role. Every project keeps at least one owner.',
};

export const ADMIN_HELP =
  'An administrator runs the whole Threadline instance: sees every project, creates projects, invites and deactivates people, sets up single sign-on and reads the audit log.';
