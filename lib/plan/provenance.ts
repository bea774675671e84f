// Where a plan comes from: hashes of dist/ and of the config (a saved plan is refused once either
// changes) and the git commit, branch and dirty flag of the work tree it was made in.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { simpleGit } from 'simple-git';
import { HUB_DIR, LAUNCH_DIR } from '../constructs/dirs.ts';
import type { Provenance } from './types.ts';

/** sha256 over the names and contents of dist/hub/*.yaml and dist/launch/*.yaml. */
export function hashDist(dist: string): string {
  const hash = createHash('sha256');
  for (const dir of [HUB_DIR, LAUNCH_DIR]) {
    const path = join(dist, dir);
    if (!existsSync(path)) continue;
    for (const file of readdirSync(path).filter((f) => f.endsWith('.yaml')).sort()) {
      hash.update(`${dir}/${file}\u0000`).update(readFileSync(join(path, file))).update('\u0000');
    }
  }
  return hash.digest('hex');
}

/** sha256 of one file's contents; null when it does not exist. */
export function hashFile(file: string): string | null {
  return existsSync(file) ? createHash('sha256').update(readFileSync(file)).digest('hex') : null;
}

/** Commit, branch and dirty flag of the git work tree at `dir`; nulls outside one. */
export async function gitProvenance(dir = process.cwd()): Promise<Provenance> {
  try {
    const git = simpleGit({ baseDir: dir });
    if (!(await git.checkIsRepo())) return { commit: null, branch: null, dirty: null };
    const [commit, branch, status] = await Promise.all([
      git.revparse(['HEAD']).catch(() => null),
      git.revparse(['--abbrev-ref', 'HEAD']).catch(() => null),
      git.status(),
    ]);
    return { commit: commit?.trim() || null, branch: branch?.trim() || null, dirty: !status.isClean() };
  } catch {
    return { commit: null, branch: null, dirty: null };
  }
}
