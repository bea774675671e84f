// Diff speed: a git repository with two commits of an N-cluster config (N single-node
// clusters, then 10 more and a label changed on all), the diff of the two refs (and of the
// first ref against the working tree) against two synths, as `npm run synth` does them.
// Target: the diff takes the time of two synths plus little. Each measurement runs in a fresh
// process (this file again, with --child) so that its peak RSS is its own.
// Usage: npm run bench -- diff [N ...]   (default 1000)
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleGit } from 'simple-git';

const root = new URL('../..', import.meta.url).pathname;

function config(n: number, size: string) {
  return {
    name: 'bench',
    network: { machineNetworks: '100.64.0.0/10', clusterPrefix: 28 },
    clusters: [{ name: 'sno', topology: 'single-node', count: n, agentLabels: { size } }],
  };
}

/** One measurement, in this process: prints {seconds, maxRssMiB, detail} as JSON. */
async function child([what, repo, ...refs]: string[]): Promise<void> {
  const configFile = join(repo!, 'swarm.config.ts');
  const started = performance.now();
  let detail = '';
  if (what === 'synth') {
    // What `npm run synth` does, at the ref checked out.
    const { loadConfigFile } = await import('../../lib/config/load.ts');
    const { expandSwarm } = await import('../../lib/swarm/expand.ts');
    const { synthWithPatches } = await import('../../lib/patches/synth.ts');
    await simpleGit({ baseDir: repo }).checkout(refs[0]!);
    const out = mkdtempSync(join(tmpdir(), 'swarm-bench-diff-dist-'));
    synthWithPatches(expandSwarm(await loadConfigFile(configFile)), join(out, 'dist'), join(repo!, 'patches'));
    rmSync(out, { recursive: true, force: true });
  } else {
    const { runDiff } = await import('../../lib/diff/run.ts');
    const { summaryLine } = await import('../../lib/diff/render-parts.ts');
    const diff = await runDiff({ config: configFile, base: refs[0], head: refs[1] });
    detail = summaryLine(diff.summary);
  }
  const seconds = (performance.now() - started) / 1000;
  console.log(JSON.stringify({ seconds, maxRssMiB: process.resourceUsage().maxRSS / 1024, detail }));
}

function measure(args: string[]): { seconds: number; maxRssMiB: number; detail: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'test/bench/main.ts'), 'diff', '--child', ...args], { cwd: root, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${args.join(' ')} failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!);
}

export const usage = 'usage: npm run bench -- diff [N...]   diff --base of two refs of N single-node clusters against two synths (default 1000)';

export async function run(args: string[]): Promise<void> {
  if (args[0] === '--child') return child(args.slice(1));
  const sizes = args.length ? args.map(Number) : [1000];
  for (const n of sizes) {
    const repo = mkdtempSync(join(tmpdir(), 'swarm-bench-diff-'));
    try {
      const git = simpleGit({ baseDir: repo });
      await git.init(['--initial-branch=main']);
      await git.addConfig('user.name', 'bench').addConfig('user.email', 'bench@example.invalid').addConfig('commit.gpgsign', 'false');
      cpSync(join(root, 'patches'), join(repo, 'patches'), { recursive: true });
      const commit = async (c: unknown, message: string) => {
        writeFileSync(join(repo, 'swarm.config.ts'), `export default ${JSON.stringify(c)};\n`);
        await git.add('.').commit(message);
        return (await git.revparse(['HEAD'])).trim();
      };
      const a = await commit(config(n, 'small'), 'a');
      const b = await commit(config(n + 10, 'large'), 'b');

      console.log(`${n} single-node clusters; b adds 10 and changes a label on all`);
      console.log('what                          seconds  peak RSS (MiB)');
      const row = (what: string, m: { seconds: number; maxRssMiB: number }) =>
        console.log(`${what.padEnd(28)}  ${m.seconds.toFixed(2).padStart(7)}  ${m.maxRssMiB.toFixed(0).padStart(14)}`);
      const synthA = measure(['synth', repo, a]);
      row('synth a (npm run synth)', synthA);
      const synthB = measure(['synth', repo, b]);
      row('synth b (npm run synth)', synthB);
      await git.checkout('main');
      const refs = measure(['diff', repo, a, b]);
      row('diff a..b (two refs)', refs);
      const tree = measure(['diff', repo, a]);
      row('diff a..working tree', tree);
      const two = synthA.seconds + synthB.seconds;
      console.log(`two synths: ${two.toFixed(2)} s; diff of two refs: ${refs.seconds.toFixed(2)} s (${((refs.seconds / two) * 100).toFixed(0)}% of two synths)`);
      console.log(`diff: ${refs.detail}`);
    } finally {
      rmSync(repo, { recursive: true, force: true });
    }
  }
}
