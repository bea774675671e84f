// Address planning: which IPv4 range each group's clusters and each pool use. Groups and pools
// with a network of their own keep it; the others take slots of `network.slotPrefix` (a /16 by
// default) from the shared `network.machineNetworks`, as many as they need, in config order:
// groups from the bottom of the range up, pools from the top down, so that a group or a pool
// added at the end of its list moves nothing.
// A group or pool grows inside its slots without moving anything: a pool's machine network is
// its whole slot (so its prefix does not follow its size), a group's clusters are carved one
// after the other from the start of its slots. Only a group or pool that outgrows its slots, or
// one added, removed or reordered before others, moves those after it (plan says so).
// Every machine network reserves its network address, .1 (gateway), .2 and .3 (API and ingress
// VIPs) and the broadcast address; hosts start at .4.
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

/** Hands out slots of the shared range: from the bottom up, or from the top down; a block of several is aligned to its size. */
class Slots {
  private bottom = 0;
  private top = 0;
  used = false;
  constructor(readonly range: Ipv4Net, readonly prefix: number) {}

  get count(): number {
    return 2 ** (this.prefix - this.range.prefix);
  }

  /** The first address of `slots` consecutive slots, aligned to a multiple of `align` slots. */
  take(slots: number, align: number, from: 'bottom' | 'top'): number {
    let first: number;
    if (from === 'bottom') {
      first = Math.ceil(this.bottom / align) * align;
      this.bottom = first + slots;
    } else {
      // Counted from the top: the block ends where the last one taken from the top began.
      const end = this.count - this.top;
      first = Math.floor((end - slots) / align) * align;
      this.top = this.count - first;
    }
    this.used = true;
    return this.range.base + first * size({ base: 0, prefix: this.prefix });
  }

  /** How many slots the two ends need together. */
  get taken(): number {
    return this.bottom + this.top;
  }
}

export function planAddresses(config: SwarmConfig): { plan: AddressPlan; problems: ConfigProblem[] } {
  const problems: ConfigProblem[] = [];
  const plan: AddressPlan = { groups: new Map(), pools: new Map() };
  const claimed: { path: string; net: Ipv4Net }[] = [];
  const net = config.network;

  const shared = parse(net.machineNetworks, 'network.machineNetworks', problems);
  if (shared && net.slotPrefix < shared.prefix) {
    problems.push({ path: 'network.slotPrefix', message: `a /${net.slotPrefix} slot is wider than network.machineNetworks ${net.machineNetworks}` });
  }
  const slots = shared && net.slotPrefix >= shared.prefix ? new Slots(shared, net.slotPrefix) : null;
  const slotSize = size({ base: 0, prefix: net.slotPrefix });

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
      if (!slots) return;
      const block = size({ base: 0, prefix });
      const count = Math.max(1, Math.ceil((group.count * block) / slotSize));
      plan.groups.set(group.name, { base: slots.take(count, Math.max(1, block / slotSize), 'bottom'), prefix });
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
      if (!slots) return;
      // Its whole slot, or the smallest aligned block of slots that holds it.
      const count = 2 ** Math.max(0, Math.ceil(Math.log2((needed + RESERVED) / slotSize)));
      plan.pools.set(pool.name, { base: slots.take(count, count, 'top'), prefix: net.slotPrefix - Math.log2(count) });
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

  if (shared && slots?.used) {
    claimed.push({ path: 'network.machineNetworks', net: shared });
    if (slots.taken > slots.count) {
      problems.push({
        path: 'network.machineNetworks',
        message: `${net.machineNetworks} holds ${slots.count} /${net.slotPrefix} slots, but the groups and pools without a network of their own need ${slots.taken}; widen it, narrow network.slotPrefix or give them their own`,
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
