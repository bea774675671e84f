// Launch plans: what the runner starts, written to dist/launch/ for review like the hub's
// objects. These documents are not applied to the hub; they use the swarm's own API group.
import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import type { Cluster, FakeHost, Pool, Swarm } from '../swarm/model.ts';
import { controllerContainer, fakeHostContainer, swarmImage } from '../swarm/containers.ts';
import { swarmMetadata } from './metadata.ts';
import { hostOwnerLabels, LABEL } from '../swarm/labels.ts';
import { bareMetalHostName } from '../swarm/bare-metal.ts';

function hostLabels(host: FakeHost): Record<string, string> {
  return { ...hostOwnerLabels(host), [LABEL.host]: host.hostname, [LABEL.role]: host.role };
}

export const LAUNCH_API_VERSION = 'assisted-swarm.io/v1alpha1';

/** The file the dry-run installer and controller read: every host of one cluster. */
export class ClusterHostsFile extends Construct {
  constructor(scope: Construct, id: string, swarm: Swarm, name: string, path: string, hosts: FakeHost[], ownerLabels: Record<string, string>) {
    super(scope, id);
    new ApiObject(this, 'doc', {
      apiVersion: LAUNCH_API_VERSION,
      kind: 'ClusterHostsFile',
      metadata: swarmMetadata(swarm, { name, labels: ownerLabels }),
      spec: {
        path,
        hosts: hosts.map((h) => ({ hostname: h.hostname, ip: h.ip, rebootMarkerPath: h.rebootMarkerPath })),
      },
    });
  }
}

/** One fake host: its identity, where it boots, what it becomes, and its container. */
export class FakeHostPlan extends Construct {
  constructor(scope: Construct, id: string, swarm: Swarm, host: FakeHost, cluster: Cluster | null) {
    super(scope, id);
    new ApiObject(this, 'doc', {
      apiVersion: LAUNCH_API_VERSION,
      kind: 'FakeHost',
      metadata: swarmMetadata(swarm, { name: host.hostname, labels: hostLabels(host) }),
      spec: {
        hostname: host.hostname,
        hostId: host.hostId,
        macAddress: host.macAddress,
        ipv4: `${host.ip}/${host.prefixLength}`,
        role: host.role,
        // cdk8s drops null fields: an unbound pool host has no `cluster` and no `bindTo`.
        ...(host.cluster !== null ? { cluster: host.cluster } : {}),
        infraEnv: host.infraEnv,
        // Late binding: the Agent is bound to this ClusterDeployment once it has registered.
        ...(host.pool !== null && cluster ? { bindTo: { namespace: cluster.namespace, name: cluster.name } } : {}),
        // A host that arrives as a BareMetalHost boots once BMAC has given it its ISO (absent: a plain agent).
        ...(host.boot === 'bmh' ? { boot: 'bmh', bareMetalHost: { namespace: host.infraEnv.namespace, name: bareMetalHostName(host) } } : {}),
        rebootMarkerPath: host.rebootMarkerPath,
        clusterHostsPath: host.clusterHostsPath,
        container: fakeHostContainer(swarm, host, cluster),
      },
    });
  }
}

/** A cluster's dry-run controller, started once the service gives the cluster an id. */
export class DryRunControllerPlan extends Construct {
  constructor(scope: Construct, id: string, swarm: Swarm, cluster: Cluster) {
    super(scope, id);
    new ApiObject(this, 'doc', {
      apiVersion: LAUNCH_API_VERSION,
      kind: 'DryRunController',
      metadata: swarmMetadata(swarm, { name: cluster.name, labels: { [LABEL.cluster]: cluster.name } }),
      spec: {
        cluster: cluster.name,
        agentClusterInstall: { namespace: cluster.namespace, name: cluster.name },
        container: controllerContainer(swarm, cluster),
      },
    });
  }
}

export class ClusterLaunchPlan extends Construct {
  constructor(scope: Construct, id: string, swarm: Swarm, cluster: Cluster) {
    super(scope, id);
    new ClusterHostsFile(this, 'cluster-hosts', swarm, cluster.name, cluster.clusterHostsPath, cluster.hosts, { [LABEL.cluster]: cluster.name });
    new DryRunControllerPlan(this, 'controller', swarm, cluster);
    // Hosts of a pool-fed cluster boot from the pool and are planned with it.
    if (cluster.infraEnv) for (const host of cluster.hosts) new FakeHostPlan(this, host.hostname, swarm, host, cluster);
  }
}

export class PoolLaunchPlan extends Construct {
  constructor(scope: Construct, id: string, swarm: Swarm, pool: Pool) {
    super(scope, id);
    const unbound = pool.hosts.filter((h) => h.cluster === null);
    new ClusterHostsFile(this, 'cluster-hosts', swarm, pool.name, pool.clusterHostsPath, unbound, { [LABEL.pool]: pool.name });
    for (const host of pool.hosts) {
      const cluster = host.cluster === null ? null : swarm.clusters.find((c) => c.name === host.cluster)!;
      new FakeHostPlan(this, host.hostname, swarm, host, cluster);
    }
  }
}

/** In which order clusters and pools are launched, and with which images. */
export class LaunchOrder extends Construct {
  constructor(scope: Construct, id: string, swarm: Swarm) {
    super(scope, id);
    const { images, ordering } = swarm.config;
    new ApiObject(this, 'doc', {
      apiVersion: LAUNCH_API_VERSION,
      kind: 'LaunchOrder',
      metadata: swarmMetadata(swarm, { name: swarm.name }),
      spec: {
        ordering,
        images: { swarm: swarmImage(swarm), agent: images.agent, installer: images.installer, controller: images.controller },
        units: swarm.launchOrder.map((u) => `${u.kind}/${u.name}`),
      },
    });
  }
}
