// plan, status and destroy of a swarm whose hosts run as pods on the hub's node, through the CLI
// as a user runs them. plan lists the pods to create, replace (by spec-hash) and delete, and
// never the engine's own launch Secrets and file ConfigMaps; status counts pods; destroy deletes
// the swarm's pods, launch Secrets and file ConfigMaps and nothing else: another swarm's pod and
// an unlabeled pod and Secret in the same namespace stay.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { CoreV1Api, type V1Pod } from '@kubernetes/client-node';
import { validateConfig } from '../lib/config/load.ts';
import { readLaunchPlans } from '../lib/dist/read.ts';
import type { FakeHostDoc } from '../lib/dist/types.ts';
import type { ContainerSpec } from '../lib/swarm/containers.ts';
import { openTarget } from '../lib/engine/target.ts';
import { describeKubeConfig } from '../lib/hub/kubeconfig.ts';
import type { Plan } from '../lib/plan/types.ts';
import { CONTAINER_ANNOTATION, podName } from '../lib/swarm/kubernetes.ts';
import { LABEL, swarmLabels, swarmSelector } from '../lib/swarm/labels.ts';
import { hubWithNode, waitFor, waitUntilGone } from './support/hub.ts';
import { ensureTinyImage, loadIntoNode } from './support/images.ts';
import { ensureStandInImage } from './stand-in/image.ts';
import { fakePullSecret, PULL_SECRET_ENV, testSwarm, type CliResult, type TestSwarm } from './support/test-swarm.ts';

const h = await hubWithNode();
const core = h.kubeConfig.makeApiClient(CoreV1Api);
const env = { [PULL_SECRET_ENV]: fakePullSecret().json };
const image = await ensureStandInImage(h.docker);
const tiny = await ensureTinyImage(h.docker);
await loadIntoNode(h.docker, image, h.node.containerdSocket);
await loadIntoNode(h.docker, tiny, h.node.containerdSocket);
const shared = `kcli-pods-${randomBytes(3).toString('hex')}`;
const a = await testSwarm('kclia');
const b = await testSwarm('kclib');
for (const s of [a, b]) {
  s.configure({
    images: { swarm: image },
    clusters: [{ name: 'sno', topology: 'single-node', count: 3 }],
    runtime: { stateDir: `${s.dir}/state`, memoryMiB: 32, cpus: 0.2, kubernetes: { namespace: shared, containerdSocket: h.node.containerdSocket } },
  });
}

test.after(async () => {
  await core.deleteNamespace({ name: shared }).catch(() => undefined);
  await a.cleanup();
  await b.cleanup();
});

function ok(r: CliResult, what: string): CliResult {
  assert.is(r.code, 0, `${what} exited ${r.code}:\n${r.stdout}\n${r.stderr}`);
  return r;
}

/** The swarm's engine, as apply opens it (the config module is JSON after `export default`). */
function engineOf(s: TestSwarm) {
  const text = readFileSync(s.configPath, 'utf8');
  const config = validateConfig(JSON.parse(text.slice(text.indexOf('{'), text.lastIndexOf('}') + 1)));
  return openTarget(config, { dist: s.dist, hub: describeKubeConfig(h.kubeConfig, h.kubeconfigPath) });
}

/** Starts a launch plan's host or controller through the engine (its launch Secret, its pod), running `sleep`. */
async function startPod(s: TestSwarm, spec: ContainerSpec): Promise<void> {
  const engine = engineOf(s);
  const launch = readLaunchPlans(s.dist);
  await engine.writeFiles({ dirs: [], files: launch.clusterHosts.map((d) => ({ path: d.spec.path, content: JSON.stringify(d.spec.hosts) })), image });
  await engine.start({ ...spec, command: ['sleep', '3600'], runtimeEnv: { TOKEN: 'never-shown' }, restartLimit: 0, runtimeFiles: [] });
}

const pods = async (selector?: string) => (await core.listNamespacedPod({ namespace: shared, labelSelector: selector })).items;
const running = (p: V1Pod) => p.status?.phase === 'Running';

