// Saved plans (`plan --out FILE`, `apply FILE`) against the real test hub: applied when nothing
// changed since; refused, saying what changed, when the live objects, dist/ or the pull secret
// changed. And drift: fields another field manager took are a conflict the plan names, that
// apply refuses until --force-conflicts.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import type { KubeObject } from '../lib/dist/types.ts';
import { HubClient } from '../lib/hub/client.ts';
import { describeKubeConfig } from '../lib/hub/kubeconfig.ts';
import type { Plan } from '../lib/plan/types.ts';
import { hub } from './support/hub.ts';
import { fakePullSecret, PULL_SECRET_ENV, testSwarm, type CliResult } from './support/test-swarm.ts';

const h = await hub();
const swarm = await testSwarm('saved');
const secret = fakePullSecret();
const env = { [PULL_SECRET_ENV]: secret.json };
const someoneElse = new HubClient(describeKubeConfig(h.kubeConfig), { fieldManager: 'someone-else' });
const ns = (n: number) => `${swarm.name}-sno-${n}`;
const file = (name: string) => join(swarm.dir, name);

function exits(r: CliResult, code: number, what: string): CliResult {
  assert.is(r.code, code, `${what} exited ${r.code}, expected ${code}:\n${r.stdout}\n${r.stderr}`);
  return r;
}
const planJson = async (): Promise<Plan> => JSON.parse(exits(await swarm.cli(['plan', '--json'], env), 0, 'plan --json').stdout);
const aci = (n: number) => swarm.client.get({ apiVersion: 'extensions.hive.openshift.io/v1beta1', kind: 'AgentClusterInstall', name: `sno-${n}`, namespace: ns(n) });

test.after(() => swarm.cleanup());

test('a saved plan is applied when nothing changed since it was made', async () => {
  swarm.configure({ clusters: [{ name: 'sno', topology: 'single-node', count: 2 }] });
  exits(await swarm.cli(['plan', '--out', file('first.json')], env), 0, 'plan --out');
  const applied = exits(await swarm.cli(['apply', file('first.json'), '--yes', '--no-run'], env), 0, 'apply FILE');
  assert.match(applied.stdout, 'Apply complete: 12 created');
  assert.equal((await planJson()).objects, []);
});

test('a saved plan is refused once the live objects changed, and changes nothing', async () => {
  swarm.configure({ clusters: [{ name: 'sno', topology: 'single-node', count: 2, holdInstallation: true }] });
  exits(await swarm.cli(['plan', '--out', file('second.json')], env), 0, 'plan --out');
  // Someone else labels an InfraEnv (a field the swarm does not own) and deletes a Secret.
  await someoneElse.apply({ apiVersion: 'agent-install.openshift.io/v1beta1', kind: 'InfraEnv', metadata: { name: 'sno-1', namespace: ns(1), labels: { 'example.com/note': 'x' } } } as KubeObject);
  await swarm.client.delete({ apiVersion: 'v1', kind: 'Secret', name: 'pull-secret', namespace: ns(2) });

  const refused = exits(await swarm.cli(['apply', file('second.json'), '--yes', '--no-run'], env), 1, 'apply of a stale plan');
  assert.match(refused.stderr, 'the saved plan is out of date');
  assert.match(refused.stderr, `InfraEnv ${ns(1)}/sno-1: changed`);
  assert.match(refused.stderr, `Secret ${ns(2)}/pull-secret: is gone`);
  assert.is(((await aci(1))?.spec as { holdInstallation?: boolean }).holdInstallation, undefined, 'nothing of the plan was applied');

  // A fresh plan brings the Secret back and leaves the other manager's label alone.
  const plan = await planJson();
  assert.equal(plan.objects.map((c) => `${c.action} ${c.key}`).sort(), [
    `create Secret ${ns(2)}/pull-secret`,
    `update AgentClusterInstall ${ns(1)}/sno-1`,
    `update AgentClusterInstall ${ns(2)}/sno-2`,
  ]);
  exits(await swarm.cli(['apply', '--yes', '--no-run'], env), 0, 'apply');
  assert.is(((await aci(1))?.spec as { holdInstallation?: boolean }).holdInstallation, true);
  const infraEnv = await swarm.client.get({ apiVersion: 'agent-install.openshift.io/v1beta1', kind: 'InfraEnv', name: 'sno-1', namespace: ns(1) });
  assert.is(infraEnv?.metadata.labels?.['example.com/note'], 'x');
});

