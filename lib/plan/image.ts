// The swarm image in plans: is the image dist/'s launch plans name on every engine, built from
// the input images each engine has now (lib/images/status.ts)? A fake host started from a
// missing image fails, and one started from an image whose inputs changed since it was built
// runs the old agent, so plan says so, naming `npm run images`; apply refuses to hand over to
// the runner while the image is missing (lib/cli/apply.ts). Apply's hub work does not need it:
// `apply --no-run` and a plan without fake hosts to start are not held up. A Kubernetes target
// is asked through the engine interface: a node's containerd on this machine has the image or
// not; nodes elsewhere pull it, from the registry it names.
import type { SwarmConfig } from '../config/types.ts';
import type { LaunchPlans } from '../dist/types.ts';
import { DockerEngine } from '../engine/docker.ts';
import type { ContainerEngine } from '../engine/engine.ts';
import { KubernetesEngine } from '../engine/kubernetes.ts';
import { EnginePool } from '../engine/pool.ts';
import { DOCKER_HUB, registryOf } from '../images/registry.ts';
import { swarmImageStatus } from '../images/status.ts';

export interface ImageProblem {
  engine: string;
  /**
   * missing: not on the engine; stale: built from inputs that changed since; other: dist/ and
   * the config disagree; pulled: not a problem the plan can see, the nodes pull it when pods start.
   */
  kind: 'missing' | 'stale' | 'other' | 'pulled';
  message: string;
}

/** What keeps fake hosts from starting at all: apply does not hand over to the runner. */
export const isBlocking = (p: ImageProblem) => p.kind === 'missing' || p.kind === 'other';

/** The swarm image's problems on each engine; none when the launch plans start no fake host. */
export async function swarmImageProblems(engines: ContainerEngine, images: SwarmConfig['images'], launch: LaunchPlans): Promise<ImageProblem[]> {
  if (!launch.fakeHosts.length) return [];
  const named = launch.order.spec.images.swarm;
  const all = engines instanceof EnginePool ? engines.engines : [engines];
  const dockers = all.filter((e): e is DockerEngine => e instanceof DockerEngine);
  const problems: ImageProblem[] = [];
  // An engine of another kind (Kubernetes) says whether it has it, through the engine interface.
  for (const engine of all.filter((e) => !(e instanceof DockerEngine))) {
    const has = await engine.hasImage(named);
    const store = engine instanceof KubernetesEngine && engine.containerdSocket ? `the node's containerd (${engine.containerdSocket})` : `engine ${engine.name}`;
    if (has === false) {
      problems.push({ engine: engine.name, kind: 'missing', message: `the swarm image ${named} is not in ${store}: run \`npm run images\` before fake hosts start (apply hands over to the runner only once it is there)` });
    } else if (has === null) {
      const registry = registryOf(named);
      problems.push({
        engine: engine.name, kind: 'pulled',
        message: registry
          ? `the swarm image ${named} is pulled from ${registry} by the nodes of ${engine.name} when pods start (\`npm run images\` pushes it there)`
          : `the swarm image ${named} names no registry: the nodes of ${engine.name} would pull it from ${DOCKER_HUB}; name a registry they reach in images.swarm, or set runtime.kubernetes.containerdSocket for a node on this machine`,
      });
    }
  }
  const statuses = await Promise.all(dockers.map(async (engine) => ({ engine, status: await swarmImageStatus(engine.docker, images) })));
  // An engine that has the input images is where the image is built; the others got a copy
  // (npm run images), which is up to date when it is the very image built there.
  const built = statuses.find(({ status }) => status.id !== null && status.inputs.every((i) => i.current !== null));
  for (const { engine, status } of statuses) {
    if (status.ref !== named) {
      problems.push({ engine: engine.name, kind: 'other', message: `dist/ names the swarm image ${named}, the config builds ${status.ref}: run \`npm run synth\`` });
      return problems;
    }
    const copy = built && built.engine !== engine && status.inputs.every((i) => i.current === null);
    if (status.id === null) {
      problems.push({ engine: engine.name, kind: 'missing', message: `the swarm image ${named} is not on engine ${engine.name}: run \`npm run images\` before fake hosts start (apply hands over to the runner only once it is there)` });
    } else if (copy ? status.id !== built.status.id || !built.status.upToDate : !status.upToDate) {
      const why = copy ? `not the image built on ${built.engine.name}` : status.reasons.join('; ');
      problems.push({
        engine: engine.name,
        kind: 'stale',
        message: `the swarm image ${named} on engine ${engine.name} is out of date (${why}): run \`npm run images\`; fake hosts already running keep the image they started from`,
      });
    }
  }
  return problems;
}
