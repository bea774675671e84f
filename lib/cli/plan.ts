// `swarm plan`: what `apply` would do, as a diff between dist/ and what is live on the hub and
// the engines. Text by default, --json or --markdown (a PR comment); --out FILE saves it for
// `swarm apply FILE`.
import type { Argv, CommandModule } from 'yargs';
import { computePlan } from '../plan/compute.ts';
import { renderMarkdown } from '../plan/render-markdown.ts';
import { renderText } from '../plan/render-text.ts';
import { savePlan } from '../plan/saved.ts';
import { openSession, type SessionOptions } from '../plan/session.ts';
import type { Plan } from '../plan/types.ts';
import { UserError } from '../config/errors.ts';
import { exitWith, withConfig, withHub, withPatches } from './options.ts';

/** Hub options plan, apply and destroy share (beyond --kubeconfig and --context), and --patches. */
export function withHubTuning<T>(y: Argv<T>) {
  return withPatches(withHub(y))
    .option('hub-retry-seconds', { type: 'number', default: 60, describe: 'give up on a hub that keeps failing (5xx, 429, down) after this long' })
    .option('max-in-flight', { type: 'number', default: 32, describe: 'hub requests in flight at most' });
}

export function sessionOptions(argv: Record<string, unknown>): SessionOptions {
  return {
    config: String(argv.config),
    patches: argv.patches as string | undefined,
    kubeconfig: argv.kubeconfig as string | undefined,
    context: argv.context as string | undefined,
    hubRetrySeconds: argv['hub-retry-seconds'] as number,
    maxInFlight: argv['max-in-flight'] as number,
    dist: argv.dist as string | undefined,
  };
}

/** Colors on a terminal, unless NO_COLOR is set. */
export const useColor = () => !!process.stdout.isTTY && !process.env.NO_COLOR;

export function printPlan(plan: Plan, format: 'text' | 'json' | 'markdown'): void {
  if (format === 'json') process.stdout.write(`${JSON.stringify(plan, null, 2)}\n`);
  else if (format === 'markdown') process.stdout.write(renderMarkdown(plan));
  else process.stdout.write(renderText(plan, { color: useColor() }));
}

export const planCommand: CommandModule = {
  command: 'plan',
  describe: 'show what apply would do: dist/ against the hub and the container engines',
  builder: (y) => withHubTuning(withConfig(y))
    .option('json', { type: 'boolean', default: false, describe: 'print the plan as JSON' })
    .option('markdown', { type: 'boolean', default: false, describe: 'print the plan as Markdown (a PR comment)' })
    .option('out', { type: 'string', describe: 'save the plan (JSON) for `apply FILE`' })
    .option('force-conflicts', { type: 'boolean', default: false, describe: 'plan to take over fields other field managers own, and to overwrite hub-patched fields changed since apply' })
    .option('dry-run-all', { type: 'boolean', default: false, describe: 'ask the server about every live object, even one provably unchanged' }),
  handler: (argv) => exitWith(async () => {
    if (argv.json && argv.markdown) throw new UserError('--json and --markdown: choose one');
    const session = await openSession(sessionOptions(argv));
    const plan = await computePlan(String(argv.dist), {
      hub: session.hub,
      engines: session.engines,
      swarm: session.swarm,
      configFile: String(argv.config),
      hubPatches: session.hubPatches,
      images: session.config.images,
      config: session.config,
      forceConflicts: argv['force-conflicts'] as boolean,
      dryRunAll: argv['dry-run-all'] as boolean,
    });
    printPlan(plan, argv.json ? 'json' : argv.markdown ? 'markdown' : 'text');
    if (argv.out) {
      savePlan(plan, String(argv.out));
      console.error(`plan saved to ${argv.out}: apply it with \`npm run apply -- ${argv.out}\``);
    }
    return 0;
  }),
};
