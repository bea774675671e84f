// `swarm plan`: not built yet (issue 4).
import type { CommandModule } from 'yargs';

export const planCommand: CommandModule = {
  command: 'plan',
  describe: '(not yet: issue 4)',
  handler: () => {
    console.error('swarm plan: not yet (issue 4)');
    process.exitCode = 2;
  },
};
