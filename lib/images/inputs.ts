// The input images (upstream's agent, installer and controller images, by the config's
// references): found in the engine, pulled when missing (with progress), or refused with a
// message saying how to provide them.
import type Docker from 'dockerode';
import { UserError } from '../config/errors.ts';
import { INPUT_ROLES, type InputImages, type InputRole } from './layer.ts';
import { followStream, layerProgress, type Log } from './progress.ts';
import { registryAuth, registryOf, DOCKER_HUB } from './registry.ts';

/** missing: pull only what the engine lacks; always: pull every input; never: no pulls. */
export type PullPolicy = 'missing' | 'always' | 'never';
export const PULL_POLICIES: PullPolicy[] = ['missing', 'always', 'never'];

export type InputIds = Record<InputRole, string>;

export interface MissingInput {
  role: InputRole;
  ref: string;
  /** Why a pull did not provide it; null when no pull was tried. */
  pullError: string | null;
}

export class MissingInputError extends UserError {
  constructor(readonly missing: MissingInput[]) {
    super(missingMessage(missing));
    this.name = 'MissingInputError';
  }
}

function missingMessage(missing: MissingInput[]): string {
  const lines = missing.map((m) =>
    `  images.${m.role}: ${m.ref}${m.pullError === null ? ' (not pulled: --pull never)' : ` (pull failed: ${m.pullError})`}`);
  const example = missing[0]!;
  return [
    `the swarm image is built on input images this Docker engine does not have:`,
    ...lines,
    'Provide each of them in one of three ways:',
    `  1. pull it where a registry is reachable: docker pull ${example.ref} (npm run images pulls missing inputs itself)`,
    `  2. load it from an archive: docker load -i <file>.tar, then docker tag <image id> ${example.ref} if the archive names it otherwise`,
    `  3. name an image this engine has in swarm.config.ts: images: { ${example.role}: '<reference>' }`,
  ].join('\n');
}

export async function imageId(docker: Docker, ref: string): Promise<string | null> {
  try {
    return (await docker.getImage(ref).inspect()).Id;
  } catch (err) {
    if ((err as { statusCode?: number }).statusCode === 404) return null;
    throw err;
  }
}

/** Pulls `ref`, printing progress; throws with the engine's reason. */
export async function pullImage(docker: Docker, ref: string, log: Log): Promise<void> {
  log(`pulling ${ref}`);
  const auth = registryAuth(registryOf(ref) ?? DOCKER_HUB);
  const stream = await docker.pull(ref, auth ? { authconfig: auth } : {});
  await followStream(docker, stream, layerProgress((line) => log(`  ${line}`)));
}

/** The id of every input image, pulling as the policy says; all missing inputs fail together. */
export async function ensureInputs(docker: Docker, inputs: InputImages, policy: PullPolicy, log: Log): Promise<InputIds> {
  const ids: Partial<InputIds> = {};
  const missing: MissingInput[] = [];
  for (const role of INPUT_ROLES) {
    const ref = inputs[role];
    let id = policy === 'always' ? null : await imageId(docker, ref);
    let pullError: string | null = null;
    if (id === null && policy !== 'never') {
      try {
        await pullImage(docker, ref, log);
      } catch (err) {
        pullError = (err as Error).message;
      }
      id = await imageId(docker, ref);
      if (pullError !== null && id !== null) log(`  pull failed (${pullError}); using the image this engine has`);
    }
    if (id === null) missing.push({ role, ref, pullError });
    else ids[role] = id;
  }
  if (missing.length) throw new MissingInputError(missing);
  return ids as InputIds;
}
