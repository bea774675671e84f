// Fake hosts whose pods die, on the hub's node: the kubelet restarts a dying container up to
// runtime.restartLimit (the launcher counts its starts), then the host and its cluster are failed
// with the exit code, and the agent runs no more; a container over its memory limit dies
// OOMKilled, and the record says so.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { CoreV1Api } from '@kubernetes/client-node';
import { openTarget } from '../lib/engine/target.ts';
import { describeKubeConfig } from '../lib/hub/kubeconfig.ts';
import { podNamespace } from '../lib/swarm/kubernetes.ts';
import { swarmSelector } from '../lib/swarm/labels.ts';
import { waitFor } from './support/hub.ts';
import { testSwarm, type TestSwarm } from './stand-in/swarm.ts';

const swarms: TestSwarm[] = [];
test.after(async () => { for (const s of swarms) await s.cleanup(); });

const podsOf = async (swarm: TestSwarm) => (await swarm.kubeConfig.makeApiClient(CoreV1Api)
  .listNamespacedPod({ namespace: podNamespace(swarm.config), labelSelector: swarmSelector(swarm.name) })).items;

test('a dying pod is restarted up to the cap, then its host and cluster fail and the agent is not started again', async () => {
  const swarm = await testSwarm({
    prefix: 'krestart', kubernetes: true,
    clusters: [{ name: 'sno', topology: 'single-node' }],
    runtime: { restartLimit: 2 },
    standIn: { unitEnv: { AGENT_STAND_IN_EXIT: '3' } },
  });
  swarms.push(swarm);
  const { out, ...result } = await swarm.run();
  assert.is(result.endReason, 'done', out);
  assert.is(result.exitCode, 1);
  const host = result.record.hosts[0]!;
  assert.is(host.outcome, 'failed');
  assert.is(host.failure!.reason, 'container died (exit 3)');
  assert.is(host.restarts, 2, JSON.stringify(result.record.transitions.filter((t) => t.name === host.hostname)));
  assert.match(host.failure!.detail!, /dying as told/, host.failure!.detail!);
  assert.is(result.record.clusters[0]!.failure!.reason, 'host sno-1-master-0 failed: container died (exit 3)');
  assert.is(result.record.transitions.filter((t) => t.name === host.hostname && t.info === 'restarted by the engine').length, 2);

  // The kubelet starts it once more: the launcher ends at once, with 0 and its reason, and the pod is done.
  const [pod] = await waitFor('the pod done after the cap', async () => {
    const pods = await podsOf(swarm);
    return pods[0]?.status?.phase === 'Succeeded' ? pods : undefined;
  }, async () => (await podsOf(swarm))[0]?.status?.containerStatuses);
  const s = pod!.status!.containerStatuses![0]!;
  assert.match(s.state!.terminated!.message!, /^assisted-swarm: restart cap reached \(2 restarts, last exit 3\)/);
  // The engine tells it as Docker does a container that used up its restarts.
  const info = await openTarget(swarm.config, { dist: swarm.dist, hub: describeKubeConfig(swarm.kubeConfig) }).inspect(`${pod!.metadata!.name}/${pod!.metadata!.uid}`);
  assert.equal([info?.state, info?.exitCode, info?.restartCount], ['exited', 3, 2]);
  const log = await swarm.kubeConfig.makeApiClient(CoreV1Api).readNamespacedPodLog({ namespace: pod!.metadata!.namespace!, name: pod!.metadata!.name! });
  assert.not.match(log, /dying as told/, 'the agent did not run again');
});

test('a pod over its memory limit dies OOMKilled, and the record says so', async () => {
  const swarm = await testSwarm({
    prefix: 'koom', kubernetes: true,
    clusters: [{ name: 'sno', topology: 'single-node' }],
    runtime: { restartLimit: 0, memoryMiB: 16 },
    standIn: { unitEnv: { AGENT_STAND_IN_EAT_MIB: '64' } },
  });
  swarms.push(swarm);
  const { out, ...result } = await swarm.run();
  assert.is(result.exitCode, 1, out);
  const host = result.record.hosts[0]!;
  assert.is(host.failure?.reason, 'container died (exit 137, OOMKilled)', JSON.stringify(host.failure));
  assert.ok(result.record.transitions.some((t) => t.name === host.hostname && t.field === 'container' && t.to === 'died (exit 137, OOMKilled)'));
});

test.run();
