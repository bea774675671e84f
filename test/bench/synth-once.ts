// One synth of N single-node clusters into a folder; prints {seconds, maxRssMiB} as JSON.
import { validateConfig } from '../../lib/config/load.ts';
import { synthToDir } from '../../lib/constructs/synth.ts';
import { expandSwarm } from '../../lib/swarm/expand.ts';

const [n, out] = [Number(process.argv[2]), process.argv[3]!];
const started = performance.now();
const config = validateConfig({
  name: 'bench',
  network: { machineNetworks: '100.64.0.0/10', clusterPrefix: 28 },
  clusters: [{ name: 'sno', topology: 'single-node', count: n }],
});
synthToDir(expandSwarm(config), `${out}/dist`);
const seconds = (performance.now() - started) / 1000;
console.log(JSON.stringify({ seconds, maxRssMiB: process.resourceUsage().maxRSS / 1024 }));
