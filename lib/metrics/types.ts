// What the sampler records during a run (report.json `series`): the runner's own view, the
// service's /metrics and a Prometheus server's queries, each a list of samples over time and
// the time ranges a source gave no data. Compact on purpose: per sample only what changed in
// the interval (requests per route as latency-bucket counts), never the text it was read from.
// Times are milliseconds since the epoch, on the runner's clock.

/** A time range in which a source gave no data, and why. */
export interface Gap {
  /** The last successful sample before it (or the run's start). */
  readonly from: number;
  /** The next successful sample (or the run's end, when it never came back). */
  readonly to: number;
  /** Scrapes that failed in it. */
  readonly failures: number;
  /** The first failure's message ("timed out after 5 s", "answered 500 Internal Server Error"). */
  readonly reason: string;
}

/** What the runner itself saw at one moment. */
export interface RunnerSample {
  readonly at: number;
  /** Hosts per state (failed ones as `failed`). */
  readonly hosts: Record<string, number>;
  readonly clusters: Record<string, number>;
  /** Fake hosts let through the launch gate so far. */
  readonly launched: number;
  /** Container restarts so far. */
  readonly restarts: number;
  /** Agent spec patches sent so far. */
  readonly patches: number;
  /** Requests of the runner that failed so far, to the hub and to the service (API errors it met). */
  readonly apiErrors: { readonly hub: number; readonly service: number };
}

/** One route's requests in one interval: `METHOD handler` of http_request_duration_seconds. */
export interface RouteDelta {
  readonly requests: number;
  readonly status4xx: number;
  readonly status5xx: number;
  /** Cumulative request counts per latency bucket, at the series' `bucketBounds` then +Inf. */
  readonly buckets: number[];
}

/** The database pool, where the service exports it (client_golang's go_sql_* collector). */
export interface DbReading {
  readonly open: number;
  readonly inUse: number;
  readonly idle: number;
  /** Waits for a connection so far. */
  readonly waitCount: number;
}

/** One successful read of the service's /metrics, as what changed since the previous one. */
export interface ServiceSample {
  readonly at: number;
  /** The previous sample's time when it was the one just before (no failed scrape between) of the
   *  same process: only then is a rate taken (CPU, requests per second). Null otherwise. */
  readonly since: number | null;
  /** The service restarted since the previous sample (counters started again). */
  readonly restarted?: true;
  /** process_cpu_seconds_total as read. */
  readonly cpuSeconds: number | null;
  /** CPU cores used since `since`; null without a rate. */
  readonly cpuCores: number | null;
  /** process_resident_memory_bytes. */
  readonly rssBytes: number | null;
  /** Requests since the previous sample (also across a gap: counts stay exact), by route. */
  readonly routes: Record<string, RouteDelta>;
  readonly db: DbReading | null;
}

export interface ServiceSeries {
  /** The metrics URL, without credentials. */
  readonly url: string;
  /** Upper bounds (seconds) of the latency buckets, +Inf left out. */
  bucketBounds: number[];
  readonly samples: ServiceSample[];
  readonly gaps: Gap[];
}

/** A query of a metrics profile (kube-burner's shape). */
export interface ProfileQuery {
  readonly metricName: string;
  /** PromQL, evaluated as an instant query at each sample. */
  readonly query: string;
  /** What the value is in ("cores", "bytes", "connections"); shown with it. */
  readonly unit: string | null;
}

/** One round of the profile's queries: per metric, a value per series (labels as `k=v,k=v`). */
export interface ProfileSample {
  readonly at: number;
  readonly values: Record<string, Record<string, number>>;
}

export interface ProfileSeries {
  readonly url: string;
  readonly queries: ProfileQuery[];
  readonly samples: ProfileSample[];
  readonly gaps: Gap[];
  /** A query the server refused, with its message (once per query). */
  readonly errors: Record<string, string>;
}

export interface RunSeries {
  readonly intervalSeconds: number;
  /** What of the config's sources could not be used (a profile file, a token variable). */
  readonly problems: string[];
  readonly runner: RunnerSample[];
  /** Null when report.metrics is null (not sampled). */
  readonly service: ServiceSeries | null;
  /** Null without report.prometheus. */
  readonly prometheus: ProfileSeries | null;
}
