// The faulted e2e run (`npm run test:e2e -- --faults`): what goes wrong on purpose while the
// swarm installs, how each fault is made, and how the suite waits it out. One run, the faults
// in turn:
//   1. `apply` killed with SIGKILL half-way (half the cluster hosts preparing or installing),
//      then run again: the second apply must adopt the running containers and finish; its
//      report is the one checked, so the faults below happen during it;
//   2. a fake host's container crashes (its process SIGKILLed) and the engine restarts it;
//   3. the service's container restarted (docker restart);
//   4. PostgreSQL restarted (the hub's own stop and start helpers);
//   5. the hub's kube-apiserver restarted with the same flags (the service loses its lease).
// And at the end, `destroy` killed after it deleted a few objects, then run again.
import { execFileSync, spawn } from 'node:child_process';
import { join } from 'node:path';
import Docker from 'dockerode';
import type { HubClient } from '../../lib/hub/client.ts';
import { callService, type ServiceTls } from '../../lib/runner/service-api.ts';
import { LABEL, swarmSelector } from '../../lib/swarm/labels.ts';
import { REPO_ROOT, waitFor } from '../support/hub.ts';
import { E2E_HUB_ENV, E2E_SERVICE_CONTAINER, spawnSwarm, type SwarmRun } from './harness.ts';

/** The e2e hub's service as the swarm reaches it (over HTTPS with --tls: the hub's CA). */
export interface E2eService {
  url: string;
  tls: ServiceTls;
}

export interface FaultEvent {
  /** Seconds since the faulted run's first apply started. */
  at: number;
  /** The wall clock, to set beside the service's and the hub's logs. */
  time: string;
  fault: string;
  detail: string;
}

/** What was done when: printed as it happens, and again in the run's tally. */
export class FaultLog {
  readonly events: FaultEvent[] = [];
  private readonly started = Date.now();

  note(fault: string, detail: string): void {
    const at = Math.round((Date.now() - this.started) / 1000);
    const time = new Date().toISOString();
    this.events.push({ at, time, fault, detail });
    console.log(`FAULT [+${at} s, ${time}] ${fault}: ${detail}`);
  }

  print(): void {
    console.log('\nFaults of this run:');
    for (const e of this.events) console.log(`  +${String(e.at).padStart(4)} s  ${e.time}  ${e.fault}: ${e.detail}`);
  }
}

/** waitFor, where the probe's errors, null and false count as "not yet" (a hub or service restarting). */
function until<T>(what: string, timeoutMs: number, probe: () => Promise<T | null | undefined | false>, everyMs = 2000): Promise<T> {
  const value = () => probe().then((v) => (v === null || v === false ? undefined : v), () => undefined);
  return waitFor(what, value, async () => 'still not', timeoutMs / 1000, everyMs);
}

// Agent states at half-way and beyond (the service's host states, Agent status.debugInfo.state).
const PAST_HALF = new Set(['preparing-for-installation', 'preparing-successful', 'installing', 'installing-in-progress',
  'installing-pending-user-action', 'installed', 'added-to-existing-cluster']);
const INSTALLING = new Set(['installing', 'installing-in-progress']);

/** How many of the swarm's Agents are in one of `states`. */
async function agentsIn(hub: HubClient, swarm: string, states: Set<string>): Promise<number> {
  const agents: any[] = await hub.list('agent-install.openshift.io/v1beta1', 'Agent', { labelSelector: swarmSelector(swarm) });
  return agents.filter((a) => states.has(a.status?.debugInfo?.state)).length;
}

/** Runs a few lines of bash with the hub's helpers (test/hub/lib.sh) on the e2e hub, holding its scripts' lock. */
function hubBash(script: string): Promise<number> {
  return new Promise((done) => {
    const child = spawn('bash', ['-c', `set -euo pipefail; source "${join(REPO_ROOT, 'test/hub/lib.sh')}"; take_lock; ${script}`], {
      env: { ...process.env, ...E2E_HUB_ENV }, stdio: 'inherit',
    });
    child.on('close', (code) => done(code ?? 1));
  });
}

