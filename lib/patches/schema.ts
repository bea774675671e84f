// The format of a patch file (patches/*.yaml), as a JSON Schema written with TypeBox: the
// schema and the TypeScript type are one thing, and ajv checks each file against it.
import { Type, type Static } from '@sinclair/typebox';

/** A JSON pointer (RFC 6901): "" or "/" segments, "~0" for "~" and "~1" for "/". */
const POINTER = '^(/([^~/]|~[01])*)*$';
const Pointer = Type.String({ pattern: POINTER, expect: 'a JSON pointer such as /data/KEY (~1 stands for "/")' });

export const STAGES = ['synth', 'hub'] as const;
export const OPS = ['add', 'remove', 'replace', 'move', 'copy', 'test'] as const;

export const OperationSchema = Type.Object({
  op: Type.Unsafe<(typeof OPS)[number]>({ type: 'string', enum: [...OPS] }),
  path: Pointer,
  /** For add, replace and test. */
  value: Type.Optional(Type.Unknown()),
  /** For move and copy. */
  from: Type.Optional(Pointer),
}, { additionalProperties: false });

export const TargetSchema = Type.Object({
  apiVersion: Type.String({ minLength: 1 }),
  kind: Type.String({ minLength: 1 }),
  /** Absent for a cluster-scoped object. */
  namespace: Type.Optional(Type.String({ minLength: 1 })),
  name: Type.String({ minLength: 1 }),
}, { additionalProperties: false });

export const PatchFileSchema = Type.Object({
  /** What the patch changes, in a sentence. */
  what: Type.String({ minLength: 1 }),
  /** Why the swarm needs it. */
  why: Type.String({ minLength: 1 }),
  /**
   * synth: the target is an object the swarm synthesizes; the patch is applied during synth
   * and dist/ shows the result. hub: the target is a hub object the swarm does not own;
   * plan shows the patch, apply applies it, destroy restores what was there.
   */
  stage: Type.Unsafe<(typeof STAGES)[number]>({ type: 'string', enum: [...STAGES] }),
  target: TargetSchema,
  /** RFC 6902 operations, applied in order. Exactly one of jsonPatch and mergePatch. */
  jsonPatch: Type.Optional(Type.Array(OperationSchema, { minItems: 1 })),
  /** An RFC 7386 merge patch (null removes a field). */
  mergePatch: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
}, { additionalProperties: false });

export type Operation = Static<typeof OperationSchema>;
export type PatchTarget = Static<typeof TargetSchema>;
export type PatchFileContent = Static<typeof PatchFileSchema>;
export type Stage = (typeof STAGES)[number];
