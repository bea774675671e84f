// Running a patch's operations on a plain object, as plan does for a hub patch on the live
// object: in order, each checked, a failure named by the file and the operation in words.
import fastJsonPatch from 'fast-json-patch';
import { describeOperation, describeTarget, PatchError, type Patch } from './load.ts';
import { applyMergePatch } from './merge.ts';

/** fast-json-patch's error names, in words. */
const REASONS: Record<string, string> = {
  OPERATION_PATH_UNRESOLVABLE: 'the path does not exist in the object',
  OPERATION_PATH_CANNOT_ADD: 'the parent of the path does not exist in the object',
  OPERATION_FROM_UNRESOLVABLE: 'from does not exist in the object',
  OPERATION_PATH_ILLEGAL_ARRAY_INDEX: 'not a valid array index',
  OPERATION_VALUE_OUT_OF_BOUNDS: 'the array index is out of bounds',
  TEST_OPERATION_FAILED: 'the test failed: the object holds another value there',
};

export function reasonOf(err: unknown): string {
  return REASONS[(err as { name?: string }).name ?? ''] ?? (err as Error).message.split('\n')[0]!;
}

/** `doc` with `patch` applied (doc is not changed); a PatchError names the operation that failed. */
export function applyPatch<T>(doc: T, patch: Patch): T {
  if (patch.mergePatch) return applyMergePatch(doc, patch.mergePatch) as T;
  let out = structuredClone(doc);
  patch.jsonPatch!.forEach((op, i) => {
    try {
      out = fastJsonPatch.applyOperation(out, op as fastJsonPatch.Operation, true, true).newDocument;
    } catch (err) {
      throw new PatchError([{ path: `${patch.file} ${describeOperation(i, op)}`, message: `cannot apply to ${describeTarget(patch.target)}: ${reasonOf(err)}` }]);
    }
  });
  return out;
}
