// The swarm image's recipe: its Dockerfile and layer, and the tag derived from them.
//
// Why the tag is a hash of the recipe (image references + Dockerfile + layer content) and not
// of the input images' ids: synth must name the image without asking a Docker engine (dist/ is
// made and reviewed anywhere, CI included). A changed shim or a changed reference in the config
// thus gives a new tag, so dist/ changes and `plan` shows the fake hosts' containers being
// replaced. A changed input image under the same reference (a re-pulled `:latest`) is caught
// by the labels instead: the built image records each input's id (build.ts), and
// `swarmImageStatus` (status.ts) reports it as out of date until `npm run images` rebuilds it.
import { createHash } from 'node:crypto';
import type { SwarmConfig } from '../config/types.ts';
import { CONTROLLER_BINARY, INSTALLER_BINARY, SHIM_DIR, swarmLayer, type InputImages, type LayerFile } from './layer.ts';

/** The repository of the swarm image when the config names none. */
export const DEFAULT_SWARM_REPOSITORY = 'assisted-swarm/agent';
/** Bump when the recipe's meaning changes in a way the Dockerfile text does not show. */
const RECIPE_VERSION = '1';

export interface SwarmImageRecipe {
  /** The reference fake hosts run: `<repository>:<hash>`, or the config's own tag. */
  ref: string;
  inputs: InputImages;
  dockerfile: string;
  layer: LayerFile[];
  /** sha256 of everything above but `ref`. */
  hash: string;
}

export function dockerfile(inputs: InputImages): string {
  return [
    '# The fake-host image of assisted-swarm (lib/images/): upstream\'s agent image as published,',
    '# upstream\'s installer and controller binaries from their images, and the swarm\'s layer.',
    `FROM ${inputs.agent}`,
    `COPY --from=${inputs.installer} ${INSTALLER_BINARY} ${INSTALLER_BINARY}`,
    `COPY --from=${inputs.controller} ${CONTROLLER_BINARY} ${CONTROLLER_BINARY}`,
    'COPY layer/ /',
    `ENV PATH=${SHIM_DIR}:$PATH`,
    '',
  ].join('\n');
}

export function recipeHash(text: string, layer: LayerFile[]): string {
  const h = createHash('sha256').update(`assisted-swarm image recipe ${RECIPE_VERSION}\n`).update(text);
  for (const file of layer) {
    const content = createHash('sha256').update(file.content).digest('hex');
    h.update(`\n${file.path} ${file.mode.toString(8)} ${file.linkTo ? `-> ${file.linkTo}` : content}`);
  }
  return h.digest('hex');
}

/** True when `ref` names a tag or a digest (the config pins the swarm image itself). */
export function hasTagOrDigest(ref: string): boolean {
  return ref.includes('@') || ref.slice(ref.lastIndexOf('/') + 1).includes(':');
}

/** The recipe for a config's images; `layer` replaces the swarm's layer (tests change a shim). */
export function swarmImageRecipe(images: SwarmConfig['images'], layer?: LayerFile[]): SwarmImageRecipe {
  const inputs: InputImages = { agent: images.agent, installer: images.installer, controller: images.controller };
  const files = layer ?? swarmLayer(inputs);
  const text = dockerfile(inputs);
  const hash = recipeHash(text, files);
  const repository = images.swarm ?? DEFAULT_SWARM_REPOSITORY;
  const ref = hasTagOrDigest(repository) ? repository : `${repository}:${hash.slice(0, 16)}`;
  return { ref, inputs, dockerfile: text, layer: files, hash };
}

const refs = new Map<string, string>();
/** The swarm image's reference for a config (memoized: synth asks once per container). */
export function swarmImageRef(images: SwarmConfig['images']): string {
  const key = JSON.stringify([images.agent, images.installer, images.controller, images.swarm]);
  let ref = refs.get(key);
  if (ref === undefined) refs.set(key, (ref = swarmImageRecipe(images).ref));
  return ref;
}
