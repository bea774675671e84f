// `swarm apply`: not built yet (issue 4).
import type { CommandModule } from 'yargs';

export const applyCommand: CommandModule = {
  command: 'apply',
  describe: '(not yet: issue 4)',
  handler: () => {
    console.error('swarm apply: not yet (issue 4)');
    process.exitCode = 2;
  },
};
