// Hub patches (`stage: hub` in patches/) against the real test hub, through the CLI: plan shows
// them (text, JSON, Markdown), apply makes them and records the previous values on the object,
// a second plan has nothing to do, destroy puts back exactly what was there; a value someone
// else changed since apply is drift (plan names it, apply refuses it until --force-conflicts,
// destroy leaves it unless --force-conflicts); a missing target and an operation that does not
// apply are blockers; a saved plan is refused once a target changed. The targets are the
// test's own: an AgentServiceConfig with no annotations at all, and a Deployment scaled down.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { KubeObject } from '../lib/dist/types.ts';
import { HubClient, type ObjectRef } from '../lib/hub/client.ts';
import { describeKubeConfig } from '../lib/hub/kubeconfig.ts';
import { recordAnnotation } from '../lib/patches/record.ts';
import type { Plan } from '../lib/plan/types.ts';
import { hub } from './support/hub.ts';
import { testSwarm, type CliResult } from './support/test-swarm.ts';

const h = await hub();
const swarm = await testSwarm('hubp');
const someoneElse = new HubClient(describeKubeConfig(h.kubeConfig), { fieldManager: 'someone-else' });
const patchesDir = join(swarm.dir, 'patches');
const CONFIGMAP_ANNOTATION = 'unsupported.agent-install.openshift.io/assisted-service-configmap';
const RECORD = recordAnnotation(swarm.name);

const asc: ObjectRef = { apiVersion: 'agent-install.openshift.io/v1beta1', kind: 'AgentServiceConfig', name: `${swarm.name}-asc` };
const deployment: ObjectRef = { apiVersion: 'apps/v1', kind: 'Deployment', name: 'example-controller', namespace: swarm.serviceNamespace };
const ascKey = `AgentServiceConfig ${asc.name}`;
const deploymentKey = `Deployment ${swarm.serviceNamespace}/example-controller`;
const file = (name: string) => join(patchesDir, name);

function writePatch(name: string, text: string): void {
  mkdirSync(patchesDir, { recursive: true });
  writeFileSync(file(name), text);
}
writePatch('asc.yaml', `# The service reads the swarm's settings.
what: Points the AgentServiceConfig at the swarm's service-tuning ConfigMap.
why: The test needs an annotation on an object that has none.
stage: hub
target: { apiVersion: agent-install.openshift.io/v1beta1, kind: AgentServiceConfig, name: ${asc.name} }
mergePatch:
  metadata:
    annotations:
      ${CONFIGMAP_ANNOTATION}: \${swarm}-service-tuning
`);
writePatch('scale.yaml', `what: Scales deployment example-controller to 0 while the swarm runs.
why: It competes with the service.
stage: hub
target: { apiVersion: apps/v1, kind: Deployment, namespace: "\${serviceNamespace}", name: example-controller }
jsonPatch:
  - { op: replace, path: /spec/replicas, value: 0 }
`);

function exits(r: CliResult, code: number, what: string): CliResult {
  assert.is(r.code, code, `${what} exited ${r.code}, expected ${code}:\n${r.stdout}\n${r.stderr}`);
  return r;
}
const planJson = async (...extra: string[]): Promise<Plan> => JSON.parse(exits(await swarm.cli(['plan', '--json', ...extra]), 0, 'plan --json').stdout);
const get = async (ref: ObjectRef) => (await swarm.client.get(ref))!;
const rv = (o: KubeObject) => (o.metadata as { resourceVersion?: string }).resourceVersion!;
const hubPatch = (plan: Plan, key: string) => plan.hubPatches.find((p) => p.key === key)!;

/** What destroy must put back exactly: spec, labels and annotations (server fields and status aside). */
const shape = (o: KubeObject) => ({ spec: o.spec, labels: o.metadata.labels, annotations: o.metadata.annotations });

// The test hub runs no deployment controller: the Deployment is stored, nothing acts on it.
const replicas = async () => ((await get(deployment)).spec as { replicas: number }).replicas;

/** Someone else sets the Deployment's replicas (a merge patch onto the version they read). */
async function scaleBySomeoneElse(n: number): Promise<void> {
  await someoneElse.mergePatch(deployment, { spec: { replicas: n } }, rv(await get(deployment)));
  assert.is(await replicas(), n);
}

