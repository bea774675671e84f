// Step 3: what already runs. A re-run (apply again on a swarm half-way) keeps every container
// whose spec is unchanged (same spec-hash label) and starts only what is missing; a container
// whose planned spec changed, or that was made and never started, is replaced when its host is
// launched.
import type { ContainerInfo } from '../engine/engine.ts';
import { LABEL, MANAGED_BY, MANAGER } from '../swarm/labels.ts';
import type { RunContext } from './context.ts';
import { dieFailure } from './containers.ts';

export interface Existing {
  /** Planned host containers that exist with another spec: removed before their host starts. */
  stale: Map<string, ContainerInfo>;
}

export async function adoptContainers(ctx: RunContext): Promise<Existing> {
  const found = await ctx.engines.list({ [MANAGED_BY]: MANAGER, [LABEL.swarm]: ctx.plan.swarm });
  const byName = new Map(found.map((c) => [c.name, c]));
  const stale = new Map<string, ContainerInfo>();
  let kept = 0;

  for (const host of ctx.plan.hosts) {
    const c = byName.get(host.spec.container.name);
    if (!c) continue;
    // Another spec, or made but never started (a run killed between create and start): replaced.
    if (c.labels[LABEL.specHash] !== host.spec.container.labels[LABEL.specHash] || c.state === 'created') {
      stale.set(host.spec.hostname, c);
      continue;
    }
    const record = ctx.tracker.host(host.spec.hostname)!;
    Object.assign(record, { adopted: true, containerId: c.id, engine: c.engine });
    ctx.tracker.change(record, 'state', 'started', 'container kept from an earlier run');
    kept++;
    if (c.state === 'exited' || c.state === 'dead') {
      const info = await ctx.engines.inspect(c.id);
      ctx.tracker.change(record, 'container', `exited (${info?.exitCode ?? c.exitCode})`);
      // A dry-run agent ends (exit 0) after its fake reboot; a non-zero end here is final.
      if (info && info.exitCode !== 0) ctx.tracker.failHost(record, dieFailure(info.exitCode, info.restartCount ?? 0));
    } else {
      ctx.tracker.change(record, 'container', c.state);
    }
  }
  for (const controller of ctx.plan.controllers) {
    const c = byName.get(controller.spec.container.name);
    if (!c) continue;
    const cluster = ctx.tracker.cluster(controller.spec.cluster)!;
    cluster.controllerId = c.id;
    ctx.tracker.change(cluster, 'controller', c.state, 'container kept from an earlier run');
    kept++;
  }
  if (kept || stale.size) ctx.log(`runner: ${kept} containers kept from an earlier run${stale.size ? `, ${stale.size} to replace (spec changed)` : ''}`);
  return { stale };
}
