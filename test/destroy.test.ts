// destroy against the real test hub and Docker engine: it removes the swarm's objects and
// containers, and leaves alone what is not the swarm's, even next to it: another swarm's
// objects and containers, unlabeled objects in a namespace the swarms share, and a namespace
// of the swarm that holds an unlabeled object (kept, and said so). An object held by a
// finalizer ends destroy after --timeout with a report naming it and the finalizer.
import { test } from 'uvu';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as assert from 'uvu/assert';
import type Docker from 'dockerode';
import type { KubeObject } from '../lib/dist/types.ts';
import { HubClient, refKey } from '../lib/hub/client.ts';
import { describeKubeConfig } from '../lib/hub/kubeconfig.ts';
import { SWARM_KINDS } from '../lib/plan/kinds.ts';
import type { Plan } from '../lib/plan/types.ts';
import { LABEL, swarmLabels, swarmSelector } from '../lib/swarm/labels.ts';
import { hub, testLabels, removeTestContainers } from './support/hub.ts';
import { ensureTinyImage } from './support/images.ts';
import { fakePullSecret, PULL_SECRET_ENV, testSwarm, type CliResult, type TestSwarm } from './support/test-swarm.ts';

const h = await hub();
const env = { [PULL_SECRET_ENV]: fakePullSecret().json };
const a = await testSwarm('dsta');
const b = await testSwarm('dstb');
const someoneElse = new HubClient(describeKubeConfig(h.kubeConfig), { fieldManager: 'someone-else' });
const image = await ensureTinyImage(h.docker);
const containerLabels = testLabels();

function exits(r: CliResult, code: number, what: string): CliResult {
  assert.is(r.code, code, `${what} exited ${r.code}, expected ${code}:\n${r.stdout}\n${r.stderr}`);
  return r;
}

/** key → resourceVersion of everything labeled as swarm `s`'s. */
async function versions(s: TestSwarm): Promise<Record<string, string>> {
  const lists = await Promise.all(SWARM_KINDS.map((k) => s.client.list(k.apiVersion, k.kind, { labelSelector: swarmSelector(s.name) })));
  return Object.fromEntries(lists.flat().map((o) => [refKey(o), (o.metadata as { resourceVersion?: string }).resourceVersion ?? ""]));
}

async function sleeper(name: string, labels: Record<string, string>): Promise<Docker.Container> {
  const c = await h.docker.createContainer({ Image: image, name, Cmd: ['sleep', '3600'], Labels: { ...containerLabels, ...labels } });
  await c.start();
  return c;
}
const exists = (c: Docker.Container) => c.inspect().then(() => true, (e) => (e.statusCode === 404 ? false : Promise.reject(e)));

/** A cluster's folder under the swarm's, with the files a run leaves there. */
function hostFolder(s: TestSwarm, cluster: string): string {
  const dir = join(s.dir, 'state', s.name, cluster);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'reboot-marker'), '');
  writeFileSync(join(dir, 'cluster-hosts.json'), '[]');
  return dir;
}

const configMap = (namespace: string, name: string, labels: Record<string, string> = {}): KubeObject =>
  ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace, labels }, data: { note: 'not the swarm\'s' } });

test.after(async () => {
  await a.cleanup();
  await b.cleanup();
  await removeTestContainers(h.docker, containerLabels);
});

