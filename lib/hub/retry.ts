// Retrying a hub request: on 429, 5xx and lost connections, again after a growing, jittered
// pause (or what Retry-After asks), until the request has failed for `retryForMs`. A hub
// that is busy for a while slows the work down; a hub that stays down ends it, clearly.
import { describeError, HubUnavailableError, isRetryable, retryAfterSeconds } from './errors.ts';

export interface RetryPolicy {
  /** Give up on a request that has kept failing this long. */
  retryForMs: number;
  /** First pause; each next one doubles, up to maxDelayMs. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** Told before each pause (for a throttled log line). */
  onRetry?: (what: string, error: string, delayMs: number) => void;
}

export const DEFAULT_RETRY: RetryPolicy = { retryForMs: 60_000, baseDelayMs: 200, maxDelayMs: 5_000 };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Runs `attempt` until it succeeds, fails for good, or has failed retryably for too long. */
export async function withRetry<T>(what: string, attempt: () => Promise<T>, policy: RetryPolicy = DEFAULT_RETRY): Promise<T> {
  let firstFailure: number | undefined;
  for (let n = 0; ; n++) {
    try {
      return await attempt();
    } catch (err) {
      if (!isRetryable(err)) throw err;
      const now = Date.now();
      firstFailure ??= now;
      const failingFor = now - firstFailure;
      if (failingFor >= policy.retryForMs) {
        throw new HubUnavailableError(
          `${what}: the hub kept failing for ${Math.round(failingFor / 1000)} s (last: ${describeError(err)}); ` +
          'what was done before stays done: run the command again once the hub answers',
          { cause: err, failingForMs: failingFor },
        );
      }
      const backoff = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.min(n, 16));
      const asked = retryAfterSeconds(err);
      // Full jitter keeps many waiting requests from coming back all at once.
      const delay = Math.min(asked !== undefined ? asked * 1000 : backoff * (0.5 + Math.random() / 2), policy.retryForMs - failingFor);
      policy.onRetry?.(what, describeError(err), delay);
      await sleep(delay);
    }
  }
}
