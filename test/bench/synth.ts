// Synth speed and memory: N single-node clusters, each size in a fresh process so that its
// peak RSS is its own. Target: 1,000 clusters < 10 s, 10,000 < 60 s, within 2 GiB.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const here = new URL('.', import.meta.url).pathname;

export const usage = 'usage: npm run bench -- synth [N...]   single-node clusters synthesized per second and peak RSS, each size in a fresh process (default 100 1000 10000)';

export async function run(args: string[]) {
  const sizes = args.length ? args.map(Number) : [100, 1000, 10000];
  console.log('clusters  seconds  clusters/s  peak RSS (MiB)');
  for (const n of sizes) {
    const out = mkdtempSync(join(tmpdir(), 'swarm-bench-synth-'));
    const child = spawnSync(process.execPath, ['--import', 'tsx', join(here, 'synth-once.ts'), String(n), out], { encoding: 'utf8' });
    rmSync(out, { recursive: true, force: true });
    if (child.status !== 0) throw new Error(`synth of ${n} clusters failed: ${child.stderr}`);
    const { seconds, maxRssMiB } = JSON.parse(child.stdout.trim().split('\n').pop()!);
    console.log(`${String(n).padStart(8)}  ${seconds.toFixed(2).padStart(7)}  ${(n / seconds).toFixed(0).padStart(10)}  ${maxRssMiB.toFixed(0).padStart(14)}`);
  }
}
