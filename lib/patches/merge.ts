// RFC 7386 JSON merge patch: objects merge key by key, null removes a key, anything else
// (arrays included) replaces. And the same change as RFC 6902 operations, which is how a merge
// patch reaches cdk8s (ApiObject.addJsonPatch) and how plan can show it field by field.
import fastJsonPatch from 'fast-json-patch';
import type { Operation } from './schema.ts';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function applyMergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return structuredClone(patch);
  const result: Record<string, unknown> = isObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = applyMergePatch(result[key], value);
  }
  return result;
}

/** The RFC 6902 operations that turn `doc` into `doc` merged with `patch`. */
export function mergePatchOperations(doc: unknown, patch: Record<string, unknown>): Operation[] {
  return fastJsonPatch.compare(doc as object, applyMergePatch(doc, patch) as object) as Operation[];
}
