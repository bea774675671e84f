// What a run records: every host and cluster with its state over time, every transition, and
// the series the sampler kept (lib/metrics).
// The runner fills it (lib/runner/tracker.ts); the report's phases and writers read it. Times
// are milliseconds since the epoch, on the runner's clock.
import type { SwarmConfig } from '../config/types.ts';
import type { RunSeries } from '../metrics/types.ts';

/** The points of a fake host's life the report measures between. */
export const MILESTONES = ['containerStarted', 'registered', 'known', 'installing', 'installed'] as const;
export type Milestone = (typeof MILESTONES)[number];

export interface Transition {
  at: number;
  subject: 'host' | 'cluster';
  name: string;
  /** What changed: container, state, stage, condition/<Type>, runner. */
  field: string;
  from: string | null;
  to: string;
  info?: string;
}

export interface Failure {
  /** Short and the same for like failures, to group them: "container died (exit 1)". */
  reason: string;
  /** The service's stateInfo at the time, if any. */
  stateInfo: string | null;
  /** The full message (an engine's error, the last lines of a container's output). */
  detail?: string;
}

export type Outcome = 'installed' | 'failed';

export interface HostRecord {
  hostname: string;
  hostId: string;
  role: string;
  cluster: string | null;
  /** The pool it boots from (late binding); null for a cluster's own hosts. */
  pool: string | null;
  engine: string | null;
  containerId: string | null;
  /** The Agent's debugInfo.state once it exists; before that the runner's own word (planned, launching, started). */
  state: string;
  stage: string | null;
  stateInfo: string | null;
  /** When the runner let it through the launch rate gate. */
  launchedAt: number | null;
  milestones: Partial<Record<Milestone, number>>;
  restarts: number;
  /** Its container existed before this run and was kept. */
  adopted: boolean;
  /** Agent spec patches this run sent. */
  patches: number;
  /** Set when something other than its container played (part of) this host, and what. */
  played: string | null;
  outcome: Outcome | null;
  failure: Failure | null;
}

export interface ClusterRecord {
  name: string;
  namespace: string;
  clusterId: string | null;
  state: string;
  stateInfo: string | null;
  hosts: string[];
  milestones: { installing?: number; controllerStarted?: number; installed?: number };
  controllerId: string | null;
  outcome: Outcome | null;
  failure: Failure | null;
}

/** One fake host's ISO download before it booted (the image-service load, config isoDownload). */
export interface DownloadRecord {
  hostname: string;
  /** Where the URL came from: the host's BareMetalHost (BMAC's image URL) or its InfraEnv's isoDownloadURL. The URL itself is not kept: it may hold a token. */
  source: 'bare-metal-host' | 'infra-env';
  mode: 'head' | 'full' | 'range';
  startedAt: number;
  /** From the first request to the end of the last attempt, pauses between attempts included. */
  ms: number;
  /** From the last attempt's request to its answer's headers; null when none came. */
  firstByteMs: number | null;
  /** Body bytes the last attempt received. */
  bytes: number;
  /** The last answer's HTTP status; null when none came. */
  status: number | null;
  attempts: number;
  /** null: downloaded; else why not ("HTTP 503", "cut short", "no data for 30 s"). */
  error: string | null;
}

/** done: every cluster installed or failed; error: the hub or an engine failed the run. */
export type EndReason = 'done' | 'timeout' | 'interrupted' | 'error';

/** Where the applied swarm came from (the plan's git commit, branch and dirty flag). */
export interface RunProvenance {
  commit: string | null;
  branch: string | null;
  dirty: boolean | null;
}

/** The isoDownload settings a report keeps: what says how the downloads were made. */
export type RecordedIsoDownload = Pick<SwarmConfig['isoDownload'], 'mode' | 'range' | 'concurrency' | 'ratePerSecond'>;

export function recordedIsoDownload({ mode, range, concurrency, ratePerSecond }: SwarmConfig['isoDownload']): RecordedIsoDownload {
  return { mode, range, concurrency, ratePerSecond };
}

export interface RunRecord {
  swarm: string;
  provenance: RunProvenance;
  startedAt: number;
  endedAt: number | null;
  endReason: EndReason | null;
  settings: {
    launchRate: number; concurrency: number; restartLimit: number; timeoutMinutes: number; engines: string[];
    isoDownload: RecordedIsoDownload;
  };
  hosts: HostRecord[];
  clusters: ClusterRecord[];
  /** In the order they ended. */
  downloads: DownloadRecord[];
  transitions: Transition[];
  /** What was sampled during the run (absent in reports of runs before sampling, or never started). */
  series?: RunSeries;
}
