// The bootstrap installer, played (docs/upstream-gaps.md, gap 3). Upstream's dry-run installer
// cannot finish the bootstrap host of a cluster with more than one control plane, so the podman
// shim hands that one installer run to the runner (./bootstrap-request.ts) and waits. This
// player looks for the request in the bootstrap host's folder while the service has the host
// installing, plays the installer's conversation with the service (./bootstrap-play.ts), then
// answers the shim with the installer's exit code and touches the host's reboot marker, as the
// installer's dry finalize does. Every other host runs upstream's installer. On by default.
import { basename } from 'node:path';
import type { FakeHostDoc } from '../../dist/types.ts';
import type { HostRecord } from '../../report/types.ts';
import type { HostPlayer, PlayerContext } from '../hooks.ts';
import type { HubObject } from '../hub.ts';
import { playBootstrapInstaller, sleep, UPSTREAM_PACE, type BootstrapPace } from './bootstrap-play.ts';
import { ANSWER_FILE, answerText, installerFlag, parseRequest, REQUEST_FILE, type InstallerRequest } from './bootstrap-request.ts';
import { InstallerApi } from './installer-api.ts';

export const BOOTSTRAP_PLAYER = 'bootstrap-installer';
/** What the report says about a played bootstrap host. */
export const PLAYED_WHY = "its installer was played by the runner: upstream's dry-run installer cannot finish a multi-node bootstrap (docs/upstream-gaps.md, gap 3)";

/** The Agent states in which the service has sent, or is about to send, the install step. */
const INSTALLING = new Set(['installing', 'installing-in-progress']);
/** From this stage on, the host's installer (played or not) has finished. */
const FINISHED_STAGES = new Set(['Rebooting', 'Configuring', 'Joined', 'Done', 'Failed']);

export interface BootstrapPlayerOptions {
  /** Upstream's pace by default; tests go faster. */
  pace?: Partial<BootstrapPace>;
  /** How often the host's folder is looked at for the shim's request (the shim looks for the answer every second). */
  lookMs?: number;
}

export function bootstrapPlayer(options: BootstrapPlayerOptions = {}): HostPlayer {
  const pace: BootstrapPace = { ...UPSTREAM_PACE, ...options.pace };
  const lookMs = options.lookMs ?? 1_000;
  /** The latest Agent of each host whose folder is being looked at (one look at a time per host). */
  const looking = new Map<string, HubObject>();
  /** Requests played, or being played, by id: each is played once. */
  const played = new Set<string>();

  const shouldLook = (ctx: PlayerContext, host: FakeHostDoc, record: HostRecord, agent: HubObject) =>
    agent.status?.bootstrap === true
    && INSTALLING.has(agent.status?.debugInfo?.state ?? '')
    && !FINISHED_STAGES.has(agent.status?.progress?.currentStage ?? '')
    && !record.outcome
    && controlPlanes(ctx.hosts, host) > 1;

  async function look(ctx: PlayerContext, host: FakeHostDoc, record: HostRecord): Promise<void> {
    const hostname = host.spec.hostname;
    const files = ctx.hostFiles(hostname);
    try {
      while (!ctx.signal.aborted && shouldLook(ctx, host, record, looking.get(hostname)!)) {
        const text = await files.read(REQUEST_FILE).catch((err: Error) => {
          ctx.log(`runner: ${hostname}: cannot look for the bootstrap installer's request: ${err.message}`);
          return null;
        });
        const request = text === null ? null : parseRequest(text);
        if (request && !played.has(request.id)) {
          played.add(request.id);
          await play(ctx, host, request);
          return;
        }
        await sleep(lookMs, ctx.signal);
      }
    } catch (err) {
      if (!ctx.signal.aborted) ctx.log(`runner: ${hostname}: bootstrap installer: ${(err as Error).message}`);
    } finally {
      looking.delete(hostname);
    }
  }

  async function play(ctx: PlayerContext, host: FakeHostDoc, request: InstallerRequest): Promise<void> {
    const hostname = host.spec.hostname;
    ctx.markPlayed(hostname, PLAYED_WHY);
    ctx.log(`runner: ${hostname}: playing its bootstrap installer (docs/upstream-gaps.md, gap 3)`);
    const flag = (name: string) => installerFlag(request.args, name);
    let exit = 0;
    let message = 'assisted-swarm: the bootstrap installer was played by the runner';
    try {
      const clusterId = flag('cluster-id'), hostId = flag('host-id');
      if (!clusterId || !hostId) throw new Error(`the installer's arguments lack --cluster-id or --host-id: ${request.args.join(' ')}`);
      const service = await ctx.service(hostname);
      const api = new InstallerApi(
        // The installer's default infra-env is its cluster (config.SetDefaults).
        { url: service.url, tls: service.tls, token: service.token, clusterId, hostId, infraEnvId: flag('infra-env-id') ?? clusterId },
        { wait: (attempt) => sleep(pace.retryMs(attempt), ctx.signal) },
      );
      await playBootstrapInstaller({
        api, pace, signal: ctx.signal,
        controlPlaneCount: Number(flag('control-plane-count') ?? 0),
        log: (line) => ctx.log(`runner: ${hostname} (bootstrap installer): ${line}`),
      });
    } catch (err) {
      // The run ended: no answer, the shim keeps waiting and the next run plays it again.
      if (ctx.signal.aborted) return;
      exit = 1;
      message = `assisted-swarm: the played bootstrap installer failed: ${(err as Error).message}`;
      ctx.log(`runner: ${hostname}: ${message}`);
    }
    // The answer first: the agent ends soon after the marker appears, the shim must not be left behind.
    const marker = exit === 0 ? [{ name: basename(host.spec.rebootMarkerPath), content: '' }] : [];
    await ctx.hostFiles(hostname).write([{ name: ANSWER_FILE, content: answerText(request.id, exit, message) }, ...marker])
      .catch((err: Error) => ctx.log(`runner: ${hostname}: cannot answer the bootstrap installer's request: ${err.message}`));
  }

  return {
    name: BOOTSTRAP_PLAYER,
    onAgent(ctx, host, record, agent) {
      const hostname = host.spec.hostname;
      if (looking.has(hostname)) return void looking.set(hostname, agent);
      if (!shouldLook(ctx, host, record, agent)) return;
      looking.set(hostname, agent);
      void look(ctx, host, record);
    },
  };
}

/** How many control planes the plan gives the host's cluster. */
function controlPlanes(hosts: FakeHostDoc[], host: FakeHostDoc): number {
  if (!host.spec.cluster) return 0;
  return hosts.filter((h) => h.spec.cluster === host.spec.cluster && h.spec.role === 'master').length;
}
