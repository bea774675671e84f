// `plan`: dist/ against the hub and the engines. Per object of dist/: create (absent), update
// (the fields a server-side dry-run apply would change on the live object) or no change; per
// object labeled as this swarm's and absent from dist/: delete. Containers: containers.ts; hub
// objects the swarm does not own, changed by patches/: hub-patches.ts; the swarm image: image.ts.
import type { SwarmConfig } from '../config/types.ts';
import type { ContainerEngine } from '../engine/engine.ts';
import { readLaunchPlans } from '../dist/read.ts';
import type { KubeObject } from '../dist/types.ts';
import { refOf, type HubClient } from '../hub/client.ts';
import { ConflictError, type FieldConflict } from '../hub/errors.ts';
import type { HubPatch } from '../patches/load.ts';
import { LABEL, swarmLabels } from '../swarm/labels.ts';
import { assemblePlan } from './assemble.ts';
import { planContainers, readdressWarning, workloadsOf } from './containers.ts';
import { desiredObjects, usedNamespaces, type DesiredObject } from './desired.ts';
import { certainlyUnchanged, fieldChanges } from './diff.ts';
import { foreignObjects, uidsOf } from './foreign.ts';
import { planHubPatches } from './hub-patches.ts';
import { capacityWarnings } from './capacity.ts';
import { swarmImageProblems } from './image.ts';
import { liveFingerprint, observeHub } from './live.ts';
import { gitProvenance, hashDist, hashFile } from './provenance.ts';
import { PULL_SECRET_KEY, PullSecrets } from './pull-secret.ts';
import type { ObjectChange, Plan } from './types.ts';

export interface PlanContext {
  hub: HubClient;
  /** The swarm's container engines (an EnginePool for several). */
  engines: ContainerEngine;
  swarm: string;
  /** Plan to take over fields other field managers own. */
  forceConflicts?: boolean;
  /** Ask the server (dry run) about every live object, even one provably unchanged. */
  dryRunAll?: boolean;
  secrets?: PullSecrets;
  /** Where git provenance is read (default: the current directory). */
  gitDir?: string;
  /** The config file dist/ was synthesized from: its hash goes into the fingerprints. */
  configFile?: string;
  /** The `stage: hub` patches of patches/ (none when not given). */
  hubPatches?: HubPatch[];
  /** The config's images: the swarm image named by dist/ is checked on the engines (not when not given). */
  images?: SwarmConfig['images'];
  /** The config: the swarm is weighed against what the engines offer (not when not given). */
  config?: SwarmConfig;
}

interface Notes { warnings: string[]; blockers: string[] }

const isSwarms = (obj: KubeObject, swarm: string) => obj.metadata.labels?.[LABEL.swarm] === swarm;

/** One object of dist/ against its live self: a change, or null for none. */
async function planObject(d: DesiredObject, live: KubeObject | null, ctx: PlanContext, notes: Notes): Promise<ObjectChange | null> {
  const ref = refOf(d.object);
  const unreadable = d.unreadable ? `pull secret from ${d.pullSecretFrom} cannot be read now: apply needs it` : null;
  if (!live) return { action: 'create', key: d.key, ref, ...(unreadable ? { notes: [unreadable] } : {}) };

  // An unreadable pull secret is planned as the hub has it: the plan can't know the new value.
  const desired = d.unreadable ? { ...d.object, data: { [PULL_SECRET_KEY]: (live.data as Record<string, string> | undefined)?.[PULL_SECRET_KEY] } } : d.object;
  if (!ctx.dryRunAll && certainlyUnchanged(desired, live, ctx.hub.fieldManager)) return null;

  let conflicts: FieldConflict[] = [];
  let next: KubeObject;
  try {
    next = await ctx.hub.apply(desired, { dryRun: true, force: ctx.forceConflicts });
  } catch (err) {
    if (!(err instanceof ConflictError)) throw err;
    conflicts = err.conflicts;
    next = await ctx.hub.apply(desired, { dryRun: true, force: true });
  }
  const fields = fieldChanges(live, next);
  if (!fields.length && !conflicts.length) return null;

  const objectNotes: string[] = [];
  if (!isSwarms(live, ctx.swarm)) objectNotes.push(`on the hub without swarm "${ctx.swarm}"'s labels: apply takes it over`);
  if (fields.some((f) => f.sensitive)) objectNotes.push('pull secret value changed');
  if (unreadable) objectNotes.push(unreadable);
  if (conflicts.length && !ctx.forceConflicts) {
    const managers = [...new Set(conflicts.map((c) => `"${c.manager}"`))].join(', ');
    notes.blockers.push(`${d.key}: ${conflicts.map((c) => c.field).join(', ')} owned by ${managers}: apply --force-conflicts takes them over`);
  }
  return { action: 'update', key: d.key, ref, fields, ...(conflicts.length ? { conflicts } : {}), ...(objectNotes.length ? { notes: objectNotes } : {}) };
}

