// Loading the swarm's patches (patches/*.yaml): each file is checked against the format
// (schema.ts) and for what a schema can't say, its `${variables}` are filled in for one swarm,
// and every problem of every file is reported at once, each naming its file and field.
import { Ajv, type ErrorObject } from 'ajv';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { ConfigError, fieldPath, type ConfigProblem } from '../config/errors.ts';
import type { Swarm } from '../swarm/model.ts';
import { PatchFileSchema, type Operation, type PatchFileContent, type PatchTarget, type Stage } from './schema.ts';

export interface Patch {
  /** Where it was read from, as given (e.g. patches/service-virtual-interfaces.yaml). */
  file: string;
  what: string;
  why: string;
  stage: Stage;
  target: PatchTarget;
  /** Exactly one of jsonPatch and mergePatch is set. */
  jsonPatch: Operation[] | null;
  mergePatch: Record<string, unknown> | null;
}

/** A patch of a hub object the swarm does not own: plan, apply and destroy handle these. */
export type HubPatch = Patch & { stage: 'hub' };

/** What a patch may say as `${name}`; `$${` writes a literal `${`. */
export interface PatchVariables {
  /** The swarm's name. */
  swarm: string;
  /** Where the service and its tuning ConfigMap live (hub.serviceNamespace). */
  serviceNamespace: string;
}

/** The variables of a swarm (the expanded model, or just its name and config). */
export function patchVariables(swarm: Pick<Swarm, 'name' | 'config'>): PatchVariables {
  return { swarm: swarm.name, serviceNamespace: swarm.config.hub.serviceNamespace };
}

/** A patch file that can't be used: its problems, each naming the file and the field. */
export class PatchError extends ConfigError {
  constructor(problems: ConfigProblem[], source = 'patches') {
    super(problems, source);
    this.name = 'PatchError';
  }
}

const ajv = new Ajv({ allErrors: true, strict: true, verbose: true });
ajv.addKeyword({ keyword: 'expect', schemaType: 'string' });
const check = ajv.compile(PatchFileSchema);

/** How an operation is named in messages: `jsonPatch[1] (add /data/KEY)`. */
export function describeOperation(index: number, op: Pick<Operation, 'op' | 'path' | 'from'>): string {
  return `jsonPatch[${index}] (${op.op}${op.from !== undefined ? ` ${op.from} →` : ''} ${op.path})`;
}

function schemaProblems(file: string, errors: ErrorObject[]): ConfigProblem[] {
  return errors.map((err) => {
    const segments = err.instancePath.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
    const field = fieldPath(segments);
    const expect = (err.parentSchema as { expect?: string } | undefined)?.expect;
    let message = err.message ?? 'is invalid';
    if (err.keyword === 'additionalProperties') message = `unknown field "${(err.params as { additionalProperty: string }).additionalProperty}"`;
    else if (err.keyword === 'enum') message = `must be one of: ${(err.params as { allowedValues: unknown[] }).allowedValues.join(', ')}`;
    else if (expect) message = `must be ${expect}`;
    return { path: `${file}${field ? ` ${field}` : ''}`, message };
  });
}

/** Checks a schema can't express: one kind of patch, and the fields each operation needs. */
function semanticProblems(file: string, content: PatchFileContent): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const has = (x: unknown) => x !== undefined;
  if (has(content.jsonPatch) === has(content.mergePatch)) {
    problems.push({ path: file, message: 'give exactly one of jsonPatch (RFC 6902 operations) and mergePatch (RFC 7386)' });
  }
  (content.jsonPatch ?? []).forEach((op, i) => {
    const where = `${file} ${describeOperation(i, op)}`;
    const needsValue = ['add', 'replace', 'test'].includes(op.op);
    const needsFrom = ['move', 'copy'].includes(op.op);
    if (needsValue && !has(op.value)) problems.push({ path: where, message: `"${op.op}" needs a value` });
    if (!needsValue && has(op.value)) problems.push({ path: where, message: `"${op.op}" takes no value` });
    if (needsFrom && !has(op.from)) problems.push({ path: where, message: `"${op.op}" needs from` });
    if (!needsFrom && has(op.from)) problems.push({ path: where, message: `"${op.op}" takes no from` });
    if (op.path === '' && op.op !== 'test') problems.push({ path: where, message: 'a patch may not replace or remove the whole object' });
  });
  if (content.target.kind === 'Secret') problems.push({ path: `${file} target`, message: 'the swarm does not patch Secrets (their values must not land in dist/ or plans)' });
  return problems;
}

