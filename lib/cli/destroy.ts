// `swarm destroy`: takes away everything the swarm made (found by its labels, on the hub and
// every engine), and nothing it did not: containers first, then what the hub patches changed
// on objects the swarm does not own is put back, then objects in reverse order, waiting until
// they are gone or --timeout, then a report of what is stuck; last, the hosts' folders
// (`<stateDir>/<swarm>`: reboot markers, cluster-hosts files) on the engines' machines.
import type { CommandModule } from 'yargs';
import { swarmImageRecipe } from '../images/recipe.ts';
import type { Session } from '../plan/session.ts';
import { swarmStateDir } from '../swarm/expand.ts';
import { computeDestroyPlan } from '../plan/destroy.ts';
import { executePlan } from '../plan/execute.ts';
import { progressFor } from '../plan/progress.ts';
import { PullSecrets } from '../plan/pull-secret.ts';
import { openSession } from '../plan/session.ts';
import { hasApplyWork } from '../plan/types.ts';
import { confirm, resultLine } from './apply.ts';
import { exitWith, withConfig } from './options.ts';
import { printPlan, sessionOptions, withHubTuning } from './plan.ts';

export const destroyCommand: CommandModule = {
  command: 'destroy',
  describe: 'stop the swarm\'s containers and delete its hub objects (only what carries its labels)',
  builder: (y) => withHubTuning(withConfig(y))
    .option('yes', { type: 'boolean', default: false, describe: 'do not ask for confirmation' })
    .option('timeout', { type: 'number', default: 600, describe: 'seconds deleted objects may take to be gone' })
    .option('force-conflicts', { type: 'boolean', default: false, describe: 'put back also hub-patched fields someone changed since apply' })
    .option('json', { type: 'boolean', default: false, describe: 'print the destroy plan as JSON' }),
  handler: (argv) => exitWith(async () => {
    const session = await openSession(sessionOptions(argv));
    const plan = await computeDestroyPlan({
      hub: session.hub, engines: session.engines, swarm: session.swarm, hubPatches: session.hubPatches, forceConflicts: argv['force-conflicts'] as boolean,
    });
    printPlan(plan, argv.json ? 'json' : 'text');
    // A destroy interrupted after its containers went still leaves the folders: this one takes them.
    if (!hasApplyWork(plan)) {
      await removeHostFolders(session);
      return 0;
    }
    if (!(await confirm(`Destroy swarm "${plan.swarm}"?`, argv.yes as boolean))) {
      console.log('Destroy cancelled: nothing was changed.');
      return 1;
    }
    const progress = progressFor(argv.json ? process.stderr : process.stdout);
    try {
      const result = await executePlan(plan, {
        hub: session.hub, engines: session.engines, dist: null, secrets: new PullSecrets(), progress, timeoutSeconds: argv.timeout as number,
      });
      console.log(`Destroy complete: ${resultLine(result)}.`);
    } finally {
      progress.end();
    }
    await removeHostFolders(session);
    return 0;
  }),
};

/** The swarm's folder on every engine's machine (through the swarm image's helper where remote). */
async function removeHostFolders(session: Session): Promise<void> {
  const { config } = session;
  const said = await session.engines.removeFolder(swarmStateDir(config), swarmImageRecipe(config.images).ref);
  if (said) console.log(`Host folders: ${said}.`);
}
