// `diff` end to end: find the repository and the two commits, check the base out into a
// temporary worktree (the head too when it is a ref, not the working tree), synthesize both
// with this tree's synth code, in memory, and compare. The base's checkout runs while the head
// is synthesized.
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { existsSync, realpathSync } from 'node:fs';
import { UserError } from '../config/errors.ts';
import { ConfigError } from '../config/errors.ts';
import { gitProvenance } from '../plan/provenance.ts';
import { compareSynths, summarize } from './compare.ts';
import { defaultBase, openRepo, resolveCommit, Worktrees, type Repo } from './git.ts';
import { synthInMemory, type Synthesized } from './synth.ts';
import { DIFF_FORMAT, type DiffSide, type SwarmDiff } from './types.ts';

export interface DiffOptions {
  /** The config module in the working tree; the same path (from the top level) is read at the refs. */
  config: string;
  /** The patches folder (default: `patches` beside the config), likewise. */
  patches?: string;
  /** Default: the merge base with the default branch. */
  base?: string;
  /** Default: the working tree, uncommitted changes included. */
  head?: string;
}

/** `path` from the repository's top level; a UserError when it is outside. */
function inRepo(repo: Repo, path: string, what: string): string {
  const real = existsSync(path) ? realpathSync(path) : join(realpathSync(dirname(path)), path.split(/[\\/]/).pop()!);
  const rel = relative(repo.root, real);
  if (rel.startsWith('..') || isAbsolute(rel)) throw new UserError(`${what} ${path} is outside the repository ${repo.root}`);
  return rel;
}

/** Synthesizes the config of the tree at `root`; errors name the side, and paths from the top level. */
async function synthSide(root: string, config: string, patches: string, label: string): Promise<Synthesized> {
  const file = join(root, config);
  if (!existsSync(file)) throw new UserError(`${label}: there is no ${config}`);
  try {
    return await synthInMemory(file, join(root, patches));
  } catch (err) {
    const message = (err as Error).message.split(`${root}/`).join('');
    if (err instanceof ConfigError || err instanceof UserError) throw new UserError(`${label}: ${message}`);
    (err as Error).message = `${label}: ${message}`;
    throw err;
  }
}

const short = (commit: string | null) => commit?.slice(0, 12) ?? '(no commit)';

export async function runDiff(options: DiffOptions): Promise<SwarmDiff> {
  const configPath = resolve(options.config);
  const repo = await openRepo(dirname(configPath));
  const config = inRepo(repo, configPath, 'the config');
  const patches = inRepo(repo, options.patches ? resolve(options.patches) : join(dirname(configPath), 'patches'), 'the patches folder');

  const headCommit = options.head !== undefined ? await resolveCommit(repo, options.head) : null;
  const base = options.base !== undefined
    ? { commit: await resolveCommit(repo, options.base), chosen: undefined }
    : await defaultBase(repo, options.head ?? 'HEAD');
  const baseLabel = `base ${short(base.commit)} (${options.base ?? base.chosen})`;
  const headLabel = options.head !== undefined ? `head ${short(headCommit)} (${options.head})` : 'working tree';

  const trees = new Worktrees(repo);
  try {
    const baseTree = trees.open(base.commit);
    const headTree = headCommit ? trees.open(headCommit) : Promise.resolve(repo.root);
    const [provenance, headSynth] = await Promise.all([
      headCommit ? undefined : gitProvenance(repo.root),
      headTree.then((root) => synthSide(root, config, patches, headLabel)),
    ]);
    const baseSynth = await synthSide(await baseTree, config, patches, baseLabel);
    const units = compareSynths(baseSynth, headSynth);
    const head: DiffSide = headCommit
      ? { label: headLabel, workingTree: false, ref: options.head!, commit: headCommit, swarm: headSynth.swarm }
      : { label: headLabel, workingTree: true, ref: null, commit: provenance!.commit, provenance, swarm: headSynth.swarm };
    const baseSide: DiffSide = {
      label: baseLabel, workingTree: false, ref: options.base ?? null, ...(base.chosen ? { chosen: base.chosen } : {}), commit: base.commit, swarm: baseSynth.swarm,
    };
    return {
      format: DIFF_FORMAT,
      config,
      base: baseSide,
      head,
      summary: summarize(units),
      units,
    };
  } finally {
    await trees.close();
  }
}
