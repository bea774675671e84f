// How many hosts of each role a cluster shape has.
import type { ClusterGroup } from './types.ts';

export function controlPlaneCount(group: Pick<ClusterGroup, 'topology'>): number {
  return group.topology === 'single-node' ? 1 : 3;
}

export function workerCount(group: Pick<ClusterGroup, 'topology' | 'workers'>): number {
  return group.topology === 'multi-node' ? group.workers : 0;
}

export function hostsPerCluster(group: Pick<ClusterGroup, 'topology' | 'workers'>): number {
  return controlPlaneCount(group) + workerCount(group);
}

/** Multi-host clusters get API and ingress VIPs; a single node is its own endpoint. */
export function needsVips(group: Pick<ClusterGroup, 'topology'>): boolean {
  return group.topology !== 'single-node';
}
