// What plan, apply and destroy start from: the config, the hub client (kubeconfig chosen by
// lib/hub/kubeconfig.ts) and the container engines, each checked to answer before any work.
import { UserError } from '../cli/errors.ts';
import { loadConfigFile } from '../config/load.ts';
import type { SwarmConfig } from '../config/types.ts';
import { openEngines, type EnginePool } from '../engine/pool.ts';
import { HubClient } from '../hub/client.ts';
import { loadKubeConfig, type LoadedKubeConfig } from '../hub/kubeconfig.ts';

export interface SessionOptions {
  config: string;
  kubeconfig?: string;
  context?: string;
  /** Give up on a hub that keeps failing after this many seconds. */
  hubRetrySeconds?: number;
  /** Hub requests in flight at most. */
  maxInFlight?: number;
}

export interface Session {
  config: SwarmConfig;
  swarm: string;
  kube: LoadedKubeConfig;
  hub: HubClient;
  engines: EnginePool;
}

export async function openSession(options: SessionOptions): Promise<Session> {
  const config = await loadConfigFile(options.config);
  const kube = loadKubeConfig({ kubeconfig: options.kubeconfig, context: options.context }, config.hub);
  const hub = new HubClient(kube, {
    maxInFlight: options.maxInFlight,
    retry: options.hubRetrySeconds !== undefined ? { retryForMs: options.hubRetrySeconds * 1000 } : undefined,
  });
  const engines = openEngines(config.runtime.engines);
  await Promise.all([
    hub.ping(),
    engines.ping().catch((err: Error) => {
      throw new UserError(`${err.message} (config runtime.engines, or $DOCKER_HOST): plan, apply and destroy look at the swarm's containers there`);
    }),
  ]);
  return { config, swarm: config.name, kube, hub, engines };
}
