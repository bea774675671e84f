// The build context, made in memory as a tar stream: the Dockerfile and the layer under
// `layer/`. Fixed owners and times keep it the same from one build to the next.
import { pack, type Pack } from 'tar-stream';
import type { SwarmImageRecipe } from './recipe.ts';

const FIXED_TIME = new Date(0);

export function buildContext(recipe: Pick<SwarmImageRecipe, 'dockerfile' | 'layer'>): Pack {
  const tar = pack();
  const entry = (name: string, mode: number, content: Buffer | string) =>
    tar.entry({ name, mode, mtime: FIXED_TIME, uid: 0, gid: 0, uname: 'root', gname: 'root' }, content);
  entry('Dockerfile', 0o644, recipe.dockerfile);
  for (const file of recipe.layer) {
    if (file.linkTo) tar.entry({ name: `layer${file.path}`, type: 'symlink', linkname: file.linkTo, mode: file.mode, mtime: FIXED_TIME, uid: 0, gid: 0 });
    else entry(`layer${file.path}`, file.mode, file.content);
  }
  tar.finalize();
  return tar;
}
