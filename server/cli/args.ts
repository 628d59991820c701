/** Parses `--name value` pairs; rejects unknown flags and missing values with clear messages. */
export class UsageError extends Error {}

/** Storing failed: an MTA should keep the message and retry (exit 75, EX_TEMPFAIL). */
export class TempFailure extends Error {}

export function parseFlags(argv: string[], allowed: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (!arg.startsWith('--')) throw new UsageError(`Unexpected argument "${arg}".`);
    const eq = arg.indexOf('=');
    const name = eq > 0 ? arg.slice(2, eq) : arg.slice(2);
    if (!allowed.includes(name)) throw new UsageError(`Unknown option --${name}.`);
    const value = eq > 0 ? arg.slice(eq + 1) : argv[++i];
    if (value === undefined || (eq < 0 && value.startsWith('--'))) throw new UsageError(`Option --${name} needs a value.`);
    out[name] = value;
  }
  return out;
}
