// The launch rate: starts are spaced at least 1/rate seconds apart, so a thousand agents do
// not all register in the same second. Callers take a concurrency slot first and then pass the
// gate, so a slow engine delays starts instead of bunching them up.

export class RateGate {
  private next = 0;

  constructor(private readonly perSecond: number, private readonly now: () => number = Date.now) {}

  /** Resolves at the caller's turn; returns that time (ms since the epoch). */
  async pass(): Promise<number> {
    const now = this.now();
    const at = Math.max(now, this.next);
    this.next = at + 1000 / this.perSecond;
    if (at > now) await new Promise((r) => setTimeout(r, at - now));
    return at;
  }
}
