// The swarm image in plans: is the image dist/'s launch plans name on every engine, built from
// the input images each engine has now (lib/images/status.ts)? A fake host started from a
// missing image fails, and one started from an image whose inputs changed since it was built
// runs the old agent, so plan says so, naming `npm run images`; apply refuses to hand over to
// the runner while the image is missing (lib/cli/apply.ts). Apply's hub work does not need it:
// `apply --no-run` and a plan without fake hosts to start are not held up.
import type { SwarmConfig } from '../config/types.ts';
import type { LaunchPlans } from '../dist/types.ts';
import { DockerEngine } from '../engine/docker.ts';
import type { ContainerEngine } from '../engine/engine.ts';
import { EnginePool } from '../engine/pool.ts';
import { swarmImageStatus } from '../images/status.ts';

export interface ImageProblem {
  engine: string;
  /** missing: not on the engine; stale: built from inputs that changed since; other: dist/ and the config disagree. */
  kind: 'missing' | 'stale' | 'other';
  message: string;
}

/** The swarm image's problems on each engine; none when the launch plans start no fake host. */
export async function swarmImageProblems(engines: ContainerEngine, images: SwarmConfig['images'], launch: LaunchPlans): Promise<ImageProblem[]> {
  if (!launch.fakeHosts.length) return [];
  const named = launch.order.spec.images.swarm;
  // The swarm image is a Docker image: an engine of another kind would check its own way.
  const dockers = (engines instanceof EnginePool ? engines.engines : [engines]).filter((e): e is DockerEngine => e instanceof DockerEngine);
  const problems: ImageProblem[] = [];
  for (const engine of dockers) {
    const status = await swarmImageStatus(engine.docker, images);
    if (status.ref !== named) {
      problems.push({ engine: engine.name, kind: 'other', message: `dist/ names the swarm image ${named}, the config builds ${status.ref}: run \`npm run synth\`` });
      return problems;
    }
    if (status.id === null) {
      problems.push({ engine: engine.name, kind: 'missing', message: `the swarm image ${named} is not on engine ${engine.name}: run \`npm run images\` before fake hosts start (apply hands over to the runner only once it is there)` });
    } else if (!status.upToDate) {
      problems.push({
        engine: engine.name,
        kind: 'stale',
        message: `the swarm image ${named} on engine ${engine.name} is out of date (${status.reasons.join('; ')}): run \`npm run images\`; fake hosts already running keep the image they started from`,
      });
    }
  }
  return problems;
}
