// Test-only: a run record as the runner and the sampler would leave it, made up but shaped like
// a real one: single-node clusters whose hosts go discovering → known → installing → installed,
// the runner's view every 5 s, the service's /metrics per interval (the routes agents use, a
// few 4xx and one 5xx, CPU and memory), a time the service did not answer, and, optionally, a
// Prometheus profile. Deterministic: the same options give the same record.
import type { ProfileSeries, RouteDelta, RunnerSample, ServiceSample } from '../../lib/metrics/types.ts';
import { configDefaults } from '../../lib/config/load.ts';
import { recordedIsoDownload, type ClusterRecord, type HostRecord, type RunRecord } from '../../lib/report/types.ts';

export const BOUNDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
export const ROUTES = [
  'GET /v2/infra-envs/{infra_env_id}/hosts/{host_id}/instructions',
  'POST /v2/infra-envs/{infra_env_id}/hosts/{host_id}/instructions',
  'POST /v2/infra-envs/{infra_env_id}/hosts',
  'PUT /v2/infra-envs/{infra_env_id}/hosts/{host_id}/progress',
  'GET /v2/infra-envs/{infra_env_id}/downloads/files',
  'GET /v2/clusters/{cluster_id}',
  'POST /v2/clusters/{cluster_id}/actions/complete-installation',
];

export interface SyntheticOptions {
  /** ISO downloads before boot (isoDownload mode full), one per host; `failed` of them HTTP 503. */
  downloads?: { failed: number };
  readonly clusters?: number;
  readonly startedAt?: number;
  /** Seconds of the run without service data (from, to). */
  readonly gap?: [number, number] | null;
  /** Multiplies every latency (a slower service). */
  readonly slower?: number;
  readonly profile?: boolean;
  /** 5xx answers of the registration route. */
  readonly errors5xx?: number;
}

