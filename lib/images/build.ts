// `npm run images`: builds the swarm image with the Docker engine (dockerode, classic builder),
// from the input images the config names and the swarm's layer, tags it with the recipe's
// reference, labels it with its inputs' ids, and pushes it when its reference names a registry.
import type Docker from 'dockerode';
import type { SwarmConfig } from '../config/types.ts';
import { UserError } from '../config/errors.ts';
import { buildContext } from './context.ts';
import { ensureInputs, type InputIds, type PullPolicy } from './inputs.ts';
import type { LayerFile } from './layer.ts';
import { EngineStreamError, followStream, layerProgress, type Log } from './progress.ts';
import { swarmImageRecipe, type SwarmImageRecipe } from './recipe.ts';
import { registryAuth, registryOf, splitTag } from './registry.ts';
import { imageLabels, swarmImageStatus } from './status.ts';

export interface BuildOptions {
  pull?: PullPolicy;
  /** Push when the reference names a registry (default true). */
  push?: boolean;
  /** Build even when the image is up to date. */
  force?: boolean;
  /** Where progress lines go. */
  log?: Log;
  /** Replaces the swarm's layer (tests change a shim with it). */
  layer?: LayerFile[];
}

export interface BuildResult {
  ref: string;
  id: string;
  inputs: InputIds;
  /** False when an up-to-date image was there already. */
  built: boolean;
  /** The registry it was pushed to, or null. */
  pushedTo: string | null;
}

/** The engine refused the build: its message, with the build's output before it. */
export class ImageBuildError extends UserError {
  constructor(readonly ref: string, readonly engineMessage: string, readonly output: string[]) {
    super(`the Docker engine could not build ${ref}: ${engineMessage}\n` +
      `engine output (last ${Math.min(output.length, 30)} lines):\n${output.slice(-30).map((l) => `  ${l}`).join('\n')}`);
    this.name = 'ImageBuildError';
  }
}

export async function buildSwarmImage(docker: Docker, images: SwarmConfig['images'], options: BuildOptions = {}): Promise<BuildResult> {
  const log = options.log ?? (() => {});
  const recipe = swarmImageRecipe(images, options.layer);
  const inputs = await ensureInputs(docker, recipe.inputs, options.pull ?? 'missing', log);
  const status = await swarmImageStatus(docker, images, options.layer);
  let id = status.id;
  const built = !status.upToDate || !!options.force;
  if (built) id = await build(docker, recipe, inputs, log);
  else log(`${recipe.ref} is up to date`);
  const registry = registryOf(recipe.ref);
  const pushedTo = registry && options.push !== false ? (await push(docker, recipe.ref, registry, log), registry) : null;
  return { ref: recipe.ref, id: id!, inputs, built, pushedTo };
}

async function build(docker: Docker, recipe: SwarmImageRecipe, ids: InputIds, log: Log): Promise<string> {
  log(`building ${recipe.ref}`);
  // The labels go in as one last Dockerfile line (one build step, where the API's `labels`
  // option takes one per label); they are build facts, so the recipe's hash leaves them out.
  const labels = Object.entries(imageLabels(recipe, ids)).map(([k, v]) => `${JSON.stringify(k)}=${JSON.stringify(v)}`);
  const context = buildContext({ ...recipe, dockerfile: `${recipe.dockerfile}LABEL ${labels.join(' \\\n      ')}\n` });
  const stream = await docker.buildImage(context as unknown as NodeJS.ReadableStream, {
    t: recipe.ref,
    // The inputs are checked (and pulled) above; the build itself never pulls.
    pull: false,
    rm: true,
    forcerm: true,
  });
  try {
    await followStream(docker, stream, (event) => {
      for (const line of event.stream?.split('\n') ?? []) if (line.trim()) log(`  ${line}`);
    });
  } catch (err) {
    if (err instanceof EngineStreamError) throw new ImageBuildError(recipe.ref, err.engineMessage, err.output);
    throw err;
  }
  const { Id } = await docker.getImage(recipe.ref).inspect();
  log(`built ${recipe.ref} (${Id})`);
  return Id;
}

async function push(docker: Docker, ref: string, registry: string, log: Log): Promise<void> {
  log(`pushing ${ref} to ${registry}`);
  const { repository, tag } = splitTag(ref);
  const auth = registryAuth(registry);
  try {
    const stream = await docker.getImage(repository).push({ tag, ...(auth ? { authconfig: auth } : {}) });
    await followStream(docker, stream, layerProgress((line) => log(`  ${line}`)));
  } catch (err) {
    const how = auth ? `with the credentials of the Docker config for ${registry}` : `anonymously (the Docker config has no credentials for ${registry}: docker login ${registry})`;
    throw new UserError(`pushing ${ref} to ${registry} ${how} failed: ${(err as Error).message}`);
  }
  log(`pushed ${ref}`);
}
