/**
 * A stored mail password goes only to the server and account it was entered for. Forms show
 * "set" instead of a stored password and send none back to keep it; were it kept for another
 * host, port or security, whoever runs that server (or reads the wire, without TLS) would get
 * it — a way for anyone who may edit the settings to read a password nobody ever shows them.
 */
import { AppError } from '../../../shared/errors';

export interface MailServer {
  host: string;
  port: number;
  security: string;
  user: string;
}

export function sameMailServer(a: MailServer, b: MailServer): boolean {
  return a.host.toLowerCase() === b.host.toLowerCase() && a.port === b.port && a.security === b.security && a.user === b.user;
}

/** For a form that changed the server but gave no password while one is stored. */
export function passwordAgain(): AppError {
  return new AppError('INVALID_INPUT', 'Enter the password again: the server changed, and a stored password is only sent to the server it was entered for.');
}
