/**
 * What the domain needs to address and word customer email. Built from config and the mail
 * settings (domain/mail-setup), and built again when those change.
 */
import type { Config } from '../../config';
import { createAddressBook, type AddressBook, type AddressTemplates } from '../../mail/addresses';
import type { SecretBox } from './secret-box';

export interface MailContext {
  book: AddressBook;
  publicUrl: string;
  /** From address of every customer email (a project's verified custom address goes first) */
  from: string;
  header: string;
  footer: string;
  additional: string;
  /** signs the links customers get (the customer view, attachment downloads) */
  secrets: SecretBox;
}

export function buildMailContext(t: AddressTemplates, config: Pick<Config, 'mail' | 'publicUrl'>, secrets: SecretBox): MailContext {
  const book = createAddressBook(t);
  return {
    book,
    publicUrl: config.publicUrl,
    from: t.from ?? book.bare(),
    header: config.mail.systemHeader,
    footer: config.mail.systemFooter,
    additional: config.mail.additionalText,
    secrets,
  };
}

/** The context from the environment alone (before the database is open). */
export function mailContext(config: Pick<Config, 'mail' | 'publicUrl'>, secrets: SecretBox): MailContext {
  return buildMailContext({ incoming: config.mail.incomingEmail, alias: config.mail.serviceDeskEmail, from: config.mail.mailFrom }, config, secrets);
}
