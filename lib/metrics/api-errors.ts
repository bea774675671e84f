// The runner's failed requests, counted for its own view of the run (the report's "API errors
// it met"): where a request to the hub or the service fails, the runner publishes it on a
// diagnostics channel, and a run's counter listens. Nothing listening costs nothing.
import { channel, subscribe, unsubscribe } from 'node:diagnostics_channel';

export type ApiTarget = 'hub' | 'service';

const NAME = 'assisted-swarm:api-error';
const errors = channel(NAME);

/** Says that a request of the runner to the hub or the service failed (each attempt counts). */
export function noteApiError(target: ApiTarget): void {
  if (errors.hasSubscribers) errors.publish(target);
}

/** Counts the failed requests published while it listens. */
export class ApiErrorCounter {
  hub = 0;
  service = 0;
  private readonly listener = (target: unknown) => { if (target === 'hub' || target === 'service') this[target]++; };

  start(): this {
    subscribe(NAME, this.listener);
    return this;
  }

  stop(): void {
    unsubscribe(NAME, this.listener);
  }
}
