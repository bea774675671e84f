// Synthesizes a config into a temporary folder and reads the result back, for tests.
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { validateConfig } from '../../lib/config/load.ts';
import type { SwarmConfigInput } from '../../lib/config/types.ts';
import { synthWithPatches } from '../../lib/patches/synth.ts';
import { expandSwarm } from '../../lib/swarm/expand.ts';
import type { Swarm } from '../../lib/swarm/model.ts';

export interface Doc { file: string; doc: any }

export function readDocs(dir: string): Doc[] {
  return readdirSync(dir).sort().flatMap((file) =>
    parseAllDocuments(readFileSync(join(dir, file), 'utf8')).map((d) => ({ file, doc: d.toJS() })));
}

/** The repository's patches/, which `npm run synth` applies. */
export const REPO_PATCHES = new URL('../../patches', import.meta.url).pathname;

export function synthConfig(input: SwarmConfigInput, patchesDir = REPO_PATCHES): { dist: string; swarm: Swarm; hub: Doc[]; launch: Doc[] } {
  const swarm = expandSwarm(validateConfig(input));
  const dist = join(mkdtempSync(join(tmpdir(), 'swarm-synth-')), 'dist');
  synthWithPatches(swarm, dist, patchesDir);
  return { dist, swarm, hub: readDocs(join(dist, 'hub')), launch: readDocs(join(dist, 'launch')) };
}

/** A config with every shape and option, `scale` times over. */
export function largeConfig(scale = 1, name = 'large'): SwarmConfigInput {
  return {
    name,
    hub: { auth: 'local', serviceUrl: 'https://assisted.example.com:8090', tls: { insecure: true } },
    network: { machineNetworks: '100.64.0.0/10', clusterPrefix: 27 },
    clusters: [
      { name: 'sno', topology: 'single-node', count: 40 * scale, agentLabels: { size: 'small' } },
      { name: 'compact', topology: 'compact', count: 10 * scale, staticNetworking: true, holdInstallation: true },
      { name: 'multi', topology: 'multi-node', workers: 5, count: 5 * scale, ignoreValidations: { host: ['ntp-synced'], cluster: ['network-prefix-valid'] } },
      { name: 'own', topology: 'single-node', count: 3, machineNetwork: { cidr: '10.200.0.0/16', clusterPrefix: 24 } },
      { name: 'late', topology: 'compact', count: 2, hostsFrom: 'rack' },
      { name: 'late-sno', topology: 'single-node', count: 2, hostsFrom: 'rack' },
      { name: 'ztp', topology: 'single-node', count: 4 * scale, boot: 'bmh' },
      { name: 'ztp-late', topology: 'compact', count: 1, hostsFrom: 'bmh-rack' },
    ],
    pools: [
      { name: 'rack', hosts: 12, staticNetworking: true, infraEnvLabels: { rack: 'r1' } },
      { name: 'spare', hosts: 5 * scale, machineNetwork: { cidr: '10.201.0.0/20' } },
      { name: 'bmh-rack', hosts: 4, boot: 'bmh' },
    ],
    ordering: { mode: 'shuffled', seed: 7 },
    serviceTuning: { extra: { HOST_MONITOR_INTERVAL: '30s' } },
  };
}
