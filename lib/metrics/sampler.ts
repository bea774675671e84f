// The run's sampler: every report.sampleSeconds, the runner's own view, the service's /metrics
// and a Prometheus server's profile queries, kept as series for the report. Each source has at
// most one scrape in flight, bounded by report.scrapeTimeoutSeconds; a source that is away,
// slow or answers an error leaves a gap (recorded with why) and never slows or fails the run.
import { shownUrl, httpGet } from './http-get.ts';
import { instantQuery, QueryError } from './prometheus.ts';
import { ServiceDeltas } from './service-deltas.ts';
import { readService } from './service-reading.ts';
import { SourceState } from './source-state.ts';
import type { SamplerSettings } from './sources.ts';
import type { ProfileSample, ProfileSeries, RunnerSample, RunSeries, ServiceSample, ServiceSeries } from './types.ts';

export interface SamplerOptions {
  readonly settings: SamplerSettings;
  /** The runner's own view now. */
  readonly view: () => Omit<RunnerSample, 'at'>;
  readonly now?: () => number;
}

export class Sampler {
  private readonly now: () => number;
  private readonly startedAt: number;
  private readonly runner: RunnerSample[] = [];
  private readonly service: { series: ServiceSeries; state: SourceState; deltas: ServiceDeltas } | null;
  private readonly prometheus: { series: ProfileSeries; state: SourceState } | null;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(private readonly o: SamplerOptions) {
    this.now = o.now ?? Date.now;
    this.startedAt = this.now();
    const { service, prometheus } = o.settings;
    this.service = service && {
      series: { url: shownUrl(service.url), bucketBounds: [], samples: [], gaps: [] },
      state: new SourceState(this.startedAt),
      deltas: new ServiceDeltas(),
    };
    this.prometheus = prometheus && {
      series: { url: shownUrl(prometheus.server.url), queries: prometheus.queries, samples: [], gaps: [], errors: {} },
      state: new SourceState(this.startedAt),
    };
  }

  /** Takes a first round now, then one every interval until stop(). */
  start(): this {
    void this.round();
    this.timer = setInterval(() => void this.round(), this.o.settings.intervalMs);
    this.timer.unref();
    return this;
  }

  /** One round: the runner's view, and a scrape of each source that has none in flight. Resolves when they end. */
  round(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    this.runner.push({ at: this.now(), ...this.o.view() });
    return Promise.all([
      this.service?.state.run(() => this.scrapeService()),
      this.prometheus?.state.run(() => this.queryProfile()),
    ]).then(() => undefined);
  }

  /** Stops: waits for scrapes in flight, takes a last round (of the sources that answered last time), and returns the series. */
  async stop(): Promise<RunSeries> {
    clearInterval(this.timer);
    await Promise.all([this.service?.state.settled(), this.prometheus?.state.settled()]);
    this.runner.push({ at: this.now(), ...this.o.view() });
    // A source whose last scrape failed is not waited for again at the end.
    await Promise.all([
      this.service && !this.service.state.failing && this.service.state.run(() => this.scrapeService()),
      this.prometheus && !this.prometheus.state.failing && this.prometheus.state.run(() => this.queryProfile()),
    ]);
    this.stopped = true;
    const end = this.now();
    this.service?.state.close(end);
    this.prometheus?.state.close(end);
    return {
      intervalSeconds: this.o.settings.intervalMs / 1000,
      problems: this.o.settings.problems,
      runner: this.runner,
      service: this.service && { ...this.service.series, bucketBounds: this.service.deltas.bounds, gaps: this.service.state.gaps },
      prometheus: this.prometheus && { ...this.prometheus.series, gaps: this.prometheus.state.gaps },
    };
  }

  private async scrapeService(): Promise<void> {
    const { series, state, deltas } = this.service!;
    const { url, tls } = this.o.settings.service!;
    try {
      const text = await httpGet(url, { tls, timeoutMs: this.o.settings.timeoutMs });
      const at = this.now();
      const reading = readService(text);
      if (!reading.routes.size && reading.cpuSeconds === null && reading.rssBytes === null) {
        return state.failed('its answer has no http_request_duration_seconds nor process_* metrics');
      }
      const sample: ServiceSample = deltas.next(at, reading, state.consecutive);
      state.ok(at);
      series.samples.push(sample);
    } catch (err) {
      state.failed((err as Error).message);
    }
  }

  private async queryProfile(): Promise<void> {
    const { series, state } = this.prometheus!;
    const { server, queries } = this.o.settings.prometheus!;
    const values: ProfileSample['values'] = {};
    let serverProblem: string | null = null;
    await Promise.all(queries.map(async (q) => {
      try {
        values[q.metricName] = await instantQuery(server, q.query, this.o.settings.timeoutMs);
      } catch (err) {
        if (err instanceof QueryError) series.errors[q.metricName] ??= err.message;
        else serverProblem ??= (err as Error).message;
      }
    }));
    if (serverProblem) return state.failed(serverProblem);
    const at = this.now();
    state.ok(at);
    series.samples.push({ at, values });
  }
}
