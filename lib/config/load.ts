// Loading a swarm config: the schema check (ajv, which also fills the defaults), then the
// checks a schema can't say (lib/config/semantic.ts). Every problem is reported at once.
import { Type, type Static } from '@sinclair/typebox';
import { Ajv, type ErrorObject } from 'ajv';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { ProfileQuerySchema, SwarmConfigSchema } from './schema.ts';
import { ConfigError, fieldPath, type ConfigProblem } from './errors.ts';
import { semanticProblems } from './semantic.ts';
import type { Complete, SwarmConfig } from './types.ts';

const ajv = new Ajv({ allErrors: true, useDefaults: true, verbose: true, strict: true });
ajv.addKeyword({ keyword: 'expect', schemaType: 'string' });
const check = ajv.compile(SwarmConfigSchema);
const checkProfile = ajv.compile(Type.Array(ProfileQuerySchema));

export type ProfileQueries = Complete<Static<typeof ProfileQuerySchema>>[];

/** Validates a config object and returns it with every default filled in. */
export function validateConfig(input: unknown, source = 'swarm config'): SwarmConfig {
  const config = structuredClone(input) as SwarmConfig;
  if (!check(config)) throw new ConfigError(schemaProblems(check.errors ?? []), source);
  const problems = semanticProblems(config);
  if (problems.length) throw new ConfigError(problems, source);
  return config;
}

/** What a config of a name alone becomes: every default, from the schema. */
export function configDefaults(): SwarmConfig {
  return validateConfig({ name: 'defaults' });
}

/** Imports a config module (its default export) and validates it. */
export async function loadConfigFile(file: string): Promise<SwarmConfig> {
  const path = resolve(file);
  if (!existsSync(path)) throw new ConfigError([{ path: '', message: `no such file: ${path}` }], file);
  let mod: { default?: unknown };
  try {
    mod = await import(pathToFileURL(path).href);
  } catch (err) {
    throw new ConfigError([{ path: '', message: `cannot load: ${(err as Error).message.split('\n')[0]}` }], file);
  }
  if (mod.default === undefined) {
    throw new ConfigError([{ path: '', message: 'has no default export (export default defineSwarm({...}))' }], file);
  }
  return validateConfig(mod.default, file);
}

/** Reads a metrics profile: a YAML or JSON list of { metricName, query, unit? } (kube-burner's
 *  profiles load as they are; their `instant` flag is dropped: every query here is instant). */
export function loadProfileFile(file: string): ProfileQueries {
  let input: unknown;
  try {
    input = parseYaml(readFileSync(resolve(file), 'utf8'));
  } catch (err) {
    throw new ConfigError([{ path: '', message: `cannot read: ${(err as Error).message.split('\n')[0]}` }], file);
  }
  if (Array.isArray(input)) input = input.map((q) => (q && typeof q === 'object' ? (({ instant: _, ...rest }) => rest)(q as Record<string, unknown>) : q));
  if (!checkProfile(input)) throw new ConfigError(schemaProblems(checkProfile.errors ?? []), file);
  return input as ProfileQueries;
}

function schemaProblems(errors: ErrorObject[]): ConfigProblem[] {
  const seen = new Set<string>();
  const problems: ConfigProblem[] = [];
  for (const err of errors) {
    // A bad key is reported by the key's own schema and again by propertyNames; keep the latter.
    if ((err as ErrorObject & { propertyName?: string }).propertyName !== undefined) continue;
    const problem = describe(err);
    const key = `${problem.path}\u0000${problem.message}`;
    if (!seen.has(key)) problems.push(problem), seen.add(key);
  }
  return problems;
}

function describe(err: ErrorObject): ConfigProblem {
  const at = err.instancePath.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  const got = JSON.stringify(err.data);
  const parent = err.parentSchema as { expect?: string; properties?: Record<string, unknown>; propertyNames?: { expect?: string } } | undefined;
  switch (err.keyword) {
    case 'required':
      return { path: fieldPath([...at, err.params.missingProperty]), message: 'is required' };
    case 'additionalProperties': {
      const known = Object.keys(parent?.properties ?? {});
      return {
        path: fieldPath([...at, err.params.additionalProperty]),
        message: `unknown field${known.length ? ` (known fields: ${known.join(', ')})` : ''}`,
      };
    }
    case 'enum':
      return { path: fieldPath(at), message: `must be one of: ${err.params.allowedValues.join(', ')} (got ${got})` };
    case 'type':
      return { path: fieldPath(at), message: `must be ${[err.params.type].flat().join(' or ')} (got ${got})` };
    case 'pattern':
      return { path: fieldPath(at), message: `must be ${parent?.expect ?? `like ${err.params.pattern}`} (got ${got})` };
    case 'propertyNames':
      return {
        path: fieldPath(at),
        message: `has an invalid key ${JSON.stringify(err.params.propertyName)}${parent?.propertyNames?.expect ? ` (keys must be ${parent.propertyNames.expect})` : ''}`,
      };
    default:
      return { path: fieldPath(at), message: `${err.message} (got ${got})` };
  }
}
