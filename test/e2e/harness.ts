// What the e2e suite and the swarm benchmark share: a hub of their own on ports of their own
// (the service reconciles everything on its hub), the swarm's CLI run as a user runs it, and the
// service restarted with an auth mode.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from '../support/hub.ts';

export const E2E_HUB_ENV: Record<string, string> = {
  ASSISTED_SWARM_HUB_DIR: process.env.ASSISTED_SWARM_HUB_DIR ?? '/tmp/assisted-swarm-e2e-hub',
  ASSISTED_SWARM_HUB_ETCD_PORT: '33790', ASSISTED_SWARM_HUB_ETCD_PEER_PORT: '33800',
  ASSISTED_SWARM_HUB_APISERVER_PORT: '26443', ASSISTED_SWARM_HUB_KCM_PORT: '20257', ASSISTED_SWARM_HUB_POSTGRES_PORT: '25432',
  // Its node (--with-node, for --engine kubernetes), beside the shared hub's: ports, bridge and pod network of its own.
  ASSISTED_SWARM_HUB_KUBELET_PORT: '20250', ASSISTED_SWARM_HUB_KUBELET_HEALTHZ_PORT: '20248', ASSISTED_SWARM_HUB_SCHEDULER_PORT: '20259',
  ASSISTED_SWARM_HUB_POD_CIDR: '10.89.249.0/24',
};

/** The service's container on that hub (test/hub/service/lib.sh names it after the hub's folder). */
export const E2E_SERVICE_CONTAINER = `${E2E_HUB_ENV.ASSISTED_SWARM_HUB_DIR!.split('/').pop()}-service`;

/** A `swarm` CLI run in progress: its process (to be killed), its output so far, and its end. */
export interface SwarmRun {
  child: ChildProcess;
  out(): string;
  done: Promise<{ code: number; signal: NodeJS.Signals | null; out: string }>;
}

/** Starts `swarm <args>` as a user would and returns at once (the faulted run kills apply and destroy half-way). */
export function spawnSwarm(args: string[], env: Record<string, string>, quiet = false): SwarmRun {
  const child = spawn(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'lib/cli/main.ts'), ...args], {
    cwd: REPO_ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const take = (d: Buffer) => { out += d; if (!quiet) process.stdout.write(d); };
  child.stdout!.on('data', take);
  child.stderr!.on('data', take);
  const done = new Promise<{ code: number; signal: NodeJS.Signals | null; out: string }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code: code ?? 1, signal, out })));
  return { child, out: () => out, done };
}

/** Runs `swarm <args>` as a user would; resolves with its exit code and output (echoed unless quiet). */
export async function swarmCli(args: string[], env: Record<string, string>, quiet = false): Promise<{ code: number; out: string }> {
  const { code, out } = await spawnSwarm(args, env, quiet).done;
  return { code, out };
}

/**
 * test/hub/service.sh restart with AUTH_TYPE `auth`, with or without the image service beside it
 * (and the service's BMH agent controller); resolves with its exit code.
 */
export function restartService(auth: string, imageService = false, tls = false): Promise<number> {
  return new Promise((done) => {
    const child = spawn('bash', [join(REPO_ROOT, 'test/hub/service.sh'), 'restart', ...(imageService ? ['--with-image-service'] : []), ...(tls ? ['--tls'] : [])], {
      env: { ...process.env, ...E2E_HUB_ENV, ASSISTED_SWARM_SERVICE_AUTH: auth }, stdio: 'inherit',
    });
    child.on('close', (code) => done(code ?? 1));
  });
}
