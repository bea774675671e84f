// `npm run bench -- <name> [...]`: speed and memory figures, printed (never asserted in tests).
// Each benchmark lives in a file of its own in this folder and exports `run(args)`.
const benches: Record<string, () => Promise<{ run: (args: string[]) => Promise<void> }>> = {
  synth: () => import('./synth.ts'),
  diff: () => import('./diff.ts'),
  apply: () => import('./apply.ts'),
  launch: () => import('./launch.ts'),
  swarm: () => import('./swarm.ts'),
  density: () => import('./density.ts'),
  pods: () => import('./pods.ts'),
  iso: () => import('./iso.ts'),
};

const [name, ...args] = process.argv.slice(2);
const usage = `usage: npm run bench -- <${Object.keys(benches).join('|')}> [options]   (each file of test/bench/ says its options)`;
if (name === '--help' || name === '-h') {
  console.log(usage);
  process.exit(0);
}
const load = name ? benches[name] : undefined;
if (!load) {
  console.error(usage);
  process.exit(2);
}
await (await load()).run(args);
