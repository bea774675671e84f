// Test access to the hub of test/hub/up.sh: a real kube-apiserver serving the assisted
// installer CRDs, a kube-controller-manager (namespace deletion, garbage collection), and a
// real Docker engine; with hubWithNode() also a node where pods really run (a kubelet with a
// containerd of its own, and a kube-scheduler). Every test file runs in its own process and calls
// hub(); up.sh is idempotent and cheap when the hub is already up, so "once per test run" is
// simply "once per process".
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import Docker from 'dockerode';

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** Put on every namespace and container a test creates, so leftovers can be found. */
export const TEST_LABEL = 'assisted-swarm.io/test';
/** Tells one test's containers from another's. */
export const TEST_ID_LABEL = 'assisted-swarm.io/test-id';

export interface Hub {
  /** The hub's data dir (ASSISTED_SWARM_HUB_DIR), with kubeconfig, env, logs and pid files. */
  dir: string;
  kubeconfigPath: string;
  kubeConfig: KubeConfig;
  docker: Docker;
  /** The hub's node, if it runs (up.sh --with-node; `npm test` starts it). */
  node?: HubNode;
}

/** The node of the hub (up.sh --with-node): a kubelet on this machine, with a containerd of its own. */
export interface HubNode {
  /** The Node's name (ASSISTED_SWARM_HUB_NODE): its address, 127.0.0.1. */
  name: string;
  /** The node's containerd (ASSISTED_SWARM_HUB_CONTAINERD_SOCKET): load images here, see loadIntoNode(). */
  containerdSocket: string;
}

/** Settings for a hub other than the shared one, e.g. { ASSISTED_SWARM_HUB_DIR, ..._PORT }. */
export type HubEnv = Record<string, string>;

/** Runs test/hub/<script>.sh ARGS. Its output is returned, and shown in the error if it fails. */
export function runHubScript(
  script: 'up' | 'down' | 'status' | 'service',
  env: HubEnv = {},
  args: string[] = [],
): Promise<string> {
  const path = join(REPO_ROOT, 'test/hub', `${script}.sh`);
  return new Promise((resolve, reject) => {
    execFile('bash', [path, ...args], { env: { ...process.env, ...env }, maxBuffer: 1 << 24 }, (err, stdout, stderr) =>
      err ? reject(new Error(`${script}.sh failed: ${err.message}\n${stdout}${stderr}`)) : resolve(stdout + stderr),
    );
  });
}

/** Reads the KEY=value lines of the env file that up.sh writes. */
export function readEnvFile(path: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const m = /^([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line);
    if (m) env[m[1]] = m[2];
  }
  return env;
}

/** Brings up the hub that env describes (if it is not up) and connects to it; args go to up.sh. */
export async function connect(env: HubEnv = {}, args: string[] = []): Promise<Hub> {
  const out = await runHubScript('up', env, args);
  const envFile = /^hub: env file\s+(\S+)$/m.exec(out)?.[1];
  if (!envFile) throw new Error(`up.sh did not say where its env file is:\n${out}`);
  const vars = readEnvFile(envFile);
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromFile(vars.KUBECONFIG);
  const docker = new Docker({ socketPath: vars.DOCKER_HOST.replace(/^unix:\/\//, '') });
  const node = vars.ASSISTED_SWARM_HUB_NODE
    ? { name: vars.ASSISTED_SWARM_HUB_NODE, containerdSocket: vars.ASSISTED_SWARM_HUB_CONTAINERD_SOCKET }
    : undefined;
  return { dir: vars.ASSISTED_SWARM_HUB_DIR, kubeconfigPath: vars.KUBECONFIG, kubeConfig, docker, node };
}

let shared: Promise<Hub> | undefined;
/** The shared test hub (default settings), brought up on first use in this process. */
export function hub(): Promise<Hub> {
  return (shared ??= connect());
}

let sharedWithNode: Promise<Hub & { node: HubNode }> | undefined;
/** The shared test hub with its node (up.sh --with-node), brought up on first use in this process. */
export function hubWithNode(): Promise<Hub & { node: HubNode }> {
  return (sharedWithNode ??= connect({}, ['--with-node']).then((h) => {
    if (!h.node) throw new Error(`up.sh --with-node wrote no ASSISTED_SWARM_HUB_NODE into ${h.dir}/env`);
    return { ...h, node: h.node };
  }));
}

const suffix = () => randomBytes(4).toString('hex');

/**
 * Polls `check` until it returns something other than undefined, and returns that. Gives up with
 * an error after `seconds`, showing what `describe` says then: a bound against hanging, not a
 * measure (the hub's controllers and the service usually take a few seconds).
 */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined>,
  describe: () => Promise<unknown> = async () => '',
  seconds = 120,
  everyMs = 500,
): Promise<T> {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    const found = await check();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`${what}: not after ${seconds}s; ${JSON.stringify(await describe())}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** Polls `read` until it fails with 404 Not Found (what it reads is gone); other errors are thrown. */
export async function waitUntilGone(what: string, read: () => Promise<unknown>, seconds = 120): Promise<void> {
  let last: unknown;
  const gone = () =>
    read().then(
      (found) => void (last = found),
      (e: { code?: number }) => (e.code === 404 ? true : Promise.reject(e)),
    );
  await waitFor(`${what} gone`, gone, async () => last, seconds);
}

/**
 * Deletes a namespace and waits until it is gone: the hub's kube-controller-manager empties it
 * (every object in it, custom resources too) and then removes it, as on a real hub.
 */
export async function deleteNamespace(kubeConfig: KubeConfig, name: string): Promise<void> {
  const core = kubeConfig.makeApiClient(CoreV1Api);
  try {
    await core.deleteNamespace({ name });
  } catch (e) {
    if ((e as { code?: number }).code !== 404) throw e;
  }
  // On a timeout the error shows the namespace's status: its conditions say what is left.
  await waitUntilGone(`namespace ${name}`, () => core.readNamespace({ name }).then((ns) => ns.status));
}

/** Creates a namespace of its own for a test: `<prefix>-<random>`, labeled as a test's. */
export async function uniqueNamespace(
  prefix: string,
  kubeConfig?: KubeConfig,
): Promise<{ name: string; cleanup: () => Promise<void> }> {
  const kc = kubeConfig ?? (await hub()).kubeConfig;
  const name = `${prefix}-${suffix()}`;
  await kc.makeApiClient(CoreV1Api).createNamespace({
    body: { metadata: { name, labels: { [TEST_LABEL]: 'true' } } },
  });
  return { name, cleanup: () => deleteNamespace(kc, name) };
}

/** A label set of its own for a test's containers; filter on all of it with labelFilter(). */
export function testLabels(): Record<string, string> {
  return { [TEST_LABEL]: 'true', [TEST_ID_LABEL]: suffix() };
}

/** Docker's `label` filter for containers carrying every one of these labels. */
export function labelFilter(labels: Record<string, string>): { label: string[] } {
  return { label: Object.entries(labels).map(([k, v]) => `${k}=${v}`) };
}

/** Removes (forcibly) every container carrying all these labels; returns how many. */
export async function removeTestContainers(docker: Docker, labels: Record<string, string>): Promise<number> {
  const found = await docker.listContainers({ all: true, filters: labelFilter(labels) });
  await Promise.all(found.map((c) => docker.getContainer(c.Id).remove({ force: true })));
  return found.length;
}
