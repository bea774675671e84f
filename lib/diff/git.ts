// The git side of diff (simple-git): the repository the config is in, refs resolved to
// commits, the default base (the merge base with the default branch), and temporary detached
// worktrees for the commits compared, removed afterwards whatever happens.
import { existsSync, lstatSync, mkdtempSync, realpathSync, rmSync, symlinkSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleGit, type SimpleGit } from 'simple-git';
import { UserError } from '../config/errors.ts';

export interface Repo {
  git: SimpleGit;
  /** The top level of the work tree, symlinks resolved. */
  root: string;
}

/** The repository `dir` is in; a UserError when there is none. */
export async function openRepo(dir: string): Promise<Repo> {
  if (!existsSync(dir)) throw new UserError(`${dir} does not exist`);
  const git = simpleGit({ baseDir: dir });
  if (!(await git.checkIsRepo().catch(() => false))) {
    throw new UserError(`${dir} is not in a git repository: diff compares the config at two commits, so the config must be in one`);
  }
  const root = realpathSync((await git.revparse(['--show-toplevel'])).trim());
  return { git: simpleGit({ baseDir: root }), root };
}

/** The commit `ref` names; null when it names none. */
async function commitOf(repo: Repo, ref: string): Promise<string | null> {
  const out = await repo.git.raw(['rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`]).catch(() => '');
  return out.trim() || null;
}

export async function resolveCommit(repo: Repo, ref: string): Promise<string> {
  const commit = await commitOf(repo, ref);
  if (!commit) throw new UserError(`unknown ref "${ref}": no branch, tag or commit of that name in ${repo.root}`);
  return commit;
}

/**
 * The default branch: origin/HEAD where the clone knows it, else the first of origin/main,
 * origin/master, main, master that exists (a CI checkout often has no origin/HEAD).
 */
async function defaultBranch(repo: Repo): Promise<string> {
  const originHead = (await repo.git.raw(['symbolic-ref', '--quiet', '--short', 'refs/remotes/origin/HEAD']).catch(() => '')).trim();
  for (const candidate of [originHead, 'origin/main', 'origin/master', 'main', 'master'].filter(Boolean)) {
    if (await commitOf(repo, candidate)) return candidate;
  }
  throw new UserError('cannot find the default branch (no origin/HEAD, origin/main, origin/master, main or master): name the base with --base <ref>');
}

/** The merge base of `head` with the default branch: what a pull request from `head` changes. */
export async function defaultBase(repo: Repo, head: string): Promise<{ commit: string; chosen: string }> {
  const branch = await defaultBranch(repo);
  const commit = (await repo.git.raw(['merge-base', head, branch]).catch(() => '')).trim();
  if (!commit) throw new UserError(`${head} and ${branch} have no commit in common: name the base with --base <ref>`);
  return { commit, chosen: `merge base of ${head} and ${branch}` };
}

const NODE_MODULES = 'node_modules';

/**
 * Detached worktrees of commits, in a temporary folder each. close() removes every one opened
 * (`git worktree remove --force`, then prune), also one whose checkout failed half-way.
 */
export class Worktrees {
  private readonly opened: { holder: string; dir: string; done: Promise<unknown> }[] = [];

  constructor(private readonly repo: Repo) {}

  /** Starts checking `commit` out; resolves to the worktree's folder. */
  open(commit: string): Promise<string> {
    const holder = mkdtempSync(join(tmpdir(), 'assisted-swarm-diff-'));
    const dir = join(holder, 'tree');
    const done = this.repo.git.raw(['worktree', 'add', '--detach', dir, commit]).then(() => {
      // The config's imports resolve from its own folder: give the checkout this tree's packages.
      const modules = join(this.repo.root, NODE_MODULES);
      if (existsSync(modules) && !existsSync(join(dir, NODE_MODULES))) symlinkSync(modules, join(dir, NODE_MODULES), 'dir');
      return dir;
    });
    // Settled in close(); until then a failure must not count as unhandled.
    done.catch(() => {});
    this.opened.push({ holder, dir, done });
    return done;
  }

  async close(): Promise<void> {
    const opened = this.opened.splice(0);
    await Promise.allSettled(opened.map((o) => o.done));
    for (const { holder, dir } of opened) {
      // Unlinked first, so that nothing removing the tree can follow it into our packages.
      const link = join(dir, NODE_MODULES);
      if (existsSync(dir) && lstatSync(link, { throwIfNoEntry: false })?.isSymbolicLink()) unlinkSync(link);
      await this.repo.git.raw(['worktree', 'remove', '--force', dir]).catch(() => {});
      rmSync(holder, { recursive: true, force: true });
    }
    if (opened.length) await this.repo.git.raw(['worktree', 'prune']).catch(() => {});
  }
}
