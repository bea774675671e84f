// Before a run talks to the service: does it answer at hub.serviceUrl, with hub.tls? Any HTTP
// answer will do (what it says is the run's business). A certificate it can't verify fails at
// once, naming what hub.tls.caFile must be: retrying would only wait for minutes. A service
// that is not there (refused, timeout, reset) is waited for a while, as it may be restarting,
// then named with what to check (exit 3, as for a hub that does not answer).
import { UserError } from '../config/errors.ts';
import type { SwarmConfig } from '../config/types.ts';
import { HUB_UNAVAILABLE_EXIT } from '../hub/errors.ts';
import { describeConnectionFailure } from '../hub/unreachable.ts';
import { callService, ServiceError } from './service-api.ts';

export interface ReachOptions {
  /** How long a service that is not there (refused, timeout, reset) is waited for. */
  waitMs?: number;
  /** Where "waiting for the service" goes. */
  log?: (line: string) => void;
  /** How long one request may take (default 10 s). */
  attemptTimeoutMs?: number;
}

/** Plain HTTP asked of a service that serves HTTPS: Go's server answers so (400). */
const HTTP_TO_HTTPS = /HTTP request to an HTTPS server/i;

/** Resolves once the service answers; rejects with a UserError that says what to fix. */
export async function checkServiceReach(hub: Pick<SwarmConfig['hub'], 'serviceUrl' | 'tls'>, o: ReachOptions = {}): Promise<void> {
  const base = hub.serviceUrl.replace(/\/+$/, '');
  const where = `the service at ${base} (hub.serviceUrl)`;
  const deadline = Date.now() + (o.waitMs ?? 60_000);
  for (let attempt = 0; ; attempt++) {
    let err: unknown;
    try {
      await callService('GET', `${base}/ready`, hub.tls, { timeoutMs: o.attemptTimeoutMs ?? 10_000 });
      return;
    } catch (e) {
      err = e;
    }
    if (!(err instanceof ServiceError)) throw err;
    if (err.status !== undefined) {
      if (err.status === 400 && HTTP_TO_HTTPS.test(err.message)) {
        throw new UserError(`${where} serves HTTPS, and hub.serviceUrl says http://: make it https://${base.slice('http://'.length)}, with hub.tls.caFile the CA of its certificate`);
      }
      return; // it answered
    }
    const failure = err.failure;
    if (!failure) throw new UserError(`${where}: ${err.message}`);
    const message = `${where} ${failure.what} [${failure.code}]: ${failure.check}`;
    if (!err.retryable) throw new UserError(message);
    if (Date.now() >= deadline) throw new UserError(`${message} (kept failing for ${Math.round((o.waitMs ?? 60_000) / 1000)} s)`, HUB_UNAVAILABLE_EXIT);
    if (attempt === 0) o.log?.(`runner: ${where} ${describeConnectionFailure(failure)}; waiting for it`);
    await new Promise((r) => setTimeout(r, Math.min(2000, Math.max(0, deadline - Date.now()))));
  }
}
