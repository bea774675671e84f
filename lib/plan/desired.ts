// The objects apply sends: dist/hub's, checked to be this swarm's, with the pull secret filled
// in where it can be read (plan can go on without it; apply cannot).
import { UserError } from '../config/errors.ts';
import { readHubObjects } from '../dist/read.ts';
import type { KubeObject } from '../dist/types.ts';
import { refKey } from '../hub/client.ts';
import { LABEL } from '../swarm/labels.ts';
import { pullSecretSource, withPullSecret, type PullSecrets } from './pull-secret.ts';

export interface DesiredObject {
  key: string;
  /** As apply sends it (pull secret filled when it could be read). */
  object: KubeObject;
  /** The Secret's source, when this is a pull secret. */
  pullSecretFrom: string | null;
  /** Why the pull secret could not be read (then `object` has no data). */
  unreadable: UserError | null;
}

/** dist/hub's objects for swarm `swarm`; a dist/ of another swarm is an error. */
export function desiredObjects(dist: string, swarm: string, secrets: PullSecrets): DesiredObject[] {
  const objects = readHubObjects(dist);
  const others = [...new Set(objects.map((o) => o.metadata.labels?.[LABEL.swarm] ?? '(none)'))].filter((s) => s !== swarm);
  if (others.length) {
    throw new UserError(`${dist}/ holds objects of swarm ${others.map((s) => `"${s}"`).join(', ')}, not "${swarm}" (the config's): run \`npm run synth\``);
  }
  const seen = new Set<string>();
  return objects.map((obj) => {
    const key = refKey(obj);
    if (seen.has(key)) throw new UserError(`${dist}/ holds ${key} twice: run \`npm run synth\``);
    seen.add(key);
    const source = pullSecretSource(obj);
    if (source === null) return { key, object: obj, pullSecretFrom: null, unreadable: null };
    const value = secrets.lookup(source);
    return value instanceof UserError
      ? { key, object: obj, pullSecretFrom: source, unreadable: value }
      : { key, object: withPullSecret(obj, value), pullSecretFrom: source, unreadable: null };
  });
}

/** Namespaces the objects go in that they do not make themselves (the service's): they must exist. */
export function usedNamespaces(objects: KubeObject[]): string[] {
  const made = new Set(objects.filter((o) => o.kind === 'Namespace').map((o) => o.metadata.name));
  return [...new Set(objects.map((o) => o.metadata.namespace).filter((ns): ns is string => !!ns && !made.has(ns)))].sort();
}
