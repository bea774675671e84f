// A swarm of its own for a test of plan, apply and destroy: a unique name and namespace
// prefix, a service namespace of its own, a config module and a synthesized dist/ in a temp
// folder, the CLI run as a child process (as a user runs it), and a cleanup that removes
// whatever carries the swarm's labels.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validateConfig } from '../../lib/config/load.ts';
import type { SwarmConfigInput } from '../../lib/config/types.ts';
import { synthToDir } from '../../lib/constructs/synth.ts';
import { expandSwarm } from '../../lib/swarm/expand.ts';
import { swarmSelector, swarmLabels } from '../../lib/swarm/labels.ts';
import { HubClient } from '../../lib/hub/client.ts';
import { describeKubeConfig } from '../../lib/hub/kubeconfig.ts';
import { hub, labelFilter, REPO_ROOT, uniqueNamespace } from './hub.ts';

/** The environment variable test swarms read their pull secret from. */
export const PULL_SECRET_ENV = 'ASSISTED_SWARM_TEST_PULL_SECRET';

/** A pull secret whose value is easy to look for in output. */
export function fakePullSecret(marker = randomBytes(6).toString('hex')): { json: string; token: string } {
  const token = `tok-${marker}-never-print-me`;
  return { json: JSON.stringify({ auths: { 'registry.invalid': { auth: Buffer.from(token).toString('base64'), email: `${token}@invalid` } } }), token };
}

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface TestSwarm {
  name: string;
  dir: string;
  configPath: string;
  dist: string;
  serviceNamespace: string;
  kubeconfigPath: string;
  /** A hub client on the shared test hub (for looking at what the CLI did). */
  client: HubClient;
  /** Writes the config (the test's fields over the swarm's defaults) and synthesizes dist/. */
  configure(input: Omit<SwarmConfigInput, 'name'>): void;
  /** `swarm <args> --config … --dist …`, to its end. */
  cli(args: string[], env?: Record<string, string>): Promise<CliResult>;
  /** The same, started: for a test that kills it half-way. */
  spawnCli(args: string[], env?: Record<string, string>): ChildProcess;
  cleanup(): Promise<void>;
}

const suffix = () => randomBytes(3).toString('hex');

export async function testSwarm(prefix: string): Promise<TestSwarm> {
  const h = await hub();
  const name = `${prefix}-${suffix()}`;
  const dir = mkdtempSync(join(tmpdir(), `swarm-${name}-`));
  const service = await uniqueNamespace(`${name}-svc`);
  const configPath = join(dir, 'swarm.config.ts');
  const dist = join(dir, 'dist');
  const client = new HubClient(describeKubeConfig(h.kubeConfig, h.kubeconfigPath));
  const baseEnv = () => ({ ...process.env, DOCKER_HOST: process.env.DOCKER_HOST ?? 'unix:///var/run/docker.sock', NO_COLOR: '1' });
  const argv = (args: string[]) => ['--import', 'tsx', join(REPO_ROOT, 'lib/cli/main.ts'), ...args, '--config', configPath, '--dist', dist];

  const swarm: TestSwarm = {
    name, dir, configPath, dist, serviceNamespace: service.name, kubeconfigPath: h.kubeconfigPath, client,
    configure(input) {
      const full = {
        ...input,
        name,
        hub: { kubeconfig: h.kubeconfigPath, namespacePrefix: `${name}-`, serviceNamespace: service.name, ...input.hub },
        pullSecret: input.pullSecret ?? { env: PULL_SECRET_ENV },
      } as SwarmConfigInput;
      writeFileSync(configPath, `export default ${JSON.stringify(full, null, 2)};\n`);
      synthToDir(expandSwarm(validateConfig(full)), dist);
    },
    spawnCli(args, env = {}) {
      return spawn(process.execPath, argv(args), { cwd: REPO_ROOT, env: { ...baseEnv(), ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    },
    cli(args, env = {}) {
      const child = swarm.spawnCli(args, env);
      let stdout = '';
      let stderr = '';
      child.stdout!.on('data', (d) => { stdout += d; });
      child.stderr!.on('data', (d) => { stderr += d; });
      return new Promise((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
    },
    async cleanup() {
      // Everything labeled as this swarm's; namespaces last (their deletion takes the rest along).
      const selector = swarmSelector(name);
      for (const [apiVersion, kind] of [['hive.openshift.io/v1', 'ClusterImageSet'], ['v1', 'ConfigMap']] as const) {
        for (const o of await client.list(apiVersion, kind, { labelSelector: selector })) await client.delete({ apiVersion, kind, name: o.metadata.name, namespace: o.metadata.namespace });
      }
      // Not waited for: the hub's namespace controller empties and removes them in its time.
      for (const ns of await client.list('v1', 'Namespace', { labelSelector: selector })) await client.delete({ apiVersion: 'v1', kind: 'Namespace', name: ns.metadata.name });
      await client.delete({ apiVersion: 'v1', kind: 'Namespace', name: service.name });
      const containers = await h.docker.listContainers({ all: true, filters: labelFilter(swarmLabels(name)) });
      await Promise.all(containers.map((c) => h.docker.getContainer(c.Id).remove({ force: true })));
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return swarm;
}

/** Collects a started CLI's output to its end, telling `onLine` each stdout line as it comes. */
export function watchLines(child: ChildProcess, onLine: (line: string) => void): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  let pending = '';
  child.stdout!.on('data', (d: Buffer) => {
    stdout += d;
    pending += d;
    const lines = pending.split('\n');
    pending = lines.pop()!;
    for (const line of lines) onLine(line);
  });
  child.stderr!.on('data', (d) => { stderr += d; });
  return new Promise((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
}

/** Runs the CLI until its output has a line matching `when`, then SIGKILLs it. */
export async function killWhen(child: ChildProcess, when: (line: string) => boolean): Promise<CliResult & { killedAt: string | null }> {
  let killedAt: string | null = null;
  const result = await watchLines(child, (line) => {
    if (killedAt === null && when(line)) {
      killedAt = line;
      child.kill('SIGKILL');
    }
  });
  return { ...result, killedAt };
}

/** "[ 12/40] …": the step number and total of a plain progress line, or null. */
export function stepOf(line: string): { done: number; total: number } | null {
  const m = /^\[\s*(\d+)\/(\d+)\] /.exec(line);
  return m ? { done: Number(m[1]), total: Number(m[2]) } : null;
}
