// The synth command: load and validate the config, expand it, write dist/.
import { parseArgs } from 'node:util';
import { loadConfigFile } from '../config/load.ts';
import { expandSwarm } from '../swarm/expand.ts';
import { synthToDir } from '../constructs/synth.ts';
import { reportError } from './errors.ts';

export async function runSynth(argv: string[]): Promise<number> {
  try {
    const { values } = parseArgs({
      args: argv,
      options: { config: { type: 'string', default: 'swarm.config.ts' }, out: { type: 'string', default: 'dist' } },
    });
    const config = await loadConfigFile(values.config!);
    const swarm = expandSwarm(config);
    synthToDir(swarm, values.out!);
    const hosts = swarm.clusters.reduce((n, c) => n + (c.infraEnv ? c.hosts.length : 0), 0) + swarm.pools.reduce((n, p) => n + p.hosts.length, 0);
    const n = (count: number, what: string) => `${count} ${what}${count === 1 ? '' : 's'}`;
    console.log(`synthesized swarm "${swarm.name}": ${n(swarm.clusters.length, 'cluster')}, ${n(swarm.pools.length, 'pool')}, ${n(hosts, 'fake host')} → ${values.out}/`);
    return 0;
  } catch (err) {
    return reportError(err);
  }
}