/** Deletes for objects of the swarm that are live but not wanted; namespaces holding others' objects stay. */
export async function planDeletes(hub: HubClient, swarm: string, live: Map<string, KubeObject>, wanted: Set<string>, notes: Notes): Promise<ObjectChange[]> {
  const gone = [...live.entries()].filter(([key]) => !wanted.has(key));
  const namespaces = gone.filter(([, o]) => o.kind === 'Namespace').map(([, o]) => o.metadata.name);
  const foreign = await foreignObjects(hub, swarm, namespaces, uidsOf(live.values()));
  const changes: ObjectChange[] = [];
  for (const [key, obj] of gone) {
    const others = obj.kind === 'Namespace' ? foreign.get(obj.metadata.name) : undefined;
    if (others) {
      const shown = others.slice(0, 5).join(', ') + (others.length > 5 ? `, … (${others.length} in all)` : '');
      notes.warnings.push(`${key} stays: it holds objects that are not swarm "${swarm}"'s (${shown}); deleting it would delete them`);
      continue;
    }
    changes.push({ action: 'delete', key, ref: refOf(obj) });
  }
  return changes;
}

/** The plan that makes the hub and the engines match `dist`. */
export async function computePlan(dist: string, ctx: PlanContext): Promise<Plan> {
  const secrets = ctx.secrets ?? new PullSecrets();
  const desired = desiredObjects(dist, ctx.swarm, secrets);
  const launch = readLaunchPlans(dist);
  const [live, containersLive, provenance, hubPatches, imageProblems, tooBig] = await Promise.all([
    observeHub(ctx.hub, ctx.swarm, desired.map((d) => d.object)),
    ctx.engines.list(swarmLabels(ctx.swarm)),
    gitProvenance(ctx.gitDir),
    planHubPatches(ctx.hub, ctx.swarm, ctx.hubPatches ?? [], !!ctx.forceConflicts),
    ctx.images ? swarmImageProblems(ctx.engines, ctx.images, launch) : [],
    ctx.config ? capacityWarnings(ctx.engines, ctx.config, launch) : [],
  ]);
  const notes: Notes = { warnings: [...imageProblems.map((p) => p.message), ...tooBig], blockers: [] };

  for (const d of desired) {
    if (d.unreadable && !notes.warnings.includes(d.unreadable.message)) notes.warnings.push(d.unreadable.message);
  }
  // Namespaces dist/ puts objects in without making them (the service's) must exist already.
  const used = usedNamespaces(desired.map((d) => d.object));
  for (const ns of used) {
    if (!live.namespaces.has(ns)) notes.blockers.push(`namespace ${ns} does not exist on the hub: dist/ puts objects there but the swarm does not make it (is hub.serviceNamespace right?)`);
  }

  // Cluster-scoped objects are shared by the whole hub: one that exists but is not this swarm's
  // is not taken over (destroy would then delete it, and a namespace with all in it).
  for (const d of desired) {
    const obj = live.byKey.get(d.key);
    if (!obj || d.object.metadata.namespace !== undefined) continue;
    const owner = obj.metadata.labels?.[LABEL.swarm];
    if (owner !== ctx.swarm) {
      notes.blockers.push(`${d.key} exists and is ${owner ? `swarm "${owner}"'s` : 'not a swarm\'s'}: apply would take it over (and destroy delete it); choose another swarm name or hub.namespacePrefix, or remove it`);
    } else if ((obj.metadata as { deletionTimestamp?: string }).deletionTimestamp) {
      notes.blockers.push(`${d.key} is still being deleted: apply once it is gone`);
    }
  }

  const planned = await Promise.all(desired.map((d) => planObject(d, live.byKey.get(d.key) ?? null, ctx, notes)));
  const changes = planned.filter((c): c is ObjectChange => c !== null);
  const deletes = await planDeletes(ctx.hub, ctx.swarm, live.labeled, new Set(desired.map((d) => d.key)), notes);
  const containers = planContainers(launch, containersLive);
  const readdressed = readdressWarning(containers.changes);
  if (readdressed) notes.warnings.push(readdressed);
  // Hub patches go after the swarm's own objects, so their blockers and warnings come after too.
  notes.blockers.push(...hubPatches.blockers);
  notes.warnings.push(...hubPatches.warnings);
  const liveVersions = { ...liveFingerprint(live, used), ...hubPatches.fingerprint };

  return assemblePlan({
    mode: 'apply',
    swarm: ctx.swarm,
    hub: ctx.hub,
    dist,
    provenance,
    fingerprints: {
      dist: hashDist(dist),
      inputs: secrets.fingerprint(),
      ...(ctx.configFile ? { config: hashFile(ctx.configFile) } : {}),
      live: Object.fromEntries(Object.entries(liveVersions).sort(([a], [b]) => a.localeCompare(b))),
      containers: containers.fingerprint,
    },
    forceConflicts: !!ctx.forceConflicts,
    objects: [...changes, ...deletes],
    unchanged: planned.length - changes.length,
    containers,
    workloads: workloadsOf(ctx.engines),
    hubPatches: hubPatches.changes,
    warnings: notes.warnings,
    blockers: notes.blockers,
  });
}
