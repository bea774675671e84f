// Synth-time patches: the `stage: synth` patches, applied to the objects the swarm synthesizes
// through cdk8s's own JSON patches (ApiObject.addJsonPatch), so dist/ shows the result. Each
// operation is tried on the object first, so a bad path fails synth with a message naming the
// file and the operation, before anything is written; so does a target no unit synthesizes.
import { ApiObject, JsonPatch, type App } from 'cdk8s';
import fastJsonPatch from 'fast-json-patch';
import { synthToDir, synthUnits, type SynthUnit } from '../constructs/synth.ts';
import type { Swarm } from '../swarm/model.ts';
import { describeOperation, describeTarget, loadPatches, patchVariables, PatchError, targetKey, type Patch } from './load.ts';
import { mergePatchOperations } from './merge.ts';
import { reasonOf } from './operations.ts';
import type { Operation } from './schema.ts';

function toCdk8s(op: Operation): JsonPatch {
  switch (op.op) {
    case 'add': return JsonPatch.add(op.path, op.value);
    case 'remove': return JsonPatch.remove(op.path);
    case 'replace': return JsonPatch.replace(op.path, op.value);
    case 'move': return JsonPatch.move(op.from!, op.path);
    case 'copy': return JsonPatch.copy(op.from!, op.path);
    case 'test': return JsonPatch.test(op.path, op.value);
  }
}

function keyOf(obj: ApiObject): string {
  return targetKey({ apiVersion: obj.apiVersion, kind: obj.kind, namespace: obj.metadata.namespace, name: obj.name });
}

/**
 * The `prepare` hook of synthToDir. It is called once per unit, in order; after the last one it
 * checks that every synth patch found its target (a hub patch must not target a synthesized
 * object: the swarm owns those, and patches them at synth).
 */
export class SynthPatcher {
  /** Operations that replaced a value the config had set, for synth to point out. */
  readonly overrides: string[] = [];
  private readonly matched = new Set<Patch>();
  private seenUnits = 0;

  /** `source` names the patches' folder in messages. */
  constructor(private readonly patches: Patch[], private readonly unitCount: number, private readonly source = 'patches') {}

  readonly prepare = (app: App, _unit: SynthUnit): void => {
    for (const chart of app.charts) {
      for (const obj of chart.node.findAll().filter(ApiObject.isApiObject)) {
        const key = keyOf(obj);
        for (const patch of this.patches) {
          if (targetKey(patch.target) !== key) continue;
          this.matched.add(patch);
          if (patch.stage === 'hub') {
            throw new PatchError([{ path: `${patch.file} target`, message: `${describeTarget(patch.target)} is synthesized by the swarm: patch it with stage: synth` }], this.source);
          }
          this.apply(patch, obj);
        }
      }
    }
    if (++this.seenUnits === this.unitCount) this.checkAllMatched();
  };

  private apply(patch: Patch, obj: ApiObject): void {
    let doc = obj.toJson();
    const operations = patch.jsonPatch ?? mergePatchOperations(doc, patch.mergePatch!);
    operations.forEach((op, i) => {
      const where = patch.jsonPatch ? describeOperation(i, op) : `mergePatch (${op.op} ${op.path})`;
      const before = ['add', 'replace'].includes(op.op) ? valueAt(doc, op.path) : undefined;
      try {
        doc = fastJsonPatch.applyOperation(doc, op as fastJsonPatch.Operation, true, true).newDocument;
      } catch (err) {
        throw new PatchError([{ path: `${patch.file} ${where}`, message: `cannot apply to ${describeTarget(patch.target)}: ${reasonOf(err)}` }], this.source);
      }
      if (before !== undefined && JSON.stringify(before) !== JSON.stringify(op.value)) {
        this.overrides.push(`${patch.file} ${where} replaces ${JSON.stringify(before)} with ${JSON.stringify(op.value)}`);
      }
      obj.addJsonPatch(toCdk8s(op));
    });
  }

  private checkAllMatched(): void {
    const missing = this.patches.filter((p) => p.stage === 'synth' && !this.matched.has(p));
    if (missing.length) {
      throw new PatchError(missing.map((p) => ({
        path: `${p.file} target`,
        message: `this swarm synthesizes no ${describeTarget(p.target)}, so ${p.jsonPatch ? p.jsonPatch.map((op, i) => describeOperation(i, op)).join(', ') : 'its mergePatch'} cannot apply`,
      })), this.source);
    }
  }
}

function valueAt(doc: unknown, pointer: string): unknown {
  try {
    return fastJsonPatch.getValueByPointer(doc, pointer);
  } catch {
    return undefined;
  }
}

/** synthToDir with the patches of `patchesDir` applied; returns the overrides to point out. */
export function synthWithPatches(swarm: Swarm, dist: string, patchesDir: string): { patches: Patch[]; overrides: string[] } {
  const patches = loadPatches(patchesDir, patchVariables(swarm));
  const patcher = new SynthPatcher(patches, synthUnits(swarm).length, patchesDir);
  synthToDir(swarm, dist, patcher.prepare);
  return { patches, overrides: patcher.overrides };
}
