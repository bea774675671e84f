// `npm run synth` (and cdk8s's app): swarm.config.ts → dist/ (the hub's objects and the launch plans).
// Usage: tsx main.ts [--config swarm.config.ts] [--out dist] [--patches patches] [--help]
import { hideBin } from 'yargs/helpers';
import { runCli } from './lib/cli/main.ts';

await runCli(['synth', ...hideBin(process.argv)]);
