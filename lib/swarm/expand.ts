// Expands a validated config into the full swarm: every cluster of every group, every pool,
// every fake host with its name, address, identity, role and folders.
import { FIRST_HOST_OFFSET, planAddresses } from '../config/addresses.ts';
import { formatCidr, formatIpv4, size, type Ipv4Net } from '../config/ipv4.ts';
import { clusterName, namespaceOf } from '../config/names.ts';
import { controlPlaneCount, needsVips, workerCount } from '../config/topology.ts';
import type { ClusterGroup, SwarmConfig } from '../config/types.ts';
import { hostId, MacAllocator } from './identity.ts';
import type { Cluster, FakeHost, HostRole, LaunchUnit, MachineNetwork, Pool, Swarm } from './model.ts';
import { orderUnits } from './order.ts';

/**
 * With host networking every fake host's `lo` also carries ::1, which the service reports as an
 * IP collision between the hosts of one cluster (seen with upstream's service); so multi-host
 * clusters ignore exactly that validation, and nothing more.
 */
export const HOST_NETWORKING_IGNORED_VALIDATIONS = ['no-ip-collisions-in-network'];

export function expandSwarm(config: SwarmConfig): Swarm {
  const { plan, problems } = planAddresses(config);
  if (problems.length) throw new Error(`expandSwarm needs a validated config: ${problems[0]!.path}: ${problems[0]!.message}`);
  const stateDir = swarmStateDir(config);
  const macs = new MacAllocator();

  const makeHost = (owner: string, index: number, hostname: string, net: Ipv4Net, dir: string, fields: Pick<FakeHost, 'role' | 'cluster' | 'pool' | 'infraEnv' | 'boot'>): FakeHost => ({
    hostname,
    hostId: hostId(config.name, owner, index),
    macAddress: macs.next(config.name, owner, index),
    ip: formatIpv4(net.base + FIRST_HOST_OFFSET + index),
    prefixLength: net.prefix,
    gateway: formatIpv4(net.base + 1),
    ...fields,
    dir: `${dir}/${hostname}`,
    rebootMarkerPath: `${dir}/${hostname}/reboot-marker`,
    clusterHostsPath: `${dir}/cluster-hosts.json`,
  });

  const pools: Pool[] = config.pools.map((p) => {
    const net = plan.pools.get(p.name)!;
    const namespace = namespaceOf(config, p.name);
    const infraEnv = { namespace, name: p.name };
    const dir = `${stateDir}/${p.name}`;
    return {
      name: p.name,
      namespace,
      machineNetwork: machineNetwork(net),
      infraEnv,
      hosts: Array.from({ length: p.hosts }, (_, i) =>
        makeHost(p.name, i, `${p.name}-${i}`, net, dir, { role: 'auto-assign', cluster: null, pool: p.name, infraEnv, boot: p.boot })),
      infraEnvLabels: p.infraEnvLabels,
      agentLabels: p.agentLabels,
      staticNetworking: p.staticNetworking,
      boot: p.boot,
      imageType: p.imageType,
      dir,
      clusterHostsPath: `${dir}/cluster-hosts.json`,
    };
  });
  const poolCursor = new Map(pools.map((p) => [p.name, { next: 0, vipPairs: 0 }]));

  const clusters: Cluster[] = [];
  for (const group of config.clusters) {
    for (let k = 0; k < group.count; k++) {
      const name = clusterName(group, k);
      const namespace = namespaceOf(config, name);
      const dir = `${stateDir}/${name}`;
      const roles = rolesOf(group);
      const base = {
        name, namespace, group: group.name, topology: group.topology,
        controlPlanes: controlPlaneCount(group), workers: workerCount(group), baseDomain: group.baseDomain,
        hostsFrom: group.hostsFrom, infraEnvLabels: group.infraEnvLabels, agentLabels: group.agentLabels,
        ignoredHostValidations: roles.length > 1
          ? [...new Set([...group.ignoreValidations.host, ...HOST_NETWORKING_IGNORED_VALIDATIONS])]
          : group.ignoreValidations.host,
        ignoredClusterValidations: group.ignoreValidations.cluster,
        holdInstallation: group.holdInstallation, dir, clusterHostsPath: `${dir}/cluster-hosts.json`,
      };
      if (group.hostsFrom === null) {
        const first = plan.groups.get(group.name)!;
        const net = { base: first.base + k * size(first), prefix: first.prefix };
        const infraEnv = { namespace, name };
        clusters.push({
          ...base,
          machineNetwork: machineNetwork(net),
          vips: needsVips(group) ? { api: formatIpv4(net.base + 2), ingress: formatIpv4(net.base + 3) } : null,
          infraEnv,
          hosts: roles.map((role, j) =>
            makeHost(name, j, `${name}-${role}-${roleIndex(roles, j)}`, net, dir, { role, cluster: name, pool: null, infraEnv, boot: group.boot ?? 'agent' })),
          staticNetworking: group.staticNetworking,
          boot: group.boot ?? 'agent',
          imageType: group.imageType,
        });
        continue;
      }
      // Late binding: the cluster's hosts boot into the pool's InfraEnv and are bound to it later.
      const pool = pools.find((p) => p.name === group.hostsFrom)!;
      const cursor = poolCursor.get(pool.name)!;
      const hosts = roles.map((role, j) => {
        const taken = pool.hosts[cursor.next++]!;
        Object.assign(taken, {
          role, cluster: name,
          dir: `${dir}/${taken.hostname}`,
          rebootMarkerPath: `${dir}/${taken.hostname}/reboot-marker`,
          clusterHostsPath: `${dir}/cluster-hosts.json`,
        });
        return taken;
      });
      const poolNet = plan.pools.get(pool.name)!;
      let vips: Cluster['vips'] = null;
      if (needsVips(group)) {
        // VIPs of pool-fed clusters come from the top of the pool's network, two per cluster.
        const last = poolNet.base + size(poolNet) - 2 - 2 * cursor.vipPairs++;
        vips = { api: formatIpv4(last), ingress: formatIpv4(last - 1) };
      }
      clusters.push({ ...base, machineNetwork: pool.machineNetwork, vips, infraEnv: null, hosts, staticNetworking: pool.staticNetworking, boot: pool.boot, imageType: null });
    }
  }

  const units: LaunchUnit[] = [
    ...clusters.filter((c) => c.infraEnv).map((c) => ({ kind: 'cluster' as const, name: c.name })),
    ...pools.map((p) => ({ kind: 'pool' as const, name: p.name })),
  ];
  return {
    config,
    name: config.name,
    imageSetName: `${config.name}-${config.release.openshiftVersion}`,
    clusters,
    pools,
    launchOrder: orderUnits(units, config.ordering.mode, config.ordering.seed),
    stateDir,
  };
}

function machineNetwork(net: Ipv4Net): MachineNetwork {
  return { cidr: formatCidr(net), gateway: formatIpv4(net.base + 1) };
}

function rolesOf(group: ClusterGroup): HostRole[] {
  return [
    ...Array<HostRole>(controlPlaneCount(group)).fill('master'),
    ...Array<HostRole>(workerCount(group)).fill('worker'),
  ];
}

/** Index of host `j` among the hosts of the same role: master-0..2, worker-0..n. */
function roleIndex(roles: HostRole[], j: number): number {
  return roles.slice(0, j).filter((r) => r === roles[j]).length;
}

/** `<runtime.stateDir>/<swarm>`: every host's and cluster's folder lives under it (destroy removes it). */
export function swarmStateDir(config: SwarmConfig): string {
  return `${config.runtime.stateDir.replace(/\/+$/, '')}/${config.name}`;
}
