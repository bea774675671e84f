// What is on the hub now, as far as a plan needs it: every object labeled as this swarm's (one
// list per kind), every namespace, and each object of dist/ that the lists did not find (a
// GET, skipped when its namespace does not exist). The resourceVersions seen are the live
// fingerprint of a saved plan.
import type { KubeObject } from '../dist/types.ts';
import { refKey, refOf, type HubClient } from '../hub/client.ts';
import { isEngineMade } from '../swarm/kubernetes.ts';
import { LABEL, swarmSelector } from '../swarm/labels.ts';
import { listKind, SWARM_KINDS } from './kinds.ts';

export interface LiveState {
  /** The swarm's objects on the hub (by its labels), by refKey. */
  labeled: Map<string, KubeObject>;
  /** Every object looked at (the labeled ones and dist/'s), by refKey; null when absent. */
  byKey: Map<string, KubeObject | null>;
  /** Every namespace on the hub, by name. */
  namespaces: Map<string, KubeObject>;
}

const isSwarms = (obj: KubeObject, swarm: string) => obj.metadata.labels?.[LABEL.swarm] === swarm;

/** Lists the swarm's objects (and all namespaces), then looks up what of `desired` they missed. */
export async function observeHub(hub: HubClient, swarm: string, desired: KubeObject[] = []): Promise<LiveState> {
  const selector = swarmSelector(swarm);
  const lists = await Promise.all(SWARM_KINDS.map((k) =>
    // All namespaces, labeled or not: dist/'s objects need to know which exist.
    listKind(k, () => hub.list(k.apiVersion, k.kind, k.kind === 'Namespace' ? {} : { labelSelector: selector }))));
  const namespaces = new Map<string, KubeObject>();
  const labeled = new Map<string, KubeObject>();
  for (const obj of lists.flat()) {
    if (obj.kind === 'Namespace') namespaces.set(obj.metadata.name, obj);
    // The Kubernetes engine's own (a pods' namespace, launch Secrets, file ConfigMaps) are not dist/'s to plan.
    if (isEngineMade(obj.metadata.labels)) continue;
    // A selector list holds only the swarm's; the namespace list holds all.
    if (obj.kind !== 'Namespace' || isSwarms(obj, swarm)) labeled.set(refKey(obj), obj);
  }

  const byKey = new Map<string, KubeObject | null>(labeled);
  const missing = desired.filter((o) => !byKey.has(refKey(o)));
  const found = await Promise.all(missing.map(async (o) => {
    if (o.kind === 'Namespace') return namespaces.get(o.metadata.name) ?? null;
    const ns = o.metadata.namespace;
    if (ns !== undefined && !namespaces.has(ns)) return null;
    return hub.get(refOf(o));
  }));
  missing.forEach((o, i) => byKey.set(refKey(o), found[i]!));
  return { labeled, byKey, namespaces };
}

/** refKey → resourceVersion (null: absent) of every object looked at, plus the given namespaces. */
export function liveFingerprint(live: LiveState, alsoNamespaces: string[] = []): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  for (const [key, obj] of live.byKey) out[key] = obj?.metadata ? (obj.metadata as { resourceVersion?: string }).resourceVersion ?? null : null;
  for (const name of alsoNamespaces) {
    const ns = live.namespaces.get(name);
    out[`Namespace ${name}`] = ns ? (ns.metadata as { resourceVersion?: string }).resourceVersion ?? null : null;
  }
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => a.localeCompare(b)));
}
