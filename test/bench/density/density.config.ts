// The swarm of `npm run bench -- density`: a late-binding pool of BENCH_HOSTS fake hosts that
// grows step by step, and a wave of BENCH_WAVE single-node clusters installing on top of it,
// against the e2e hub's real service (auth none). The benchmark sets the variables.
import { defineSwarm } from '../../../lib/config/types.ts';
import { benchHub, benchPullSecret, benchRuntime, env } from '../swarm-base.ts';
const wave = Number(env('BENCH_WAVE', '0'));

export default defineSwarm({
  name: 'density',
  hub: benchHub(),
  pullSecret: benchPullSecret,
  runtime: {
    ...benchRuntime(),
    soakMinutes: Number(env('BENCH_SOAK_MINUTES', '0')),
    launchRate: Number(env('BENCH_LAUNCH_RATE', '10')),
    // For experiments: BENCH_HOST_ENV='GOGC=50 GOMAXPROCS=1'.
    ...(process.env.BENCH_HOST_ENV !== undefined ? { hostEnv: Object.fromEntries(env('BENCH_HOST_ENV', '').split(/\s+/).filter(Boolean).map((kv) => kv.split('=', 2) as [string, string])) } : {}),
    progressSeconds: 30,
  },
  clusters: wave > 0 ? [{ name: 'wave', topology: 'single-node', count: wave }] : [],
  pools: [{ name: 'pool', hosts: Number(env('BENCH_HOSTS', '100')) }],
});