test('destroy takes away the swarm\'s objects and containers, and nothing that is not its own', async () => {
  // a's hosts arrive as BareMetalHosts: those and their BMC Secrets go too.
  a.configure({ clusters: [{ name: 'sno', topology: 'single-node', count: 2, boot: 'bmh' }], runtime: { stateDir: join(a.dir, 'state') } });
  // Swarm b keeps its service tuning in a's service namespace: the two share it.
  b.configure({ hub: { serviceNamespace: a.serviceNamespace }, clusters: [{ name: 'sno', topology: 'single-node', count: 1 }] });
  exits(await a.cli(['apply', '--yes', '--no-run'], env), 0, 'apply a');
  exits(await b.cli(['apply', '--yes', '--no-run'], env), 0, 'apply b');

  const aNs1 = `${a.name}-sno-1`;
  const bystanders = [
    await someoneElse.apply(configMap(a.serviceNamespace, 'bystander')),                    // unlabeled, in the shared namespace
    await someoneElse.apply(configMap(aNs1, 'left-here')),                                 // unlabeled, in a's own namespace
    await someoneElse.apply(configMap(`${a.name}-sno-2`, 'b-thing', swarmLabels(b.name))), // b's, in a's namespace
  ];
  const bBefore = await versions(b);
  const mine = await sleeper(`${a.name}_sno-1-master-0`, { ...swarmLabels(a.name), [LABEL.component]: 'fake-host', [LABEL.cluster]: 'sno-1' });
  const theirs = await sleeper(`${b.name}_sno-1-master-0`, { ...swarmLabels(b.name), [LABEL.component]: 'fake-host', [LABEL.cluster]: 'sno-1' });
  const nobodys = await sleeper(`${a.name}-unlabeled`, {});

  // The hosts' folders, as a run leaves them (a reboot marker, the cluster-hosts file).
  const folder = hostFolder(a, 'sno-1');
  const destroyed = exits(await a.cli(['destroy', '--yes', '--timeout', '300'], env), 0, 'destroy a');
  assert.match(destroyed.stdout, `Host folders: removed ${join(a.dir, 'state', a.name)}.`);
  assert.is(existsSync(folder), false, 'the hosts\' folders are gone');
  assert.is(existsSync(join(a.dir, 'state')), true, 'runtime.stateDir itself stays (other swarms\' folders live there)');
  assert.match(destroyed.stdout, `Namespace ${aNs1} stays: it holds objects that are not swarm "${a.name}"'s (ConfigMap ${aNs1}/left-here)`);
  assert.match(destroyed.stdout, `stopped and removed container ${a.name}_sno-1-master-0`);
  assert.match(destroyed.stdout, 'Destroy complete');

  assert.match(destroyed.stdout, `Namespace ${a.name}-sno-2 stays: it holds objects that are not swarm "${a.name}"'s (ConfigMap ${a.name}-sno-2/b-thing)`);
  assert.equal(Object.keys(await versions(a)).sort(), [`Namespace ${aNs1}`, `Namespace ${a.name}-sno-2`], 'of a, only the namespaces holding others\' objects are left');
  for (const o of bystanders) {
    const now = await someoneElse.get({ apiVersion: 'v1', kind: 'ConfigMap', name: o.metadata.name, namespace: o.metadata.namespace });
    assert.is((now?.metadata as { resourceVersion?: string })?.resourceVersion, (o.metadata as { resourceVersion?: string }).resourceVersion, `${refKey(o)} is untouched`);
  }
  assert.equal(await versions(b), bBefore, 'every object of b is untouched');
  // b's plan: nothing to do but the ConfigMap labeled as b's that b's dist/ does not have.
  const bPlan = JSON.parse(exits(await b.cli(['plan', '--json'], env), 0, 'plan b').stdout) as Plan;
  assert.equal(bPlan.objects.map((c) => `${c.action} ${c.key}`), [`delete ConfigMap ${a.name}-sno-2/b-thing`], 'b still matches its dist/');
  assert.is(await exists(mine), false, 'a\'s container is gone');
  assert.is(await exists(theirs), true, 'b\'s container is still there');
  assert.is(await exists(nobodys), true, 'the unlabeled container is still there');
});

test('an object held by a finalizer ends destroy after --timeout with a report of what is stuck', async () => {
  const ns = `${b.name}-sno-1`;
  const cd = { apiVersion: 'hive.openshift.io/v1', kind: 'ClusterDeployment', metadata: { name: 'sno-1', namespace: ns, finalizers: ['example.com/hold'] } } as KubeObject;
  await someoneElse.apply(cd);
  const stuck = exits(await b.cli(['destroy', '--yes', '--timeout', '3'], env), 1, 'destroy with a held object');
  assert.match(stuck.stderr, 'still there after 3 s');
  assert.match(stuck.stderr, `ClusterDeployment ${ns}/sno-1 (deleting since `);
  assert.match(stuck.stderr, 'finalizers: example.com/hold');
  assert.ok(await b.client.get({ apiVersion: 'v1', kind: 'Namespace', name: ns }), 'destroy stopped before the namespaces');

  // Released, destroy run again finishes the job.
  await someoneElse.apply({ ...cd, metadata: { name: 'sno-1', namespace: ns } } as KubeObject);
  exits(await b.cli(['destroy', '--yes', '--timeout', '300'], env), 0, 'destroy once released');
  assert.equal(await versions(b), {}, 'nothing of b is left');
});

test('a destroy with nothing left on the hub or the engine still takes the hosts\' folders (one interrupted before them left them)', async () => {
  b.configure({ clusters: [{ name: 'sno', topology: 'single-node', count: 1 }], runtime: { stateDir: join(b.dir, 'state') } });
  const folder = hostFolder(b, 'sno-1');
  const again = exits(await b.cli(['destroy', '--yes'], env), 0, 'destroy with only folders left');
  assert.match(again.stdout, `Host folders: removed ${join(b.dir, 'state', b.name)}.`);
  assert.is(existsSync(folder), false);
  const nothing = exits(await b.cli(['destroy', '--yes'], env), 0, 'destroy with nothing left');
  assert.not.match(nothing.stdout, 'Host folders:', 'nothing to say when nothing was there');
});

test.run();