/** The service answers /ready and, if its container started after `since`, its controllers took the leader lease again. */
async function serviceReady(docker: Docker, service: E2eService, since: number): Promise<boolean> {
  const c = docker.getContainer(E2E_SERVICE_CONTAINER);
  const info = await c.inspect();
  if (!info.State.Running) return false;
  // The runner's own client: over HTTPS it verifies with the hub's CA; an answer other than 2xx throws (not yet).
  await callService('GET', `${service.url}/ready`, service.tls, { timeoutMs: 2000 });
  const startedAt = Date.parse(info.State.StartedAt);
  if (startedAt < since) return true;
  // /ready answers before the kube-api controllers run: they wait for the lease.
  const logs = (await c.logs({ stdout: true, stderr: true, since: Math.floor(startedAt / 1000) })).toString();
  return logs.includes('successfully acquired lease');
}

/** The service container's start time and its restarts by Docker (its policy restarts it when it exits). */
async function serviceStarts(docker: Docker): Promise<{ startedAt: string; restartCount: number }> {
  const info = await docker.getContainer(E2E_SERVICE_CONTAINER).inspect();
  return { startedAt: info.State.StartedAt, restartCount: info.RestartCount };
}

/**
 * A fake host's container crashes: its main process SIGKILLed, which Docker's on-failure policy
 * restarts. Not `docker kill`: Docker counts that as a stop by hand and never restarts it
 * (checked on Docker 20.10), whatever the policy says. The spare pool host's, not an installing
 * host's: its restarted agent registers again, and the service puts a host that registers while
 * installing in error, "The host unexpectedly restarted during the installation" (upstream's
 * host state machine), which fails its cluster as a real host's reboot would.
 */
async function crashContainer(docker: Docker, name: string, log: FaultLog, restartLimit: number): Promise<void> {
  const c = docker.getContainer(name);
  const before = await c.inspect();
  if (!before.State.Running) return log.note('container crash', `${name} is not running (${before.State.Status}): skipped`);
  process.kill(before.State.Pid, 'SIGKILL');
  const after = await until(`${name} restarted by the engine`, 120_000, async () => {
    const i = await c.inspect();
    return i.RestartCount > before.RestartCount && i.State.Running ? i : null;
  }, 500);
  log.note('container crash', `${name}: its process (pid ${before.State.Pid}) SIGKILLed; restarted by the engine (restart ${after.RestartCount} of the cap ${restartLimit})`);
}

/** The host pid of a container's task in the node's containerd (`ctr tasks ls`: TASK PID STATUS). */
function taskPid(containerdSocket: string, id: string): number | null {
  const out = execFileSync('ctr', ['--address', containerdSocket, '-n', 'k8s.io', 'tasks', 'ls'], { encoding: 'utf8' });
  const row = out.split('\n').map((l) => l.trim().split(/\s+/)).find(([task]) => task === id);
  return row ? Number(row[1]) : null;
}