/** A small deterministic generator (mulberry32). */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function syntheticRun(o: SyntheticOptions = {}): RunRecord {
  const rnd = random(7);
  const T0 = o.startedAt ?? Date.UTC(2026, 0, 1, 12);
  const n = o.clusters ?? 8;
  const slower = o.slower ?? 1;
  const durationS = 330;
  const hosts: HostRecord[] = [];
  const clusters: ClusterRecord[] = [];
  for (let i = 1; i <= n; i++) {
    const start = T0 + i * 400;
    const registered = start + 700 + rnd() * 600;
    const known = registered + 70_000 + rnd() * 15_000;
    const installing = known + 50_000 + rnd() * 10_000;
    const installed = installing + 95_000 + rnd() * 40_000 * slower;
    hosts.push({
      hostname: `sno-${i}-master-0`, hostId: `id-${i}`, role: 'master', cluster: `sno-${i}`, pool: null, engine: 'local', containerId: `c${i}`,
      state: 'installed', stage: 'Done', stateInfo: 'Done', launchedAt: start - 50,
      milestones: { containerStarted: start, registered, known, installing, installed }, restarts: 0, adopted: false, patches: 1,
      played: null, outcome: 'installed', failure: null,
    });
    clusters.push({
      name: `sno-${i}`, namespace: `s-sno-${i}`, clusterId: `cl-${i}`, state: 'adding-hosts', stateInfo: 'Cluster is installed', hosts: [`sno-${i}-master-0`],
      milestones: { installing, controllerStarted: installing + 1000, installed: installed + 20_000 }, controllerId: `k${i}`, outcome: 'installed', failure: null,
    });
  }
  const hostState = (h: HostRecord, t: number) => {
    const m = h.milestones;
    if (t < m.containerStarted!) return 'planned';
    if (t < m.registered!) return 'started';
    if (t < m.known!) return 'discovering';
    if (t < m.installing!) return 'known';
    if (t < m.installed!) return 'installing-in-progress';
    return 'installed';
  };
  const clusterState = (c: ClusterRecord, t: number) => (t < c.milestones.installing! ? 'insufficient' : t < c.milestones.installed! ? 'installing' : 'adding-hosts');
  const tally = (xs: string[]) => xs.reduce<Record<string, number>>((a, x) => ((a[x] = (a[x] ?? 0) + 1), a), {});

  const runner: RunnerSample[] = [];
  const service: ServiceSample[] = [];
  const profile: ProfileSeries['samples'] = [];
  const [gapFrom, gapTo] = o.gap === undefined ? [120, 150] : o.gap ?? [Infinity, Infinity];
  let cpu = 40, lastOk: number | null = null;
  for (let s = 0; s <= durationS; s += 5) {
    const at = T0 + s * 1000;
    runner.push({
      at, hosts: tally(hosts.map((h) => hostState(h, at))), clusters: tally(clusters.map((c) => clusterState(c, at))),
      launched: hosts.filter((h) => h.launchedAt! <= at).length, restarts: 0, patches: hosts.filter((h) => h.milestones.registered! <= at).length,
      apiErrors: { hub: s === 200 ? 2 : s > 200 ? 2 : 0, service: 0 },
    });
    const active = hosts.filter((h) => hostState(h, at) !== 'planned' && hostState(h, at) !== 'installed').length;
    cpu += (0.05 + active * 0.03) * 5;
    if (s >= gapFrom && s < gapTo) continue; // the service did not answer
    const routes: Record<string, RouteDelta> = {};
    if (lastOk !== null) {
      ROUTES.forEach((route, r) => {
        const requests = Math.round(active * (r < 2 ? 5 : 1) * (0.6 + rnd() * 0.8) * ((at - lastOk!) / 5000));
        if (!requests) return;
        const centre = (r === 2 ? 0.08 : r === 4 ? 0.2 : 0.01) * slower * (1 + active / 10);
        const buckets = BOUNDS.map(() => 0).concat(0);
        for (let k = 0; k < requests; k++) {
          const v = centre * (0.3 + rnd() * 1.5) * (rnd() < 0.02 ? 8 : 1);
          const i = BOUNDS.findIndex((b) => v <= b);
          for (let j = i === -1 ? BOUNDS.length : i; j <= BOUNDS.length; j++) buckets[j]!++;
        }
        const status5xx = r === 2 && s === 60 ? Math.min(requests, o.errors5xx ?? 1) : 0;
        routes[route] = { requests, status4xx: r === 4 && s % 60 === 0 ? 1 : 0, status5xx, buckets };
      });
    }
    const since = lastOk !== null && at - lastOk === 5000 ? lastOk : null;
    service.push({ at, since, cpuSeconds: cpu, cpuCores: since === null ? null : (0.05 + active * 0.03) * (0.9 + rnd() * 0.2), rssBytes: (110 + active * 3 + s / 20) * 2 ** 20, routes, db: null });
    lastOk = at;
    if (o.profile) profile.push({ at, values: { dbConnections: { 'datname=installer': 8 + active }, dbCommitsPerSecond: { 'datname=installer': active * 4.5 } } });
  }
  const endedAt = T0 + durationS * 1000;
  return {
    swarm: 'synthetic', provenance: { commit: '0123456789abcdef0123456789abcdef01234567', branch: 'main', dirty: false },
    startedAt: T0, endedAt, endReason: 'done',
    settings: { launchRate: 10, concurrency: 8, restartLimit: 3, timeoutMinutes: 30, engines: ['local'], isoDownload: { ...recordedIsoDownload(configDefaults().isoDownload), mode: o.downloads ? 'full' : 'none' } },
    hosts, clusters, transitions: [],
    downloads: o.downloads ? hosts.map((h, i) => i < o.downloads!.failed
      ? { hostname: h.hostname, source: 'infra-env' as const, mode: 'full' as const, startedAt: T0 + i * 100, ms: 7000, firstByteMs: null, bytes: 0, status: 503, attempts: 3, error: 'HTTP 503' }
      : { hostname: h.hostname, source: 'infra-env' as const, mode: 'full' as const, startedAt: T0 + i * 100, ms: 2000 + i * 10, firstByteMs: 400, bytes: 107 * 2 ** 20, status: 200, attempts: 1, error: null }) : [],
    series: {
      intervalSeconds: 5, problems: [], runner,
      service: {
        url: 'http://127.0.0.1:8090/metrics', bucketBounds: BOUNDS, samples: service,
        gaps: Number.isFinite(gapFrom) ? [{ from: T0 + (gapFrom - 5) * 1000, to: T0 + gapTo * 1000, failures: (gapTo - gapFrom) / 5, reason: 'connect ECONNREFUSED 127.0.0.1:8090' }] : [],
      },
      prometheus: o.profile ? {
        url: 'https://thanos-querier.example.com', samples: profile, gaps: [], errors: {},
        queries: [
          { metricName: 'dbConnections', query: 'sum by (datname) (pg_stat_database_numbackends{datname="installer"})', unit: 'connections' },
          { metricName: 'dbCommitsPerSecond', query: 'sum by (datname) (rate(pg_stat_database_xact_commit{datname="installer"}[1m]))', unit: 'commits/s' },
        ],
      } : null,
    },
  };
}
