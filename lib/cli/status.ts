// `swarm status`: not built yet (issue 5).
import type { CommandModule } from 'yargs';

export const statusCommand: CommandModule = {
  command: 'status',
  describe: '(not yet: issue 5)',
  handler: () => {
    console.error('swarm status: not yet (issue 5)');
    process.exitCode = 2;
  },
};