/** The AgentServiceConfig as someone else applies it (always whole: what they leave out of an apply they no longer own). */
const ascObject = (labels?: Record<string, string>) => ({
  apiVersion: asc.apiVersion, kind: asc.kind, metadata: { name: asc.name, ...(labels ? { labels } : {}) },
  spec: { databaseStorage: { resources: {} }, filesystemStorage: { resources: {} } },
} as unknown as KubeObject);

let before: { asc: ReturnType<typeof shape>; deployment: ReturnType<typeof shape> };

test.after(async () => {
  await swarm.client.delete(asc);
  await swarm.cleanup();
});

test('plan shows each hub patch, standing out, in text, JSON and Markdown', async () => {
  swarm.configure({ clusters: [] });
  await someoneElse.apply(ascObject());
  await someoneElse.apply({
    apiVersion: deployment.apiVersion,
    kind: deployment.kind,
    metadata: { name: deployment.name, namespace: deployment.namespace, labels: { app: 'example' }, annotations: { 'example.com/owner': 'team-a' } },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: 'example' } },
      template: { metadata: { labels: { app: 'example' } }, spec: { containers: [{ name: 'controller', image: 'registry.invalid/example:1' }] } },
    },
  } as unknown as KubeObject);
  before = { asc: shape(await get(asc)), deployment: shape(await get(deployment)) };
  assert.is(before.asc.annotations, undefined, 'the AgentServiceConfig starts with no annotations at all');

  const plan = await planJson();
  assert.equal(plan.blockers, []);
  assert.equal(plan.hubPatches.map((p) => [p.key, p.action, p.patches.map((f) => f.file)]), [
    [ascKey, 'patch', [file('asc.yaml')]],
    [deploymentKey, 'patch', [file('scale.yaml')]],
  ]);
  assert.equal(hubPatch(plan, ascKey).fields, [{ path: ['metadata', 'annotations'], op: 'add', after: { [CONFIGMAP_ANNOTATION]: `${swarm.name}-service-tuning` } }]);
  assert.equal(hubPatch(plan, deploymentKey).fields, [{ path: ['spec', 'replicas'], op: 'change', before: 2, after: 0 }]);
  assert.equal(plan.summary.hubPatches, { patch: 2, restore: 0, unchanged: 0, blocked: 0 });

  const text = exits(await swarm.cli(['plan']), 0, 'plan').stdout;
  assert.match(text, '!! Hub patches (objects the swarm does not own):\n');
  assert.match(text, `  [~] ${deploymentKey} (${file('scale.yaml')})\n      # Scales deployment example-controller to 0 while the swarm runs.\n      spec\n        ~ replicas: 2 → 0\n`);
  assert.match(text, `  [~] ${ascKey} (${file('asc.yaml')})\n`);
  assert.match(text, `+ annotations: {"${CONFIGMAP_ANNOTATION}":"${swarm.name}-service-tuning"}`);
  assert.match(text, '; 2 hub objects the swarm does not own to patch.');

  const markdown = exits(await swarm.cli(['plan', '--markdown']), 0, 'plan --markdown').stdout;
  assert.match(markdown, '#### Hub patches (objects the swarm does not own)\n\n> [!IMPORTANT]\n> **2 hub objects the swarm does not own will be patched (destroy puts back what was there).**');
  assert.match(markdown, `**~ \`${deploymentKey}\`** — \`${file('scale.yaml')}\`\n\n\`\`\`diff\n# Scales deployment example-controller to 0 while the swarm runs.\n  spec\n-   replicas: 2\n+   replicas: 0\n\`\`\``);
});

