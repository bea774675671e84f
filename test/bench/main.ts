// `npm run bench -- <name> [...]`: speed and memory figures, printed (never asserted in tests).
// `npm run bench -- <name> --help` prints that benchmark's usage and runs nothing.
import { BENCHES } from './benches.ts';

const [name, ...args] = process.argv.slice(2);
const usage = `usage: npm run bench -- <${Object.keys(BENCHES).join('|')}> [options]   (npm run bench -- <name> --help: its options)`;
if (name === '--help' || name === '-h') {
  console.log(usage);
  process.exit(0);
}
const load = name ? BENCHES[name] : undefined;
if (!load) {
  console.error(usage);
  process.exit(2);
}
const bench = await load();
if (args.includes('--help') || args.includes('-h')) console.log(bench.usage);
else await bench.run(args);
