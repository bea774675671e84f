// `npm run images` after the build, where no registry is named: the swarm image onto every
// engine of the swarm's target that lacks it or has an older one under its name: each Docker
// engine of runtime.engines through the engine API (save on the building engine, load on the
// other), and the containerd of a Kubernetes node on this machine (runtime.kubernetes
// .containerdSocket) by import. With a registry, the image was pushed and engines pull it.
import type Docker from 'dockerode';
import type { SwarmConfig } from '../config/types.ts';
import { containerdHas, importIntoContainerd } from '../images/containerd.ts';
import { copyImage } from '../images/copy.ts';
import { imageId } from '../images/inputs.ts';
import { DockerEngine } from './docker.ts';
import { openEngines } from './pool.ts';

export interface Placement {
  /** The engine, or `containerd <socket>`. */
  where: string;
  outcome: 'copied' | 'imported' | 'present';
}

export async function placeSwarmImage(config: SwarmConfig, builder: Docker, ref: string): Promise<Placement[]> {
  const placed: Placement[] = [];
  const k8s = config.runtime.kubernetes;
  if (k8s) {
    if (!k8s.containerdSocket) return placed;
    const where = `containerd ${k8s.containerdSocket}`;
    const id = await imageId(builder, ref);
    if (id && (await containerdHas(k8s.containerdSocket, ref, id))) return [{ where, outcome: 'present' }];
    await importIntoContainerd(builder, ref, k8s.containerdSocket);
    return [{ where, outcome: 'imported' }];
  }
  if (!config.runtime.engines.length) return placed;
  const dockers = openEngines(config.runtime.engines).engines.filter((e): e is DockerEngine => e instanceof DockerEngine);
  for (const engine of dockers) {
    const outcome = await copyImage(builder, engine.docker, ref);
    placed.push({ where: engine.name, outcome });
  }
  return placed;
}
