// An InfraEnv: what fake hosts boot into. Bound to a cluster (clusterRef) or, for a
// late-binding pool, to none; with static networking it selects the hosts' NMStateConfigs.
import { Construct } from 'constructs';
import { InfraEnv } from './imports/agent-install.openshift.io.ts';
import type { ImageType } from '../config/types.ts';
import type { FakeHost, ObjectRef, Swarm } from '../swarm/model.ts';
import { SwarmBareMetalHost } from './bare-metal-host.ts';
import { HostNetworkConfig, nmstateSelector } from './nmstate.ts';
import { PULL_SECRET_NAME } from './pull-secret.ts';
import { swarmLabels } from '../swarm/labels.ts';
import { swarmMetadata } from './metadata.ts';

export interface SwarmInfraEnvProps {
  ref: ObjectRef;
  /** The ClusterDeployment to bind to; null for a late-binding pool. */
  clusterRef: ObjectRef | null;
  labels: Record<string, string>;
  infraEnvLabels: Record<string, string>;
  agentLabels: Record<string, string>;
  staticNetworking: boolean;
  /** null: left to the service (ISO_IMAGE_TYPE). */
  imageType: ImageType | null;
  hosts: FakeHost[];
}

/** The ClusterDeployment a pool host is bound to (late binding), for its BareMetalHost. */
function boundTo(swarm: Swarm, host: FakeHost, pooled: boolean): ObjectRef | undefined {
  if (!pooled || host.cluster === null) return undefined;
  const cluster = swarm.clusters.find((c) => c.name === host.cluster)!;
  return { namespace: cluster.namespace, name: cluster.name };
}

export class SwarmInfraEnv extends Construct {
  constructor(scope: Construct, id: string, swarm: Swarm, props: SwarmInfraEnvProps) {
    super(scope, id);
    new InfraEnv(this, 'infra-env', {
      metadata: swarmMetadata(swarm, {
        name: props.ref.name,
        namespace: props.ref.namespace,
        labels: { ...props.infraEnvLabels, ...props.labels },
      }),
      spec: {
        ...(props.clusterRef ? { clusterRef: props.clusterRef } : {}),
        pullSecretRef: { name: PULL_SECRET_NAME },
        sshAuthorizedKey: swarm.config.sshPublicKey,
        // The service copies these onto every Agent it creates: that is how the runner finds them.
        agentLabels: { ...props.agentLabels, ...props.labels, ...swarmLabels(swarm.name) },
        ...(props.staticNetworking ? { nmStateConfigLabelSelector: { matchLabels: nmstateSelector(props.ref) } } : {}),
        ...(props.imageType ? { imageType: props.imageType } : {}),
      },
    });
    if (props.staticNetworking) {
      for (const host of props.hosts) new HostNetworkConfig(this, host.hostname, swarm, host, props.labels);
    }
    for (const host of props.hosts.filter((h) => h.boot === 'bmh')) {
      new SwarmBareMetalHost(this, `bmh-${host.hostname}`, swarm, { host, labels: props.labels, bindTo: boundTo(swarm, host, props.clusterRef === null) });
    }
  }
}
