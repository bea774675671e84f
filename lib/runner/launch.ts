// Step 5: start the fake hosts, in launch order, each as soon as its InfraEnv's agent launch is
// known and (for a host that arrives as a BareMetalHost) its ISO is attached (boot-gate.ts), after
// its ISO download when isoDownload asks for one (iso-load.ts): at most runtime.concurrency
// starts in flight and at most runtime.launchRate per second. A host's container runs the launch
// plan's spec plus what the ignition said: the agent's command line, the unit's environment (the
// token), and the CA file --cacert names.
import type { FakeHostDoc } from '../dist/types.ts';
import { dirname, join } from 'node:path';
import type { LaunchSpec } from '../engine/engine.ts';
import { placementKey } from '../engine/pool.ts';
import { ANSWER_FILE, REQUEST_FILE } from './players/bootstrap-request.ts';
import type { DownloadRecord, HostRecord } from '../report/types.ts';
import type { Existing } from './adopt.ts';
import type { RunContext } from './context.ts';
import type { AgentLaunch } from './ignition.ts';
import { refKey } from './plan.ts';

/** Resolves once every planned host has been started, kept, played or failed. */
export async function launchHosts(ctx: RunContext, existing: Existing): Promise<void> {
  await Promise.all(ctx.plan.hosts.map(async (host) => {
    const hostname = host.spec.hostname;
    const record = ctx.tracker.host(hostname)!;
    if (record.adopted || record.outcome) {
      if (record.adopted) ctx.boots.running(hostname);
      return;
    }
    const player = ctx.hooks.players.find((p) => p.replaces?.(host));
    if (player) {
      record.played = player.name;
      ctx.tracker.event(record, 'runner', 'played', player.name);
      return;
    }
    let launch: AgentLaunch;
    try {
      launch = await ctx.launches.get(refKey(host.spec.infraEnv))!;
    } catch (err) {
      ctx.tracker.failHost(record, { reason: 'no discovery ignition', stateInfo: null, detail: (err as Error).message });
      return;
    }
    const media = await bootMedia(ctx, host, record);
    if (media === 'stop') return;
    if (media && ctx.iso.enabled) {
      const download = await ctx.iso.fetch(record, media.url, media.source);
      if (ctx.signal.aborted) return;
      if (download.error !== null) return cannotBoot(ctx, record, downloadFailure(download));
    }
    await ctx.slots(async () => {
      if (ctx.signal.aborted) return;
      const spec = launchSpec(ctx, host, launch);
      const stale = existing.stale.get(hostname);
      if (stale) await ctx.engines.remove(stale.id);
      // A new container starts its host's life afresh: an earlier one's reboot marker (a group
      // removed and added again) would end its agent at once, an earlier bootstrap request be played.
      const engine = ctx.engines.engineFor(placementKey(host.spec.container.labels));
      await engine.writeFiles({ image: spec.image, dirs: [], files: [], remove: lifeFiles(host) });
      record.launchedAt = await ctx.gate.pass();
      if (ctx.signal.aborted) return;
      ctx.tracker.runnerState(record, 'launching');
      try {
        const info = await ctx.engines.start(spec);
        started(ctx, record, info.id, info.engine, info.startedAt);
        ctx.boots.running(hostname);
      } catch (err) {
        cannotBoot(ctx, record, { reason: 'container could not be started', stateInfo: null, detail: (err as Error).message });
      }
    });
  }));
}

type Media = { url: string; source: DownloadRecord['source'] } | null | 'stop';

/**
 * Where the host boots from: its BareMetalHost's image URL once attached, or its InfraEnv's ISO
 * URL; null when nothing is to be downloaded; 'stop' when the host does not boot (now).
 */
async function bootMedia(ctx: RunContext, host: FakeHostDoc, record: HostRecord): Promise<Media> {
  if (host.spec.boot === 'bmh') {
    try {
      return { url: await ctx.boots.imageUrl(host.spec.hostname), source: 'bare-metal-host' };
    } catch {
      return 'stop'; // the run ended first; the report shows how far its BareMetalHost got
    }
  }
  if (!ctx.iso.enabled) return null;
  const url = ctx.isoUrls.get(refKey(host.spec.infraEnv)) ?? null;
  if (url) return { url, source: 'infra-env' };
  ctx.tracker.failHost(record, {
    reason: 'no ISO to download', stateInfo: null,
    detail: `InfraEnv ${refKey(host.spec.infraEnv)} has no status.isoDownloadURL (does the service run its image service, ENABLE_IMAGE_SERVICE?); isoDownload.mode none boots without one`,
  });
  return 'stop';
}

function downloadFailure(d: DownloadRecord) {
  return { reason: `ISO download failed (${d.error})`, stateInfo: null, detail: `${d.mode} download from its ${d.source === 'bare-metal-host' ? 'BareMetalHost image URL' : 'InfraEnv isoDownloadURL'}: ${d.error} after ${d.attempts} attempt${d.attempts === 1 ? '' : 's'}` };
}

/** A host that will not boot: failed, and its BareMetalHost told so. */
function cannotBoot(ctx: RunContext, record: HostRecord, failure: Parameters<RunContext['tracker']['failHost']>[1]): void {
  ctx.tracker.failHost(record, failure);
  ctx.boots.failed(record.hostname, failure.reason);
}

function started(ctx: RunContext, record: HostRecord, id: string, engine: string, at: number | null): void {
  Object.assign(record, { containerId: id, engine });
  ctx.tracker.containerStarted(record, at ?? undefined);
  ctx.tracker.change(record, 'container', 'running');
  // The Agent may already have been seen (a fast agent, an Agent from before): its state stays.
  ctx.tracker.runnerState(record, 'started');
}

function launchSpec(ctx: RunContext, host: FakeHostDoc, launch: AgentLaunch): LaunchSpec {
  return {
    ...host.spec.container,
    command: launch.command,
    runtimeEnv: launch.env,
    restartLimit: ctx.config.runtime.restartLimit,
    runtimeFiles: launch.caCert ? [launch.caCert] : [],
  };
}

/** The files of a host's folder that belong to one life of its container. */
function lifeFiles(host: FakeHostDoc): string[] {
  const dir = dirname(host.spec.rebootMarkerPath);
  return [host.spec.rebootMarkerPath, join(dir, REQUEST_FILE), join(dir, ANSWER_FILE)];
}
