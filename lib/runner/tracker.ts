// Every host's and cluster's state over time: the one place the runner's watchers write what
// they see, as transitions with timestamps. The report and the live progress read it.
import { MILESTONES, type ClusterRecord, type DownloadRecord, type EndReason, type Failure, type HostRecord, type Milestone, type RunRecord, type Transition } from '../report/types.ts';

/** A host's states before its Agent says one: the runner's own words. */
export const RUNNER_STATES = ['planned', 'launching', 'started', 'registered'] as const;
export type RunnerState = (typeof RUNNER_STATES)[number];
import type { RunPlan } from './plan.ts';

export class Tracker {
  readonly record: RunRecord;
  private readonly hosts = new Map<string, HostRecord>();
  private readonly byId = new Map<string, HostRecord>();
  private readonly clusters = new Map<string, ClusterRecord>();
  /** The last value of each field, per host or cluster: a change is only noted when it differs. */
  private readonly last = new Map<string, string>();

  constructor(plan: RunPlan, settings: RunRecord['settings'], readonly now: () => number = Date.now) {
    const hosts = plan.hosts.map((h): HostRecord => ({
      hostname: h.spec.hostname,
      hostId: h.spec.hostId,
      role: h.spec.role,
      cluster: h.spec.cluster ?? null,
      pool: h.spec.bindTo !== undefined || h.spec.cluster === undefined ? h.spec.infraEnv.name : null,
      engine: null,
      containerId: null,
      state: 'planned',
      stage: null,
      stateInfo: null,
      launchedAt: null,
      milestones: {},
      restarts: 0,
      adopted: false,
      patches: 0,
      played: null,
      outcome: null,
      failure: null,
    }));
    const clusters = plan.controllers.map((c): ClusterRecord => ({
      name: c.spec.cluster,
      namespace: c.spec.agentClusterInstall.namespace,
      clusterId: null,
      state: 'planned',
      stateInfo: null,
      hosts: plan.hosts.filter((h) => h.spec.cluster === c.spec.cluster).map((h) => h.spec.hostname),
      milestones: {},
      controllerId: null,
      outcome: null,
      failure: null,
    }));
    for (const h of hosts) this.hosts.set(h.hostname, h), this.byId.set(h.hostId, h);
    for (const c of clusters) this.clusters.set(c.name, c);
    this.record = { swarm: plan.swarm, provenance: { commit: null, branch: null, dirty: null }, startedAt: this.now(), endedAt: null, endReason: null, settings, hosts, clusters, downloads: [], transitions: [] };
  }

  host(hostname: string): HostRecord | undefined {
    return this.hosts.get(hostname);
  }

  hostById(hostId: string): HostRecord | undefined {
    return this.byId.get(hostId);
  }

  cluster(name: string): ClusterRecord | undefined {
    return this.clusters.get(name);
  }

  /** Notes a change of one field of a host or cluster; nothing if it did not change. */
  change(subject: HostRecord | ClusterRecord, field: string, to: string, info?: string): boolean {
    const key = this.key(subject, field);
    const current = this.last.get(key) ?? (field === 'state' ? subject.state : null);
    if (current === to) return false;
    this.push(subject, field, current, to, info);
    if (field === 'state') subject.state = to;
    if (field === 'stage' && 'stage' in subject) subject.stage = to;
    this.last.set(key, to);
    return true;
  }

  /**
   * A host's state in the runner's own words (launching, started), only while the service has
   * not given it one: once its Agent says a state, that is its state, whatever happens to its
   * container (a replaced container's agent may register again without the Agent changing).
   */
  runnerState(host: HostRecord, to: RunnerState, info?: string): void {
    if ((RUNNER_STATES as readonly string[]).includes(host.state)) this.change(host, 'state', to, info);
  }

  /**
   * Its container started at `at`: milestones seen before are its predecessor's (a container
   * replaced, an Agent from an earlier run) and go; the next ones are this container's.
   */
  containerStarted(host: HostRecord, at = this.now()): void {
    for (const m of MILESTONES) if (m !== 'containerStarted' && (host.milestones[m] ?? Infinity) < at) delete host.milestones[m];
    host.milestones.containerStarted = at;
  }

  /** Something that happened (not a state): a patch, a restart, a start. */
  event(subject: HostRecord | ClusterRecord, field: string, to: string, info?: string): void {
    this.push(subject, field, null, to, info);
  }

  milestone(host: HostRecord, m: Milestone, at = this.now()): void {
    host.milestones[m] ??= at;
  }

  /** A host's ISO download ended (the image-service load). */
  download(host: HostRecord, d: DownloadRecord): void {
    this.record.downloads.push(d);
    this.event(host, 'iso', d.error === null ? 'downloaded' : `failed: ${d.error}`, `${d.mode}, ${d.bytes} bytes, ${d.attempts} attempt${d.attempts === 1 ? '' : 's'}`);
  }

  failHost(host: HostRecord, failure: Failure): void {
    if (host.outcome) return;
    host.outcome = 'failed';
    host.failure = failure;
    this.event(host, 'outcome', 'failed', failure.reason);
    // A cluster can't install without every one of its hosts: it has failed too.
    const cluster = host.cluster ? this.clusters.get(host.cluster) : undefined;
    if (cluster) this.failCluster(cluster, { reason: `host ${host.hostname} failed: ${failure.reason}`, stateInfo: failure.stateInfo });
  }

  hostInstalled(host: HostRecord): void {
    if (host.outcome) return;
    this.milestone(host, 'installing');
    this.milestone(host, 'installed');
    host.outcome = 'installed';
    this.event(host, 'outcome', 'installed');
  }

  failCluster(cluster: ClusterRecord, failure: Failure): void {
    if (cluster.outcome) return;
    cluster.outcome = 'failed';
    cluster.failure = failure;
    this.event(cluster, 'outcome', 'failed', failure.reason);
  }

  clusterInstalled(cluster: ClusterRecord): void {
    if (cluster.outcome) return;
    cluster.milestones.installed ??= this.now();
    cluster.outcome = 'installed';
    this.event(cluster, 'outcome', 'installed');
  }

  /**
   * Every host launched (its container started or kept, or played, or failed), every cluster
   * installed or failed, and every host no cluster takes known (or failed).
   */
  done(): boolean {
    for (const c of this.clusters.values()) if (!c.outcome) return false;
    for (const h of this.hosts.values()) {
      if (!h.containerId && !h.played && !h.outcome) return false;
      if (h.cluster === null && !h.outcome && h.state !== 'known-unbound') return false;
    }
    return true;
  }

  end(reason: EndReason): RunRecord {
    this.record.endedAt ??= this.now();
    this.record.endReason ??= reason;
    return this.record;
  }

  private push(subject: HostRecord | ClusterRecord, field: string, from: string | null, to: string, info?: string): void {
    const t: Transition = { at: this.now(), subject: 'hostId' in subject ? 'host' : 'cluster', name: nameOf(subject), field, from, to };
    if (info) t.info = info;
    this.record.transitions.push(t);
  }

  private key(subject: HostRecord | ClusterRecord, field: string): string {
    return `${'hostId' in subject ? 'host' : 'cluster'}/${nameOf(subject)}/${field}`;
  }
}

const nameOf = (subject: HostRecord | ClusterRecord) => ('hostId' in subject ? subject.hostname : subject.name);
