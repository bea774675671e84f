// `swarm apply [FILE]`: computes the plan (or loads a saved one and checks it is still what
// is live), prints it, asks on a terminal (--yes skips), carries it out, then hands over to the
// runner for the fake hosts (not while the swarm image they start from is missing).
import { createInterface } from 'node:readline/promises';
import type { CommandModule } from 'yargs';
import { readLaunchPlans } from '../dist/read.ts';
import { readReport } from '../report/read.ts';
import { summarizeRun } from '../report/summary.ts';
import { runSwarm } from '../runner/run.ts';
import { checkServiceReach } from '../runner/service-reach.ts';
import { computePlan } from '../plan/compute.ts';
import { executePlan, type ExecuteResult } from '../plan/execute.ts';
import { isBlocking, swarmImageProblems } from '../plan/image.ts';
import { progressFor } from '../plan/progress.ts';
import { PullSecrets } from '../plan/pull-secret.ts';
import { checkFresh, loadPlan } from '../plan/saved.ts';
import { openSession } from '../plan/session.ts';
import { hasApplyWork, type Plan } from '../plan/types.ts';
import { UserError } from '../config/errors.ts';
import { exitWith, withConfig } from './options.ts';
import { printPlan, sessionOptions, withHubTuning } from './plan.ts';

/** Asks on a terminal; without one, only --yes goes ahead. */
export async function confirm(question: string, yes: boolean): Promise<boolean> {
  if (yes) return true;
  if (!process.stdin.isTTY) throw new UserError('not a terminal, so nobody can confirm: pass --yes to go ahead without asking');
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  try {
    return (await rl.question(`${question} Only "yes" goes ahead: `)).trim() === 'yes';
  } finally {
    rl.close();
  }
}

export function resultLine(r: ExecuteResult): string {
  const n = (count: number, what: string) => `${count} ${what}`;
  const parts = [
    r.created ? n(r.created, 'created') : '',
    r.updated ? n(r.updated, 'updated') : '',
    r.deleted ? n(r.deleted, 'deleted') : '',
    r.patched ? n(r.patched, `hub object${r.patched === 1 ? '' : 's'} the swarm does not own patched`) : '',
    r.restored ? n(r.restored, `hub object${r.restored === 1 ? '' : 's'} the swarm does not own put back`) : '',
    r.stopped ? n(r.stopped, `container${r.stopped === 1 ? '' : 's'} stopped`) : '',
    r.kept.length ? `kept ${r.kept.length} namespace${r.kept.length === 1 ? '' : 's'} holding others' objects (${r.kept.join(', ')})` : '',
  ].filter(Boolean);
  return parts.length ? parts.join(', ') : 'nothing to do';
}

export const applyCommand: CommandModule = {
  command: 'apply [plan]',
  describe: 'make the hub and the container engines match dist/ (or carry out a saved plan), then run the swarm',
  builder: (y) => withHubTuning(withConfig(y))
    .positional('plan', { type: 'string', describe: 'a plan saved with `plan --out FILE`' })
    .option('yes', { type: 'boolean', default: false, describe: 'do not ask for confirmation' })
    .option('force-conflicts', { type: 'boolean', default: false, describe: 'take over fields other field managers own, and overwrite hub-patched fields changed since apply' })
    .option('timeout', { type: 'number', default: 300, describe: 'seconds deleted objects may take to be gone' })
    .option('run', { type: 'boolean', default: true, describe: 'hand over to the runner afterwards (--no-run: objects only)' })
    .option('base', { type: 'string', describe: 'a base run\'s report (folder or report.json): report.thresholds relative to a base are checked against it' })
    .option('service-wait-seconds', { type: 'number', default: 60, describe: 'how long a service that does not answer (hub.serviceUrl) is waited for before anything is changed' })
    .epilogue('Exit status: 0 every cluster installed and every threshold within; 1 a cluster or host not installed, a timeout or an error; 2 every cluster installed but a threshold crossed; 130 interrupted.')
    // A usage error is 1 here, not main's 2: 2 means a threshold crossed.
    .fail((msg, err) => {
      if (err) throw err;
      console.error(`error: ${msg} (see npm run apply -- --help)`);
      process.exit(1);
    }),
  handler: (argv) => exitWith(async () => {
    // Read before anything changes: a base that can't be read stops apply here.
    const base = argv.base ? summarizeRun(readReport(String(argv.base)).record) : null;
    const session = await openSession(sessionOptions(argv));
    const secrets = new PullSecrets();
    let plan: Plan;
    if (argv.plan) {
      plan = loadPlan(String(argv.plan));
      if (plan.mode !== 'apply') throw new UserError(`${argv.plan} is a ${plan.mode} plan: carry it out with \`npm run ${plan.mode}\``);
      if (plan.swarm !== session.swarm) throw new UserError(`${argv.plan} is a plan for swarm "${plan.swarm}", the config is of "${session.swarm}"`);
      await checkFresh(plan, { hub: session.hub, engines: session.engines, secrets, configFile: String(argv.config) });
    } else {
      plan = await computePlan(String(argv.dist), {
        hub: session.hub, engines: session.engines, swarm: session.swarm, secrets, configFile: String(argv.config),
        hubPatches: session.hubPatches, images: session.config.images, config: session.config, forceConflicts: argv['force-conflicts'] as boolean,
      });
    }
    printPlan(plan, 'text');
    // Plan can do without the pull secret (a review in CI); apply puts it on the hub.
    const unreadable = secrets.problems()[0];
    if (unreadable) throw unreadable;
    if (plan.blockers.length) throw new UserError(`the plan has blockers (listed above): nothing was changed`);
    // Fake hosts to start need the swarm image: without it every start would fail. Checked
    // before the service, which may be waited for: a missing image is known at once.
    if (argv.run && plan.containers.some((c) => c.component === 'fake-host' && (c.action === 'start' || c.action === 'replace'))) {
      const launch = readLaunchPlans(plan.dist ?? String(argv.dist));
      const missing = (await swarmImageProblems(session.engines, session.config.images, launch)).filter(isBlocking);
      if (missing.length) throw new UserError(`${missing.map((p) => p.message).join('\n')}\nnothing was changed (apply --no-run applies the hub objects without starting fake hosts)`);
    }
    // The runner will talk to the service: one it can't reach (a wrong CA, nothing listening) stops apply here.
    const serviceWaitMs = (argv['service-wait-seconds'] as number) * 1000;
    if (argv.run) {
      await checkServiceReach(session.config.hub, { waitMs: serviceWaitMs, log: (line) => console.log(line) }).catch((err: Error) => {
        throw new UserError(`${err.message}\nnothing was changed`, (err as UserError).exitCode);
      });
    }

    if (hasApplyWork(plan)) {
      if (!(await confirm('Apply this plan?', argv.yes as boolean))) {
        console.log('Apply cancelled: nothing was changed.');
        return 1;
      }
      const progress = progressFor(process.stdout);
      try {
        const result = await executePlan(plan, {
          hub: session.hub, engines: session.engines, dist: plan.dist, secrets, progress, timeoutSeconds: argv.timeout as number,
        });
        console.log(`Apply complete: ${resultLine(result)}.`);
      } finally {
        progress.end();
      }
    }
    if (!argv.run) return 0;
    // The runner starts and replaces the fake hosts the plan lists, on the same engines.
    return runSwarm({ dist: plan.dist ?? String(argv.dist), config: session.config, kubeConfig: session.kube.kubeConfig, engines: session.engines, provenance: plan.provenance, base, serviceWaitMs });
  }),
};
