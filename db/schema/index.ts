/**
 * The tables every module imports. Both engines have the same tables and columns
 * (`./sqlite` and `./pg`, checked by schema-parity.test.ts); domain code is written once against
 * these bindings, typed as the SQLite tables. `bindDialect('pg')` points the bindings at the
 * PostgreSQL tables before the first query — ES module exports are live, so every importer sees
 * the switch. One process talks to one engine.
 */
import * as lite from './sqlite';
import * as pg from './pg';

export type Dialect = 'sqlite' | 'pg';
let bound: Dialect = 'sqlite';
let locked = false;

/** The engine the bindings point at. */
export function dialect(): Dialect {
  return bound;
}

export let users: typeof lite.users = lite.users;
export let sessions: typeof lite.sessions = lite.sessions;
export let loginThrottle: typeof lite.loginThrottle = lite.loginThrottle;
export let accountTokens: typeof lite.accountTokens = lite.accountTokens;
export let auditLog: typeof lite.auditLog = lite.auditLog;
export let instanceSettings: typeof lite.instanceSettings = lite.instanceSettings;
export let oidcStates: typeof lite.oidcStates = lite.oidcStates;
export let projects: typeof lite.projects = lite.projects;
export let memberships: typeof lite.memberships = lite.memberships;
export let serviceDeskSettings: typeof lite.serviceDeskSettings = lite.serviceDeskSettings;
export let emailTemplates: typeof lite.emailTemplates = lite.emailTemplates;
export let issueTemplates: typeof lite.issueTemplates = lite.issueTemplates;
export let savedReplies: typeof lite.savedReplies = lite.savedReplies;
export let savedViews: typeof lite.savedViews = lite.savedViews;
export let customers: typeof lite.customers = lite.customers;
export let tickets: typeof lite.tickets = lite.tickets;
export let notes: typeof lite.notes = lite.notes;
export let labels: typeof lite.labels = lite.labels;
export let ticketLabels: typeof lite.ticketLabels = lite.ticketLabels;
export let participants: typeof lite.participants = lite.participants;
export let removedParticipants: typeof lite.removedParticipants = lite.removedParticipants;
export let events: typeof lite.events = lite.events;
export let ticketReads: typeof lite.ticketReads = lite.ticketReads;
export let rawMessages: typeof lite.rawMessages = lite.rawMessages;
export let inboundMessages: typeof lite.inboundMessages = lite.inboundMessages;
export let messageIds: typeof lite.messageIds = lite.messageIds;
export let replyKeys: typeof lite.replyKeys = lite.replyKeys;
export let attachments: typeof lite.attachments = lite.attachments;
export let outbox: typeof lite.outbox = lite.outbox;
export let mailboxes: typeof lite.mailboxes = lite.mailboxes;
export let leases: typeof lite.leases = lite.leases;
export let fileBlobs: typeof lite.fileBlobs = lite.fileBlobs;
export let mailSettings: typeof lite.mailSettings = lite.mailSettings;
export let imapMailboxes: typeof lite.imapMailboxes = lite.imapMailboxes;
export let graphMailboxes: typeof lite.graphMailboxes = lite.graphMailboxes;
export let customEmails: typeof lite.customEmails = lite.customEmails;
export let customerLinks: typeof lite.customerLinks = lite.customerLinks;
export let projectWebhooks: typeof lite.projectWebhooks = lite.projectWebhooks;
export let webhookDeliveries: typeof lite.webhookDeliveries = lite.webhookDeliveries;
export let ticketClosingChanges: typeof lite.ticketClosingChanges = lite.ticketClosingChanges;

/** Points every table binding at `d`'s tables. Idempotent; switching after a query is an error. */
export function bindDialect(d: Dialect): void {
  if (d === bound) {
    locked = true;
    return;
  }
  if (locked) throw new Error(`this process already uses ${bound}; one process talks to one database engine`);
  bound = d;
  locked = true;
  const src = (d === 'pg' ? pg : lite) as unknown as typeof lite;
  users = src.users;
  sessions = src.sessions;
  loginThrottle = src.loginThrottle;
  accountTokens = src.accountTokens;
  auditLog = src.auditLog;
  instanceSettings = src.instanceSettings;
  oidcStates = src.oidcStates;
  projects = src.projects;
  memberships = src.memberships;
  serviceDeskSettings = src.serviceDeskSettings;
  emailTemplates = src.emailTemplates;
  issueTemplates = src.issueTemplates;
  savedReplies = src.savedReplies;
  savedViews = src.savedViews;
  customers = src.customers;
  tickets = src.tickets;
  notes = src.notes;
  labels = src.labels;
  ticketLabels = src.ticketLabels;
  participants = src.participants;
  removedParticipants = src.removedParticipants;
  events = src.events;
  ticketReads = src.ticketReads;
  rawMessages = src.rawMessages;
  inboundMessages = src.inboundMessages;
  messageIds = src.messageIds;
  replyKeys = src.replyKeys;
  attachments = src.attachments;
  outbox = src.outbox;
  mailboxes = src.mailboxes;
  leases = src.leases;
  fileBlobs = src.fileBlobs;
  mailSettings = src.mailSettings;
  imapMailboxes = src.imapMailboxes;
  graphMailboxes = src.graphMailboxes;
  customEmails = src.customEmails;
  customerLinks = src.customerLinks;
  projectWebhooks = src.projectWebhooks;
  webhookDeliveries = src.webhookDeliveries;
  ticketClosingChanges = src.ticketClosingChanges;
}
