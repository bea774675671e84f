// Puts a plan together from its parts: the summary counts, a stable order (apply order for
// creates and updates, delete order for deletes; hub patches in the order of their files),
// the format tag.
import type { HubClient } from '../hub/client.ts';
import type { ContainerPlan } from './containers.ts';
import { inWaves } from './kinds.ts';
import { PLAN_FORMAT, type Fingerprints, type HubPatchChange, type ObjectChange, type Plan, type Provenance } from './types.ts';

export interface PlanParts {
  mode: Plan['mode'];
  swarm: string;
  hub: HubClient;
  dist: string | null;
  provenance: Provenance;
  fingerprints: Fingerprints;
  forceConflicts: boolean;
  objects: ObjectChange[];
  unchanged: number;
  containers: ContainerPlan;
  workloads: NonNullable<Plan['workloads']>;
  hubPatches: HubPatchChange[];
  warnings: string[];
  blockers: string[];
}

const byKey = (a: ObjectChange, b: ObjectChange) => a.key.localeCompare(b.key);

export function assemblePlan(p: PlanParts): Plan {
  const kindOf = (c: ObjectChange) => c.ref.kind;
  const applying = inWaves(p.objects.filter((c) => c.action !== 'delete').sort(byKey), kindOf).flat();
  const deleting = inWaves(p.objects.filter((c) => c.action === 'delete').sort(byKey), kindOf, true).flat();
  const count = (a: ObjectChange['action']) => p.objects.filter((c) => c.action === a).length;
  const containers = [...p.containers.changes].sort((a, b) => a.name.localeCompare(b.name));
  const countC = (a: string) => containers.filter((c) => c.action === a).length;
  const countH = (a: string) => p.hubPatches.filter((h) => h.action === a).length;
  return {
    format: PLAN_FORMAT,
    mode: p.mode,
    swarm: p.swarm,
    createdAt: new Date().toISOString(),
    hub: { server: p.hub.server, context: p.hub.context },
    dist: p.dist,
    provenance: p.provenance,
    fingerprints: p.fingerprints,
    forceConflicts: p.forceConflicts,
    objects: [...applying, ...deleting],
    containers,
    workloads: p.workloads,
    hubPatches: p.hubPatches,
    summary: {
      create: count('create'),
      update: count('update'),
      delete: count('delete'),
      unchanged: p.unchanged,
      containers: { start: countC('start'), replace: countC('replace'), stop: countC('stop'), unchanged: p.containers.unchanged, onInstall: countC('on-install') },
      hubPatches: { patch: countH('patch'), restore: countH('restore'), unchanged: countH('unchanged'), blocked: countH('blocked') },
    },
    warnings: p.warnings,
    blockers: p.blockers,
  };
}
