// The swarm of `npm run bench -- swarm`: BENCH_SWARM_COUNT single-node clusters against the
// e2e hub's real service (auth none). The benchmark sets the variables.
import { defineSwarm } from '../../../lib/config/types.ts';
import { benchHub, benchPullSecret, benchRuntime, env } from '../swarm-base.ts';

export default defineSwarm({
  name: 'bench',
  hub: benchHub(),
  pullSecret: benchPullSecret,
  runtime: {
    ...benchRuntime(),
    progressSeconds: 60,
  },
  clusters: [{ name: 'sno', topology: 'single-node', count: Number(env('BENCH_SWARM_COUNT', '5')) }],
});
