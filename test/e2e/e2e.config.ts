// The end-to-end swarm (npm run test:e2e): one cluster of every shape, a late-binding pool
// whose host is bound to a second single-node cluster, and a single-node and a multi-node
// cluster whose hosts arrive as BareMetalHosts (the service's BMH agent controller takes them,
// the runner plays the Bare Metal Operator). Every host downloads its ISO in full from the
// image service before it boots. The suite sets E2E_AUTH (none|local), E2E_SERVICE_URL and
// E2E_STATE_DIR; the pull secret comes from E2E_PULL_SECRET.
import { defineSwarm } from '../../lib/config/types.ts';

const env = (name: string, fallback: string) => process.env[name] ?? fallback;

export default defineSwarm({
  name: 'e2e',
  hub: {
    serviceUrl: env('E2E_SERVICE_URL', 'http://127.0.0.1:8090'),
    serviceNamespace: 'assisted-installer',
    auth: env('E2E_AUTH', 'none') as 'none' | 'local',
  },
  pullSecret: { env: 'E2E_PULL_SECRET' },
  runtime: { stateDir: env('E2E_STATE_DIR', '/tmp/assisted-swarm-e2e/state'), timeoutMinutes: Number(env('E2E_TIMEOUT_MINUTES', '40')) },
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
});
