// The launch rate achieved: fake hosts let through per second over the run (runner-side launch
// times, the ones runtime.launchRate bounds), the most in any one-second window, and the same
// for the containers' starts as the engines reported them done.

export interface LaunchRate {
  configured: number;
  launched: number;
  /** Launches per second from the first to the last; null below two launches. */
  achieved: number | null;
  /** The most launches within any one second. */
  maxInOneSecond: number;
  /** Started containers per second (engine-side), first to last. */
  startedPerSecond: number | null;
}

export function maxInWindow(times: number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let best = 0;
  for (let i = 0, j = 0; j < sorted.length; j++) {
    while (sorted[j]! - sorted[i]! >= windowMs) i++;
    best = Math.max(best, j - i + 1);
  }
  return best;
}

function perSecond(times: number[]): number | null {
  if (times.length < 2) return null;
  const span = (Math.max(...times) - Math.min(...times)) / 1000;
  return span > 0 ? (times.length - 1) / span : null;
}

export function launchRate(configured: number, hosts: { launchedAt: number | null; milestones: { containerStarted?: number } }[]): LaunchRate {
  const launched = hosts.map((h) => h.launchedAt).filter((t): t is number => t !== null);
  const started = hosts.map((h) => h.milestones.containerStarted).filter((t): t is number => t !== undefined);
  return {
    configured,
    launched: launched.length,
    achieved: perSecond(launched),
    maxInOneSecond: maxInWindow(launched, 1000),
    startedPerSecond: perSecond(started),
  };
}
