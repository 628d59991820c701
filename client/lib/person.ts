/** A customer as people read them: their display name from the email, and always the address. */
export function personLabel(email: string, name: string | null | undefined): string {
  return name ? `${name} <${email}>` : email;
}
