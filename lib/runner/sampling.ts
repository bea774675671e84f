// What the runner samples while it runs (lib/metrics): the service's /metrics, a Prometheus
// profile, and its own view (hosts and clusters per state, launches, restarts, Agent patches,
// its failed requests). Started with the run and stopped at its end; it never fails the run.
import type { SwarmConfig } from '../config/types.ts';
import { ApiErrorCounter } from '../metrics/api-errors.ts';
import { Sampler } from '../metrics/sampler.ts';
import { samplerSettings } from '../metrics/sources.ts';
import type { RunnerSample, RunSeries } from '../metrics/types.ts';
import { countStates } from '../report/counts.ts';
import type { RunRecord } from '../report/types.ts';

export interface Sampling {
  stop(): Promise<RunSeries>;
}

export function runnerView(record: RunRecord, errors: ApiErrorCounter): Omit<RunnerSample, 'at'> {
  const counts = countStates(record);
  return {
    hosts: counts.hosts.byState,
    clusters: counts.clusters.byState,
    launched: record.hosts.filter((h) => h.launchedAt !== null).length,
    restarts: record.hosts.reduce((n, h) => n + h.restarts, 0),
    patches: record.hosts.reduce((n, h) => n + h.patches, 0),
    apiErrors: { hub: errors.hub, service: errors.service },
  };
}

export function startSampling(config: SwarmConfig, record: RunRecord, log: (line: string) => void): Sampling {
  const errors = new ApiErrorCounter().start();
  const settings = samplerSettings(config);
  for (const problem of settings.problems) log(`runner: report: ${problem}`);
  const sampler = new Sampler({ settings, view: () => runnerView(record, errors) }).start();
  return {
    async stop() {
      try {
        return await sampler.stop();
      } finally {
        errors.stop();
      }
    },
  };
}