test('plan lists the pods to create, replace and delete by spec-hash, and not the engine\'s own Secrets and ConfigMaps', async () => {
  ok(await a.cli(['apply', '--yes', '--no-run'], env), 'apply --no-run');
  const launch = readLaunchPlans(a.dist);
  const host = (n: number) => launch.fakeHosts.find((d: FakeHostDoc) => d.spec.cluster === `sno-${n}`)!.spec.container;
  const controller = (n: number) => launch.controllers.find((d) => d.spec.cluster === `sno-${n}`)!.spec.container;
  for (const spec of [host(1), controller(1), host(2), controller(3)]) await startPod(a, spec);
  // Made under an older spec.
  for (const spec of [host(2), controller(3)]) {
    await core.patchNamespacedPod({ namespace: shared, name: podName(spec.name), body: [{ op: 'replace', path: `/metadata/labels/${LABEL.specHash.replace('/', '~1')}`, value: 'old' }] });
  }
  // A pod of the swarm that dist/ no longer has.
  await core.createNamespacedPod({ namespace: shared, body: {
    metadata: { name: `${a.name}-gone-1-master-0`, labels: { ...swarmLabels(a.name), [LABEL.component]: 'fake-host', [LABEL.cluster]: 'gone-1' }, annotations: { [CONTAINER_ANNOTATION]: `${a.name}_gone-1-master-0` } },
    spec: { containers: [{ name: 'main', image: tiny, command: ['sleep', '3600'] }], terminationGracePeriodSeconds: 0 },
  } });
  await waitFor('5 pods running', async () => ((await pods(swarmSelector(a.name))).filter(running).length === 5 ? true : undefined),
    async () => (await pods(swarmSelector(a.name))).map((p) => [p.metadata!.name, p.status?.phase, p.status?.conditions]));

  const plan: Plan = JSON.parse(ok(await a.cli(['plan', '--json'], env), 'plan --json').stdout);
  const byAction = (x: string) => plan.containers.filter((c) => c.action === x).map((c) => `${c.name}${c.reason ? ` (${c.reason})` : ''}`).sort();
  assert.equal(byAction('start'), [host(3).name]);
  assert.equal(byAction('replace'), [`${controller(3).name} (spec changed)`, `${host(2).name} (spec changed)`].sort());
  assert.equal(byAction('stop'), [`${a.name}_gone-1-master-0 (not in dist/)`]);
  assert.equal(byAction('on-install'), [controller(2).name]);
  assert.equal(plan.workloads?.kind, 'pods');
  // The launch Secrets and the cluster-hosts ConfigMaps are the engine's, not objects to delete.
  assert.equal(plan.objects, [], JSON.stringify(plan.objects));

  const text = ok(await a.cli(['plan'], env), 'plan').stdout;
  assert.match(text, `  hosts: pods on kubernetes:assisted-swarm-hub/${shared}`);
  assert.match(text, 'Pods:\n  [+] create 1 fake host pod: cluster/sno-3 (1)');
  assert.match(text, `  [~] replace pod ${podName(host(2).name)} on kubernetes:assisted-swarm-hub/${shared} (spec changed)`);
  assert.match(text, `  [-] delete pod ${a.name}-gone-1-master-0 on kubernetes:assisted-swarm-hub/${shared} (not in dist/)`);
  assert.match(text, '!! 1 pod will be DELETED:');
  assert.match(text, 'Plan: 0 to create, 0 to update, 0 to delete; 1 pod to create, 2 to replace, 1 to delete.');
  assert.not.match(text, 'never-shown', 'the launch Secret\'s content is never printed');
});

test('status counts the swarm\'s pods by state', async () => {
  const out = ok(await a.cli(['status'], env), 'status').stdout;
  assert.match(out, /^pods: running 5$/m);
});

test('destroy deletes the swarm\'s pods, launch Secrets and file ConfigMaps, and nothing else in their namespace', async () => {
  const launchB = readLaunchPlans(b.dist);
  await startPod(b, launchB.fakeHosts[0]!.spec.container);
  await core.createNamespacedPod({ namespace: shared, body: { metadata: { name: 'unlabeled' }, spec: { containers: [{ name: 'main', image: tiny, command: ['sleep', '3600'] }], terminationGracePeriodSeconds: 0 } } });
  await core.createNamespacedSecret({ namespace: shared, body: { metadata: { name: 'unlabeled' }, stringData: { a: 'b' } } });
  const secretsOf = async (s: TestSwarm) => (await core.listNamespacedSecret({ namespace: shared, labelSelector: swarmSelector(s.name) })).items.map((x) => x.metadata!.name!);
  const configMapsOf = async (s: TestSwarm) => (await core.listNamespacedConfigMap({ namespace: shared, labelSelector: swarmSelector(s.name) })).items.map((x) => x.metadata!.name!);
  assert.is((await secretsOf(a)).length, 4, 'launch Secrets of swarm a: 3 InfraEnvs and a controller');
  assert.is((await configMapsOf(a)).length, 3);

  const out = ok(await a.cli(['destroy', '--yes'], env), 'destroy').stdout;
  assert.match(out, `deleted pod ${podName(launchB.fakeHosts[0]!.spec.container.name.replace(b.name, a.name))}`);
  assert.match(out, `removed Secret ${shared}/launch-`);
  assert.not.match(out, 'never-shown');
  await waitFor('swarm a\'s pods gone', async () => ((await pods(swarmSelector(a.name))).length === 0 ? true : undefined));
  assert.equal(await secretsOf(a), []);
  assert.equal(await configMapsOf(a), []);
  // What is not swarm a's stays, and so does the namespace that holds it.
  assert.is((await pods(swarmSelector(b.name))).length, 1);
  assert.ok((await pods()).some((p) => p.metadata!.name === 'unlabeled'));
  assert.ok((await core.listNamespacedSecret({ namespace: shared })).items.some((s) => s.metadata!.name === 'unlabeled'));
  assert.is((await secretsOf(b)).length, 1);
  await core.readNamespace({ name: shared });
  assert.not.match(out, `removed Namespace ${shared}`);

  // The other swarm's destroy takes its own and leaves the rest.
  ok(await b.cli(['destroy', '--yes'], env), 'destroy b');
  await waitUntilGone('swarm b\'s pod', async () => {
    const left = await pods(swarmSelector(b.name));
    if (left.length) return left;
    throw Object.assign(new Error('gone'), { code: 404 });
  });
  assert.ok((await pods()).some((p) => p.metadata!.name === 'unlabeled'));
});

test.run();
