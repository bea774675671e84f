// `destroy` as a plan: every object labeled as this swarm's is deleted (a namespace that also
// holds others' objects stays), every container of the swarm stops, and what the hub patches
// changed on objects the swarm does not own is put back (from the record on each target).
// Needs no dist/: what to take away is found on the hub and the engines by label.
import type { ContainerEngine } from '../engine/engine.ts';
import type { HubClient } from '../hub/client.ts';
import type { HubPatch } from '../patches/load.ts';
import { swarmLabels } from '../swarm/labels.ts';
import { assemblePlan } from './assemble.ts';
import { planDeletes } from './compute.ts';
import { planContainerRemoval, workloadsOf } from './containers.ts';
import { planHubRestores } from './hub-patches.ts';
import { liveFingerprint, observeHub } from './live.ts';
import { gitProvenance } from './provenance.ts';
import { PullSecrets } from './pull-secret.ts';
import type { Plan } from './types.ts';

export interface DestroyContext {
  hub: HubClient;
  engines: ContainerEngine;
  swarm: string;
  gitDir?: string;
  /** The `stage: hub` patches of patches/: their targets are where the records are looked for. */
  hubPatches?: HubPatch[];
  /** Put back also fields someone changed since the swarm's patches set them. */
  forceConflicts?: boolean;
}

export async function computeDestroyPlan(ctx: DestroyContext): Promise<Plan> {
  const [live, containersLive, provenance, restores] = await Promise.all([
    observeHub(ctx.hub, ctx.swarm),
    ctx.engines.list(swarmLabels(ctx.swarm)),
    gitProvenance(ctx.gitDir),
    planHubRestores(ctx.hub, ctx.swarm, ctx.hubPatches ?? [], !!ctx.forceConflicts),
  ]);
  const notes = { warnings: [...restores.warnings], blockers: [...restores.blockers] };
  const deletes = await planDeletes(ctx.hub, ctx.swarm, live.labeled, new Set(), notes);
  const containers = planContainerRemoval(containersLive);
  return assemblePlan({
    mode: 'destroy',
    swarm: ctx.swarm,
    hub: ctx.hub,
    dist: null,
    provenance,
    fingerprints: { dist: null, inputs: new PullSecrets().fingerprint(), live: liveFingerprint(live), containers: containers.fingerprint },
    forceConflicts: !!ctx.forceConflicts,
    objects: deletes,
    unchanged: 0,
    containers,
    workloads: workloadsOf(ctx.engines),
    hubPatches: restores.changes,
    warnings: notes.warnings,
    blockers: notes.blockers,
  });
}
