// `swarm images`: not built yet (issue 9).
import type { CommandModule } from 'yargs';

export const imagesCommand: CommandModule = {
  command: 'images',
  describe: '(not yet: issue 9)',
  handler: () => {
    console.error('swarm images: not yet (issue 9)');
    process.exitCode = 2;
  },
};
