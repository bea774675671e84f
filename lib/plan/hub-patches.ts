// Hub patches in plans: the `stage: hub` patches of patches/, on hub objects the swarm does not
// own (the AgentServiceConfig, a deployment to scale down). For each target: the live object,
// the swarm's record on it (lib/patches/record.ts), the fields someone else changed since the
// swarm set them (drift), and what apply sends, or what destroy sends to put back what was
// there. What is sent is a JSON merge patch, made only onto the version the plan read
// (HubClient.mergePatch), not a server-side apply: the swarm borrows these fields and must not
// become their owner, and a restore must remove a field that was absent, whoever owns it now.
import { UserError } from '../config/errors.ts';
import { fieldPath } from '../config/errors.ts';
import type { KubeObject } from '../dist/types.ts';
import { refKey, type HubClient, type ObjectRef } from '../hub/client.ts';
import { HubUnavailableError, StaleObjectError } from '../hub/errors.ts';
import { describeTarget, PatchError, targetKey, type HubPatch } from '../patches/load.ts';
import { applyMergePatch } from '../patches/merge.ts';
import { applyPatch } from '../patches/operations.ts';
import { driftOf, isEmptyRecord, readRecord, recordAnnotation, recordOf, restore, valueAt, withRecord, type PatchRecord, type RecordedField } from '../patches/record.ts';
import { comparable, fieldChanges, sameJson, sortKeys } from './diff.ts';
import { shown } from './render-parts.ts';
import { sha256 } from './pull-secret.ts';
import type { DriftedField, HubPatchChange } from './types.ts';

export interface HubPatchPlan {
  changes: HubPatchChange[];
  warnings: string[];
  blockers: string[];
  /** refKey → resourceVersion (null: absent) of every target: part of a saved plan's live fingerprint. */
  fingerprint: Record<string, string | null>;
}

interface Target { ref: ObjectRef; key: string; patches: HubPatch[]; files: string }

/** The targets of the patches, each with its patches in file order. */
function targetsOf(patches: HubPatch[]): Target[] {
  const byKey = new Map<string, Target>();
  for (const p of patches) {
    const k = targetKey(p.target);
    const { apiVersion, kind, name, namespace } = p.target;
    const ref: ObjectRef = namespace ? { apiVersion, kind, name, namespace } : { apiVersion, kind, name };
    const t = byKey.get(k) ?? { ref, key: refKey(ref), patches: [], files: '' };
    t.patches.push(p);
    byKey.set(k, t);
  }
  for (const t of byKey.values()) t.files = t.patches.map((p) => p.file).join(', ');
  return [...byKey.values()];
}

const rvOf = (obj: KubeObject) => (obj.metadata as { resourceVersion?: string }).resourceVersion ?? null;
const basisOf = (obj: KubeObject) => sha256(JSON.stringify(sortKeys(comparable(obj))));
const segmentsOf = (pointer: string) => pointer.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));


/** The merge patch that turns `from` into `to` (maps merged key by key, null removes, the rest replaced whole). */
export function mergePatchBetween(from: Record<string, unknown>, to: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const isMap = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  for (const key of new Set([...Object.keys(from), ...Object.keys(to)])) {
    if (!Object.hasOwn(to, key)) out[key] = null;
    else if (isMap(from[key]) && isMap(to[key])) {
      const inner = mergePatchBetween(from[key], to[key]);
      if (Object.keys(inner).length) out[key] = inner;
    } else if (!sameJson(from[key], to[key])) out[key] = to[key];
  }
  return out;
}

interface Read { obj: KubeObject | null; error?: string }

/** The target as the hub has it (null when absent), or why the hub refuses to say (a kind it does not serve, no access). */
async function read(hub: HubClient, ref: ObjectRef): Promise<Read> {
  try {
    return { obj: await hub.get(ref) };
  } catch (err) {
    // A hub that does not answer ends the command (exit 3), as for the swarm's own objects.
    if (err instanceof UserError && !(err instanceof HubUnavailableError)) return { obj: null, error: err.message };
    throw err;
  }
}

