// The swarm this repository runs by default: small enough for a laptop, with one of each
// shape. `npm run synth` turns it into dist/; see README.md for every field.
import { defineSwarm } from './lib/config/types.ts';

export default defineSwarm({
  name: 'demo',
  hub: {
    serviceUrl: 'http://127.0.0.1:8090',
    serviceNamespace: 'assisted-installer',
    auth: 'none',
  },
  release: {
    openshiftVersion: '4.20',
    releaseImage: 'quay.io/openshift-release-dev/ocp-release:4.20.0-x86_64',
  },
  pullSecret: { env: 'PULL_SECRET' },
  clusters: [
    { name: 'sno', topology: 'single-node', count: 2, agentLabels: { size: 'small' } },
    { name: 'compact', topology: 'compact', staticNetworking: true },
    { name: 'multi', topology: 'multi-node', workers: 2, infraEnvLabels: { tier: 'full' } },
    // Arrives as a BareMetalHost, as hosts do through ZTP: the service's BMH agent controller takes it from there.
    { name: 'ztp', topology: 'single-node', boot: 'bmh' },
  ],
  pools: [
    { name: 'spare', hosts: 3 },
  ],
});
