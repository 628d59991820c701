/**
 * The one catalogue of error codes. Domain code throws `AppError(code)`; the tRPC layer maps
 * `status` to a tRPC code and sends `code` as `data.appCode` so clients can branch on it.
 */
export const ERRORS = {
  UNAUTHENTICATED: { status: 'UNAUTHORIZED', message: 'You need to sign in first.' },
  INVALID_CREDENTIALS: { status: 'UNAUTHORIZED', message: 'Wrong email or password.' },
  TOO_MANY_ATTEMPTS: {
    status: 'TOO_MANY_REQUESTS',
    message: 'Too many failed sign-in attempts. Wait a few minutes and try again.',
  },
  FORBIDDEN: { status: 'FORBIDDEN', message: 'You do not have permission to do this.' },
  FILE_TOO_LARGE: { status: 'PAYLOAD_TOO_LARGE', message: 'The file is too large: uploads are limited to 10 MB each.' },
  ADMIN_ONLY: { status: 'FORBIDDEN', message: 'Only an instance administrator can do this.' },
  SETUP_DONE: {
    status: 'CONFLICT',
    message: 'Setup is already complete: an administrator exists. Sign in instead.',
  },
  EMAIL_TAKEN: { status: 'CONFLICT', message: 'A user with this email already exists.' },
  USER_NOT_FOUND: { status: 'NOT_FOUND', message: 'No user has this email.' },
  PROJECT_NOT_FOUND: { status: 'NOT_FOUND', message: 'Project not found.' },
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
  QUICK_ACTION_FAILED: { status: 'BAD_REQUEST', message: 'A quick action could not be applied.' },
  PRESENCE_CLIENT_TAKEN: {
    status: 'CONFLICT',
    message: 'This presence client id belongs to another session. Use a new client id for this tab.',
  },
  ISSUE_TEMPLATE_NOT_FOUND: { status: 'NOT_FOUND', message: 'No issue template has this name.' },
  FOREIGN_ORIGIN: { status: 'FORBIDDEN', message: 'Request from a foreign origin refused.' },
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
