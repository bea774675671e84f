// One cluster of the swarm: its namespace and pull secret, the ClusterDeployment and the
// AgentClusterInstall that describe it to the service, and its InfraEnv (unless its hosts
// come from a late-binding pool).
import { Construct } from 'constructs';
import { ClusterDeployment } from './imports/hive.openshift.io.ts';
import {
  AgentClusterInstall,
  AgentClusterInstallSpecNetworkingNetworkType,
} from './imports/extensions.hive.openshift.io.ts';
import type { Cluster, Swarm } from '../swarm/model.ts';
import { SwarmInfraEnv } from './infra-env.ts';
import { LABEL } from '../swarm/labels.ts';
import { swarmMetadata } from './metadata.ts';
import { SwarmNamespace } from './namespace.ts';
import { PullSecret, PULL_SECRET_NAME } from './pull-secret.ts';

/** The service's annotations for validations it should not hold a cluster back for. */
export const IGNORED_HOST_VALIDATIONS = 'agent-install.openshift.io/ignored-host-validations';
export const IGNORED_CLUSTER_VALIDATIONS = 'agent-install.openshift.io/ignored-cluster-validations';

export class SwarmCluster extends Construct {
  constructor(scope: Construct, id: string, swarm: Swarm, cluster: Cluster) {
    super(scope, id);
    const labels = { [LABEL.cluster]: cluster.name };
    const { namespace, name } = cluster;
    const net = swarm.config.network;

    new SwarmNamespace(this, 'namespace', swarm, namespace, labels);
    new PullSecret(this, 'pull-secret', swarm, namespace, labels);

    new ClusterDeployment(this, 'cluster-deployment', {
      metadata: swarmMetadata(swarm, { name, namespace, labels }),
      spec: {
        baseDomain: cluster.baseDomain,
        clusterName: name,
        clusterInstallRef: { group: 'extensions.hive.openshift.io', kind: 'AgentClusterInstall', name, version: 'v1beta1' },
        controlPlaneConfig: { servingCertificates: {} },
        platform: { agentBareMetal: { agentSelector: { matchLabels: labels } } },
        pullSecretRef: { name: PULL_SECRET_NAME },
      },
    });

    const ignored = {
      ...(cluster.ignoredHostValidations.length ? { [IGNORED_HOST_VALIDATIONS]: cluster.ignoredHostValidations.join(',') } : {}),
      ...(cluster.ignoredClusterValidations.length ? { [IGNORED_CLUSTER_VALIDATIONS]: cluster.ignoredClusterValidations.join(',') } : {}),
    };
    const singleNode = cluster.vips === null;
    new AgentClusterInstall(this, 'agent-cluster-install', {
      metadata: swarmMetadata(swarm, { name, namespace, labels, annotations: ignored }),
      spec: {
        clusterDeploymentRef: { name },
        imageSetRef: { name: swarm.imageSetName },
        networking: {
          clusterNetwork: [{ cidr: net.clusterNetwork.cidr, hostPrefix: net.clusterNetwork.hostPrefix }],
          serviceNetwork: [net.serviceNetwork],
          machineNetwork: [{ cidr: cluster.machineNetwork.cidr }],
          networkType: AgentClusterInstallSpecNetworkingNetworkType.OVN_KUBERNETES,
          // A single node serves its own API: no VIPs, user-managed networking.
          userManagedNetworking: singleNode,
        },
        // workerAgents: 0 is left out, as the service writes it (omitempty): else the service's
        // next update of the object drops it and every plan shows it as a change.
        provisionRequirements: { controlPlaneAgents: cluster.controlPlanes, ...(cluster.workers ? { workerAgents: cluster.workers } : {}) },
        sshPublicKey: swarm.config.sshPublicKey,
        ...(cluster.vips ? { apiViPs: [cluster.vips.api], ingressViPs: [cluster.vips.ingress] } : {}),
        ...(cluster.holdInstallation ? { holdInstallation: true } : {}),
      },
    });

    if (cluster.infraEnv) {
      new SwarmInfraEnv(this, 'infra-env', swarm, {
        ref: cluster.infraEnv,
        clusterRef: { name, namespace },
        labels,
        infraEnvLabels: cluster.infraEnvLabels,
        agentLabels: cluster.agentLabels,
        staticNetworking: cluster.staticNetworking,
        imageType: cluster.imageType,
        hosts: cluster.hosts,
      });
    }
  }
}
