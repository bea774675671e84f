// The kinds of hub objects a swarm makes, in the order apply creates them (what an object
// refers to exists before it), and the reverse order in which they are deleted. Agents are
// the service's, never the swarm's: they are not listed here, so never planned or deleted.
import type { KubeObject } from '../dist/types.ts';
import { KindNotServedError } from '../hub/errors.ts';

export interface SwarmKind {
  apiVersion: string;
  kind: string;
  namespaced: boolean;
  /** Only some swarms make it: a hub without its CRD simply has none (BareMetalHosts: metal3's CRD). */
  optional?: boolean;
}

/** Apply order, a wave at a time; the objects of one wave go in parallel. */
export const APPLY_WAVES: SwarmKind[][] = [
  [{ apiVersion: 'v1', kind: 'Namespace', namespaced: false }, { apiVersion: 'hive.openshift.io/v1', kind: 'ClusterImageSet', namespaced: false }],
  [{ apiVersion: 'v1', kind: 'Secret', namespaced: true }, { apiVersion: 'v1', kind: 'ConfigMap', namespaced: true }],
  [{ apiVersion: 'hive.openshift.io/v1', kind: 'ClusterDeployment', namespaced: true }],
  [{ apiVersion: 'extensions.hive.openshift.io/v1beta1', kind: 'AgentClusterInstall', namespaced: true }],
  [{ apiVersion: 'agent-install.openshift.io/v1beta1', kind: 'NMStateConfig', namespaced: true }],
  [{ apiVersion: 'agent-install.openshift.io/v1beta1', kind: 'InfraEnv', namespaced: true }],
  // After its InfraEnv (BMAC looks it up by label) and its BMC Secret.
  [{ apiVersion: 'metal3.io/v1alpha1', kind: 'BareMetalHost', namespaced: true, optional: true }],
];

/** Lists a kind of the swarm's; an optional kind the hub does not serve lists as none. */
export async function listKind(kind: SwarmKind, list: () => Promise<KubeObject[]>): Promise<KubeObject[]> {
  try {
    return await list();
  } catch (err) {
    if (kind.optional && err instanceof KindNotServedError) return [];
    throw err;
  }
}

export const SWARM_KINDS: SwarmKind[] = APPLY_WAVES.flat();

/** Position of a kind in apply order; unknown kinds last. */
export function waveOf(kind: string): number {
  const i = APPLY_WAVES.findIndex((wave) => wave.some((k) => k.kind === kind));
  return i === -1 ? APPLY_WAVES.length : i;
}

/** Groups items by apply wave, in apply order (reverse: delete order). */
export function inWaves<T>(items: T[], kindOf: (item: T) => string, reverse = false): T[][] {
  const waves: T[][] = Array.from({ length: APPLY_WAVES.length + 1 }, () => []);
  for (const item of items) waves[waveOf(kindOf(item))]!.push(item);
  const nonEmpty = waves.filter((w) => w.length);
  return reverse ? nonEmpty.reverse() : nonEmpty;
}
