// Field-level differences between a live object and what apply would make of it (the server's
// dry run), leaving out what the server manages itself (managedFields, resourceVersion, uid,
// status, …). Secret data is compared by hash and reported as a sensitive change, never shown.
// certainlyUnchanged() spares the dry run for objects that provably would not change.
import jsonpatch from 'fast-json-patch';
import type { KubeObject } from '../dist/types.ts';
import type { FieldChange } from './types.ts';
import { sha256 } from './pull-secret.ts';
import { sameJson, sortKeys } from '../patches/same-json.ts';

const SERVER_METADATA = ['managedFields', 'resourceVersion', 'generation', 'uid', 'creationTimestamp', 'selfLink'];
const SECRET_FIELDS = ['data', 'stringData'];

/** The object without what the server manages, and without secret data. */
export function comparable(obj: KubeObject): Record<string, unknown> {
  const { status: _status, ...rest } = obj as Record<string, unknown>;
  const metadata = { ...(obj.metadata as unknown as Record<string, unknown>) };
  for (const key of SERVER_METADATA) delete metadata[key];
  const out: Record<string, unknown> = { ...rest, metadata };
  if (obj.kind === 'Secret') for (const key of SECRET_FIELDS) delete out[key];
  return out;
}

const secretHash = (obj: KubeObject) => sha256(JSON.stringify(SECRET_FIELDS.map((k) => sortKeys(obj[k] ?? null))));

export { sameJson, sortKeys };

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

const isMap = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

/**
 * Whether the fields this manager owns (a managedFields fieldsV1 tree) are exactly the fields
 * of `sent`, each with the live value. A field owned whole (no children in the tree: a leaf, a
 * list, an atomic map) is compared whole; list keys (k:/v:/i:) are not followed (false).
 */
function ownsExactly(fields: FieldsV1, sent: Record<string, unknown>, live: unknown): boolean {
  const owned = Object.keys(fields).filter((k) => k !== '.');
  if (owned.length !== Object.keys(sent).length) return false;
  for (const key of owned) {
    if (!key.startsWith('f:')) return false;
    const name = key.slice(2);
    if (!(name in sent)) return false;
    const child = fields[key] as FieldsV1;
    const liveChild = isMap(live) ? live[name] : undefined;
    const hasChildren = Object.keys(child).some((k) => k !== '.');
    const value = sent[name];
    if (!hasChildren) {
      if (!sameJson(value, liveChild)) return false;
    } else if (!isMap(value) || !ownsExactly(child, value, liveChild)) {
      return false;
    }
  }
  return true;
}

/**
 * True when applying `desired` would leave `live` as it is: the fields this field manager owns
 * are exactly the ones sent (so none would be removed) and each already has the value sent.
 * False means "not sure": ask the server (dry run).
 */
export function certainlyUnchanged(desired: KubeObject, live: KubeObject, fieldManager: string): boolean {
  const entries = (live.metadata as { managedFields?: { manager?: string; operation?: string; subresource?: string; fieldsV1?: FieldsV1 }[] })
    .managedFields?.filter((m) => m.manager === fieldManager && m.operation === 'Apply' && !m.subresource);
  if (entries?.length !== 1 || !entries[0]!.fieldsV1) return false;
  const { apiVersion: _a, kind: _k, metadata, ...body } = desired;
  const { name: _n, namespace: _ns, ...meta } = metadata;
  const sent = { ...body, ...(Object.keys(meta).length ? { metadata: meta } : {}) };
  return ownsExactly(entries[0]!.fieldsV1, sent, live);
}
