// One source's scrapes over a run: at most one in flight (a slow source is skipped, never
// queued up), the time of the last success, and the gaps: time ranges from the last success
// to the next one in which scrapes failed.
import type { Gap } from './types.ts';

export class SourceState {
  readonly gaps: Gap[] = [];
  private inFlight: Promise<void> | null = null;
  private lastOk: number | null = null;
  private open: { from: number; failures: number; reason: string } | null = null;

  constructor(private readonly startedAt: number) {}

  /** The last scrape failed: a gap is open. */
  get failing(): boolean {
    return this.open !== null;
  }

  /** True when the previous scrape succeeded: a rate may be taken since then. */
  get consecutive(): boolean {
    return this.lastOk !== null && this.open === null;
  }

  /** Runs a scrape unless one is in flight; the scrape calls ok() or failed(). */
  run(scrape: () => Promise<void>): Promise<void> {
    this.inFlight ??= scrape().finally(() => { this.inFlight = null; });
    return this.inFlight;
  }

  /** Waits for the scrape in flight, if any. */
  settled(): Promise<void> {
    return this.inFlight ?? Promise.resolve();
  }

  ok(at: number): void {
    if (this.open) this.gaps.push({ from: this.open.from, to: at, failures: this.open.failures, reason: this.open.reason });
    this.open = null;
    this.lastOk = at;
  }

  failed(reason: string): void {
    this.open ??= { from: this.lastOk ?? this.startedAt, failures: 0, reason };
    this.open.failures++;
  }

  /** At the run's end: a gap still open ends there. */
  close(at: number): void {
    if (this.open) this.gaps.push({ from: this.open.from, to: at, failures: this.open.failures, reason: this.open.reason });
    this.open = null;
  }
}
