// `swarm status`: the swarm's hosts and clusters per state and stage, and its containers, as
// the hub and the engines show them (what the runner's live progress shows, from outside it).
// --watch keeps looking until Ctrl-C: redrawn in place on a terminal, a line per look otherwise.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { CommandModule } from 'yargs';
import { loadConfigFile } from '../config/load.ts';
import { readLaunchPlans } from '../dist/read.ts';
import type { LaunchPlans } from '../dist/types.ts';
import { openTarget } from '../engine/target.ts';
import { HubClient } from '../hub/client.ts';
import { loadKubeConfig } from '../hub/kubeconfig.ts';
import { countStates, formatTally } from '../report/counts.ts';
import { countsLine, renderCounts } from '../report/progress.ts';
import { SwarmObserver, type SwarmView } from '../runner/observe.ts';
import { LAUNCH_DIR } from '../constructs/dirs.ts';
import { UserError } from '../config/errors.ts';
import { exitWith, withConfig, withHub } from './options.ts';

/** Pods are told in Kubernetes' words: one made and not yet running is Pending. */
function render(swarm: string, view: SwarmView, pods: boolean): string[] {
  const tally = pods ? Object.fromEntries(Object.entries(view.containers).map(([k, n]) => [k.replace(/^created\b/, 'pending'), n])) : view.containers;
  return [`swarm ${swarm}`, ...renderCounts(countStates(view.counts)), `${pods ? 'pods' : 'containers'}: ${formatTally(tally)}`];
}

export const statusCommand: CommandModule = {
  command: 'status',
  describe: 'hosts and clusters per state and stage, from the hub and the container engines',
  builder: (y) => withHub(withConfig(y))
    .option('watch', { type: 'boolean', default: false, describe: 'keep showing it until Ctrl-C' })
    .option('interval', { type: 'number', default: 2, describe: 'seconds between looks with --watch' }),
  handler: (argv) => exitWith(async () => {
    const config = await loadConfigFile(String(argv.config));
    const kube = loadKubeConfig({ kubeconfig: argv.kubeconfig as string | undefined, context: argv.context as string | undefined }, config.hub);
    const { kubeConfig } = kube;
    // A hub that is not there is said here, naming it, before anything is watched.
    await new HubClient(kube, { retry: { retryForMs: 10_000 } }).ping();
    const engines = openTarget(config, { hub: kube });
    await engines.ping().catch((err: Error) => { throw new UserError(err.message); });
    const dist = String(argv.dist);
    const pods = config.runtime.kubernetes !== null;
    let plans: LaunchPlans | null = null;
    if (existsSync(join(dist, LAUNCH_DIR))) {
      plans = readLaunchPlans(dist);
      if (plans.order.metadata.name !== config.name) plans = null;
    }
    const observer = await new SwarmObserver(kubeConfig, engines, config.name, plans).start((err) => console.error(`status: ${err.message}`));
    try {
      if (!argv.watch) {
        console.log(render(config.name, await observer.look(), pods).join('\n'));
        return 0;
      }
      const tty = Boolean(process.stdout.isTTY);
      const started = Date.now();
      let drawn = 0;
      let stopped = false;
      const stop = () => { stopped = true; };
      process.once('SIGINT', stop);
      while (!stopped) {
        const view = await observer.look();
        if (tty) {
          const lines = render(config.name, view, pods);
          process.stdout.write(`${drawn ? `\x1b[${drawn}A\x1b[0J` : ''}${lines.join('\n')}\n`);
          drawn = lines.length;
        } else {
          console.log(countsLine(countStates(view.counts), (Date.now() - started) / 1000));
        }
        await new Promise((r) => setTimeout(r, (argv.interval as number) * 1000));
      }
      return 0;
    } finally {
      await observer.stop();
    }
  }),
};
