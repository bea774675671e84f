// The runner: turns launch plans into running fake hosts and drives every cluster to
// installed. `apply` calls runSwarm once the hub objects are in place. A plain sequence of
// idempotent steps (each a file of this folder); run again on a swarm half-way, it keeps what
// runs and does only what is missing.
//   1 plan.ts       the launch plans, in launch order
//   2 files.ts      host folders and cluster-hosts files on the engines
//   3 adopt.ts      containers that already run
//   4 discovery.ts  InfraEnv → discovery ignition → how the agent starts   (watch)
//     agents.ts     Agents → tracked, patched                                (watch)
//     clusters.ts   AgentClusterInstalls → tracked, controllers started      (watch)
//     bare-metal-hosts.ts BareMetalHosts → tracked, handed to the players      (watch)
//     containers.ts container deaths and restarts                          (engine events)
//     players/      hosts the runner plays a part of: the bootstrap installer of a
//                   multi-node cluster (docs/upstream-gaps.md, gap 3)       (Agents, host folders),
//                   the end of next_step_runner on (un)binding (gap 4)      (Agents, exec)
//                   and the Bare Metal Operator for BareMetalHosts          (BareMetalHosts)
//   5 launch.ts     fake host containers, at the launch rate, each once it may boot (boot-gate.ts)
//                   and has downloaded its ISO (iso-load.ts)
//   6 wait.ts       until every cluster is installed or failed, or the timeout
//     sampling.ts   the service's /metrics, a Prometheus profile, the runner's own view (lib/metrics)
//   7 lib/report    reports/<swarm>-<time>/report.json, summary.md and report.html; thresholds
import { dirname, join } from 'node:path';
import type { KubeConfig } from '@kubernetes/client-node';
import pLimit from 'p-limit';
import type { SwarmConfig } from '../config/types.ts';
import { UserError } from '../config/errors.ts';
import { EngineError } from '../engine/engine.ts';
import { placementKey, type EnginePool } from '../engine/pool.ts';
import { openTarget } from '../engine/target.ts';
import { describeKubeConfig } from '../hub/kubeconfig.ts';
import { gitProvenance } from '../plan/provenance.ts';
import type { Provenance } from '../plan/types.ts';
import { Progress } from '../report/progress.ts';
import type { RunSummary } from '../report/summary.ts';
import { crossed } from '../report/thresholds.ts';
import { recordedIsoDownload, type EndReason, type RunRecord } from '../report/types.ts';
import { writeReport } from '../report/write.ts';
import { adoptContainers } from './adopt.ts';
import { watchAgents } from './agents.ts';
import { watchBareMetalHosts } from './bare-metal-hosts.ts';
import { BootGate } from './boot-gate.ts';
import { watchClusters } from './clusters.ts';
import { watchContainers } from './containers.ts';
import type { RunContext } from './context.ts';
import { discoverAgents } from './discovery.ts';
import { writeHostFiles } from './files.ts';
import type { PlayerContext, RunHooks } from './hooks.ts';
import type { Watch } from './hub.ts';
import { IsoLoad } from './iso-load.ts';
import { launchHosts } from './launch.ts';
import { loadRunPlan, refKey } from './plan.ts';
import { bareMetalPlayer } from './players/bare-metal.ts';
import { bootstrapPlayer } from './players/bootstrap.ts';
import { rebindPlayer } from './players/rebind.ts';
import { RateGate } from './rate.ts';
import { startSampling } from './sampling.ts';
import { checkServiceReach } from './service-reach.ts';
import { Tracker } from './tracker.ts';
import { soak, waitUntilDone } from './wait.ts';

export interface RunOptions {
  /** The synthesized folder (launch plans in <dist>/launch). */
  dist: string;
  config: SwarmConfig;
  kubeConfig: KubeConfig;
  /** Default: where the config runs its hosts (runtime.engines, or runtime.kubernetes). */
  engines?: EnginePool;
  /** Players: by default the bootstrap installer's (players/bootstrap.ts), rebinding (players/rebind.ts) and the Bare Metal Operator's (players/bare-metal.ts); a list given replaces them. */
  hooks?: Partial<RunHooks>;
  /** Aborting it interrupts the run; the report is still written. */
  signal?: AbortSignal;
  /** Where progress and messages go (default stdout; bars when it is a terminal). */
  output?: { write(text: string): void; isTTY?: boolean };
  /** Default: config.runtime.reportsDir. */
  reportsDir?: string;
  /** The git commit, branch and dirty flag the report records; apply passes its plan's (default: read from the current directory). */
  provenance?: Provenance;
  /** A base run's summary (apply --base): the base-relative thresholds are checked against it. */
  base?: RunSummary | null;
  /** How long a service that does not answer is waited for before the run starts (default 60 s). */
  serviceWaitMs?: number;
}

