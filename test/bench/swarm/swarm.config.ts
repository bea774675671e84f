// The swarm of `npm run bench -- swarm`: BENCH_SWARM_COUNT single-node clusters against the
// e2e hub's real service (auth none). The benchmark sets the variables.
import { defineSwarm } from '../../../lib/config/types.ts';

const env = (name: string, fallback: string) => process.env[name] ?? fallback;

export default defineSwarm({
  name: 'bench',
  hub: { serviceUrl: env('BENCH_SERVICE_URL', 'http://127.0.0.1:8090'), serviceNamespace: 'assisted-installer', auth: 'none' },
  pullSecret: { env: 'BENCH_PULL_SECRET' },
  runtime: {
    stateDir: env('BENCH_STATE_DIR', '/tmp/assisted-swarm-bench/state'),
    reportsDir: env('BENCH_REPORTS_DIR', '/tmp/assisted-swarm-bench/reports'),
    timeoutMinutes: Number(env('BENCH_TIMEOUT_MINUTES', '60')),
    progressSeconds: 60,
  },
  clusters: [{ name: 'sno', topology: 'single-node', count: Number(env('BENCH_SWARM_COUNT', '5')) }],
});