/** A plan made target by target: every target read at once (its version into the fingerprint), then `each` in order. */
async function planTargets(
  hub: HubClient, patches: HubPatch[],
  each: (plan: HubPatchPlan, t: Target, found: KubeObject | null, error: string | undefined) => void,
): Promise<HubPatchPlan> {
  const plan: HubPatchPlan = { changes: [], warnings: [], blockers: [], fingerprint: {} };
  const targets = targetsOf(patches);
  const lives = await Promise.all(targets.map((t) => read(hub, t.ref)));
  targets.forEach((t, i) => {
    const { obj, error } = lives[i]!;
    plan.fingerprint[t.key] = obj ? rvOf(obj) : null;
    each(plan, t, obj, error);
  });
  return plan;
}

/** The change for a target, and the object's version, filled in as far as it is known. */
function changeOf(t: Target, live: KubeObject | null, action: HubPatchChange['action']): HubPatchChange {
  return {
    action, key: t.key, ref: t.ref, patches: t.patches.map((p) => ({ file: p.file, what: p.what })), fields: [], drift: [], send: null,
    resourceVersion: live ? rvOf(live) : null, basis: live ? basisOf(live) : null,
  };
}

/** What is sent to make `live` into `desired` (null: nothing). */
function sendOf(live: KubeObject, desired: KubeObject): Record<string, unknown> | null {
  const send = mergePatchBetween(live as Record<string, unknown>, desired as Record<string, unknown>);
  return Object.keys(send).length ? send : null;
}

/** The record on the target, or a message saying it can't be read. */
function recordOn(live: KubeObject, swarm: string, t: Target): PatchRecord | null | { error: string } {
  try {
    return readRecord(live, swarm);
  } catch (err) {
    return { error: `${t.key} (${t.files}): ${(err as Error).message}: remove it by hand once the fields it names are as they should be` };
  }
}

/** `apply`: per target, the fields the patches change, drift, and what is sent. */
export function planHubPatches(hub: HubClient, swarm: string, patches: HubPatch[], force: boolean): Promise<HubPatchPlan> {
  return planTargets(hub, patches, (plan, t, found, error) => {
    const blocked = (why: string, notes: string[]) => {
      plan.blockers.push(why);
      plan.changes.push({ ...changeOf(t, found, 'blocked'), notes });
    };
    if (error) return blocked(`${t.files}: cannot read its target ${describeTarget(t.ref)}: ${error}`, [error]);
    if (!found) {
      return blocked(`${t.files}: its target ${describeTarget(t.ref)} does not exist on the hub: create it, or take the patch out of patches/ if this hub needs none`, ['does not exist on the hub']);
    }
    const record = recordOn(found, swarm, t);
    if (record && 'error' in record) return blocked(record.error, ['its record cannot be read']);

    // The object as it was before the swarm's patches (every recorded field put back), then
    // the patches as they are now: so an edited or shortened patch also undoes what it no
    // longer sets, and the record keeps the values from before the first apply.
    const clean = withRecord(found, swarm, null);
    const base = record ? restore(clean, record) : clean;
    let patched = base;
    try {
      for (const p of t.patches) patched = applyPatch(patched, p);
    } catch (err) {
      if (!(err instanceof PatchError)) throw err;
      return blocked(err.problems.map((p) => `${p.path}: ${p.message}`).join('; '), ['a patch operation does not apply (see the blockers)']);
    }
    const next = recordOf(base, patched);
    const desired = withRecord(patched, swarm, next);
    // The same record as on the hub (key order aside) is left as it is written there.
    if (record && !isEmptyRecord(next) && sameJson(next, record)) desired.metadata.annotations![recordAnnotation(swarm)] = found.metadata.annotations![recordAnnotation(swarm)]!;

    const change = changeOf(t, found, 'unchanged');
    change.fields = fieldChanges(clean, patched);
    change.send = sendOf(found, desired);
    if (change.send) change.action = 'patch';
    if (change.send && !change.fields.length) change.notes = ['only assisted-swarm\'s record of the patched fields changes'];
    // A field someone changed since the swarm set it, to what the patch says now, is no conflict.
    const drifted = record ? driftOf(clean, record).filter((f) => !sameJson(valueAt(clean, f.path), valueAt(patched, f.path))) : [];
    change.drift = drifted.map((f) => driftEntry(f, clean, valueAt(patched, f.path)));
    if (!force) {
      for (const d of change.drift) {
        plan.blockers.push(`${t.key} (${t.files}): ${fieldPath(d.path)} changed since assisted-swarm applied it: now ${shown(d.now)}, patch says ${shown(d.wanted)}: apply --force-conflicts overwrites it`);
      }
    }
    plan.changes.push(change);
  });
}

