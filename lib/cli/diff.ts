// `swarm diff`: what a change of the config does to dist/, between two git refs, with no hub.
// Exit status as diff(1)'s: 0 nothing changes, 2 something does, 1 an error (a usage error too,
// so a CI step can tell "changes" from "broken").
import type { CommandModule } from 'yargs';
import { renderMarkdown } from '../diff/render-markdown.ts';
import { renderText } from '../diff/render-text.ts';
import { runDiff } from '../diff/run.ts';
import { isEmptyDiff } from '../diff/types.ts';
import { UserError } from '../config/errors.ts';
import { exitWith } from './options.ts';
import { useColor } from './plan.ts';

export const diffCommand: CommandModule = {
  command: 'diff',
  describe: 'show what a config change does to dist/: the config at --base against the working tree (or --head), synthesized; no hub needed',
  builder: (y) => y
    .option('base', { type: 'string', describe: 'git ref to compare with (default: the merge base with the default branch)' })
    .option('head', { type: 'string', describe: 'git ref to compare (default: the working tree, uncommitted changes included)' })
    .option('config', { type: 'string', default: 'swarm.config.ts', describe: 'the swarm config module (the same path is read at the refs)' })
    .option('patches', { type: 'string', describe: 'the patches folder (default: patches/ beside the config)' })
    .option('json', { type: 'boolean', default: false, describe: 'print the diff as JSON' })
    .option('markdown', { type: 'boolean', default: false, describe: 'print the diff as Markdown (a PR comment)' })
    .fail((msg, err) => {
      if (err) throw err;
      console.error(`error: ${msg} (see npm run diff -- --help)`);
      process.exit(1);
    }),
  handler: (argv) => exitWith(async () => {
    if (argv.json && argv.markdown) throw new UserError('--json and --markdown: choose one');
    const diff = await runDiff({
      config: String(argv.config),
      patches: argv.patches as string | undefined,
      base: argv.base as string | undefined,
      head: argv.head as string | undefined,
    });
    if (argv.json) process.stdout.write(`${JSON.stringify(diff, null, 2)}\n`);
    else if (argv.markdown) process.stdout.write(renderMarkdown(diff));
    else process.stdout.write(renderText(diff, { color: useColor() }));
    return isEmptyDiff(diff) ? 0 : 2;
  }),
};
