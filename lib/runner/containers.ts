// Watches the swarm's containers (the engines' event streams): restarts are counted; a
// container that dies non-zero and is not restarted any more (the engine's restart cap,
// runtime.restartLimit) fails its host, or its cluster for a controller. A fake host's
// container ending with exit 0 is no failure: the dry-run agent ends after its fake reboot.
// What keeps a container from running (a pod not scheduled, an image not pulled) shows as its
// container state with the engine's words; one that can't fix itself during a run fails it.
import type { ContainerEvent } from '../engine/engine.ts';
import type { Failure } from '../report/types.ts';
import { LABEL, MANAGED_BY, MANAGER } from '../swarm/labels.ts';
import type { RunContext } from './context.ts';

/** Waits that do not end by themselves: the image can't be had, the container can't be made. */
const HOPELESS_WAITS = new Set(['ImagePullBackOff', 'InvalidImageName', 'ErrImageNeverPull', 'CreateContainerConfigError', 'CreateContainerError']);

export function dieFailure(exitCode: number | null, restarts: number, reason?: string): Failure {
  const why = reason ? `, ${reason}` : '';
  return { reason: `container died (exit ${exitCode}${why})`, stateInfo: null, detail: `exit ${exitCode}${why} after ${restarts} restarts` };
}

export function watchContainers(ctx: RunContext): () => void {
  const hostsByName = new Map(ctx.plan.hosts.map((h) => [h.spec.container.name, h.spec.hostname]));
  const clustersByName = new Map(ctx.plan.controllers.map((c) => [c.spec.container.name, c.spec.cluster]));
  // Starts seen per container: a second start is the engine restarting it. A container kept
  // from an earlier run has started before.
  const starts = new Map<string, number>();
  for (const h of ctx.tracker.record.hosts) if (h.adopted && h.containerId) starts.set(h.containerId, 1);
  for (const c of ctx.tracker.record.clusters) if (c.controllerId) starts.set(c.controllerId, 1);

  const onEvent = async (e: ContainerEvent) => {
    const hostname = hostsByName.get(e.name);
    const host = hostname ? ctx.tracker.host(hostname) : undefined;
    const clusterName = clustersByName.get(e.name);
    const cluster = clusterName ? ctx.tracker.cluster(clusterName) : undefined;
    const subject = host ?? cluster;
    if (!subject) return;
    const field = host ? 'container' : 'controller';
    if (e.action === 'waiting') {
      ctx.tracker.change(subject, field, `waiting: ${e.reason}`, e.message || undefined);
      if (!HOPELESS_WAITS.has(e.reason ?? '')) return;
      const failure = { reason: `container cannot start: ${e.reason}`, stateInfo: null, detail: e.message ?? '' };
      if (host) ctx.tracker.failHost(host, failure);
      else ctx.tracker.failCluster(cluster!, { ...failure, reason: `controller ${failure.reason}` });
      return;
    }
    if (e.action === 'start') {
      const n = (starts.get(e.id) ?? 0) + 1;
      starts.set(e.id, n);
      if (n > 1 && host) host.restarts++;
      ctx.tracker.change(subject, field, 'running', n > 1 ? 'restarted by the engine' : undefined);
      return;
    }
    ctx.tracker.change(subject, field, e.exitCode === 0 ? 'exited (0)' : `died (exit ${e.exitCode}${e.reason ? `, ${e.reason}` : ''})`);
    if (e.exitCode === 0) return;
    // The engine has already decided: `restarting`, or `exited` for good.
    const info = await ctx.engines.inspect(e.id).catch(() => null);
    if (!info || info.state !== 'exited') return;
    const failure = dieFailure(info.exitCode, info.restartCount ?? 0, e.reason ?? info.reason);
    const tail = await ctx.engines.logs(e.id, 5).catch(() => '');
    failure.detail = `${failure.detail}; last output: ${redactAll(tail.trim(), [...ctx.secrets]) || '(none)'}`;
    if (host) ctx.tracker.failHost(host, failure);
    else ctx.tracker.failCluster(cluster!, { ...failure, reason: `controller ${failure.reason}` });
  };
  return ctx.engines.watch({ [MANAGED_BY]: MANAGER, [LABEL.swarm]: ctx.plan.swarm }, (e) => void onEvent(e),
    (err) => ctx.log(`runner: ${err.message}`));
}

/** Output may quote a token; a report never does. */
export function redactAll(text: string, secrets: string[]): string {
  let out = text;
  for (const s of secrets) if (s) out = out.split(s).join('…');
  return out;
}