function driftEntry(f: RecordedField, clean: KubeObject, wanted: unknown): DriftedField {
  const now = valueAt(clean, f.path);
  return {
    path: segmentsOf(f.path),
    ...(now !== undefined ? { now } : {}),
    ...(Object.hasOwn(f, 'after') ? { applied: f.after } : {}),
    ...(wanted !== undefined ? { wanted } : {}),
  };
}

/**
 * `destroy`: per target that holds the swarm's record, what puts the recorded fields back and
 * removes the record. A field someone changed since is left as it is (and said so), unless
 * `force`. Targets that are gone hold nothing to restore.
 */
export function planHubRestores(hub: HubClient, swarm: string, patches: HubPatch[], force: boolean): Promise<HubPatchPlan> {
  return planTargets(hub, patches, (plan, t, found, error) => {
    if (error) return void plan.warnings.push(`${t.files}: cannot read its target ${describeTarget(t.ref)}, so what the patch changed is not put back: ${error}`);
    if (!found) return;
    const record = recordOn(found, swarm, t);
    if (record && 'error' in record) return void plan.warnings.push(record.error);
    if (!record) return;

    const clean = withRecord(found, swarm, null);
    const drifted = driftOf(clean, record);
    const restored = restore(clean, record, force ? new Set() : new Set(drifted.map((f) => f.path)));
    const change = changeOf(t, found, 'restore');
    change.fields = fieldChanges(clean, restored);
    change.send = sendOf(found, restored);
    change.drift = drifted.map((f) => driftEntry(f, clean, f.before));
    if (!change.fields.length) change.notes = ['only assisted-swarm\'s record of the patched fields is removed'];
    if (!force) {
      for (const d of change.drift) {
        plan.warnings.push(`${t.key}: ${fieldPath(d.path)} changed since assisted-swarm applied it: now ${shown(d.now)}, assisted-swarm set ${shown(d.applied)}: destroy leaves it as it is (--force-conflicts puts back ${shown(d.wanted)})`);
      }
    }
    plan.changes.push(change);
  });
}

/** refKey → resourceVersion (null: absent or unreadable) of the targets, as a saved plan's fingerprint has them. */
export async function targetVersions(hub: HubClient, changes: HubPatchChange[]): Promise<Record<string, string | null>> {
  const found = await Promise.all(changes.map((c) => read(hub, c.ref)));
  return Object.fromEntries(changes.map((c, i) => [c.key, found[i]!.obj ? rvOf(found[i]!.obj!) : null]));
}

/**
 * Sends one planned change. The object may have moved on since the plan read it: a status
 * update only (the same basis) gets the change sent onto the new version; the change found
 * made already (a retried request whose answer was lost) is done; anything else is refused.
 */
export async function sendHubPatch(hub: HubClient, change: HubPatchChange): Promise<void> {
  if (!change.send || !change.resourceVersion) return;
  let version = change.resourceVersion;
  for (let attempt = 1; ; attempt++) {
    try {
      await hub.mergePatch(change.ref, change.send, version);
      return;
    } catch (err) {
      if (!(err instanceof StaleObjectError)) throw err;
      const now = await hub.get(change.ref);
      if (now && sameJson(comparable(applyMergePatch(now, change.send) as KubeObject), comparable(now))) return;
      if (!now || basisOf(now) !== change.basis || attempt >= 3) {
        throw new UserError(`${change.key} changed since the plan read it (someone else changed it): nothing was sent to it; make a new plan`);
      }
      version = rvOf(now)!;
    }
  }
}
