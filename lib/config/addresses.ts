// Address planning: which IPv4 range each group's clusters and each pool use. Groups and pools
// with a network of their own keep it; the others are carved, in config order, from the shared
// `network.machineNetworks`. Every machine network reserves its network address, .1 (gateway),
// .2 and .3 (API and ingress VIPs) and the broadcast address; hosts start at .4.
import type { ConfigProblem } from './errors.ts';
import { formatCidr, overlaps, parseCidr, size, type Ipv4Net } from './ipv4.ts';
import { hostsPerCluster, needsVips } from './topology.ts';
import type { SwarmConfig } from './types.ts';

export const FIRST_HOST_OFFSET = 4;
const RESERVED = FIRST_HOST_OFFSET + 1;

export interface AddressPlan {
  /** For each group with its own InfraEnv: the machine network of its first cluster. */
  groups: Map<string, Ipv4Net>;
  pools: Map<string, Ipv4Net>;
}

export function hostCapacity(net: Ipv4Net): number {
  return Math.max(0, size(net) - RESERVED);
}

export function planAddresses(config: SwarmConfig): { plan: AddressPlan; problems: ConfigProblem[] } {
  const problems: ConfigProblem[] = [];
  const plan: AddressPlan = { groups: new Map(), pools: new Map() };
  const claimed: { path: string; net: Ipv4Net }[] = [];
  const net = config.network;

  const shared = parse(net.machineNetworks, 'network.machineNetworks', problems);
  let cursor = shared?.base ?? 0;
  let sharedUsed = false;
  /** Takes `count` aligned blocks of length `prefix` from the shared range. */
  const carve = (prefix: number, count: number): Ipv4Net => {
    const block = 2 ** (32 - prefix);
    cursor = Math.ceil(cursor / block) * block;
    const first = { base: cursor, prefix };
    cursor += block * count;
    sharedUsed = true;
    return first;
  };

  config.clusters.forEach((group, i) => {
    if (group.hostsFrom !== null) return;
    const own = group.machineNetwork;
    const prefix = own?.clusterPrefix ?? net.clusterPrefix;
    const prefixPath = own?.clusterPrefix != null ? `clusters[${i}].machineNetwork.clusterPrefix` : 'network.clusterPrefix';
    const needed = hostsPerCluster(group);
    const capacity = hostCapacity({ base: 0, prefix });
    if (needed > capacity) {
      problems.push({
        path: prefixPath,
        message: `a /${prefix} machine network holds ${capacity} hosts, but each cluster of clusters[${i}] (${group.name}) needs ${needed}`,
      });
      return;
    }
    if (!own) {
      plan.groups.set(group.name, carve(prefix, group.count));
      return;
    }
    const range = parse(own.cidr, `clusters[${i}].machineNetwork.cidr`, problems);
    if (!range) return;
    claimed.push({ path: `clusters[${i}].machineNetwork.cidr`, net: range });
    if (prefix < range.prefix) {
      problems.push({ path: prefixPath, message: `/${prefix} is wider than the group's range ${own.cidr}` });
      return;
    }
    const fits = 2 ** (prefix - range.prefix);
    if (group.count > fits) {
      problems.push({
        path: `clusters[${i}].count`,
        message: `${group.count} clusters need ${group.count} /${prefix} networks, but ${own.cidr} holds ${fits}`,
      });
      return;
    }
    plan.groups.set(group.name, { base: range.base, prefix });
  });

  config.pools.forEach((pool, i) => {
    const vipPairs = config.clusters
      .filter((g) => g.hostsFrom === pool.name && needsVips(g))
      .reduce((n, g) => n + g.count, 0);
    const needed = pool.hosts + 2 * vipPairs;
    if (!pool.machineNetwork) {
      const prefix = 32 - Math.ceil(Math.log2(needed + RESERVED));
      plan.pools.set(pool.name, carve(prefix, 1));
      return;
    }
    const path = `pools[${i}].machineNetwork.cidr`;
    const range = parse(pool.machineNetwork.cidr, path, problems);
    if (!range) return;
    claimed.push({ path, net: range });
    if (needed > hostCapacity(range)) {
      const vips = vipPairs ? ` and ${2 * vipPairs} VIPs` : '';
      problems.push({ path, message: `${pool.machineNetwork.cidr} holds ${hostCapacity(range)} addresses, but the pool needs ${pool.hosts} hosts${vips}` });
      return;
    }
    plan.pools.set(pool.name, range);
  });

  if (shared && sharedUsed) {
    claimed.push({ path: 'network.machineNetworks', net: shared });
    if (cursor > shared.base + size(shared)) {
      const need = cursor - shared.base;
      problems.push({
        path: 'network.machineNetworks',
        message: `${net.machineNetworks} holds ${size(shared)} addresses, but the groups and pools without a network of their own need ${need}; widen it or give them their own`,
      });
    }
  }
  const clusterNet = parse(net.clusterNetwork.cidr, 'network.clusterNetwork.cidr', problems);
  const serviceNet = parse(net.serviceNetwork, 'network.serviceNetwork', problems);
  if (clusterNet) claimed.push({ path: 'network.clusterNetwork.cidr', net: clusterNet });
  if (serviceNet) claimed.push({ path: 'network.serviceNetwork', net: serviceNet });
  claimed.forEach((a, i) => {
    const clash = claimed.slice(0, i).find((b) => overlaps(a.net, b.net));
    if (clash) problems.push({ path: a.path, message: `${formatCidr(a.net)} overlaps ${clash.path} (${formatCidr(clash.net)})` });
  });
  return { plan, problems };
}

function parse(text: string, path: string, problems: ConfigProblem[]): Ipv4Net | null {
  const net = parseCidr(text);
  if (typeof net === 'string') {
    problems.push({ path, message: net });
    return null;
  }
  return net;
}
