// A plan as data: what apply (or destroy) would do, JSON-serialisable so that `--json` prints
// it, `--out` saves it and `apply FILE` runs exactly it. Computed in compute.ts (destroy.ts
// for destroy), rendered by render-*.ts. Never holds a secret value: a changed pull secret is
// a `sensitive` field change with no values.
import type { ObjectRef } from '../hub/client.ts';
import type { FieldConflict } from '../hub/errors.ts';

export const PLAN_FORMAT = 'assisted-swarm/plan@1';

export type ObjectAction = 'create' | 'update' | 'delete';

export interface FieldChange {
  /** From the object's root: ["spec", "networking", "machineNetwork", 0, "cidr"]. */
  path: (string | number)[];
  op: 'add' | 'remove' | 'change';
  /** Absent for an add, and for a sensitive field. */
  before?: unknown;
  /** Absent for a remove, and for a sensitive field. */
  after?: unknown;
  /** A secret: only the fact that it changed is told. */
  sensitive?: true;
}

export interface ObjectChange {
  action: ObjectAction;
  /** refKey(ref): "Kind namespace/name". */
  key: string;
  ref: ObjectRef;
  /** For an update: the fields that change (server-side dry run against the live object). */
  fields?: FieldChange[];
  /** Fields another field manager owns; apply takes them only with --force-conflicts. */
  conflicts?: FieldConflict[];
  /** Said next to the object ("pull secret value changed", "not labeled as this swarm's"). */
  notes?: string[];
}

/** A field someone else changed after a hub patch of assisted-swarm set it. */
export interface DriftedField {
  path: string[];
  /** What the object holds now; absent: the field is gone. */
  now?: unknown;
  /** What assisted-swarm set. */
  applied?: unknown;
  /** apply: what the patch says now; destroy: what was there before (what --force-conflicts puts back). */
  wanted?: unknown;
}

/**
 * patch: apply changes the object; restore: destroy puts back what the swarm's patches
 * changed; unchanged: already as the patches say; blocked: cannot be done (see the blockers).
 */
export type HubPatchAction = 'patch' | 'restore' | 'unchanged' | 'blocked';

/** A hub object the swarm does not own, changed by the `stage: hub` patches of patches/. */
export interface HubPatchChange {
  action: HubPatchAction;
  /** refKey(ref). */
  key: string;
  ref: ObjectRef;
  /** The patch files targeting it, in the order they apply, with what each changes. */
  patches: { file: string; what: string }[];
  /** The fields that change (the swarm's record of them aside). */
  fields: FieldChange[];
  /** Fields changed by someone else since assisted-swarm set them. */
  drift: DriftedField[];
  /** What apply or destroy sends: a JSON merge patch, made only onto `resourceVersion`; null: nothing. */
  send: Record<string, unknown> | null;
  /** The object's version the plan read; null when it does not exist. */
  resourceVersion: string | null;
  /** sha256 of the object as read, status and server fields aside: a status update since the plan is not a change. */
  basis: string | null;
  /** Said next to it ("does not exist on the hub"). */
  notes?: string[];
}

/**
 * start / replace / stop: what apply (the runner, for starts and replaces) does;
 * on-install: a dry-run controller, started by the runner once its cluster installs.
 */
export type ContainerAction = 'start' | 'replace' | 'stop' | 'on-install';

export interface ContainerChange {
  action: ContainerAction;
  /** The container's name. */
  name: string;
  component: 'fake-host' | 'controller' | 'unknown';
  /** The cluster or pool it belongs to ("cluster/sno-1", "pool/spare"), if known. */
  owner: string | null;
  /** The engine and id of the container there now (replace, stop). */
  engine?: string;
  id?: string;
  /** Why: "spec changed", "not in dist/". */
  reason?: string;
}

export interface Provenance {
  commit: string | null;
  branch: string | null;
  /** Uncommitted changes in the work tree; null outside a git repository. */
  dirty: boolean | null;
}

/** What a saved plan was made from; `apply FILE` refuses when any of it differs. */
export interface Fingerprints {
  /** sha256 of dist/hub and dist/launch (file names and contents); null for destroy. */
  dist: string | null;
  /** sha256 of the pull secrets' hashes (never a value): a changed secret changes it. */
  inputs: string;
  /** sha256 of the config file, so a config changed but not synthesized again is caught; absent for destroy and in older plans. */
  config?: string | null;
  /** Every object looked at: refKey → resourceVersion, null when absent. */
  live: Record<string, string | null>;
  /** Every container of the swarm: name → "engine/id/spec-hash". */
  containers: Record<string, string>;
}

export type WorkloadKind = 'containers' | 'pods';

export interface PlanSummary {
  create: number;
  update: number;
  delete: number;
  unchanged: number;
  containers: { start: number; replace: number; stop: number; unchanged: number; onInstall: number };
  /** Hub objects the swarm does not own: to patch (apply), to restore (destroy), already as patched, blocked. */
  hubPatches: { patch: number; restore: number; unchanged: number; blocked: number };
}

export interface Plan {
  format: typeof PLAN_FORMAT;
  /** apply: make the hub and engines match dist/; destroy: take away all of the swarm. */
  mode: 'apply' | 'destroy';
  swarm: string;
  createdAt: string;
  hub: { server: string; context: string };
  /** The dist/ folder it was computed from; null for destroy. */
  dist: string | null;
  provenance: Provenance;
  fingerprints: Fingerprints;
  /** Computed with --force-conflicts: apply takes over conflicting fields. */
  forceConflicts: boolean;
  /** Changes only: objects with no change are counted in the summary, not listed. */
  objects: ObjectChange[];
  containers: ContainerChange[];
  /**
   * What the swarm's hosts run as: Docker containers, or Kubernetes pods (runtime.kubernetes),
   * and the engines' name; absent in plans saved before pods: containers.
   */
  workloads?: { kind: WorkloadKind; engines: string };
  /** Every hub object the `stage: hub` patches target, changed or not. */
  hubPatches: HubPatchChange[];
  summary: PlanSummary;
  warnings: string[];
  /** What apply would fail on (a missing namespace, conflicts): apply refuses while any is here. */
  blockers: string[];
}

/** Hub objects the swarm does not own that apply (or destroy) sends a change to. */
export const hubPatchWork = (plan: Plan) => plan.hubPatches.filter((h) => h.send !== null);

export function isEmptyPlan(plan: Plan): boolean {
  const { summary: s } = plan;
  return !s.create && !s.update && !s.delete && !s.containers.start && !s.containers.replace && !s.containers.stop && !hubPatchWork(plan).length;
}

/** Whether apply itself has work (objects to change, hub objects to patch, containers to stop); starts are the runner's. */
export function hasApplyWork(plan: Plan): boolean {
  return plan.objects.length > 0 || hubPatchWork(plan).length > 0 ||
    plan.containers.some((c) => c.action === 'stop' || (c.action === 'replace' && c.component === 'controller'));
}
