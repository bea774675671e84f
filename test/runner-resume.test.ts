// apply interrupted half-way (the runner's process killed with -9) and run again: the second
// run keeps what the first started, starts only what is missing, patches no Agent the first
// run already patched, and finishes with every cluster installed and no duplicate container.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { CustomObjectsApi } from '@kubernetes/client-node';
import { readLaunchPlans } from '../lib/dist/read.ts';
import { agentPatch, desiredAgentSpec } from '../lib/runner/agents.ts';
import { AGENT } from '../lib/runner/hub.ts';
import { LABEL } from '../lib/swarm/labels.ts';
import { waitFor, REPO_ROOT } from './support/hub.ts';
import { swarmContainers, testSwarm, type TestSwarm } from './stand-in/swarm.ts';

let swarm: TestSwarm;
test.before(async () => {
  // One host every 2 s: the first run is killed after the second fake host has started.
  swarm = await testSwarm({ prefix: 'resume', clusters: [{ name: 'sno', topology: 'single-node', count: 4 }], runtime: { launchRate: 0.5 } });
});
test.after(async () => { await swarm?.cleanup(); });

test('killed half-way and run again, the swarm finishes with each container once', async () => {
  const args = join(swarm.dir, 'child.json');
  writeFileSync(args, JSON.stringify({ dist: swarm.dist, config: swarm.config, kubeconfigPath: swarm.kubeconfigPath }));
  const child = spawn(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'test/stand-in/run-child.ts'), args], { cwd: REPO_ROOT, stdio: 'ignore' });
  const exited = new Promise((r) => child.on('exit', r));
  const hosts = async () => (await swarmContainers(swarm.docker, swarm.name)).filter((c) => c.Labels[LABEL.component] === 'fake-host');
  await waitFor('two fake hosts started by the first run', async () => ((await hosts()).length >= 2 ? true : undefined));
  child.kill('SIGKILL');
  await exited;
  const before = await hosts();
  assert.ok(before.length >= 2 && before.length < 4, `the first run started ${before.length} of 4 hosts`);

  // Agents the first run already patched to the plan.
  const plans = readLaunchPlans(swarm.dist);
  const agents = ((await swarm.kubeConfig.makeApiClient(CustomObjectsApi).listClusterCustomObject({
    group: AGENT.group, version: AGENT.version, plural: AGENT.plural, labelSelector: `assisted-swarm.io/swarm=${swarm.name}`,
  })) as { items: { metadata: { name: string }; spec: Record<string, unknown> }[] }).items;
  const patchedBefore = plans.fakeHosts.filter((h) => {
    const agent = agents.find((a) => a.metadata.name === h.spec.hostId);
    return agent && !Object.keys(agentPatch(desiredAgentSpec(h), agent.spec)).length;
  }).map((h) => h.spec.hostname);
  assert.ok(patchedBefore.length >= 1, 'the first run patched an Agent');

  const { out, ...result } = await swarm.run();
  assert.is(result.endReason, 'done', out);
  assert.is(result.exitCode, 0, out);
  assert.ok(result.record.clusters.every((c) => c.outcome === 'installed'));

  const after = await swarmContainers(swarm.docker, swarm.name);
  const names = after.map((c) => c.Names[0]!).sort();
  assert.equal(names, [...new Set(names)], 'no name twice');
  assert.is(after.length, plans.fakeHosts.length + plans.controllers.length);
  // What the first run started was kept, not started again.
  const kept = result.record.hosts.filter((h) => h.adopted).map((h) => h.containerId);
  for (const c of before.filter((x) => x.State !== 'created')) assert.ok(kept.includes(c.Id), `${c.Names[0]} was not kept`);
  for (const hostname of patchedBefore) {
    assert.is(result.record.hosts.find((h) => h.hostname === hostname)!.patches, 0, `${hostname} patched again`);
  }
});

test('a known host whose container is replaced (its spec changed) stays known: the run ends, its phases are its new container\'s', async () => {
  const pool = await testSwarm({ prefix: 'replace', pools: [{ name: 'spare', hosts: 1 }] });
  try {
    const first = await pool.run();
    assert.is(first.endReason, 'done');
    // Another environment for the host: its container is replaced; its Agent stays known-unbound, unchanged.
    const changed = { ...pool.config, runtime: { ...pool.config.runtime, hostEnv: { SWARM_TEST_LIFE: '2' }, timeoutMinutes: 1 } };
    const { synthToDir } = await import('../lib/constructs/synth.ts');
    const { expandSwarm } = await import('../lib/swarm/expand.ts');
    synthToDir(expandSwarm(changed), pool.dist);
    const { out, ...second } = await pool.run({ config: changed });
    assert.is(second.endReason, 'done', out);
    const host = second.record.hosts[0]!;
    assert.is(host.state, 'known-unbound');
    assert.is(host.adopted, false, 'replaced, not kept');
    // No phase from before its container started.
    for (const [m, at] of Object.entries(host.milestones)) assert.ok(at >= host.milestones.containerStarted!, `${m} before the container started: ${JSON.stringify(host.milestones)} ${JSON.stringify(second.record.transitions.filter((t) => t.subject === 'host'))}`);
  } finally {
    await pool.cleanup();
  }
});

test('a host started anew finds no reboot marker of an earlier life (its group removed and added again)', async () => {
  const pool = await testSwarm({ prefix: 'relife', pools: [{ name: 'spare', hosts: 1 }] });
  try {
    const marker = readLaunchPlans(pool.dist).fakeHosts[0]!.spec.rebootMarkerPath;
    mkdirSync(dirname(marker), { recursive: true });
    writeFileSync(marker, '');
    const { out, ...run } = await pool.run();
    assert.is(run.endReason, 'done', out);
    assert.is(run.record.hosts[0]!.state, 'known-unbound');
    const [container] = await swarmContainers(pool.docker, pool.name);
    assert.is(container?.State, 'running', 'its agent did not end at once');
  } finally {
    await pool.cleanup();
  }
});

test.run();
