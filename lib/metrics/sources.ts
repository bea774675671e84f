// Where the sampler reads from, as the config says: the service's /metrics (by default
// `<hub.serviceUrl>/metrics`, with hub.tls), and a Prometheus server with the queries of a
// metrics profile (inline and from a file). A problem with them (a profile file that can't be
// read, a token variable not set) is said, never fatal: sampling must not fail a run.
import { loadProfileFile } from '../config/load.ts';
import type { SwarmConfig } from '../config/types.ts';
import type { SourceTls } from './http-get.ts';
import type { PrometheusServer } from './prometheus.ts';
import type { ProfileQuery } from './types.ts';

export interface SamplerSettings {
  readonly intervalMs: number;
  /** Per scrape (and per query). */
  readonly timeoutMs: number;
  readonly service: { readonly url: string; readonly tls: SourceTls } | null;
  readonly prometheus: { readonly server: PrometheusServer; readonly queries: ProfileQuery[] } | null;
  /** What could not be used, in words; the queries that could be are kept. */
  readonly problems: string[];
}

export function samplerSettings(config: SwarmConfig, env: NodeJS.ProcessEnv = process.env): SamplerSettings {
  const { report, hub } = config;
  const problems: string[] = [];
  const service = report.metrics && {
    url: report.metrics.url ?? `${hub.serviceUrl.replace(/\/+$/, '')}/metrics`,
    tls: report.metrics.tls ?? hub.tls,
  };
  let prometheus: SamplerSettings['prometheus'] = null;
  if (report.prometheus) {
    const p = report.prometheus;
    const queries: ProfileQuery[] = [...p.queries];
    if (p.profile) {
      try {
        queries.push(...loadProfileFile(p.profile));
      } catch (err) {
        problems.push(`metrics profile ${(err as Error).message}`);
      }
    }
    const token = p.tokenEnv ? env[p.tokenEnv] ?? null : null;
    if (p.tokenEnv && !token) problems.push(`report.prometheus.tokenEnv: $${p.tokenEnv} is not set; asking ${p.url} without a token`);
    const names = new Set<string>();
    prometheus = {
      server: { url: p.url, tls: p.tls, token },
      queries: queries.filter((q) => {
        if (names.has(q.metricName)) problems.push(`metrics profile: ${q.metricName} is named twice; the first is kept`);
        return !names.has(q.metricName) && Boolean(names.add(q.metricName));
      }),
    };
  }
  return { intervalMs: report.sampleSeconds * 1000, timeoutMs: report.scrapeTimeoutSeconds * 1000, service, prometheus, problems };
}