export interface RunResult {
  exitCode: number;
  endReason: EndReason;
  reportDir: string;
  record: RunRecord;
  summary: RunSummary;
}

/** apply's exit code, the worse first: 130 interrupted; 1 a run that did not install every
 *  cluster (or failed a host, or timed out); 2 a threshold crossed; 0 otherwise. */
export function exitCodeOf(endReason: EndReason, allInstalled: boolean, thresholdsCrossed: boolean): number {
  if (endReason === 'interrupted') return 130;
  if (endReason !== 'done' || !allInstalled) return 1;
  return thresholdsCrossed ? 2 : 0;
}

/** Returns the exit code for apply (exitCodeOf). */
export async function runSwarm(options: RunOptions): Promise<number> {
  return (await executeRun(options)).exitCode;
}

export async function executeRun(options: RunOptions): Promise<RunResult> {
  const { config, kubeConfig } = options;
  const runtime = config.runtime;
  const output = options.output ?? process.stdout;
  const plan = loadRunPlan(options.dist, config.name);
  const engines = options.engines ?? openTarget(config, { dist: options.dist, hub: describeKubeConfig(kubeConfig) });
  await engines.ping().catch((err) => {
    throw err instanceof EngineError ? new UserError(err.message) : err;
  });
  // A service that can't be reached (a wrong CA, nothing listening) stops the run before it starts anything.
  await checkServiceReach(config.hub, { waitMs: options.serviceWaitMs, log: (line) => output.write(`${line}\n`) });

  // Interrupted by the caller or by Ctrl-C; `stop` also ends discovery and launching at the end.
  const interrupted = new AbortController();
  const stop = new AbortController();
  const onSignal = () => interrupted.abort();
  options.signal?.addEventListener('abort', onSignal);
  if (options.signal?.aborted) interrupted.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  interrupted.signal.addEventListener('abort', () => stop.abort());

  const tracker = new Tracker(plan, {
    launchRate: runtime.launchRate, concurrency: runtime.concurrency, restartLimit: runtime.restartLimit,
    timeoutMinutes: runtime.timeoutMinutes, engines: engines.engines.map((e) => e.name),
    isoDownload: recordedIsoDownload(config.isoDownload),
  });
  tracker.record.provenance = options.provenance ?? (await gitProvenance());
  const progress = new Progress(() => tracker.record, { tty: Boolean(output.isTTY), intervalSeconds: runtime.progressSeconds, write: (t) => output.write(t) });
  const ctx: RunContext = {
    config, kubeConfig, plan, engines, tracker,
    hooks: { players: options.hooks?.players ?? [bootstrapPlayer(), rebindPlayer(), bareMetalPlayer()] },
    launches: new Map(),
    isoUrls: new Map(),
    boots: new BootGate(),
    iso: new IsoLoad(config.isoDownload, config.hub.tls, tracker, stop.signal),
    secrets: new Set(),
    slots: pLimit(runtime.concurrency),
    gate: new RateGate(runtime.launchRate),
    signal: stop.signal,
    log: (line) => progress.log(line),
  };
  const watches: Watch[] = [];
  let stopContainerWatch = () => {};
  let endReason: EndReason = 'interrupted';
  let failure: unknown;
  progress.start();
  ctx.log(`runner: swarm ${plan.swarm}: ${plan.hosts.length} fake hosts, ${plan.controllers.length} clusters, on ${engines.name}`);
  const sampling = startSampling(config, tracker.record, ctx.log);
  try {
    await writeHostFiles(ctx);
    const existing = await adoptContainers(ctx);
    stopContainerWatch = watchContainers(ctx);
    watches.push(await discoverAgents(ctx));
    const players = playerContext(ctx);
    watches.push(await watchAgents(ctx, players));
    const bareMetalHosts = await watchBareMetalHosts(ctx, players);
    if (bareMetalHosts) watches.push(bareMetalHosts);
    watches.push(await watchClusters(ctx));
    const launching = launchHosts(ctx, existing);
    endReason = await waitUntilDone(tracker, tracker.record.startedAt + runtime.timeoutMinutes * 60_000, interrupted.signal);
    if (endReason === 'done' && runtime.soakMinutes > 0) {
      ctx.log(`runner: every cluster done; soaking for ${runtime.soakMinutes} min (hosts keep running and are watched)`);
      await soak(runtime.soakMinutes * 60_000, interrupted.signal);
    }
    noteUnbooted(ctx);
    stop.abort();
    await launching;
  } catch (err) {
    // The hub or an engine failed us: what was made stays, and the report says how far it got.
    failure = err;
    endReason = 'error';
  } finally {
    stop.abort();
    ctx.boots.end('the run ended before the host was booted');
    stopContainerWatch();
    await Promise.all(watches.map((w) => w.stop().catch(() => undefined)));
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    options.signal?.removeEventListener('abort', onSignal);
    tracker.record.series = await sampling.stop();
    progress.stop();
  }
  const record = tracker.end(endReason);
  const { dir, summary } = await writeReport(options.reportsDir ?? runtime.reportsDir, record, { thresholds: config.report.thresholds, base: options.base ?? null });
  const over = crossed(summary.thresholds);
  if (summary.thresholds.length) output.write(`runner: thresholds: ${over.length ? `${over.length} crossed: ${over.map((t) => t.text).join('; ')}` : `all ${summary.thresholds.length} within`}\n`);
  output.write(`runner: ${endReason}; report in ${dir}\n`);
  if (failure) throw failure instanceof EngineError ? new UserError(failure.message) : failure;
  const allInstalled = record.clusters.every((c) => c.outcome === 'installed') && !record.hosts.some((h) => h.outcome === 'failed');
  return { exitCode: exitCodeOf(endReason, allInstalled, over.length > 0), endReason, reportDir: dir, record, summary };
}

