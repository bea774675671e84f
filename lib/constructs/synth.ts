// Synthesis: the swarm's hub objects into dist/hub/, its launch plans into dist/launch/ and, when
// its hosts run on Kubernetes, their pods into dist/kubernetes/: one file per cluster and per
// pool so that a PR shows a change where it happens.
// Output is written beside dist/ first and swapped in, so a failed synth leaves dist/ as it was.
import { App, Chart, YamlOutputType } from 'cdk8s';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Swarm } from '../swarm/model.ts';
import { SwarmCluster } from './cluster.ts';
import { SwarmImageSet } from './image-set.ts';
import { ClusterLaunchPlan, LaunchOrder, PoolLaunchPlan } from './launch-plan.ts';
import { SwarmPool } from './pool.ts';
import { ServiceTuning } from './service-tuning.ts';
import { ClusterWorkloads, PoolWorkloads } from './workloads.ts';

import { DIST_DIRS as DIRS, HUB_DIR, KUBERNETES_DIR, LAUNCH_DIR } from './dirs.ts';

export { HUB_DIR, KUBERNETES_DIR, LAUNCH_DIR };

/**
 * One cdk8s App per output file. Why not one App for everything: cdk8s resolves and
 * validates the whole App again for every chart it writes, which makes one big App
 * quadratic in the number of clusters; small Apps keep synth linear and memory flat.
 */
export interface SynthUnit {
  dir: (typeof DIRS)[number];
  /** The file's name without extension (the chart id). */
  id: string;
  build: (chart: Chart) => void;
}

/** Every output file of a swarm, in a stable order. */
export function synthUnits(swarm: Swarm): SynthUnit[] {
  const units: SynthUnit[] = [];
  const hub = (id: string, build: SynthUnit['build']) => units.push({ dir: HUB_DIR, id, build });
  const launch = (id: string, build: SynthUnit['build']) => units.push({ dir: LAUNCH_DIR, id, build });
  hub('swarm', (chart) => {
    new SwarmImageSet(chart, 'image-set', swarm);
    new ServiceTuning(chart, 'service-tuning', swarm);
  });
  for (const cluster of swarm.clusters) hub(`cluster-${cluster.name}`, (c) => new SwarmCluster(c, 'cluster', swarm, cluster));
  for (const pool of swarm.pools) hub(`pool-${pool.name}`, (c) => new SwarmPool(c, 'pool', swarm, pool));
  launch('swarm', (c) => new LaunchOrder(c, 'order', swarm));
  for (const cluster of swarm.clusters) launch(`cluster-${cluster.name}`, (c) => new ClusterLaunchPlan(c, 'plan', swarm, cluster));
  for (const pool of swarm.pools) launch(`pool-${pool.name}`, (c) => new PoolLaunchPlan(c, 'plan', swarm, pool));
  if (swarm.config.runtime.kubernetes) {
    const pods = (id: string, build: SynthUnit['build']) => units.push({ dir: KUBERNETES_DIR, id, build });
    for (const cluster of swarm.clusters) pods(`cluster-${cluster.name}`, (c) => new ClusterWorkloads(c, 'pods', swarm, cluster));
    for (const pool of swarm.pools) pods(`pool-${pool.name}`, (c) => new PoolWorkloads(c, 'pods', swarm, pool));
  }
  return units;
}

/** Builds one unit's construct tree in an App of its own, writing to `outdir/<dir>`. */
export function buildUnit(unit: SynthUnit, outdir: string): App {
  const app = new App({ outdir: join(outdir, unit.dir), yamlOutputType: YamlOutputType.FILE_PER_CHART });
  unit.build(new Chart(app, unit.id));
  return app;
}

/** Writes dist/hub, dist/launch (and dist/kubernetes) for `swarm`, replacing what was there. */
export function synthToDir(swarm: Swarm, dist: string, prepare?: (app: App, unit: SynthUnit) => void): void {
  const staging = `${dist}.staging-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  try {
    for (const unit of synthUnits(swarm)) {
      const app = buildUnit(unit, staging);
      prepare?.(app, unit);
      app.synth();
    }
    mkdirSync(dist, { recursive: true });
    for (const dir of DIRS) {
      const target = join(dist, dir);
      if (existsSync(target)) rmSync(target, { recursive: true });
      if (existsSync(join(staging, dir))) renameSync(join(staging, dir), target);
    }
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}
