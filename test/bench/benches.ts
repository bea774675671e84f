// The benchmarks of `npm run bench -- <name>`: each in a file of its own in this folder, which
// exports its usage line and `run(args)`. Loaded on demand: most need a hub, some the e2e hub.
export interface Bench {
  usage: string;
  run(args: string[]): Promise<void>;
}

export const BENCHES: Record<string, () => Promise<Bench>> = {
  synth: () => import('./synth.ts'),
  diff: () => import('./diff.ts'),
  apply: () => import('./apply.ts'),
  launch: () => import('./launch.ts'),
  swarm: () => import('./swarm.ts'),
  density: () => import('./density.ts'),
  pods: () => import('./pods.ts'),
  iso: () => import('./iso.ts'),
};