/** BareMetalHosts that never got their ISO: BMAC did not set an image URL, so they never booted. */
function noteUnbooted(ctx: RunContext): void {
  const waiting = ctx.boots.waiting().filter((h) => !ctx.tracker.host(h)?.outcome);
  if (!waiting.length) return;
  ctx.log(`runner: ${waiting.length} BareMetalHost${waiting.length === 1 ? '' : 's'} never got an image URL from the service's BMH agent controller, so never booted (${waiting.slice(0, 3).join(', ')}${waiting.length > 3 ? ', …' : ''}): ` +
    'does the service run with ENABLE_METAL3=true and its image service on (ENABLE_IMAGE_SERVICE)? See docs/upstream-gaps.md, "BareMetalHost mode"');
}

function playerContext(ctx: RunContext): PlayerContext {
  const hostDoc = (hostname: string) => {
    const host = ctx.plan.hosts.find((h) => h.spec.hostname === hostname);
    if (!host) throw new Error(`no planned host ${hostname}`);
    return host;
  };
  return {
    engine: ctx.engines,
    markPlayed: (hostname, what) => {
      const record = ctx.tracker.host(hostname);
      if (!record) return;
      record.played = record.played ? `${record.played}; ${what}` : what;
      ctx.tracker.event(record, 'runner', 'played', what);
    },
    note: (hostname, field, to, info) => {
      const record = ctx.tracker.host(hostname);
      if (record) ctx.tracker.change(record, field, to, info);
    },
    service: async (hostname) => {
      const launch = await ctx.launches.get(refKey(hostDoc(hostname).spec.infraEnv))!;
      return { url: launch.serviceUrl, infraEnvId: launch.infraEnvId, token: launch.token, tls: ctx.config.hub.tls };
    },
    hostFiles: (hostname) => {
      const host = hostDoc(hostname);
      const dir = dirname(host.spec.rebootMarkerPath);
      const engine = ctx.engines.engineFor(placementKey(host.spec.container.labels));
      // Through the host's own container where the engine can't reach the folder directly (a pod's hostPath).
      const container = () => ctx.tracker.host(hostname)?.containerId ?? null;
      return {
        dir,
        read: (name) => engine.readFile(join(dir, name), container()),
        write: (files) => engine.writeFiles({ image: ctx.plan.image, dirs: [], container: container(), files: files.map((f) => ({ path: join(dir, f.name), content: f.content })) }),
      };
    },
    boot: (hostname, imageUrl) => ctx.boots.boot(hostname, imageUrl),
    kubeConfig: ctx.kubeConfig,
    hosts: ctx.plan.hosts,
    signal: ctx.signal,
    log: ctx.log,
  };
}