/** Replaces `${name}` in every string of `value`; unknown names are problems. */
function substitute(value: unknown, vars: PatchVariables, unknown: Set<string>): unknown {
  if (typeof value === 'string') {
    return value.replace(/\$(\$?)\{([^}]*)\}/g, (whole, escaped: string, name: string) => {
      if (escaped) return whole.slice(1);
      if (Object.hasOwn(vars, name)) return vars[name as keyof PatchVariables];
      unknown.add(name);
      return whole;
    });
  }
  if (Array.isArray(value)) return value.map((v) => substitute(v, vars, unknown));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [substitute(k, vars, unknown) as string, substitute(v, vars, unknown)]));
  }
  return value;
}

/** Reads one patch file, or returns its problems. */
function readPatch(path: string, file: string, vars: PatchVariables): Patch | ConfigProblem[] {
  const docs = parseAllDocuments(readFileSync(path, 'utf8'));
  const parseErrors = docs.flatMap((d) => d.errors);
  if (parseErrors.length) return parseErrors.map((e) => ({ path: file, message: `not valid YAML: ${e.message.split('\n')[0]}` }));
  if (docs.length !== 1) return [{ path: file, message: `holds ${docs.length} YAML documents; a patch file holds exactly one patch` }];
  const raw = docs[0]!.toJS();
  if (!check(raw)) return schemaProblems(file, check.errors ?? []);
  const problems = semanticProblems(file, raw);
  if (problems.length) return problems;
  const unknown = new Set<string>();
  const content = substitute(raw, vars, unknown) as PatchFileContent;
  if (unknown.size) {
    const known = Object.keys(vars).map((k) => `\${${k}}`).join(', ');
    return [...unknown].map((name) => ({ path: file, message: `unknown variable \${${name}} (known: ${known})` }));
  }
  return {
    file,
    what: content.what.trim(),
    why: content.why.trim(),
    stage: content.stage,
    target: content.target,
    jsonPatch: content.jsonPatch ?? null,
    mergePatch: content.mergePatch ?? null,
  };
}

/**
 * Every patch in `dir` (its *.yaml and *.yml files, in name order), for one swarm. A missing
 * folder holds no patches. Throws a PatchError listing the problems of all files.
 */
export function loadPatches(dir: string, vars: PatchVariables): Patch[] {
  if (!existsSync(dir)) return [];
  const names = readdirSync(dir).filter((n) => /\.ya?ml$/.test(n)).sort();
  const patches: Patch[] = [];
  const problems: ConfigProblem[] = [];
  for (const name of names) {
    const result = readPatch(join(dir, name), join(dir, name), vars);
    if (Array.isArray(result)) problems.push(...result);
    else patches.push(result);
  }
  if (problems.length) throw new PatchError(problems, dir);
  return patches;
}

/** The patches of hub objects the swarm does not own, for plan, apply and destroy. */
export function hubPatches(patches: Patch[]): HubPatch[] {
  return patches.filter((p): p is HubPatch => p.stage === 'hub');
}

export function targetKey(t: PatchTarget): string {
  return `${t.apiVersion}|${t.kind}|${t.namespace ?? ''}|${t.name}`;
}

export function describeTarget(t: PatchTarget): string {
  return `${t.kind} ${t.namespace ? `${t.namespace}/` : ''}${t.name} (${t.apiVersion})`;
}