test('apply makes the changes and records the previous values on each object; a second plan has nothing to do', async () => {
  const applied = exits(await swarm.cli(['apply', '--yes', '--no-run']), 0, 'apply');
  assert.match(applied.stdout, 'Apply complete: ');
  assert.match(applied.stdout, '2 hub objects the swarm does not own patched');

  const a = await get(asc);
  assert.is(a.metadata.annotations?.[CONFIGMAP_ANNOTATION], `${swarm.name}-service-tuning`);
  assert.equal(JSON.parse(a.metadata.annotations![RECORD]!), {
    fields: [{ path: `/metadata/annotations/${CONFIGMAP_ANNOTATION.replace('/', '~1')}`, after: `${swarm.name}-service-tuning` }],
    created: ['/metadata/annotations'],
  });
  const d = await get(deployment);
  assert.is((d.spec as { replicas: number }).replicas, 0);
  assert.is(d.metadata.annotations?.['example.com/owner'], 'team-a', 'others\' annotations are kept');
  assert.equal(JSON.parse(d.metadata.annotations![RECORD]!), { fields: [{ path: '/spec/replicas', before: 2, after: 0 }], created: [] });
  // Not server-side apply: the swarm does not become an owner of the borrowed fields.
  const managers = (d.metadata as { managedFields?: { manager: string; operation: string }[] }).managedFields ?? [];
  assert.ok(managers.some((m) => m.manager === 'assisted-swarm' && m.operation === 'Update'), JSON.stringify(managers));
  assert.not.ok(managers.some((m) => m.manager === 'assisted-swarm' && m.operation === 'Apply'));

  const plan = await planJson();
  assert.equal(plan.hubPatches.map((p) => [p.key, p.action, p.send]), [[ascKey, 'unchanged', null], [deploymentKey, 'unchanged', null]]);
  const text = exits(await swarm.cli(['plan']), 0, 'plan').stdout;
  assert.match(text, `  [=] ${ascKey} (${file('asc.yaml')}): no change: already as the patch says\n`);
  assert.match(text, 'No changes: the hub and the engines match dist/.');
  const again = exits(await swarm.cli(['apply', '--yes', '--no-run']), 0, 'second apply');
  assert.not.match(again.stdout, 'Apply complete');
});

test('a value someone changed since apply is drift: plan names it, apply refuses it until --force-conflicts', async () => {
  await scaleBySomeoneElse(3);
  const plan = await planJson();
  assert.equal(hubPatch(plan, deploymentKey).drift, [{ path: ['spec', 'replicas'], now: 3, applied: 0, wanted: 0 }]);
  assert.equal(plan.blockers, [
    `${deploymentKey} (${file('scale.yaml')}): spec.replicas changed since assisted-swarm applied it: now 3, patch says 0: apply --force-conflicts overwrites it`,
  ]);
  const text = exits(await swarm.cli(['plan']), 0, 'plan').stdout;
  assert.match(text, '      ! DRIFT spec.replicas changed since assisted-swarm applied it: now 3, patch says 0\n');

  const refused = exits(await swarm.cli(['apply', '--yes', '--no-run']), 1, 'apply onto drift');
  assert.match(refused.stderr, 'the plan has blockers (listed above): nothing was changed');
  assert.is(await replicas(), 3, 'the other value is left as it is');

  exits(await swarm.cli(['apply', '--yes', '--no-run', '--force-conflicts']), 0, 'apply --force-conflicts');
  const d = await get(deployment);
  assert.is((d.spec as { replicas: number }).replicas, 0);
  // The record still holds the value from before the first apply, not the one overwritten.
  assert.equal(JSON.parse(d.metadata.annotations![RECORD]!), { fields: [{ path: '/spec/replicas', before: 2, after: 0 }], created: [] });
  assert.equal((await planJson()).blockers, []);
});

test('a missing target and an operation that does not apply are blockers naming the patch file and the target', async () => {
  writePatch('absent.yaml', `what: Scales a deployment that is not there.
why: The test needs a missing target.
stage: hub
target: { apiVersion: apps/v1, kind: Deployment, namespace: "\${serviceNamespace}", name: not-there }
mergePatch: { spec: { replicas: 0 } }
`);
  writePatch('bad-path.yaml', `what: Replaces a field the object does not have.
why: The test needs an operation that does not apply.
stage: hub
target: { apiVersion: agent-install.openshift.io/v1beta1, kind: AgentServiceConfig, name: ${asc.name} }
jsonPatch:
  - { op: replace, path: /spec/nothing/here, value: 1 }
`);
  try {
    const plan = await planJson();
    assert.equal(plan.blockers, [
      `${file('absent.yaml')}: its target Deployment ${swarm.serviceNamespace}/not-there (apps/v1) does not exist on the hub: create it, or take the patch out of patches/ if this hub needs none`,
      `${file('bad-path.yaml')} jsonPatch[0] (replace /spec/nothing/here): cannot apply to AgentServiceConfig ${asc.name} (agent-install.openshift.io/v1beta1): the path does not exist in the object`,
    ]);
    const text = exits(await swarm.cli(['plan']), 0, 'plan').stdout;
    assert.match(text, `  [✗] Deployment ${swarm.serviceNamespace}/not-there (${file('absent.yaml')}): blocked: does not exist on the hub\n`);
    const refused = exits(await swarm.cli(['apply', '--yes', '--no-run']), 1, 'apply with a missing target');
    assert.match(refused.stderr, 'the plan has blockers');
  } finally {
    rmSync(file('absent.yaml'));
    rmSync(file('bad-path.yaml'));
  }
});

