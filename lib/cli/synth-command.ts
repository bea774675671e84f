// `swarm synth` (`npm run synth`): the config → dist/, with the synth-time patches of patches/.
import type { CommandModule } from 'yargs';
import { runSynth } from './synth.ts';

export const synthCommand: CommandModule = {
  command: 'synth',
  describe: 'write dist/ (the hub\'s objects and the launch plans) from the swarm config',
  builder: (y) => y
    .option('config', { type: 'string', default: 'swarm.config.ts', describe: 'the swarm config module' })
    .option('out', { type: 'string', default: 'dist', describe: 'the folder to write' })
    .option('patches', { type: 'string', default: 'patches', describe: 'the patches folder (synth-time patches are applied)' }),
  handler: async (argv) => {
    process.exitCode = await runSynth(['--config', String(argv.config), '--out', String(argv.out), '--patches', String(argv.patches)]);
  },
};
