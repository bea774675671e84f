// What plan, apply and destroy start from: the config, the hub patches of patches/ (beside the
// config unless told), the hub client (kubeconfig chosen by lib/hub/kubeconfig.ts) and the
// container engines, each checked to answer before any work.
import { dirname, join } from 'node:path';
import { UserError } from '../config/errors.ts';
import { loadConfigFile } from '../config/load.ts';
import type { SwarmConfig } from '../config/types.ts';
import type { EnginePool } from '../engine/pool.ts';
import { openTarget } from '../engine/target.ts';
import { HubClient } from '../hub/client.ts';
import { loadKubeConfig, type LoadedKubeConfig } from '../hub/kubeconfig.ts';
import { hubPatches, loadPatches, patchVariables, type HubPatch } from '../patches/load.ts';

export interface SessionOptions {
  config: string;
  /** The patches folder; default: `patches` beside the config. */
  patches?: string;
  kubeconfig?: string;
  context?: string;
  /** Give up on a hub that keeps failing after this many seconds. */
  hubRetrySeconds?: number;
  /** Hub requests in flight at most. */
  maxInFlight?: number;
  /** The synthesized folder (a Kubernetes target starts its pods from dist/kubernetes). */
  dist?: string;
}

export interface Session {
  config: SwarmConfig;
  swarm: string;
  /** The `stage: hub` patches, their variables filled in for this swarm. */
  hubPatches: HubPatch[];
  kube: LoadedKubeConfig;
  hub: HubClient;
  engines: EnginePool;
}

export async function openSession(options: SessionOptions): Promise<Session> {
  const config = await loadConfigFile(options.config);
  const patchesDir = options.patches ?? join(dirname(options.config), 'patches');
  const patches = hubPatches(loadPatches(patchesDir, patchVariables({ name: config.name, config })));
  const kube = loadKubeConfig({ kubeconfig: options.kubeconfig, context: options.context }, config.hub);
  const hub = new HubClient(kube, {
    maxInFlight: options.maxInFlight,
    retry: options.hubRetrySeconds !== undefined ? { retryForMs: options.hubRetrySeconds * 1000 } : undefined,
  });
  const engines = openTarget(config, { dist: options.dist, hub: kube });
  await Promise.all([
    hub.ping(),
    engines.ping().catch((err: Error) => {
      const where = config.runtime.kubernetes ? 'config runtime.kubernetes' : 'config runtime.engines, or $DOCKER_HOST';
      throw new UserError(`${err.message} (${where}): plan, apply and destroy look at the swarm's containers there`);
    }),
  ]);
  return { config, swarm: config.name, hubPatches: patches, kube, hub, engines };
}
