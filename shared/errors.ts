/**
 * The one catalogue of error codes. Domain code throws `AppError(code)`; the tRPC layer maps
 * `status` to a tRPC code and sends `code` as `data.appCode` so clients can branch on it.
 */
/**
 * Sign-in's codes, first: a failed single sign-on sends one back to the sign-in page
 * (`/login?sso_error=`), and the browser bundle carries only these messages, not the catalogue.
 */
export const SIGN_IN_ERRORS = {
  UNAUTHENTICATED: { status: 'UNAUTHORIZED', message: 'You need to sign in first.' },
  INVALID_CREDENTIALS: { status: 'UNAUTHORIZED', message: 'Wrong email or password.' },
  TOO_MANY_ATTEMPTS: {
    status: 'TOO_MANY_REQUESTS',
    message: 'Too many failed sign-in attempts. Wait a few minutes and try again.',
  },
  FORBIDDEN: { status: 'FORBIDDEN', message: 'You do not have permission to do this.' },
  ACCOUNT_DEACTIVATED: {
    status: 'FORBIDDEN',
    message: 'This account has been deactivated. Ask an administrator if you need it back.',
  },
  LAST_ADMIN: { status: 'CONFLICT', message: 'Threadline must keep at least one active administrator.' },
  NOT_YOURSELF: { status: 'BAD_REQUEST', message: 'You cannot deactivate your own account.' },
  LINK_INVALID: { status: 'NOT_FOUND', message: 'This link is not valid. It may have been replaced by a newer one: ask for a new link.' },
  LINK_EXPIRED: { status: 'BAD_REQUEST', message: 'This link has expired. Ask for a new one.' },
  LINK_USED: { status: 'BAD_REQUEST', message: 'This link has already been used. Ask for a new one if you still need it.' },
  TOO_MANY_REQUESTS: { status: 'TOO_MANY_REQUESTS', message: 'Too many requests. Wait a few minutes and try again.' },
  WRONG_PASSWORD: { status: 'BAD_REQUEST', message: 'Your current password is not right.' },
  SSO_ONLY: {
    status: 'FORBIDDEN',
    message: 'Passwords are turned off here: use the single sign-on button to sign in.',
  },
  SSO_FAILED: { status: 'BAD_REQUEST', message: 'Single sign-on did not complete. Try again, or ask an administrator to check the provider settings.' },
  SSO_UNREACHABLE: {
    status: 'BAD_REQUEST',
    message: 'Threadline could not reach your sign-in provider. Try again in a moment; if it keeps happening, ask an administrator to check the single sign-on settings.',
  },
  SSO_MISCONFIGURED: {
    status: 'BAD_REQUEST',
    message: 'Single sign-on is not set up correctly on this instance. Ask an administrator to check the single sign-on settings.',
  },
  SSO_EMAIL_UNVERIFIED: { status: 'FORBIDDEN', message: 'Your identity provider did not confirm your email address, so it cannot be matched to an account.' },
  SSO_NO_ACCOUNT: { status: 'FORBIDDEN', message: 'No Threadline account uses this email address. Ask an administrator for an invitation.' },
  SSO_EMAIL_MISMATCH: { status: 'FORBIDDEN', message: 'This invitation is for another email address than the one your identity provider gave.' },
  SSO_ACCOUNT_LINKED: {
    status: 'FORBIDDEN',
    message: 'The Threadline account with this email address is linked to another identity at your sign-in provider. Ask an administrator to check the account.',
  },
  SSO_NOT_CONFIGURED: { status: 'BAD_REQUEST', message: 'Single sign-on is not set up on this instance.' },
} as const;

