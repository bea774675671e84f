// The figures a threshold (report.thresholds) can name, in the units it is given in. One list:
// the schema builds its pattern from it, the report looks the figures up by these names, and
// the README's table of them follows it.

export interface ThresholdMetric {
  /** The name, or a family of names: `<phase>` and `<stat>` stand for the words listed. */
  readonly name: string;
  readonly unit: string;
  readonly what: string;
  /** A `route` narrows it to one route of the service (`METHOD /handler`, or the handler for every method; `*`: each route on its own). */
  readonly perRoute?: true;
}

export const PHASE_NAMES = ['registered', 'known', 'installing', 'installed'] as const;
export const PHASE_STATS = ['p50', 'p90', 'p99', 'max'] as const;
export const PROFILE_STATS = ['min', 'mean', 'max', 'last'] as const;

export const THRESHOLD_METRICS: readonly ThresholdMetric[] = [
  { name: 'api.requests', unit: 'requests', what: 'requests the service answered during the run', perRoute: true },
  { name: 'api.p50', unit: 's', what: 'median request latency', perRoute: true },
  { name: 'api.p90', unit: 's', what: '90th percentile of request latency', perRoute: true },
  { name: 'api.p99', unit: 's', what: '99th percentile of request latency', perRoute: true },
  { name: 'api.4xx', unit: 'requests', what: 'answers with a 4xx code', perRoute: true },
  { name: 'api.5xx', unit: 'requests', what: 'answers with a 5xx code', perRoute: true },
  { name: 'service.cpu.peak', unit: 'cores', what: "the service's CPU at its highest sample" },
  { name: 'service.cpu.mean', unit: 'cores', what: "the service's CPU over the run" },
  { name: 'service.memory.peak', unit: 'MiB', what: "the service's resident memory at its highest" },
  { name: 'service.memory.mean', unit: 'MiB', what: "the service's resident memory over the run" },
  { name: 'service.restarts', unit: 'restarts', what: 'times the service restarted during the run' },
  { name: 'phase.<phase>.<stat>', unit: 's', what: `time from container start to <phase> (${PHASE_NAMES.join(', ')}), <stat> over the hosts (${PHASE_STATS.join(', ')})` },
  { name: 'hosts.failed', unit: 'hosts', what: 'hosts that failed' },
  { name: 'clusters.failed', unit: 'clusters', what: 'clusters that failed' },
  { name: 'clusters.installed', unit: 'clusters', what: 'clusters installed' },
  { name: 'runner.apiErrors', unit: 'requests', what: 'requests of the runner to the hub or the service that failed' },
  { name: 'duration', unit: 's', what: 'the run, from start to end' },
  { name: 'profile.<metricName>.<stat>', unit: "the query's", what: `a query of report.prometheus, <stat> over its samples and series (${PROFILE_STATS.join(', ')})` },
];

const alt = (words: readonly string[]) => `(${words.join('|')})`;
const escape = (s: string) => s.replace(/\./g, '\\.');

/** The pattern every threshold's `metric` must match. */
export const THRESHOLD_METRIC_PATTERN = `^(${[
  ...THRESHOLD_METRICS.filter((m) => !m.name.includes('<')).map((m) => escape(m.name)),
  `phase\\.${alt(PHASE_NAMES)}\\.${alt(PHASE_STATS)}`,
  `profile\\.[A-Za-z_][A-Za-z0-9_]*\\.${alt(PROFILE_STATS)}`,
].join('|')})$`;

export function isPerRoute(metric: string): boolean {
  return THRESHOLD_METRICS.some((m) => m.perRoute && m.name === metric);
}
