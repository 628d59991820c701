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
