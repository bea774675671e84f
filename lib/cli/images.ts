// `swarm images` (npm run images): build the image fake hosts run, the one dist/'s launch plans
// name (see lib/images/), and put it where the fake hosts start: pushed to the registry it
// names, else onto every Docker engine of runtime.engines, or into the containerd of a
// Kubernetes node on this machine (lib/engine/place-image.ts). With --check, only say whether
// it is built and up to date.
import type { CommandModule } from 'yargs';
import Docker from 'dockerode';
import { loadConfigFile } from '../config/load.ts';
import { placeSwarmImage } from '../engine/place-image.ts';
import { buildSwarmImage } from '../images/build.ts';
import { registryOf } from '../images/registry.ts';
import { PULL_POLICIES, type PullPolicy } from '../images/inputs.ts';
import { swarmImageStatus } from '../images/status.ts';
import { exitWith } from './options.ts';

interface ImagesArgs {
  config: string;
  pull: PullPolicy;
  push: boolean;
  force: boolean;
  check: boolean;
}

export const imagesCommand: CommandModule<object, ImagesArgs> = {
  command: 'images',
  describe: 'build the swarm image (upstream agent image + installer/controller binaries + the swarm layer)',
  builder: (y) => y
    .option('config', { type: 'string', default: 'swarm.config.ts', describe: 'the swarm config module' })
    .option('pull', { choices: PULL_POLICIES, default: 'missing' as PullPolicy, describe: 'when to pull the input images' })
    .option('push', { type: 'boolean', default: true, describe: 'push the image when its reference names a registry' })
    .option('force', { type: 'boolean', default: false, describe: 'build even when the image is up to date' })
    .option('check', { type: 'boolean', default: false, describe: 'only check: exit 1 unless the image is built and up to date' }),
  handler: (argv) => exitWith(async () => {
    const config = await loadConfigFile(argv.config);
    const docker = new Docker();
    if (argv.check) {
      const status = await swarmImageStatus(docker, config.images);
      console.log(status.upToDate ? `${status.ref} is up to date` : `${status.ref} needs npm run images:\n${status.reasons.map((r) => `  ${r}`).join('\n')}`);
      return status.upToDate ? 0 : 1;
    }
    const result = await buildSwarmImage(docker, config.images, {
      pull: argv.pull, push: argv.push, force: argv.force, log: (line) => console.log(line),
    });
    console.log(`${result.ref} ${result.built ? 'built' : 'was up to date'} (${result.id})${result.pushedTo ? `, pushed to ${result.pushedTo}` : ''}`);
    if (registryOf(result.ref)) return 0;
    for (const p of await placeSwarmImage(config, docker, result.ref)) {
      console.log(`${result.ref} on ${p.where}: ${p.outcome === 'present' ? 'there already' : p.outcome}`);
    }
    const k8s = config.runtime.kubernetes;
    if (k8s && !k8s.containerdSocket) {
      console.log(`warning: ${result.ref} names no registry, and runtime.kubernetes has no containerdSocket: the cluster's nodes cannot get it; name a registry they reach in images.swarm (npm run images pushes there)`);
    }
    return 0;
  }),
};
