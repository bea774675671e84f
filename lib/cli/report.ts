// `swarm report`: run reports after the run. `compare A B` sets two runs' figures side by side
// and checks report.thresholds on B with A as the base: exit 0 within them, 2 when one is
// crossed, 1 on an error (a usage error too), so a CI job can gate on a swarm run. `render DIR`
// writes a report's summary.md and report.html again from its report.json.
import { existsSync } from 'node:fs';
import type { CommandModule } from 'yargs';
import { compareReports } from '../compare/compare.ts';
import { renderMarkdown } from '../compare/render-markdown.ts';
import { renderText } from '../compare/render-text.ts';
import { UserError } from '../config/errors.ts';
import { loadConfigFile } from '../config/load.ts';
import type { Threshold } from '../config/types.ts';
import { readReport, type ReadReport } from '../report/read.ts';
import { summarizeRun } from '../report/summary.ts';
import { crossed } from '../report/thresholds.ts';
import { writeReportFiles } from '../report/write.ts';
import { exitWith } from './options.ts';

const DEFAULT_CONFIG = 'swarm.config.ts';

/** report.thresholds of --config; without it, of swarm.config.ts if there is one, else those the report was checked against. */
async function thresholdsFor(config: string | undefined, report: ReadReport): Promise<{ rules: Threshold[]; from: string }> {
  const file = config ?? (existsSync(DEFAULT_CONFIG) ? DEFAULT_CONFIG : null);
  if (file) return { rules: (await loadConfigFile(file)).report.thresholds, from: file };
  return { rules: report.thresholds, from: `the report ${report.path}` };
}

const compareCommand: CommandModule = {
  command: 'compare <base> <head>',
  describe: 'the figures that moved from a base run to a head run, and report.thresholds checked on the head run (exit 0 within, 2 crossed, 1 error)',
  builder: (y) => y
    .positional('base', { type: 'string', describe: 'the base run\'s report (its folder or report.json)' })
    .positional('head', { type: 'string', describe: 'the run to check (its folder or report.json)' })
    .option('config', { type: 'string', describe: `the swarm config whose report.thresholds are checked (default: ${DEFAULT_CONFIG} if there is one, else the thresholds the head report was checked against)` })
    .option('min-change', { type: 'number', default: 5, describe: 'percent by which a figure must change to count as moved' })
    .option('all', { type: 'boolean', default: false, describe: 'list every figure, not only those that moved' })
    .option('json', { type: 'boolean', default: false, describe: 'print the comparison as JSON' })
    .option('markdown', { type: 'boolean', default: false, describe: 'print the comparison as Markdown (a PR comment, a CI summary)' })
    .epilogue('Exit status: 0 every threshold within (or none), 2 a threshold crossed, 1 an error.'),
  handler: (argv) => exitWith(async () => {
    if (argv.json && argv.markdown) throw new UserError('--json and --markdown: choose one');
    const base = readReport(String(argv.base));
    const head = readReport(String(argv.head));
    const { rules, from } = await thresholdsFor(argv.config as string | undefined, head);
    const comparison = compareReports(base, head, { thresholds: rules, thresholdsFrom: from, minChangePercent: argv['min-change'] as number });
    const all = argv.all as boolean;
    if (argv.json) process.stdout.write(`${JSON.stringify(comparison, null, 2)}\n`);
    else if (argv.markdown) process.stdout.write(renderMarkdown(comparison, { all }));
    else process.stdout.write(renderText(comparison, { all }));
    return comparison.crossed ? 2 : 0;
  }),
};

const renderCommand: CommandModule = {
  command: 'render <report>',
  describe: 'write a report\'s report.json, summary.md and report.html again from its report.json (after an upgrade, or with other thresholds)',
  builder: (y) => y
    .positional('report', { type: 'string', describe: 'the report (its folder or report.json)' })
    .option('config', { type: 'string', describe: 'check the report.thresholds of this swarm config (default: those the report was checked against)' })
    .option('base', { type: 'string', describe: 'a base run\'s report, for thresholds relative to a base' })
    .option('out', { type: 'string', describe: 'the folder to write to (default: the report\'s own)' }),
  handler: (argv) => exitWith(async () => {
    const report = readReport(String(argv.report));
    const thresholds = argv.config ? (await loadConfigFile(String(argv.config))).report.thresholds : report.thresholds;
    const base = argv.base ? summarizeRun(readReport(String(argv.base)).record) : null;
    const dir = (argv.out as string | undefined) ?? report.dir;
    const summary = await writeReportFiles(dir, report.record, { thresholds, base });
    const over = crossed(summary.thresholds).length;
    console.log(`report written to ${dir}: report.json, summary.md, report.html${summary.thresholds.length ? ` (${over} of ${summary.thresholds.length} thresholds crossed)` : ''}`);
    return 0;
  }),
};

export const reportCommand: CommandModule = {
  command: 'report <command>',
  describe: 'run reports: compare two runs (thresholds gate a CI job), or render a report again',
  builder: (y) => y
    .command(compareCommand)
    .command(renderCommand)
    .demandCommand(1, 'name a subcommand: compare or render')
    .fail((msg, err) => {
      if (err) throw err;
      console.error(`error: ${msg} (see npm run report -- --help)`);
      process.exit(1);
    }),
  handler: () => {},
};
