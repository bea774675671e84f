// Objects in the swarm's namespaces that are not the swarm's: deleting such a namespace would
// take them along, so it is kept (and said so). Looked for among the kinds the swarm and the
// service make; objects owned (ownerReferences) by one of the swarm's objects, like the
// service's per-cluster Secrets, and what Kubernetes puts in every namespace, belong with it.
import type { KubeObject } from '../dist/types.ts';
import { refKey, type HubClient } from '../hub/client.ts';
import { LABEL } from '../swarm/labels.ts';
import { listKind, SWARM_KINDS, type SwarmKind } from './kinds.ts';

const AGENT: SwarmKind = { apiVersion: 'agent-install.openshift.io/v1beta1', kind: 'Agent', namespaced: true };
/** Made in every namespace by kube-controller-manager. */
const NAMESPACE_DEFAULTS = new Set(['ConfigMap kube-root-ca.crt']);

interface Owned { metadata: { uid?: string; ownerReferences?: { uid: string }[] } }

/** The uids of objects, to recognise what they own (even after they are deleted). */
export function uidsOf(objects: Iterable<KubeObject>): Set<string> {
  return new Set([...objects].map((o) => (o as Owned).metadata.uid).filter((u): u is string => !!u));
}

/** namespace → the objects in it that are neither this swarm's nor owned by its objects. */
export async function foreignObjects(hub: HubClient, swarm: string, namespaces: string[], ourUids: Set<string>): Promise<Map<string, string[]>> {
  const wanted = new Set(namespaces);
  const out = new Map<string, string[]>();
  if (!wanted.size) return out;
  const kinds = [...SWARM_KINDS.filter((k) => k.namespaced), AGENT];
  // `!=` also matches objects without the label at all.
  const lists = await Promise.all(kinds.map((k) => listKind(k, () => hub.list(k.apiVersion, k.kind, { labelSelector: `${LABEL.swarm}!=${swarm}` }))));
  for (const obj of lists.flat()) {
    const ns = obj.metadata.namespace;
    if (!ns || !wanted.has(ns)) continue;
    const name = `${obj.kind} ${obj.metadata.name}`;
    if (NAMESPACE_DEFAULTS.has(name)) continue;
    if ((obj as Owned).metadata.ownerReferences?.some((r) => ourUids.has(r.uid))) continue;
    out.set(ns, [...(out.get(ns) ?? []), refKey(obj)]);
  }
  return out;
}
