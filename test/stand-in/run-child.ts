// Test-only: runs the runner in a process of its own, so a test can kill it half-way (-9) as a
// user's Ctrl-C or a crash would, and run it again. Argument: a JSON file with
// { dist, config, kubeconfigPath }.
import { readFileSync } from 'node:fs';
import { KubeConfig } from '@kubernetes/client-node';
import { executeRun } from '../../lib/runner/run.ts';

const { dist, config, kubeconfigPath } = JSON.parse(readFileSync(process.argv[2]!, 'utf8'));
const kubeConfig = new KubeConfig();
kubeConfig.loadFromFile(kubeconfigPath);
const result = await executeRun({ dist, config, kubeConfig });
process.exitCode = result.exitCode;
