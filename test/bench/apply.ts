// `npm run bench -- apply [clusters]`: the hub objects of N single-node clusters (default
// 1,000) applied to the test hub by assisted-swarm and, the same objects under another
// swarm's names, by `kubectl apply --server-side -f` (Debian's kubectl): objects per second
// of each and their ratio, from one run. Also the plan's time at that size: on an empty hub,
// right after apply (nothing to change), and asking the server about every object.
// Targets: at least 5 times kubectl's rate; plan under 15 s.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { validateConfig } from '../../lib/config/load.ts';
import { synthToDir } from '../../lib/constructs/synth.ts';
import { readHubObjects } from '../../lib/dist/read.ts';
import type { ContainerEngine } from '../../lib/engine/engine.ts';
import { HubClient } from '../../lib/hub/client.ts';
import { describeKubeConfig } from '../../lib/hub/kubeconfig.ts';
import { computePlan } from '../../lib/plan/compute.ts';
import { executePlan } from '../../lib/plan/execute.ts';
import { inWaves } from '../../lib/plan/kinds.ts';
import { plainProgress } from '../../lib/plan/progress.ts';
import { PullSecrets, pullSecretSource, readPullSecret, withPullSecret } from '../../lib/plan/pull-secret.ts';
import { expandSwarm } from '../../lib/swarm/expand.ts';
import { swarmSelector } from '../../lib/swarm/labels.ts';
import { hub, uniqueNamespace } from '../support/hub.ts';

const PULL_ENV = 'ASSISTED_SWARM_BENCH_PULL_SECRET';
/** Containers are not what this measures: an engine with none. */
const noEngine: ContainerEngine = {
  name: 'none', ping: async () => {}, list: async () => [], inspect: async () => null,
  start: async () => { throw new Error('not here'); }, remove: async () => {}, logs: async () => '',
  watch: () => () => {}, writeFiles: async () => {}, readFile: async () => null, exec: async () => ({ exitCode: 0, output: '' }),
  capacity: async () => null, hasImage: async () => null, sweep: async () => [], removeFolder: async () => null,
};

const seconds = (since: number) => (performance.now() - since) / 1000;

function synth(name: string, clusters: number, serviceNamespace: string, dir: string): string {
  const dist = join(dir, name, 'dist');
  synthToDir(expandSwarm(validateConfig({
    name,
    hub: { namespacePrefix: `${name}-`, serviceNamespace },
    pullSecret: { env: PULL_ENV },
    network: { machineNetworks: '100.64.0.0/10', clusterPrefix: 28 },
    clusters: [{ name: 'sno', topology: 'single-node', count: clusters }],
  })), dist);
  return dist;
}

async function removeSwarm(client: HubClient, name: string): Promise<void> {
  const selector = swarmSelector(name);
  const [namespaces, imageSets] = await Promise.all([
    client.list('v1', 'Namespace', { labelSelector: selector }),
    client.list('hive.openshift.io/v1', 'ClusterImageSet', { labelSelector: selector }),
  ]);
  await Promise.all([...namespaces, ...imageSets].map((o) => client.delete({ apiVersion: o.apiVersion, kind: o.kind, name: o.metadata.name })));
}

/** Waits for the hub's namespace controller to have removed the swarms' namespaces, so that
 *  the tests that run after the benchmark do not queue behind a thousand deletions. */
async function waitRemoved(client: HubClient, names: string[]): Promise<void> {
  const deadline = Date.now() + 20 * 60_000;
  for (let last = -1; Date.now() < deadline;) {
    const left = (await Promise.all(names.map((n) => client.list('v1', 'Namespace', { labelSelector: swarmSelector(n) })))).flat().length;
    if (!left) return;
    if (left !== last && (last === -1 || last - left >= 200)) console.log(`cleanup: ${left} namespaces still being deleted by the hub`), (last = left);
    await new Promise((r) => setTimeout(r, 5000));
  }
}

export const usage = 'usage: npm run bench -- apply [N]   the hub objects of N single-node clusters (default 1000) applied to the test hub, against kubectl apply --server-side; plan\'s time at that size';

