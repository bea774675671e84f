// Names derived from the config, in one place so every part of the tool agrees on them.
import type { ClusterGroup, SwarmConfig } from './types.ts';

export function clusterName(group: Pick<ClusterGroup, 'name'>, index: number): string {
  return `${group.name}-${index + 1}`;
}

export function clusterNames(group: Pick<ClusterGroup, 'name' | 'count'>): string[] {
  return Array.from({ length: group.count }, (_, i) => clusterName(group, i));
}

/** Every cluster and pool lives in a namespace of its own. */
export function namespaceOf(config: Pick<SwarmConfig, 'name' | 'hub'>, owner: string): string {
  return `${config.hub.namespacePrefix ?? `${config.name}-`}${owner}`;
}
