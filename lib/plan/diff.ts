// Field-level differences between a live object and what apply would make of it (the server's
// dry run), leaving out what the server manages itself (managedFields, resourceVersion, uid,
// status, …). Secret data is compared by hash and reported as a sensitive change, never shown.
// certainlyUnchanged() spares the dry run for objects that provably would not change.
import jsonpatch from 'fast-json-patch';
import type { KubeObject } from '../dist/types.ts';
import type { FieldChange } from './types.ts';
import { sha256 } from './pull-secret.ts';

const SERVER_METADATA = ['managedFields', 'resourceVersion', 'generation', 'uid', 'creationTimestamp', 'selfLink'];
const SECRET_FIELDS = ['data', 'stringData'];

/** The object without what the server manages, and without secret data. */
function comparable(obj: KubeObject): Record<string, unknown> {
  const { status: _status, ...rest } = obj as Record<string, unknown>;
  const metadata = { ...(obj.metadata as unknown as Record<string, unknown>) };
  for (const key of SERVER_METADATA) delete metadata[key];
  const out: Record<string, unknown> = { ...rest, metadata };
  if (obj.kind === 'Secret') for (const key of SECRET_FIELDS) delete out[key];
  return out;
}

const secretHash = (obj: KubeObject) => sha256(JSON.stringify(SECRET_FIELDS.map((k) => sortKeys(obj[k] ?? null))));

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.keys(value).sort().map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]));
  }
  return value;
}

/** Same JSON value (key order aside). */
export function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(sortKeys(a)) === JSON.stringify(sortKeys(b));
}

function pointerToPath(pointer: string, root: unknown): (string | number)[] {
  const path: (string | number)[] = [];
  let node = root as Record<string, unknown> | unknown[] | undefined;
  for (const raw of pointer.split('/').slice(1)) {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    const index = Array.isArray(node) && /^\d+$/.test(seg) ? Number(seg) : seg;
    path.push(index);
    node = node && typeof node === 'object' ? (node as Record<string | number, unknown>)[index] as typeof node : undefined;
  }
  return path;
}

/** What changes from `live` to `next`, field by field; Secret data as one sensitive change. */
export function fieldChanges(live: KubeObject, next: KubeObject): FieldChange[] {
  const before = comparable(live);
  const after = comparable(next);
  const changes: FieldChange[] = jsonpatch.compare(before, after).map((op) => {
    const path = pointerToPath(op.path, op.op === 'add' ? after : before);
    if (op.op === 'add') return { path, op: 'add', after: op.value };
    const old = jsonpatch.getValueByPointer(before, op.path);
    if (op.op === 'remove') return { path, op: 'remove', before: old };
    return { path, op: 'change', before: old, after: (op as { value: unknown }).value };
  });
  if (live.kind === 'Secret' && secretHash(live) !== secretHash(next)) changes.push({ path: ['data'], op: 'change', sensitive: true });
  return changes.sort((a, b) => a.path.join('\u0000').localeCompare(b.path.join('\u0000')));
}

type FieldsV1 = Record<string, unknown>;

/** Leaf paths in a managedFields fieldsV1 tree; null where it holds list keys (k:/v:/i:), which this does not follow. */
function ownedLeaves(fields: FieldsV1, prefix: string, out: Set<string>): boolean {
  for (const [key, child] of Object.entries(fields)) {
    if (key === '.') continue;
    if (!key.startsWith('f:')) return false;
    const path = `${prefix}\u0000${key.slice(2)}`;
    const children = Object.keys(child as FieldsV1).filter((k) => k !== '.');
    if (!children.length) out.add(path);
    else if (!ownedLeaves(child as FieldsV1, path, out)) return false;
  }
  return true;
}

/** Leaf paths of an object as apply sends it (maps are walked; lists and empty maps are leaves). */
function sentLeaves(value: unknown, prefix: string, out: Map<string, unknown>): void {
  const entries = Object.entries(value as Record<string, unknown>);
  for (const [key, child] of entries) {
    const path = `${prefix}\u0000${key}`;
    if (child && typeof child === 'object' && !Array.isArray(child) && Object.keys(child).length) sentLeaves(child, path, out);
    else out.set(path, child);
  }
}

function valueAt(obj: unknown, path: string): unknown {
  let node = obj;
  for (const seg of path.split('\u0000').slice(1)) node = node && typeof node === 'object' ? (node as Record<string, unknown>)[seg] : undefined;
  return node;
}

/**
 * True when applying `desired` would leave `live` as it is: every field sent already has that
 * value, and the fields this field manager owns are exactly the ones sent (so none would be
 * removed). False means "not sure": ask the server (dry run).
 */
export function certainlyUnchanged(desired: KubeObject, live: KubeObject, fieldManager: string): boolean {
  const entry = (live.metadata as { managedFields?: { manager?: string; operation?: string; subresource?: string; fieldsV1?: FieldsV1 }[] })
    .managedFields?.filter((m) => m.manager === fieldManager && m.operation === 'Apply' && !m.subresource);
  if (entry?.length !== 1 || !entry[0]!.fieldsV1) return false;
  const owned = new Set<string>();
  if (!ownedLeaves(entry[0]!.fieldsV1, '', owned)) return false;

  const { apiVersion: _a, kind: _k, metadata, ...body } = desired;
  const { name: _n, namespace: _ns, ...meta } = metadata;
  const sent = new Map<string, unknown>();
  sentLeaves({ ...body, ...(Object.keys(meta).length ? { metadata: meta } : {}) }, '', sent);
  if (sent.size !== owned.size) return false;
  for (const [path, value] of sent) {
    if (!owned.has(path) || !sameJson(value, valueAt(live, path))) return false;
  }
  return true;
}
