// The `swarm` command line: one module per command in this folder, each a yargs CommandModule.
// npm scripts call it: `npm run plan -- --json` is `tsx lib/cli/main.ts plan --json`, and
// `npm run synth` (main.ts, cdk8s's app) is the `synth` command. Every command answers --help.
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { synthCommand } from './synth-command.ts';
import { planCommand } from './plan.ts';
import { applyCommand } from './apply.ts';
import { destroyCommand } from './destroy.ts';
import { statusCommand } from './status.ts';
import { imagesCommand } from './images.ts';
import { diffCommand } from './diff.ts';
import { reportCommand } from './report.ts';

/** Runs one command line (without node and the script); the exit code goes to process.exitCode. */
export async function runCli(argv: string[]): Promise<void> {
  await yargs(argv)
    .scriptName('swarm')
    .command(synthCommand)
    .command(planCommand)
    .command(applyCommand)
    .command(destroyCommand)
    .command(statusCommand)
    .command(imagesCommand)
    .command(diffCommand)
    .command(reportCommand)
    .demandCommand(1, 'name a command')
    .strict()
    .fail((msg, err, y) => {
      if (err) throw err;
      console.error(`${y.help()}\n\nerror: ${msg}`);
      process.exit(2);
    })
    .help()
    .parseAsync();
}

if (import.meta.url === `file://${process.argv[1]}`) await runCli(hideBin(process.argv));