export async function run(args: string[]): Promise<void> {
  const clusters = Number(args[0] ?? 1000);
  const h = await hub();
  const client = new HubClient(describeKubeConfig(h.kubeConfig, h.kubeconfigPath));
  const service = await uniqueNamespace('bench-svc');
  const dir = mkdtempSync(join(tmpdir(), 'swarm-bench-apply-'));
  const tag = Date.now().toString(36).slice(-5);
  const ours = `bench-as-${tag}`;
  const theirs = `bench-kc-${tag}`;
  process.env[PULL_ENV] = JSON.stringify({ auths: { 'registry.invalid': { auth: Buffer.from('bench:bench').toString('base64') } } });
  try {
    const ourDist = synth(ours, clusters, service.name, dir);
    const kubectlDist = synth(theirs, clusters, service.name, dir);
    const objects = readHubObjects(ourDist).length;
    console.log(`${clusters} single-node clusters: ${objects} hub objects per swarm`);

    const ctx = { hub: client, engines: noEngine, swarm: ours, gitDir: dir };
    let t = performance.now();
    const plan = await computePlan(ourDist, ctx);
    const planEmpty = seconds(t);
    t = performance.now();
    const sink = { write: () => true };
    await executePlan(plan, { hub: client, engines: noEngine, dist: ourDist, secrets: new PullSecrets(), progress: plainProgress(sink), timeoutSeconds: 600 });
    const applySeconds = seconds(t);
    t = performance.now();
    const after = await computePlan(ourDist, ctx);
    const planAfter = seconds(t);
    t = performance.now();
    const afterAll = await computePlan(ourDist, { ...ctx, dryRunAll: true });
    const planAll = seconds(t);
    if (after.objects.length || afterAll.objects.length) throw new Error(`plan after apply is not empty: ${after.objects.length} / ${afterAll.objects.length} changes`);

    // The same objects for kubectl, in one file, in the same dependency order.
    const value = readPullSecret(`env:${PULL_ENV}`);
    const docs = inWaves(readHubObjects(kubectlDist), (o) => o.kind).flat().map((o) => (pullSecretSource(o) ? withPullSecret(o, value) : o));
    const file = join(dir, 'kubectl.yaml');
    writeFileSync(file, docs.map((d) => stringify(d)).join('---\n'));
    t = performance.now();
    const kubectl = spawnSync('kubectl', ['apply', '--server-side', '-f', file], { env: { ...process.env, KUBECONFIG: h.kubeconfigPath }, encoding: 'utf8', maxBuffer: 1 << 26 });
    const kubectlSeconds = seconds(t);
    if (kubectl.status !== 0) throw new Error(`kubectl failed: ${kubectl.stderr.split('\n').slice(0, 5).join('\n')}`);

    const oursRate = objects / applySeconds;
    const kubectlRate = docs.length / kubectlSeconds;
    console.log('');
    console.log('                      objects  seconds  objects/s');
    console.log(`assisted-swarm apply  ${String(objects).padStart(7)}  ${applySeconds.toFixed(1).padStart(7)}  ${oursRate.toFixed(0).padStart(9)}`);
    console.log(`kubectl --server-side ${String(docs.length).padStart(7)}  ${kubectlSeconds.toFixed(1).padStart(7)}  ${kubectlRate.toFixed(0).padStart(9)}`);
    console.log(`ratio: ${(oursRate / kubectlRate).toFixed(1)}× kubectl (target ≥ 5×)`);
    console.log('');
    console.log(`plan at ${clusters} clusters (target < 15 s):`);
    console.log(`  empty hub (all creates)            ${planEmpty.toFixed(1)} s`);
    console.log(`  right after apply (no changes)     ${planAfter.toFixed(1)} s`);
    console.log(`  --dry-run-all (server asked, all)  ${planAll.toFixed(1)} s`);
  } finally {
    await removeSwarm(client, ours);
    await removeSwarm(client, theirs);
    await client.delete({ apiVersion: 'v1', kind: 'Namespace', name: service.name });
    rmSync(dir, { recursive: true, force: true });
    await waitRemoved(client, [ours, theirs]);
  }
}
