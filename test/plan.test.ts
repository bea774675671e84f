// `plan` against the real test hub, through the CLI as a user runs it: on an empty hub every
// object is a create; right after apply the plan is empty (also when the server is asked about
// every object); a config change shows exactly the changed fields; a removed cluster shows its
// objects as deletes.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readHubObjects, readLaunchPlans } from '../lib/dist/read.ts';
import { refKey } from '../lib/hub/client.ts';
import type { Plan } from '../lib/plan/types.ts';
import { fakePullSecret, PULL_SECRET_ENV, testSwarm, type CliResult } from './support/test-swarm.ts';

const swarm = await testSwarm('plan');
const env = { [PULL_SECRET_ENV]: fakePullSecret().json };
const config = {
  clusters: [
    { name: 'compact', topology: 'compact' as const, staticNetworking: true },
    // Last, so that removing one of its clusters moves no other group's addresses. Its hosts
    // arrive as BareMetalHosts: planned, applied and deleted with the rest.
    { name: 'sno', topology: 'single-node' as const, count: 2, boot: 'bmh' as const },
  ],
};

function ok(r: CliResult, what: string): CliResult {
  assert.is(r.code, 0, `${what} exited ${r.code}:\n${r.stdout}\n${r.stderr}`);
  return r;
}
async function planJson(...extra: string[]): Promise<Plan> {
  return JSON.parse(ok(await swarm.cli(['plan', '--json', ...extra], env), 'plan --json').stdout) as Plan;
}
const keysOf = (plan: Plan, action: string) => plan.objects.filter((c) => c.action === action).map((c) => c.key).sort();

test.after(() => swarm.cleanup());

test('on an empty hub every object of dist/ is a create, every fake host a start', async () => {
  swarm.configure(config);
  const plan = await planJson();
  const expected = readHubObjects(swarm.dist).map((o) => refKey(o)).sort();
  assert.equal(keysOf(plan, 'create'), expected);
  assert.equal(plan.summary.create, expected.length);
  assert.is(plan.summary.update + plan.summary.delete + plan.summary.unchanged, 0);
  const launch = readLaunchPlans(swarm.dist);
  assert.is(plan.summary.containers.start, launch.fakeHosts.length);
  assert.is(plan.summary.containers.onInstall, launch.controllers.length);
  assert.equal(plan.blockers, []);
  assert.is(plan.swarm, swarm.name);
  assert.ok(plan.provenance.commit && /^[0-9a-f]{40}$/.test(plan.provenance.commit), 'provenance has the git commit');
  assert.type(plan.provenance.dirty, 'boolean');

  const text = ok(await swarm.cli(['plan'], env), 'plan').stdout;
  assert.match(text, `Plan: ${expected.length} to create, 0 to update, 0 to delete; ${launch.fakeHosts.length} containers to start`);
  assert.match(text, `  [+] Namespace ${swarm.name}-sno-1`);
});

test('apply without a terminal to ask on refuses unless --yes, and changes nothing', async () => {
  const r = await swarm.cli(['apply', '--no-run'], env);
  assert.is(r.code, 1, r.stdout + r.stderr);
  assert.match(r.stderr, 'error: not a terminal, so nobody can confirm: pass --yes');
  assert.is((await planJson()).summary.create, readHubObjects(swarm.dist).length);
});

test('right after apply the plan is empty, also when the server is asked about every object', async () => {
  const applied = ok(await swarm.cli(['apply', '--yes', '--no-run'], env), 'apply');
  assert.match(applied.stdout, 'Apply complete');
  for (const extra of [[], ['--dry-run-all']]) {
    const plan = await planJson(...extra);
    assert.equal(plan.objects, [], `plan ${extra.join(' ')} lists ${plan.objects.map((c) => `${c.action} ${c.key}`).join(', ')}`);
    assert.is(plan.summary.unchanged, readHubObjects(swarm.dist).length);
  }
  // Idempotent: a second apply has nothing to do on the hub.
  const again = ok(await swarm.cli(['apply', '--yes', '--no-run'], env), 'second apply');
  assert.not.match(again.stdout, 'Apply complete');
  assert.match(again.stdout, 'Plan: 0 to create, 0 to update, 0 to delete');
});

test('after a config change the plan lists exactly the changed fields', async () => {
  swarm.configure({
    clusters: [
      { ...config.clusters[0]!, holdInstallation: true },
      { ...config.clusters[1]!, agentLabels: { size: 'small' } },
    ],
  });
  const plan = await planJson();
  assert.is(plan.summary.create + plan.summary.delete, 0);
  const fields = Object.fromEntries(plan.objects.map((c) => [c.key, c.fields]));
  const label = { path: ['spec', 'agentLabels', 'size'], op: 'add', after: 'small' };
  assert.equal(fields, {
    [`AgentClusterInstall ${swarm.name}-compact-1/compact-1`]: [{ path: ['spec', 'holdInstallation'], op: 'add', after: true }],
    [`InfraEnv ${swarm.name}-sno-1/sno-1`]: [label],
    [`InfraEnv ${swarm.name}-sno-2/sno-2`]: [label],
  });

  const text = ok(await swarm.cli(['plan'], env), 'plan').stdout;
  assert.match(text, `  [~] InfraEnv ${swarm.name}-sno-1/sno-1\n      spec\n        agentLabels\n          + size: "small"\n`);
  assert.match(text, 'Plan: 0 to create, 3 to update, 0 to delete');
  ok(await swarm.cli(['apply', '--yes', '--no-run'], env), 'apply of the change');
  assert.equal((await planJson()).objects, []);
});

test('after a cluster is removed from the config the plan lists its objects as deletes, and only those', async () => {
  swarm.configure({
    clusters: [
      { ...config.clusters[0]!, holdInstallation: true },
      { ...config.clusters[1]!, agentLabels: { size: 'small' }, count: 1 },
    ],
  });
  const plan = await planJson();
  const ns = `${swarm.name}-sno-2`;
  assert.equal(keysOf(plan, 'delete'), [
    `AgentClusterInstall ${ns}/sno-2`, `BareMetalHost ${ns}/sno-2-master-0`, `ClusterDeployment ${ns}/sno-2`, `InfraEnv ${ns}/sno-2`, `Namespace ${ns}`,
    `Secret ${ns}/pull-secret`, `Secret ${ns}/sno-2-master-0-bmc`,
  ]);
  assert.is(plan.summary.create + plan.summary.update, 0);
  // Deletes come in reverse dependency order: the BareMetalHost first (BMAC reads its InfraEnv), the namespace last.
  assert.is(plan.objects[0]!.key, `BareMetalHost ${ns}/sno-2-master-0`);
  assert.is(plan.objects[plan.objects.length - 1]!.key, `Namespace ${ns}`);

  const text = ok(await swarm.cli(['plan'], env), 'plan').stdout;
  assert.match(text, '!! 7 objects will be DELETED:');
  assert.match(text, `  [-] Namespace ${ns}`);
  const markdown = ok(await swarm.cli(['plan', '--markdown'], env), 'plan --markdown').stdout;
  assert.match(markdown, '> [!CAUTION]\n> **7 objects will be deleted:**');
  assert.match(markdown, `> - \`ClusterDeployment ${ns}/sno-2\``);

  ok(await swarm.cli(['apply', '--yes', '--no-run'], env), 'apply of the removal');
  assert.equal((await planJson()).objects, []);
  assert.is(await swarm.client.get({ apiVersion: 'v1', kind: 'Namespace', name: ns }), null, `${ns} is gone`);
});

test.run();
