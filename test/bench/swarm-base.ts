// What the swarms of the benchmarks against the e2e hub's real service share (auth none): the
// hub, the pull secret's variable, and where state and reports go. The benchmark sets BENCH_*.
export const env = (name: string, fallback: string) => process.env[name] ?? fallback;

export const benchHub = () => ({ serviceUrl: env('BENCH_SERVICE_URL', 'http://127.0.0.1:8090'), serviceNamespace: 'assisted-installer', auth: 'none' as const });

export const benchPullSecret = { env: 'BENCH_PULL_SECRET' };

export const benchRuntime = () => ({
  stateDir: env('BENCH_STATE_DIR', '/tmp/assisted-swarm-bench/state'),
  reportsDir: env('BENCH_REPORTS_DIR', '/tmp/assisted-swarm-bench/reports'),
  timeoutMinutes: Number(env('BENCH_TIMEOUT_MINUTES', '60')),
});
