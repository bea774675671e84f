// The end-to-end swarm (npm run test:e2e): one cluster of every shape, a late-binding pool
// whose host is bound to a second single-node cluster, and a single-node and a multi-node
// cluster whose hosts arrive as BareMetalHosts (the service's BMH agent controller takes them,
// the runner plays the Bare Metal Operator). Every host downloads its ISO in full from the
// image service before it boots. The suite sets E2E_AUTH (none|local), E2E_SERVICE_URL (with
// E2E_SERVICE_CA over HTTPS) and E2E_STATE_DIR; the pull secret comes from E2E_PULL_SECRET. With E2E_ENGINE=kubernetes
// (--engine kubernetes) the hosts run as pods on the hub's cluster, the swarm image in the
// containerd of E2E_CONTAINERD_SOCKET (the e2e hub's node), if set. With E2E_FAULTS=1 (--faults)
// the service is restarted on purpose and the hub's API server and database too: its thresholds
// then allow for that (test/e2e/faults.ts).
import { defineSwarm } from '../../lib/config/types.ts';

const env = (name: string, fallback: string) => process.env[name] ?? fallback;
const faults = env('E2E_FAULTS', '') === '1';

export default defineSwarm({
  name: 'e2e',
  hub: {
    serviceUrl: env('E2E_SERVICE_URL', 'http://127.0.0.1:8090'),
    serviceNamespace: 'assisted-installer',
    auth: env('E2E_AUTH', 'none') as 'none' | 'local',
    // --tls: the CA of the service's certificate (the e2e hub's), which everything verifies with.
    tls: env('E2E_SERVICE_CA', '') ? { caFile: env('E2E_SERVICE_CA', '') } : {},
  },
  pullSecret: { env: 'E2E_PULL_SECRET' },
  runtime: {
    stateDir: env('E2E_STATE_DIR', '/tmp/assisted-swarm-e2e/state'),
    timeoutMinutes: Number(env('E2E_TIMEOUT_MINUTES', '40')),
    kubernetes: env('E2E_ENGINE', 'docker') === 'kubernetes' ? { containerdSocket: env('E2E_CONTAINERD_SOCKET', '') || null } : null,
  },
  clusters: [
    { name: 'sno', topology: 'single-node' },
    // Static networking: the service turns each NMStateConfig into the host's network config.
    { name: 'compact', topology: 'compact', staticNetworking: true },
    { name: 'multi', topology: 'multi-node', workers: 2 },
    { name: 'late', topology: 'single-node', hostsFrom: 'pool' },
    { name: 'bmh-sno', topology: 'single-node', boot: 'bmh' },
    { name: 'bmh-multi', topology: 'multi-node', workers: 1, boot: 'bmh' },
  ],
  pools: [{ name: 'pool', hosts: 2 }],
  isoDownload: { mode: 'full' },
  // Checked at the end of apply (a crossed one exits 2, which the suite counts as a failure):
  // loose limits that say "the service held up", not a benchmark. In the faulted run the
  // service restarts on purpose (no limit on that), and requests wait out the restarts.
  report: {
    thresholds: [
      { metric: 'clusters.failed', max: 0, description: 'every cluster installed' },
      faults
        ? { metric: 'api.p99', max: 30, description: 'API p99 under 30 s, restarts included' }
        : { metric: 'api.p99', max: 5, description: 'API p99 under 5 s' },
      faults
        ? { metric: 'phase.installed.p99', max: 1800, description: 'p99 to installed under 30 min, restarts included' }
        : { metric: 'phase.installed.p99', max: 900, description: 'p99 to installed under 15 min' },
      ...(faults ? [] : [{ metric: 'service.restarts', max: 0, description: 'the service did not restart' }]),
    ],
  },
});