/** The same crash for a pod on the e2e hub's node: its container's main process SIGKILLed, which the kubelet restarts (restartPolicy OnFailure). */
async function crashPod(hub: HubClient, target: Extract<CrashTarget, { engine: 'kubernetes' }>, log: FaultLog, restartLimit: number): Promise<void> {
  const ref = { apiVersion: 'v1', kind: 'Pod', namespace: target.namespace, name: target.pod };
  const main = async () => ((await hub.get(ref)) as any)?.status?.containerStatuses?.[0];
  const before = await main();
  const where = `pod ${target.namespace}/${target.pod}`;
  if (!before?.state?.running) return log.note('container crash', `${where} is not running: skipped`);
  const pid = taskPid(target.containerdSocket, String(before.containerID).replace(/^containerd:\/\//, ''));
  if (!pid) throw new Error(`${where}: no task of its container in the node's containerd`);
  process.kill(pid, 'SIGKILL');
  const after = await until(`${where} restarted by the kubelet`, 180_000, async () => {
    const s = await main();
    return s?.restartCount > before.restartCount && s?.state?.running ? s : null;
  }, 1000);
  log.note('container crash', `${where}: its main process (pid ${pid}) SIGKILLed; restarted by the engine, the kubelet (restart ${after.restartCount} of the cap ${restartLimit})`);
}

/** The fake host to crash: its container on Docker, or its pod on the e2e hub's node. */
export type CrashTarget =
  | { engine: 'docker'; container: string }
  | { engine: 'kubernetes'; namespace: string; pod: string; containerdSocket: string };

/** docker restart of the service's container, then waits until it is ready and leading. */
async function restartServiceContainer(docker: Docker, service: E2eService, log: FaultLog): Promise<void> {
  const t = Date.now();
  await docker.getContainer(E2E_SERVICE_CONTAINER).restart({ t: 10 });
  await until('the service ready and leading after its restart', 300_000, () => serviceReady(docker, service, t));
  log.note('service restart', `docker restart ${E2E_SERVICE_CONTAINER}; ready and leading again after ${Math.round((Date.now() - t) / 1000)} s`);
}

/** PostgreSQL stopped (fast shutdown: sessions ended) and started again by the hub's own helpers. */
async function restartPostgres(docker: Docker, service: E2eService, log: FaultLog): Promise<void> {
  const t = Date.now();
  const code = await hubBash('stop postgres INT; ensure_postgres');
  if (code !== 0) throw new Error(`PostgreSQL restart failed (exit ${code})`);
  const up = Math.round((Date.now() - t) / 1000);
  await until('the service ready after PostgreSQL restarted', 300_000, () => serviceReady(docker, service, t));
  log.note('PostgreSQL restart', `stopped (fast shutdown) and started again in ${up} s; the service ready after ${Math.round((Date.now() - t) / 1000)} s`);
}

/** The hub's kube-apiserver stopped and started again with the command line it ran with. */
async function restartApiserver(docker: Docker, service: E2eService, log: FaultLog): Promise<void> {
  const t = Date.now();
  const before = await serviceStarts(docker);
  // Its argv from /proc: the same flags as up.sh gave it, whichever up.sh that was.
  const code = await hubBash(`pid=$(pid_of kube-apiserver) || die "kube-apiserver is not running"
    mapfile -d '' cmd <"/proc/$pid/cmdline"
    stop kube-apiserver
    start_daemon kube-apiserver "\${cmd[@]}"
    wait_for kube-apiserver 120 apiserver_ok`);
  if (code !== 0) throw new Error(`kube-apiserver restart failed (exit ${code})`);
  const up = Math.round((Date.now() - t) / 1000);
  // The service exits when it cannot renew its leader lease, and Docker starts it again.
  await new Promise((r) => setTimeout(r, 5000));
  await until('the service ready and leading after the API server restarted', 300_000, () => serviceReady(docker, service, t));
  const after = await serviceStarts(docker);
  const restarted = after.startedAt !== before.startedAt;
  log.note('kube-apiserver restart', `stopped and started again in ${up} s; the service ${restarted ? `restarted with it (lost its lease; Docker restart ${after.restartCount})` : 'kept running'}, ready after ${Math.round((Date.now() - t) / 1000)} s`);
}

export interface FaultedApplyOptions {
  hub: HubClient;
  docker: Docker;
  swarm: string;
  service: E2eService;
  applyArgs: string[];
  env: Record<string, string>;
  /** Host ids of the hosts that join a cluster: half of them preparing or installing is half-way. */
  clusterHostIds: string[];
  /** The host to crash: the spare pool host (it stays unbound, so its new life changes no install). */
  crash: CrashTarget | null;
  restartLimit: number;
  log: FaultLog;
}

/** Resolves with the run's end, or null first if `probe` succeeds while it runs. */
async function whileRunning<T>(run: SwarmRun, what: string, timeoutMs: number, probe: () => Promise<T | null | undefined | false>): Promise<T | null> {
  let ended = false;
  void run.done.then(() => { ended = true; });
  return until(what, timeoutMs, async () => (ended ? 'ended' as const : probe())).then((v) => (v === 'ended' ? null : v as T));
}

/**
 * apply with the faults: the first apply SIGKILLed half-way, a second one run, and during it a
 * container crash and the service, PostgreSQL and API server restarted while hosts install.
 * Resolves with the second apply's end (the first's, if it ended before half-way).
 */
export async function faultedApply(o: FaultedApplyOptions): Promise<{ code: number; out: string }> {
  const first = spawnSwarm(o.applyArgs, o.env);
  const half = Math.ceil(o.clusterHostIds.length / 2);
  const reached = await whileRunning(first, `${half} hosts preparing or installing`, 30 * 60_000,
    async () => (await agentsIn(o.hub, o.swarm, PAST_HALF)) >= half || null);
  if (reached === null) {
    o.log.note('apply SIGKILL', 'apply ended before half-way: not killed');
    return first.done;
  }
  first.child.kill('SIGKILL');
  await first.done;
  o.log.note('apply SIGKILL', `apply (pid ${first.child.pid}) killed with ${half} of ${o.clusterHostIds.length} cluster hosts preparing or installing; apply run again`);

  const second = spawnSwarm(o.applyArgs, o.env);
  try {
    // The runner is watching (it has adopted what runs) and some host installs.
    const going = await whileRunning(second, 'the second apply running, a host installing', 20 * 60_000,
      async () => second.out().includes('runner: swarm') && (await agentsIn(o.hub, o.swarm, INSTALLING)) > 0);
    if (going === null) {
      o.log.note('faults', 'the second apply ended before any host installed: no more faults');
      return second.done;
    }
    o.log.note('hosts installing', `${await agentsIn(o.hub, o.swarm, INSTALLING).catch(() => '?')} hosts installing`);
    if (o.crash?.engine === 'docker') await crashContainer(o.docker, o.crash.container, o.log, o.restartLimit);
    if (o.crash?.engine === 'kubernetes') await crashPod(o.hub, o.crash, o.log, o.restartLimit);
    await restartServiceContainer(o.docker, o.service, o.log);
    await restartPostgres(o.docker, o.service, o.log);
    await restartApiserver(o.docker, o.service, o.log);
  } catch (err) {
    o.log.note('fault failed', (err as Error).message);
  }
  return second.done;
}

/**
 * destroy SIGKILLed once it has deleted a few objects (its containers are stopped first), then
 * run again: resolves with the second one's end (the first's, if it ended before).
 */
export async function interruptedDestroy(args: string[], env: Record<string, string>, log: FaultLog): Promise<{ code: number; out: string }> {
  const first = spawnSwarm(args, env);
  const deleted = () => first.out().match(/\] deleted /g)?.length ?? 0;
  const reached = await whileRunning(first, 'destroy deleting objects', 10 * 60_000, async () => deleted() >= 3 || null);
  if (reached === null) {
    log.note('destroy SIGKILL', 'destroy ended before it deleted 3 objects: not killed');
    return first.done;
  }
  first.child.kill('SIGKILL');
  await first.done;
  log.note('destroy SIGKILL', `destroy (pid ${first.child.pid}) killed after it deleted ${deleted()} objects; destroy run again`);
  return spawnSwarm(args, env).done;
}

/** Fake-host pods of the swarm per host (by the host label), in its pods' namespace: each must have exactly one. */
export async function podsPerHost(hub: HubClient, swarm: string, namespace: string): Promise<Map<string, string[]>> {
  const pods = await hub.list('v1', 'Pod', { namespace, labelSelector: `${swarmSelector(swarm)},${LABEL.component}=fake-host` });
  return byHost(pods.map((p) => ({ name: p.metadata.name, labels: p.metadata.labels ?? {} })));
}

/** Names grouped by their host label. */
function byHost(found: { name: string; labels: Record<string, string> }[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const { name, labels } of found) {
    const host = labels[LABEL.host] ?? '(no host label)';
    out.set(host, [...(out.get(host) ?? []), name]);
  }
  return out;
}

/** Fake-host containers of the swarm per host (by the host label): each must have exactly one. */
export async function containersPerHost(docker: Docker, swarm: string): Promise<Map<string, string[]>> {
  const found = await docker.listContainers({ all: true, filters: { label: [`${LABEL.swarm}=${swarm}`, `${LABEL.component}=fake-host`] } });
  return byHost(found.map((c) => ({ name: c.Names[0]!.replace(/^\//, ''), labels: c.Labels })));
}

/** Agents in the swarm's namespaces found more than once by name (host id) or by hostname. */
export async function duplicateAgents(hub: HubClient, swarm: string): Promise<string[]> {
  const agents: any[] = (await hub.list('agent-install.openshift.io/v1beta1', 'Agent'))
    .filter((a: any) => a.metadata.namespace.startsWith(`${swarm}-`));
  const twice = (key: (a: any) => string | undefined) => {
    const seen = new Map<string, string[]>();
    for (const a of agents) {
      const k = key(a);
      if (k) seen.set(k, [...(seen.get(k) ?? []), `${a.metadata.namespace}/${a.metadata.name}`]);
    }
    return [...seen].filter(([, v]) => v.length > 1).map(([k, v]) => `${k}: ${v.join(' ')}`);
  };
  return [...twice((a) => a.metadata.name), ...twice((a) => a.spec?.hostname || a.status?.inventory?.hostname)];
}
