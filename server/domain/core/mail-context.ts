/** What the domain needs to address and word customer email. Built once from config. */
import type { Config } from '../../config';
import { createAddressBook, type AddressBook } from '../../mail/addresses';

export interface MailContext {
  book: AddressBook;
  publicUrl: string;
  /** From address of every customer email */
  from: string;
  header: string;
  footer: string;
  additional: string;
}

export function mailContext(config: Pick<Config, 'mail' | 'publicUrl'>): MailContext {
  const book = createAddressBook({ incoming: config.mail.incomingEmail, alias: config.mail.serviceDeskEmail, from: config.mail.mailFrom });
  return {
    book,
    publicUrl: config.publicUrl,
    from: config.mail.mailFrom ?? book.bare(),
    header: config.mail.systemHeader,
    footer: config.mail.systemFooter,
    additional: config.mail.additionalText,
  };
}
