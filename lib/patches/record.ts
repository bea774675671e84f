// The record a hub patch leaves on the object it patches: each field assisted-swarm set, what
// it held before and what was set, so that `destroy` puts back exactly what was there and
// `plan` can tell a value someone changed since (drift).
//
// Where the record lives: in an annotation on the patched object itself,
// `assisted-swarm.io/patched-by-<swarm>: <JSON>`, and not in a ConfigMap of the swarm, because
//  - it is written by the very request that makes the change (one merge patch, sent only onto
//    the resourceVersion the plan read), so whatever kills apply, there is never a change
//    without its record nor a record of a change that was not made;
//  - it lives and dies with the object: an object deleted and made again (by its operator)
//    carries no stale record for destroy to "restore" onto it;
//  - it survives the process and the machine: destroy from a fresh checkout finds it on the
//    hub, where the change is, and whoever looks at the object sees who changed it and what was
//    there before;
//  - it is one annotation per swarm: two swarms patching the same field each keep their own
//    before and after (the second one's before is the first one's value), and each sees the
//    other's change as drift.
// It holds values of patched fields only; patches of Secrets are refused (load.ts), so no
// secret value is ever recorded.
//
// Fields are recorded down to the leaf through maps, and arrays whole (a merge patch replaces
// arrays whole too): a field the patch added under a map that did not exist records that map
// as `created`, and restoring removes the map again once it is empty, so an object whose
// annotations were absent has none again.
import type { KubeObject } from '../dist/types.ts';
// Same JSON value, key order aside; undefined (absent) equals only itself.
import { sameJson as sameValue } from './same-json.ts';

export interface RecordedField {
  /** JSON pointer of the field (through maps only). */
  path: string;
  /** What it held before the swarm's patches; absent: it did not exist. */
  before?: unknown;
  /** What the swarm's patches set; absent: they removed it. */
  after?: unknown;
}

export interface PatchRecord {
  fields: RecordedField[];
  /** Maps the patches created (pointers): removed again on restore when left empty. */
  created: string[];
}

export const RECORD_PREFIX = 'assisted-swarm.io/patched-by-';

/** The annotation holding swarm `swarm`'s record (a swarm's name is at most 30 characters, so it fits the 63 of a name). */
export const recordAnnotation = (swarm: string) => `${RECORD_PREFIX}${swarm}`;

type Json = Record<string, unknown>;
const isMap = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

const escape = (key: string) => key.replace(/~/g, '~0').replace(/\//g, '~1');
const segments = (pointer: string) => pointer.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));

/** The value at a pointer (through maps), undefined when absent. */
export function valueAt(doc: unknown, pointer: string): unknown {
  let node = doc;
  for (const key of segments(pointer)) {
    if (!isMap(node) || !Object.hasOwn(node, key)) return undefined;
    node = node[key];
  }
  return node;
}

function setAt(doc: Json, pointer: string, value: unknown): void {
  const keys = segments(pointer);
  let node = doc;
  for (const key of keys.slice(0, -1)) {
    if (!isMap(node[key])) node[key] = {};
    node = node[key] as Json;
  }
  node[keys[keys.length - 1]!] = structuredClone(value);
}

function removeAt(doc: Json, pointer: string): void {
  const keys = segments(pointer);
  const parent = valueAt(doc, keys.slice(0, -1).map((k) => `/${escape(k)}`).join(''));
  if (isMap(parent)) delete parent[keys[keys.length - 1]!];
}

/** The record of what changes from `base` (the object without the swarm's patches) to `patched`. */
export function recordOf(base: unknown, patched: unknown): PatchRecord {
  const record: PatchRecord = { fields: [], created: [] };
  const walk = (before: unknown, after: unknown, pointer: string) => {
    if (sameValue(before, after)) return;
    if (isMap(after) && Object.keys(after).length && (isMap(before) || before === undefined)) {
      if (before === undefined) record.created.push(pointer);
      const from = (before ?? {}) as Json;
      for (const key of new Set([...Object.keys(from), ...Object.keys(after)])) walk(from[key], after[key], `${pointer}/${escape(key)}`);
      return;
    }
    record.fields.push({ path: pointer, ...(before !== undefined ? { before } : {}), ...(after !== undefined ? { after } : {}) });
  };
  walk(base, patched, '');
  record.fields.sort((a, b) => a.path.localeCompare(b.path));
  record.created.sort();
  return record;
}

export const isEmptyRecord = (r: PatchRecord | null) => !r || (!r.fields.length && !r.created.length);

/** The swarm's record on `obj`; null when there is none; throws when it is not one. */
export function readRecord(obj: KubeObject, swarm: string): PatchRecord | null {
  const text = obj.metadata.annotations?.[recordAnnotation(swarm)];
  if (text === undefined) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = null;
  }
  const ok = isMap(parsed) && Array.isArray(parsed.fields) && Array.isArray(parsed.created) &&
    parsed.fields.every((f) => isMap(f) && typeof f.path === 'string') && parsed.created.every((c) => typeof c === 'string');
  if (!ok) throw new Error(`annotation ${recordAnnotation(swarm)} is not a record assisted-swarm wrote`);
  return parsed as unknown as PatchRecord;
}

/** A copy of `obj` with the swarm's record set (or removed, for null or an empty record). */
export function withRecord(obj: KubeObject, swarm: string, record: PatchRecord | null): KubeObject {
  const out = structuredClone(obj);
  const annotations = { ...out.metadata.annotations };
  if (isEmptyRecord(record)) delete annotations[recordAnnotation(swarm)];
  else annotations[recordAnnotation(swarm)] = JSON.stringify(record);
  if (Object.keys(annotations).length) out.metadata.annotations = annotations;
  else delete out.metadata.annotations;
  return out;
}

/** The recorded fields whose value is no longer what the swarm set: someone changed them since. */
export function driftOf(obj: KubeObject, record: PatchRecord): RecordedField[] {
  return record.fields.filter((f) => !sameValue(valueAt(obj, f.path), f.after));
}

/**
 * A copy of `obj` with the recorded fields put back as they were (those in `leave` left as they
 * are), and the maps the patches created removed again where nothing else is left in them.
 */
export function restore(obj: KubeObject, record: PatchRecord, leave: Set<string> = new Set()): KubeObject {
  const out = structuredClone(obj) as unknown as Json;
  for (const f of record.fields) {
    if (leave.has(f.path)) continue;
    if (Object.hasOwn(f, 'before')) setAt(out, f.path, f.before);
    else removeAt(out, f.path);
  }
  // Deepest first, so that a created map inside a created map goes too.
  for (const pointer of [...record.created].sort((a, b) => b.length - a.length)) {
    const value = valueAt(out, pointer);
    if (isMap(value) && !Object.keys(value).length) removeAt(out, pointer);
  }
  return out as unknown as KubeObject;
}