test('a saved plan is refused once dist/ changed', async () => {
  exits(await swarm.cli(['plan', '--out', file('third.json')], env), 0, 'plan --out');
  swarm.configure({ clusters: [{ name: 'sno', topology: 'single-node', count: 2, holdInstallation: false }] });
  const refused = exits(await swarm.cli(['apply', file('third.json'), '--yes', '--no-run'], env), 1, 'apply of a stale plan');
  assert.match(refused.stderr, `${swarm.dist}/ changed since the plan was made`);
});

test('a saved plan is refused once the pull secret changed', async () => {
  exits(await swarm.cli(['plan', '--out', file('fourth.json')], env), 0, 'plan --out');
  const other = { [PULL_SECRET_ENV]: fakePullSecret().json };
  const refused = exits(await swarm.cli(['apply', file('fourth.json'), '--yes', '--no-run'], other), 1, 'apply with another secret');
  assert.match(refused.stderr, 'the pull secret\'s value changed');
  exits(await swarm.cli(['apply', file('fourth.json'), '--yes', '--no-run'], env), 0, 'apply with the same secret');
  assert.equal((await planJson()).objects, []);
});

test('fields another manager took are a conflict: named in the plan, refused by apply until --force-conflicts', async () => {
  const key = `ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOtherOtherOtherOtherOtherOtherOtherOther0 other`;
  await someoneElse.apply({ apiVersion: 'agent-install.openshift.io/v1beta1', kind: 'InfraEnv', metadata: { name: 'sno-2', namespace: ns(2) }, spec: { sshAuthorizedKey: key } } as KubeObject, { force: true });
  const plan = await planJson();
  const change = plan.objects.find((c) => c.key === `InfraEnv ${ns(2)}/sno-2`);
  assert.ok(change, 'the drifted InfraEnv is in the plan');
  assert.equal(change!.conflicts, [{ manager: 'someone-else', field: '.spec.sshAuthorizedKey' }]);
  assert.equal(change!.fields!.map((f) => f.path.join('.')), ['spec.sshAuthorizedKey']);
  assert.is(plan.blockers.length, 1);
  assert.match(plan.blockers[0]!, '"someone-else"');

  const refused = exits(await swarm.cli(['apply', '--yes', '--no-run'], env), 1, 'apply with a conflict');
  assert.match(refused.stderr, 'the plan has blockers (listed above): nothing was changed');
  assert.match(refused.stdout, `InfraEnv ${ns(2)}/sno-2: .spec.sshAuthorizedKey owned by "someone-else": apply --force-conflicts takes them over`);
  exits(await swarm.cli(['apply', '--yes', '--no-run', '--force-conflicts'], env), 0, 'apply --force-conflicts');
  assert.equal((await planJson()).objects, []);
});

test('a namespace that exists and is not the swarm\'s is not taken over', async () => {
  const taken = `${swarm.name}-sno-3`;
  await someoneElse.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: taken } } as KubeObject);
  try {
    swarm.configure({ clusters: [{ name: 'sno', topology: 'single-node', count: 3 }] });
    const plan = await planJson();
    assert.equal(plan.blockers.filter((b) => b.startsWith(`Namespace ${taken} `)), [
      `Namespace ${taken} exists and is not a swarm's: apply would take it over (and destroy delete it); choose another swarm name or hub.namespacePrefix, or remove it`,
    ]);
    exits(await swarm.cli(['apply', '--yes', '--no-run'], env), 1, 'apply onto a namespace of someone else');
    const ns3 = await swarm.client.get({ apiVersion: 'v1', kind: 'Namespace', name: taken });
    assert.is(ns3?.metadata.labels?.['assisted-swarm.io/swarm'], undefined, 'the namespace was left as it was');
  } finally {
    await swarm.client.delete({ apiVersion: 'v1', kind: 'Namespace', name: taken });
  }
});

test.run();
