// The runner: turns launch plans into running fake hosts and drives every cluster to
// installed (issue 5). `apply` calls runSwarm once the hub objects are in place.
import type { KubeConfig } from '@kubernetes/client-node';
import type { SwarmConfig } from '../config/types.ts';

export interface RunOptions {
  /** The synthesized folder (launch plans in <dist>/launch). */
  dist: string;
  config: SwarmConfig;
  kubeConfig: KubeConfig;
}

/** Returns the exit code for apply. Not built yet: issue 5. */
export async function runSwarm(_options: RunOptions): Promise<number> {
  console.log('runner: not yet (issue 5): hub objects applied, no fake hosts started');
  return 0;
}
