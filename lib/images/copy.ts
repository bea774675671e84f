// The swarm image on another Docker engine without a registry: `docker save` on the engine that
// built it streamed into `docker load` on the other, both through the engine API (no file, no
// docker CLI). An image keeps its id across save and load, so an engine that has the reference
// at that id has it already.
import type Docker from 'dockerode';
import { imageId } from './inputs.ts';
import { followStream } from './progress.ts';

export type CopyOutcome = 'copied' | 'present';

/** Makes `to` hold `ref` as `from` has it (same id); nothing when it does already. */
export async function copyImage(from: Docker, to: Docker, ref: string): Promise<CopyOutcome> {
  const id = await imageId(from, ref);
  if (id === null) throw new Error(`${ref} is not on the engine that builds it`);
  if ((await imageId(to, ref)) === id) return 'present';
  const archive = await from.getImage(ref).get();
  const loading = await to.loadImage(archive, { quiet: true });
  await followStream(to, loading, () => {});
  const loaded = await imageId(to, ref);
  if (loaded !== id) throw new Error(`${ref} was loaded, but the engine has ${loaded ?? 'no image'} under that name instead of ${id}`);
  return 'copied';
}
