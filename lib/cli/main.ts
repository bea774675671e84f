// The `swarm` command line: one module per command in this folder, each a yargs CommandModule.
// npm scripts call it: `npm run plan -- --json` is `tsx lib/cli/main.ts plan --json`.
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { synthCommand } from './synth-command.ts';
import { planCommand } from './plan.ts';
import { applyCommand } from './apply.ts';
import { destroyCommand } from './destroy.ts';
import { statusCommand } from './status.ts';
import { imagesCommand } from './images.ts';
import { diffCommand } from './diff.ts';

await yargs(hideBin(process.argv))
  .scriptName('swarm')
  .command(synthCommand)
  .command(planCommand)
  .command(applyCommand)
  .command(destroyCommand)
  .command(statusCommand)
  .command(imagesCommand)
  .command(diffCommand)
  .demandCommand(1, 'name a command')
  .strict()
  .fail((msg, err, y) => {
    if (err) throw err;
    console.error(`${y.help()}\n\nerror: ${msg}`);
    process.exit(2);
  })
  .help()
  .parseAsync();
