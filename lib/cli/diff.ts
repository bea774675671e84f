// `swarm diff`: not built yet (issue 11).
import type { CommandModule } from 'yargs';

export const diffCommand: CommandModule = {
  command: 'diff',
  describe: '(not yet: issue 11)',
  handler: () => {
    console.error('swarm diff: not yet (issue 11)');
    process.exitCode = 2;
  },
};
