// The figures of a run, computed once from its record: final states, the measured phases, the
// launch rate, failures by reason, played hosts, the service's side (from the sampled series),
// and the thresholds checked. Every writer prints this.
import type { Threshold } from '../config/types.ts';
import { tally } from './counts.ts';
import { downloadFigures, type DownloadFigures } from './downloads.ts';
import { groupFailures, type FailureGroup } from './failures.ts';
import { launchRate, type LaunchRate } from './launch-rate.ts';
import { measure, PHASES, type PhaseResult } from './phases/index.ts';
import { summarizeProfile, type ProfileSummary } from './profile.ts';
import { summarizeService, type ServiceSummary } from './service.ts';
import { checkThresholds, type ThresholdResult } from './thresholds.ts';
import type { RunRecord } from './types.ts';

export interface RunSummary {
  swarm: string;
  provenance: RunRecord['provenance'];
  startedAt: string;
  endedAt: string | null;
  durationSeconds: number | null;
  endReason: string | null;
  settings: RunRecord['settings'];
  hosts: { total: number; byFinalState: Record<string, number>; adopted: number; restarts: number; patches: number };
  clusters: { total: number; byFinalState: Record<string, number> };
  phases: PhaseResult[];
  launchRate: LaunchRate;
  /** The ISO downloads before boot (isoDownload); count 0 with mode none. */
  downloads: DownloadFigures;
  failures: FailureGroup[];
  played: { hostname: string; what: string }[];
  /** How the run was sampled; null for a run that was not. */
  sampling: { intervalSeconds: number; problems: string[] } | null;
  /** The service's side; null when its /metrics was not sampled (report.metrics: null). */
  service: ServiceSummary | null;
  /** The Prometheus profile's queries; null without report.prometheus. */
  profile: ProfileSummary | null;
  /** What the runner met: its failed requests to the hub and the service, at the end. */
  runner: { apiErrors: { hub: number; service: number } } | null;
  thresholds: ThresholdResult[];
}

export interface SummaryOptions {
  /** report.thresholds. */
  thresholds?: readonly Threshold[];
  /** The base run (apply --base): base-relative thresholds need it. */
  base?: RunSummary | null;
}

export function summarizeRun(record: RunRecord, options: SummaryOptions = {}): RunSummary {
  const summary = summarizeRecord(record);
  summary.thresholds = checkThresholds(options.thresholds ?? [], summary, options.base ?? null);
  return summary;
}

function summarizeRecord(record: RunRecord): RunSummary {
  const { hosts, clusters, series } = record;
  const lastView = series?.runner.at(-1);
  return {
    swarm: record.swarm,
    provenance: record.provenance,
    startedAt: new Date(record.startedAt).toISOString(),
    endedAt: record.endedAt ? new Date(record.endedAt).toISOString() : null,
    durationSeconds: record.endedAt ? (record.endedAt - record.startedAt) / 1000 : null,
    endReason: record.endReason,
    settings: record.settings,
    hosts: {
      total: hosts.length,
      byFinalState: tally(hosts.map((h) => h.outcome ?? h.state)),
      adopted: hosts.filter((h) => h.adopted).length,
      restarts: hosts.reduce((n, h) => n + h.restarts, 0),
      patches: hosts.reduce((n, h) => n + h.patches, 0),
    },
    clusters: { total: clusters.length, byFinalState: tally(clusters.map((c) => c.outcome ?? c.state)) },
    phases: PHASES.map((p) => measure(p, hosts)),
    launchRate: launchRate(record.settings.launchRate, hosts),
    downloads: downloadFigures(record.settings.isoDownload.mode, record.downloads),
    failures: [
      ...groupFailures('cluster', clusters.map((c) => ({ name: c.name, failure: c.failure }))),
      ...groupFailures('host', hosts.map((h) => ({ name: h.hostname, failure: h.failure }))),
    ],
    played: hosts.filter((h) => h.played).map((h) => ({ hostname: h.hostname, what: h.played! })),
    sampling: series ? { intervalSeconds: series.intervalSeconds, problems: series.problems } : null,
    service: series?.service ? summarizeService(series.service) : null,
    profile: series?.prometheus ? summarizeProfile(series.prometheus) : null,
    runner: lastView ? { apiErrors: lastView.apiErrors } : null,
    thresholds: [],
  };
}
