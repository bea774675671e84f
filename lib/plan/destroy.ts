// `destroy` as a plan: every object labeled as this swarm's is deleted (a namespace that also
// holds others' objects stays), every container of the swarm stops. Needs no dist/: what to
// take away is found on the hub and the engines by label.
import type { ContainerEngine } from '../engine/engine.ts';
import type { HubClient } from '../hub/client.ts';
import { swarmLabels } from '../swarm/labels.ts';
import { assemblePlan } from './assemble.ts';
import { planDeletes } from './compute.ts';
import { planContainerRemoval } from './containers.ts';
import { liveFingerprint, observeHub } from './live.ts';
import { gitProvenance } from './provenance.ts';
import { PullSecrets } from './pull-secret.ts';
import type { Plan } from './types.ts';

export interface DestroyContext {
  hub: HubClient;
  engines: ContainerEngine;
  swarm: string;
  gitDir?: string;
}

export async function computeDestroyPlan(ctx: DestroyContext): Promise<Plan> {
  const [live, containersLive, provenance] = await Promise.all([
    observeHub(ctx.hub, ctx.swarm),
    ctx.engines.list(swarmLabels(ctx.swarm)),
    gitProvenance(ctx.gitDir),
  ]);
  const notes = { warnings: [] as string[], blockers: [] as string[] };
  const deletes = await planDeletes(ctx.hub, ctx.swarm, live.labeled, new Set(), notes);
  const containers = planContainerRemoval(containersLive);
  return assemblePlan({
    mode: 'destroy',
    swarm: ctx.swarm,
    hub: ctx.hub,
    dist: null,
    provenance,
    fingerprints: { dist: null, inputs: new PullSecrets().fingerprint(), live: liveFingerprint(live), containers: containers.fingerprint },
    forceConflicts: false,
    objects: deletes,
    unchanged: 0,
    containers,
    warnings: notes.warnings,
    blockers: notes.blockers,
  });
}
