// apply's run with the Kubernetes engine, killed half-way (-9) and run again, on the hub's node:
// the second run adopts the pods the first one made (running, or done after their fake reboot),
// makes only those that are missing, and finishes with every cluster installed and each pod once.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CoreV1Api } from '@kubernetes/client-node';
import { readLaunchPlans } from '../lib/dist/read.ts';
import { podNamespace } from '../lib/swarm/kubernetes.ts';
import { LABEL, swarmSelector } from '../lib/swarm/labels.ts';
import { REPO_ROOT, waitFor } from './support/hub.ts';
import { testSwarm, type TestSwarm } from './stand-in/swarm.ts';

let swarm: TestSwarm;
test.before(async () => {
  // One host every 2 s: the first run is killed once its second pod runs.
  swarm = await testSwarm({ prefix: 'kresume', kubernetes: true, clusters: [{ name: 'sno', topology: 'single-node', count: 4 }], runtime: { launchRate: 0.5 } });
});
test.after(async () => { await swarm?.cleanup(); });

test('killed half-way and run again, the swarm finishes with each pod once, the first run\'s pods kept', async () => {
  const core = swarm.kubeConfig.makeApiClient(CoreV1Api);
  const hostPods = async () => (await core.listNamespacedPod({ namespace: podNamespace(swarm.config), labelSelector: `${swarmSelector(swarm.name)},${LABEL.component}=fake-host` })).items;
  const args = join(swarm.dir, 'child.json');
  writeFileSync(args, JSON.stringify({ dist: swarm.dist, config: swarm.config, kubeconfigPath: swarm.kubeconfigPath }));
  const child = spawn(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'test/stand-in/run-child.ts'), args], { cwd: REPO_ROOT, stdio: 'ignore' });
  const exited = new Promise((r) => child.on('exit', r));
  await waitFor('two fake host pods running, made by the first run', async () =>
    ((await hostPods()).filter((p) => p.status?.phase === 'Running' || p.status?.phase === 'Succeeded').length >= 2 ? true : undefined));
  child.kill('SIGKILL');
  await exited;
  const before = await hostPods();
  assert.ok(before.length >= 2 && before.length < 4, `the first run made ${before.length} of 4 pods`);

  const { out, ...result } = await swarm.run();
  assert.is(result.endReason, 'done', out);
  assert.is(result.exitCode, 0, out);
  assert.match(out, /runner: \d+ containers kept from an earlier run/);

  const after = await hostPods();
  assert.is(after.length, 4);
  const plans = readLaunchPlans(swarm.dist);
  const all = (await core.listNamespacedPod({ namespace: podNamespace(swarm.config), labelSelector: swarmSelector(swarm.name) })).items;
  assert.is(all.length, plans.fakeHosts.length + plans.controllers.length, 'each host and controller once');
  // The pods the first run made that had started are the same pods (same uid), adopted, not restarted.
  const kept = result.record.hosts.filter((h) => h.adopted).map((h) => h.containerId);
  for (const p of before.filter((x) => x.status?.phase === 'Running' || x.status?.phase === 'Succeeded')) {
    assert.ok(kept.includes(`${p.metadata!.name}/${p.metadata!.uid}`), `${p.metadata!.name} was not kept`);
    assert.is(result.record.hosts.find((h) => h.containerId === `${p.metadata!.name}/${p.metadata!.uid}`)!.restarts, 0);
  }
});

test.run();
