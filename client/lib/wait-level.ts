/** How pressing a wait of `ms` is: information under an hour, wants attention up to a day, then overdue. */
export function waitLevelOf(ms: number): 'fresh' | 'long' | 'overdue' {
  return ms >= 24 * 3600_000 ? 'overdue' : ms >= 3600_000 ? 'long' : 'fresh';
}
