// `npm run synth`: swarm.config.ts → dist/ (the hub's objects and the launch plans).
// Usage: tsx main.ts [--config swarm.config.ts] [--out dist]
import { runSynth } from './lib/cli/synth.ts';

process.exitCode = await runSynth(process.argv.slice(2));
