// The swarm of `npm run bench -- iso`: a late-binding pool of BENCH_HOSTS fake hosts, each of
// which downloads its InfraEnv's ISO from the image service before it boots (isoDownload mode
// BENCH_ISO_MODE, at most BENCH_ISO_CONCURRENCY in flight; the InfraEnv's ISO BENCH_ISO_IMAGE_TYPE,
// else the service's default), against the e2e hub's real service
// and image service (auth none). The benchmark sets the variables.
import { defineSwarm } from '../../../lib/config/types.ts';
import { benchHub, benchPullSecret, benchRuntime, env } from '../swarm-base.ts';

export default defineSwarm({
  name: 'isobench',
  hub: benchHub(),
  pullSecret: benchPullSecret,
  runtime: { ...benchRuntime(), launchRate: 50, progressSeconds: 30 },
  isoDownload: {
    mode: env('BENCH_ISO_MODE', 'full') as 'full',
    concurrency: Number(env('BENCH_ISO_CONCURRENCY', '4')),
    // Every host asks at once: the concurrency is what limits them.
    ratePerSecond: 1000,
  },
  pools: [{
    name: 'pool',
    hosts: Number(env('BENCH_HOSTS', '16')),
    ...(process.env.BENCH_ISO_IMAGE_TYPE ? { imageType: env('BENCH_ISO_IMAGE_TYPE', '') as 'full-iso' } : {}),
  }],
});
