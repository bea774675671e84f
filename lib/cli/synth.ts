// The synth command: load and validate the config, expand it, write dist/ with the synth-time
// patches of patches/ applied (lib/patches/).
import { parseArgs } from 'node:util';
import { loadConfigFile } from '../config/load.ts';
import { expandSwarm } from '../swarm/expand.ts';
import { synthWithPatches } from '../patches/synth.ts';
import { reportError } from './errors.ts';

export async function runSynth(argv: string[]): Promise<number> {
  try {
    const { values } = parseArgs({
      args: argv,
      options: {
        config: { type: 'string', default: 'swarm.config.ts' },
        out: { type: 'string', default: 'dist' },
        patches: { type: 'string', default: 'patches' },
      },
    });
    const config = await loadConfigFile(values.config!);
    const swarm = expandSwarm(config);
    const { patches, overrides } = synthWithPatches(swarm, values.out!, values.patches!);
    for (const line of overrides) console.warn(`note: ${line}`);
    const hosts = swarm.clusters.reduce((n, c) => n + (c.infraEnv ? c.hosts.length : 0), 0) + swarm.pools.reduce((n, p) => n + p.hosts.length, 0);
    const n = (count: number, what: string) => `${count} ${what}${count === 1 ? '' : 's'}`;
    const applied = patches.filter((p) => p.stage === 'synth').length;
    if (patches.length) console.log(`${values.patches}/: ${applied} synth-time patch${applied === 1 ? '' : 'es'} applied, ${patches.length - applied} for the hub (plan/apply)`);
    console.log(`synthesized swarm "${swarm.name}": ${n(swarm.clusters.length, 'cluster')}, ${n(swarm.pools.length, 'pool')}, ${n(hosts, 'fake host')} → ${values.out}/`);
    return 0;
  } catch (err) {
    return reportError(err);
  }
}
