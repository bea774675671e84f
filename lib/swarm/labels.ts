// Labels and annotations that mark what the swarm made. Every hub object and container carries
// `managed-by: assisted-swarm` and the swarm's name: that is how plan finds what to delete and
// destroy finds what is its own (and leaves everything else alone).

export const MANAGED_BY = 'app.kubernetes.io/managed-by';
export const MANAGER = 'assisted-swarm';

export const LABEL = {
  swarm: 'assisted-swarm.io/swarm',
  cluster: 'assisted-swarm.io/cluster',
  pool: 'assisted-swarm.io/pool',
  host: 'assisted-swarm.io/host',
  role: 'assisted-swarm.io/role',
  /** fake-host | controller */
  component: 'assisted-swarm.io/component',
  /** Hash of a container's launch-plan spec: a changed spec means a replaced container. */
  specHash: 'assisted-swarm.io/spec-hash',
  /** On fake hosts' containers: the address the agent reports ("ip-prefix"), so plan can say when a change re-addresses one. */
  ipv4: 'assisted-swarm.io/ipv4',
  /** On NMStateConfigs, the InfraEnv that selects them. */
  nmstateFor: 'assisted-swarm.io/nmstate-for',
} as const;

export const ANNOTATION = {
  /** On the pull-secret Secret: where apply reads the value from (`env:NAME` or `file:PATH`). */
  pullSecretFrom: 'assisted-swarm.io/pull-secret-from',
  /** On the service-tuning ConfigMap: what makes the service read it. */
  readBy: 'assisted-swarm.io/read-by',
  /** On a BareMetalHost's BMC Secret: that its credentials are placeholders. */
  bmcCredentials: 'assisted-swarm.io/bmc-credentials',
} as const;

/** The labels every object and container of swarm `swarm` carries. */
export function swarmLabels(swarm: string): Record<string, string> {
  return { [MANAGED_BY]: MANAGER, [LABEL.swarm]: swarm };
}

/** A label selector string for everything of one swarm. */
export function swarmSelector(swarm: string): string {
  return `${MANAGED_BY}=${MANAGER},${LABEL.swarm}=${swarm}`;
}

/** The labels naming what a fake host belongs to: its cluster, or its pool while unbound. */
export function hostOwnerLabels(host: { cluster: string | null; pool: string | null }): Record<string, string> {
  return host.cluster !== null ? { [LABEL.cluster]: host.cluster } : { [LABEL.pool]: host.pool! };
}