export const ERRORS = {
  ...SIGN_IN_ERRORS,
  SESSION_NOT_FOUND: { status: 'NOT_FOUND', message: 'No session of yours has this id.' },
  CONFIRMATION_MAILS_TO_ADDRESS: {
    status: 'TOO_MANY_REQUESTS',
    message: 'Several confirmation emails went to this address in the last 15 minutes. Look for them in its inbox (and spam folder), or try again in a few minutes.',
  },
  INVITATIONS_TO_ADDRESS: {
    status: 'TOO_MANY_REQUESTS',
    message: 'This invitation was sent again several times in the last 15 minutes. Ask the person to look in their inbox (and spam folder), or try again in a few minutes.',
  },
  CONFIRMATION_MAILS_BY_YOU: {
    status: 'TOO_MANY_REQUESTS',
    message: 'You have asked for several confirmation emails in the last 15 minutes. Try again in a few minutes.',
  },
  INVITATION_NOT_FOUND: { status: 'NOT_FOUND', message: 'No pending invitation has this id.' },
  ALREADY_MEMBER: { status: 'CONFLICT', message: 'This person already has an account: add them to a project instead.' },
  INVITATION_ROLE_REQUIRED: { status: 'BAD_REQUEST', message: 'Choose a role for the project invitation.' },
  FILE_TOO_LARGE: { status: 'PAYLOAD_TOO_LARGE', message: 'The file is too large: uploads are limited to 10 MB each.' },
  ADMIN_ONLY: { status: 'FORBIDDEN', message: 'Only an instance administrator can do this.' },
  SETUP_DONE: {
    status: 'CONFLICT',
    message: 'Setup is already complete: an administrator exists. Sign in instead.',
  },
  EMAIL_TAKEN: { status: 'CONFLICT', message: 'A user with this email already exists.' },
  USER_NOT_FOUND: { status: 'NOT_FOUND', message: 'No user has this email.' },
  PROJECT_NOT_FOUND: { status: 'NOT_FOUND', message: 'Project not found.' },
  ACCESS_CHANGED: {
    status: 'CONFLICT',
    message: 'Your role in this project changed: the page now shows what you may see and do.',
  },
  PROJECT_PATH_TAKEN: { status: 'CONFLICT', message: 'A project with this path already exists.' },
  TICKET_NOT_FOUND: { status: 'NOT_FOUND', message: 'Ticket not found.' },
  NOT_A_MEMBER: { status: 'NOT_FOUND', message: 'This user is not a member of the project.' },
  ASSIGNEE_NOT_MEMBER: {
    status: 'BAD_REQUEST',
    message: 'Tickets can only be assigned to project members with the reporter role or higher.',
  },
  OWNER_REQUIRED: {
    status: 'FORBIDDEN',
    message: 'Only an owner can grant, change or remove the owner role.',
  },
  LAST_OWNER: { status: 'CONFLICT', message: 'A project must keep at least one owner.' },
  PROJECT_KEY_TAKEN: {
    status: 'CONFLICT',
    message: 'Project key is already in use for another service desk address.',
  },
  INBOUND_NOT_FOUND: { status: 'NOT_FOUND', message: 'No received message has this id.' },
  NOT_QUARANTINED: { status: 'CONFLICT', message: 'Only quarantined messages can be retried or discarded.' },
  TOO_MANY_PARTICIPANTS: {
    status: 'BAD_REQUEST',
    message: 'A ticket can have at most 10 external participants.',
  },
  OUR_ADDRESS: { status: 'BAD_REQUEST', message: 'Our own Service Desk addresses cannot be participants.' },
  OUTBOX_NOT_FOUND: { status: 'NOT_FOUND', message: 'No queued email has this id.' },
  REPLY_COLLISION: {
    status: 'CONFLICT',
    message: 'Someone replied to the customer after you started writing. Read the new reply, then send yours anyway or edit it.',
  },
  EMAIL_NOT_FOUND: { status: 'NOT_FOUND', message: 'This ticket or note did not come from an email.' },
  EMAIL_UNREADABLE: { status: 'UNPROCESSABLE_CONTENT', message: 'The original email could not be read.' },
  QUICK_ACTION_FAILED: { status: 'BAD_REQUEST', message: 'A quick action could not be applied.' },
  PRESENCE_CLIENT_TAKEN: {
    status: 'CONFLICT',
    message: 'This presence client id belongs to another session. Use a new client id for this tab.',
  },
  SNOOZE_TIME_INVALID: { status: 'BAD_REQUEST', message: 'Snooze until a time in the future, at most a year from now.' },
  SAVED_REPLY_NOT_FOUND: { status: 'NOT_FOUND', message: 'No saved reply has this id in this project.' },
  SAVED_REPLY_NAME_TAKEN: { status: 'CONFLICT', message: 'Another saved reply of this project has this name.' },
  TICKET_MERGED: { status: 'CONFLICT', message: 'This ticket was merged into another one: work on that one instead.' },
  MERGE_INTO_SELF: { status: 'BAD_REQUEST', message: 'A ticket cannot be merged into itself.' },
  SAVED_VIEW_NOT_FOUND: { status: 'NOT_FOUND', message: 'No saved view has this id here.' },
  CUSTOMER_NOT_FOUND: { status: 'NOT_FOUND', message: 'Customer not found.' },
  CUSTOMER_NOTES_NOT_SHARED: {
    status: 'FORBIDDEN',
    message: 'This customer has not written to any of your projects, so the notes about them belong to the teams they wrote to.',
  },
  ISSUE_TEMPLATE_NOT_FOUND: { status: 'NOT_FOUND', message: 'No issue template has this name.' },
  FOREIGN_ORIGIN: { status: 'FORBIDDEN', message: 'Request from a foreign origin refused.' },
  // Mail settings (issue 10)
  MAILBOX_NAME_TAKEN: { status: 'CONFLICT', message: 'Another mailbox already has this name.' },
  MAILBOX_NOT_FOUND: { status: 'NOT_FOUND', message: 'No mailbox has this id.' },
  SET_BY_ENVIRONMENT: {
    status: 'CONFLICT',
    message: 'This setting comes from an environment variable on the server; change it there (or unset it to manage it here).',
  },
  SECRET_UNREADABLE: {
    status: 'CONFLICT',
    message:
      "A stored password cannot be decrypted with this server's key: it was saved with another SECRET_KEY (or DATA_DIR/secret.key). Set the same SECRET_KEY on every node, or enter the password again.",
  },
  CUSTOM_EMAIL_TAKEN: { status: 'CONFLICT', message: 'Another project already uses this support address.' },
  CUSTOM_EMAIL_OURS: {
    status: 'BAD_REQUEST',
    message: "This is one of Threadline's own addresses. Enter your own support address, e.g. support@your-company.com.",
  },
  PROJECT_SMTP_NOT_ALLOWED: { status: 'FORBIDDEN', message: 'The administrator does not allow this SMTP server for projects.' },
  CUSTOM_EMAIL_NOT_SET: { status: 'NOT_FOUND', message: 'This project has no custom support address.' },
  CUSTOMER_LINK_INVALID: { status: 'NOT_FOUND', message: 'This link is not valid any more. Reply to the latest email about your request to get a new one.' },
  INVALID_INPUT: { status: 'BAD_REQUEST', message: 'The input is invalid.' },
  INTERNAL: { status: 'INTERNAL_SERVER_ERROR', message: 'Something went wrong on our side.' },
} as const;

export type ErrorCode = keyof typeof ERRORS;
export type ErrorStatus = (typeof ERRORS)[ErrorCode]['status'];

export class AppError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message?: string) {
    super(message ?? ERRORS[code].message);
    this.code = code;
    this.name = 'AppError';
  }
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && value in ERRORS;
}
