// Options several commands share, so they are spelled and described the same everywhere.
import type { Argv } from 'yargs';

export function withConfig<T>(y: Argv<T>) {
  return y
    .option('config', { type: 'string', default: 'swarm.config.ts', describe: 'the swarm config module' })
    .option('dist', { type: 'string', default: 'dist', describe: 'the synthesized folder' });
}

/** The patches folder plan, apply and destroy take their hub patches from. */
export function withPatches<T>(y: Argv<T>) {
  return y.option('patches', { type: 'string', describe: 'the patches folder (default: patches/ beside the config)' });
}

export function withHub<T>(y: Argv<T>) {
  return y
    .option('kubeconfig', { type: 'string', describe: 'kubeconfig of the hub (default: the config, $KUBECONFIG, ~/.kube/config)' })
    .option('context', { type: 'string', describe: 'kubeconfig context' });
}

/** Runs a command body and turns its outcome into the process exit code. */
export async function exitWith(body: () => Promise<number>): Promise<void> {
  const { reportError } = await import('./errors.ts');
  try {
    process.exitCode = await body();
  } catch (err) {
    process.exitCode = reportError(err);
  }
}
