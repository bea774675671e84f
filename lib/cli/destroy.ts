// `swarm destroy`: not built yet (issue 4).
import type { CommandModule } from 'yargs';

export const destroyCommand: CommandModule = {
  command: 'destroy',
  describe: '(not yet: issue 4)',
  handler: () => {
    console.error('swarm destroy: not yet (issue 4)');
    process.exitCode = 2;
  },
};
