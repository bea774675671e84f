// The pull secret: dist/ holds only where it comes from (annotation `pull-secret-from`:
// `env:NAME` or `file:PATH`); plan and apply read it from there. The value lives in memory
// only: plans compare hashes of it, messages never quote it (not even a JSON parse error,
// which would show part of it).
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import type { KubeObject } from '../dist/types.ts';
import { ANNOTATION } from '../swarm/labels.ts';
import { UserError } from '../config/errors.ts';

export const PULL_SECRET_KEY = '.dockerconfigjson';

export interface PullSecretValue {
  source: string;
  /** base64 of the JSON, as Secret .data holds it. */
  data: string;
  sha256: string;
}

export const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** The `env:…`/`file:…` source of a pull-secret Secret of dist/, or null for any other object. */
export function pullSecretSource(obj: KubeObject): string | null {
  return obj.kind === 'Secret' ? obj.metadata.annotations?.[ANNOTATION.pullSecretFrom] ?? null : null;
}

function readSource(source: string): string {
  const [how, ...rest] = source.split(':');
  const where = rest.join(':');
  if (how === 'env') {
    const value = process.env[where];
    if (value === undefined || value === '') throw new UserError(`pull secret: environment variable ${where} is not set (config pullSecret.env); set it to the pull secret's JSON ({"auths": …})`);
    return value;
  }
  if (how === 'file') {
    if (!existsSync(where)) throw new UserError(`pull secret: no file ${where} (config pullSecret.file)`);
    try {
      return readFileSync(where, 'utf8');
    } catch (err) {
      throw new UserError(`pull secret: cannot read ${where}: ${(err as NodeJS.ErrnoException).code ?? 'unreadable'}`);
    }
  }
  throw new UserError(`pull secret: unknown source "${source}" (expected env:NAME or file:PATH): run \`npm run synth\` again`);
}

/** Reads and checks one source: JSON with an "auths" object. Fails with a UserError that quotes nothing of it. */
export function readPullSecret(source: string): PullSecretValue {
  const text = readSource(source).trim();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new UserError(`pull secret from ${source} is not JSON (expected {"auths": {…}})`);
  }
  const auths = (parsed as { auths?: unknown } | null)?.auths;
  if (!auths || typeof auths !== 'object' || Array.isArray(auths)) {
    throw new UserError(`pull secret from ${source} has no "auths" object (expected {"auths": {…}})`);
  }
  const data = Buffer.from(text).toString('base64');
  return { source, data, sha256: sha256(data) };
}

/** Reads each source once. */
export class PullSecrets {
  private readonly values = new Map<string, PullSecretValue | UserError>();

  /** The value, or the reason it can't be had. */
  lookup(source: string): PullSecretValue | UserError {
    let value = this.values.get(source);
    if (!value) {
      try { value = readPullSecret(source); } catch (err) { if (!(err instanceof UserError)) throw err; value = err; }
      this.values.set(source, value);
    }
    return value;
  }

  /** The value; throws the reason it can't be had. */
  get(source: string): PullSecretValue {
    const value = this.lookup(source);
    if (value instanceof UserError) throw value;
    return value;
  }

  /** Why sources looked up could not be read (plan warns; apply refuses). */
  problems(): UserError[] {
    return [...this.values.values()].filter((v): v is UserError => v instanceof UserError);
  }

  /** One hash over every source's hash (or its problem): changes when any value does. */
  fingerprint(): string {
    const parts = [...this.values.entries()].sort(([a], [b]) => a.localeCompare(b))
      .map(([source, v]) => `${source}=${v instanceof UserError ? 'unreadable' : v.sha256}`);
    return sha256(parts.join('\n'));
  }

  /** Strings that must never be printed: every value read, raw and base64. */
  secrets(): string[] {
    return [...this.values.values()].flatMap((v) => v instanceof UserError ? [] : [v.data, Buffer.from(v.data, 'base64').toString()]);
  }
}

/** The Secret as apply sends it: dist/'s object with `.data` filled. */
export function withPullSecret(obj: KubeObject, value: PullSecretValue): KubeObject {
  return { ...obj, data: { [PULL_SECRET_KEY]: value.data } };
}
