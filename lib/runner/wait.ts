// Step 6: wait until every cluster is installed or failed (tracker.done), the timeout, or an
// interruption. The watchers do the work meanwhile; this only looks at the tracker.
import type { EndReason } from '../report/types.ts';
import type { Tracker } from './tracker.ts';

export function waitUntilDone(tracker: Tracker, deadline: number, interrupted: AbortSignal): Promise<EndReason> {
  return new Promise((resolve) => {
    const check = () => {
      if (interrupted.aborted) return finish('interrupted');
      if (tracker.done()) return finish('done');
      if (Date.now() >= deadline) return finish('timeout');
    };
    const finish = (reason: EndReason) => {
      clearInterval(timer);
      interrupted.removeEventListener('abort', check);
      resolve(reason);
    };
    const timer = setInterval(check, 250);
    interrupted.addEventListener('abort', check);
    check();
  });
}

/** The soak after done: resolves after `ms`, or at once when interrupted. */
export function soak(ms: number, interrupted: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const end = () => {
      clearTimeout(timer);
      interrupted.removeEventListener('abort', end);
      resolve();
    };
    const timer = setTimeout(end, ms);
    interrupted.addEventListener('abort', end);
    if (interrupted.aborted) end();
  });
}
