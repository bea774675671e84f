// Checks that need more than one field at a time: names that must be unique, references
// between groups and pools, sizes, and the address plan.
import { planAddresses } from './addresses.ts';
import type { ConfigProblem } from './errors.ts';
import { isPerRoute } from './thresholds.ts';
import { hostsPerCluster } from './topology.ts';
import type { SwarmConfig } from './types.ts';
import { clusterNames, namespaceOf } from './names.ts';

export function semanticProblems(config: SwarmConfig): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const add = (path: string, message: string) => problems.push({ path, message });

  const ps = config.pullSecret;
  if ((ps.file === null) === (ps.env === null)) {
    add('pullSecret', 'give exactly one of file or env (where the pull secret is read from at apply time)');
  }

  // Every cluster and pool gets a namespace named after it: names must not collide.
  const owners = new Map<string, string>();
  const claim = (name: string, path: string) => {
    const previous = owners.get(name);
    if (previous) add(path, `"${name}" is already used by ${previous}`);
    else owners.set(name, path);
    const namespace = namespaceOf(config, name);
    if (namespace.length > 63) add(path, `namespace "${namespace}" is longer than 63 characters`);
  };

  config.clusters.forEach((group, i) => {
    const path = `clusters[${i}]`;
    if (group.topology !== 'multi-node' && group.workers > 0) {
      add(`${path}.workers`, `only a multi-node cluster has workers (topology is ${group.topology})`);
    }
    if (group.topology === 'multi-node' && group.workers < 1) {
      add(`${path}.workers`, 'a multi-node cluster needs at least 1 worker (topology compact is 3 control planes alone)');
    }
    if (group.hostsFrom !== null && !config.pools.some((p) => p.name === group.hostsFrom)) {
      const known = config.pools.map((p) => p.name).join(', ') || 'none';
      add(`${path}.hostsFrom`, `no pool named "${group.hostsFrom}" (pools: ${known})`);
    }
    const pool = config.pools.find((p) => p.name === group.hostsFrom);
    if (pool && group.boot !== null && group.boot !== pool.boot) {
      add(`${path}.boot`, `the hosts of this group come from pool "${pool.name}", which boots them as ${pool.boot}: set boot on the pool, or leave it out here`);
    }
    if (group.hostsFrom !== null && group.imageType !== null) {
      add(`${path}.imageType`, `the hosts of this group boot from pool "${group.hostsFrom}"'s InfraEnv: set imageType on the pool, or leave it out here`);
    }
    for (const name of clusterNames(group)) claim(name, `${path}.name`);
  });

  config.pools.forEach((pool, i) => {
    claim(pool.name, `pools[${i}].name`);
    const takers = config.clusters.filter((g) => g.hostsFrom === pool.name);
    const needed = takers.reduce((n, g) => n + g.count * hostsPerCluster(g), 0);
    if (needed > pool.hosts) {
      const who = takers.map((g) => `${g.name} (${g.count} × ${hostsPerCluster(g)})`).join(', ');
      add(`pools[${i}].hosts`, `${pool.hosts} hosts cannot serve the clusters that take from this pool: ${who} need ${needed}`);
    }
  });

  if (config.runtime.kubernetes && config.runtime.engines.length) {
    add('runtime.kubernetes', 'fake hosts run either on Docker engines (runtime.engines) or on Kubernetes (runtime.kubernetes): choose one');
  }
  config.report.thresholds.forEach((t, i) => {
    const limits = [t.max, t.min, t.maxPercentOverBase].filter((v) => v !== null).length;
    if (limits !== 1) add(`report.thresholds[${i}]`, 'give exactly one of max, min or maxPercentOverBase');
    if (t.route !== null && !isPerRoute(t.metric)) add(`report.thresholds[${i}].route`, `${t.metric} is not per route (only api.* figures are)`);
  });
  const prom = config.report.prometheus;
  if (prom && !prom.queries.length && prom.profile === null) add('report.prometheus', 'give queries, a profile file, or both');

  problems.push(...planAddresses(config).problems);
  return problems;
}
