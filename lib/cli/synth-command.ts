// `swarm synth`: the same as `npm run synth` (main.ts), for a single entry point.
import type { CommandModule } from 'yargs';
import { runSynth } from './synth.ts';

export const synthCommand: CommandModule = {
  command: 'synth',
  describe: 'write dist/ from the swarm config',
  builder: (y) => y.option('config', { type: 'string', default: 'swarm.config.ts' }).option('out', { type: 'string', default: 'dist' }),
  handler: async (argv) => {
    process.exitCode = await runSynth(['--config', String(argv.config), '--out', String(argv.out)]);
  },
};
