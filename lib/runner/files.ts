// Step 2: the files the containers bind-mount, made before any container starts, on the engine
// each cluster runs on: every host's folder (its reboot marker goes there) and every cluster's
// cluster-hosts file (the ClusterHostsFile docs: `[{hostname, ip, rebootMarkerPath}]`, what the
// dry-run agent, installer and controller read from DRY_CLUSTER_HOSTS_PATH).
import { dirname } from 'node:path';
import type { ContainerEngine, FileToWrite } from '../engine/engine.ts';
import { placementKey } from '../engine/pool.ts';
import type { RunContext } from './context.ts';

export async function writeHostFiles(ctx: RunContext): Promise<void> {
  const perEngine = new Map<ContainerEngine, { dirs: string[]; files: FileToWrite[] }>();
  const on = (labels: Record<string, string>) => {
    const engine = ctx.engines.engineFor(placementKey(labels));
    let batch = perEngine.get(engine);
    if (!batch) perEngine.set(engine, (batch = { dirs: [], files: [] }));
    return batch;
  };
  for (const doc of ctx.plan.clusterHostsFiles) {
    on(doc.metadata.labels ?? {}).files.push({ path: doc.spec.path, content: `${JSON.stringify(doc.spec.hosts, null, 2)}\n` });
  }
  for (const host of ctx.plan.hosts) {
    on(host.spec.container.labels).dirs.push(dirname(host.spec.rebootMarkerPath));
  }
  await Promise.all([...perEngine].map(([engine, batch]) => engine.writeFiles({ ...batch, image: ctx.plan.image })));
}
