// Is the swarm image built, and from the input images the engine has now? The built image
// carries labels naming its recipe and each input's reference and id; comparing them with the
// engine's current ids tells `npm run images` whether to rebuild, and lets `plan` flag an
// image built from an input that has since changed under the same reference.
import type Docker from 'dockerode';
import type { SwarmConfig } from '../config/types.ts';
import { INPUT_ROLES, type InputRole, type LayerFile } from './layer.ts';
import { imageId, type InputIds } from './inputs.ts';
import { swarmImageRecipe, type SwarmImageRecipe } from './recipe.ts';

export const IMAGE_LABEL = {
  recipe: 'assisted-swarm.io/recipe',
  input: (role: InputRole) => `assisted-swarm.io/input.${role}`,
  inputId: (role: InputRole) => `assisted-swarm.io/input.${role}.id`,
} as const;

/** The labels the swarm image is built with. */
export function imageLabels(recipe: SwarmImageRecipe, ids: InputIds): Record<string, string> {
  const labels: Record<string, string> = { [IMAGE_LABEL.recipe]: recipe.hash };
  for (const role of INPUT_ROLES) {
    labels[IMAGE_LABEL.input(role)] = recipe.inputs[role];
    labels[IMAGE_LABEL.inputId(role)] = ids[role];
  }
  return labels;
}

export interface InputStatus {
  role: InputRole;
  ref: string;
  /** The id the swarm image was built from (its label); null if not built. */
  builtFrom: string | null;
  /** The id the engine has for `ref` now; null if it has none. */
  current: string | null;
}

export interface SwarmImageStatus {
  ref: string;
  /** The swarm image's id, or null when the engine does not have it. */
  id: string | null;
  inputs: InputStatus[];
  upToDate: boolean;
  /** Why it is not up to date, one sentence each. */
  reasons: string[];
}

export async function swarmImageStatus(docker: Docker, images: SwarmConfig['images'], layer?: LayerFile[]): Promise<SwarmImageStatus> {
  const recipe = swarmImageRecipe(images, layer);
  let id: string | null = null;
  let labels: Record<string, string> = {};
  try {
    const info = await docker.getImage(recipe.ref).inspect();
    id = info.Id;
    labels = info.Config.Labels ?? {};
  } catch (err) {
    if ((err as { statusCode?: number }).statusCode !== 404) throw err;
  }
  const inputs: InputStatus[] = [];
  for (const role of INPUT_ROLES) {
    const ref = recipe.inputs[role];
    const builtFrom = labels[IMAGE_LABEL.input(role)] === ref ? labels[IMAGE_LABEL.inputId(role)] ?? null : null;
    inputs.push({ role, ref, builtFrom, current: await imageId(docker, ref) });
  }
  const reasons: string[] = [];
  if (id === null) reasons.push(`${recipe.ref} is not built`);
  else if (labels[IMAGE_LABEL.recipe] !== recipe.hash) reasons.push(`${recipe.ref} was built from another recipe`);
  else {
    for (const input of inputs) {
      if (input.current === null) reasons.push(`its ${input.role} image ${input.ref} is no longer in the engine`);
      else if (input.builtFrom !== input.current) reasons.push(`its ${input.role} image ${input.ref} changed: built from ${short(input.builtFrom)}, now ${short(input.current)}`);
    }
  }
  return { ref: recipe.ref, id, inputs, upToDate: reasons.length === 0, reasons };
}

const short = (id: string | null) => (id ? id.replace(/^sha256:/, '').slice(0, 12) : 'unknown');
