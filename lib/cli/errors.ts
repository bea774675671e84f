// How commands end on an error: a clear message and a non-zero exit, no stack trace for
// problems the user can fix (bad config, bad input); a stack only with DEBUG set.
import { ConfigError, UserError } from '../config/errors.ts';

export function reportError(err: unknown): number {
  if (err instanceof ConfigError || err instanceof UserError) {
    console.error(`error: ${err.message}`);
    return err instanceof UserError ? err.exitCode : 1;
  }
  const e = err as Error;
  console.error(`error: ${e?.message ?? String(err)}`);
  if (process.env.DEBUG) console.error(e?.stack);
  return 1;
}