test('a saved plan is refused once a target changed', async () => {
  writePatch('asc-more.yaml', `what: Adds a second annotation.
why: The test needs a saved plan with a change.
stage: hub
target: { apiVersion: agent-install.openshift.io/v1beta1, kind: AgentServiceConfig, name: ${asc.name} }
mergePatch: { metadata: { annotations: { example.com/more: "yes" } } }
`);
  try {
    const saved = join(swarm.dir, 'saved.json');
    exits(await swarm.cli(['plan', '--out', saved]), 0, 'plan --out');
    await someoneElse.apply(ascObject({ 'example.com/note': 'x' }));
    const refused = exits(await swarm.cli(['apply', saved, '--yes', '--no-run']), 1, 'apply of a stale plan');
    assert.match(refused.stderr, 'the saved plan is out of date');
    assert.match(refused.stderr, `${ascKey}: changed`);
    assert.is((await get(asc)).metadata.annotations?.['example.com/more'], undefined, 'nothing of the plan was applied');
    await someoneElse.apply(ascObject());
  } finally {
    rmSync(file('asc-more.yaml'));
  }
});

test('destroy puts back exactly what was there: absent annotations absent again, the replicas as they were', async () => {
  const destroyed = exits(await swarm.cli(['destroy', '--yes']), 0, 'destroy');
  assert.match(destroyed.stdout, '!! Hub patches to put back (objects the swarm does not own):\n');
  assert.match(destroyed.stdout, `  [~] ${deploymentKey} (${file('scale.yaml')})\n      # Scales deployment example-controller to 0 while the swarm runs.\n      spec\n        ~ replicas: 0 → 2\n`);
  assert.match(destroyed.stdout, '2 hub objects the swarm does not own put back');
  assert.equal(shape(await get(asc)), before.asc);
  assert.equal(shape(await get(deployment)), before.deployment);
  assert.equal((await get(asc)).metadata.annotations, undefined, 'the AgentServiceConfig has no annotations again');
  // Nothing left to put back.
  const again = exits(await swarm.cli(['destroy', '--yes']), 0, 'destroy again');
  assert.not.match(again.stdout, 'Hub patches');
});

test('destroy leaves a field someone changed since apply as it is (and says so) unless --force-conflicts', async () => {
  exits(await swarm.cli(['apply', '--yes', '--no-run']), 0, 'apply');
  await scaleBySomeoneElse(5);
  const destroyed = exits(await swarm.cli(['destroy', '--yes']), 0, 'destroy onto drift');
  assert.match(destroyed.stdout, `${deploymentKey}: spec.replicas changed since assisted-swarm applied it: now 5, assisted-swarm set 0: destroy leaves it as it is (--force-conflicts puts back 2)`);
  const d = await get(deployment);
  assert.is((d.spec as { replicas: number }).replicas, 5, 'the other value is left');
  assert.is(d.metadata.annotations?.[RECORD], undefined, 'the record is removed');
  assert.equal(shape(await get(asc)), before.asc, 'what did not drift is put back');

  // Now 5 is what was there before the swarm: --force-conflicts puts it back over someone's 4.
  const baseline = shape(await get(deployment));
  exits(await swarm.cli(['apply', '--yes', '--no-run']), 0, 'apply');
  await scaleBySomeoneElse(4);
  exits(await swarm.cli(['destroy', '--yes', '--force-conflicts']), 0, 'destroy --force-conflicts');
  assert.equal(shape(await get(deployment)), baseline);
  assert.equal(shape(await get(asc)), before.asc);
});

test.run();
