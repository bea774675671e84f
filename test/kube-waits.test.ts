// What keeps a fake host's pod from running, on the hub's node, in the run's record with the
// words of the scheduler and the kubelet: a pod no node fits stays Pending, Unschedulable (the
// host waits: a node may come); an image the node can't have (no registry answers here) is
// ErrImagePull, then ImagePullBackOff, and fails the host at once.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { RunRecord } from '../lib/report/types.ts';
import { testSwarm, type TestSwarm } from './stand-in/swarm.ts';

const swarms: TestSwarm[] = [];
test.after(async () => { for (const s of swarms) await s.cleanup(); });

const containerStates = (record: RunRecord, hostname: string) =>
  record.transitions.filter((t) => t.name === hostname && t.field === 'container').map((t) => `${t.to}${t.info ? `: ${t.info}` : ''}`);

test('a pod no node fits waits, Unschedulable, with the scheduler\'s message; the host is not failed', async () => {
  const swarm = await testSwarm({
    prefix: 'kunsched', kubernetes: { nodeSelector: { 'assisted-swarm.io/no-such-node': 'true' } },
    clusters: [{ name: 'sno', topology: 'single-node' }],
    // The run has nothing else to wait for: it ends at its timeout.
    runtime: { timeoutMinutes: 0.25 },
  });
  swarms.push(swarm);
  const { out, ...result } = await swarm.run();
  assert.is(result.endReason, 'timeout', out);
  const host = result.record.hosts[0]!;
  const states = containerStates(result.record, host.hostname);
  const waiting = states.find((s) => s.startsWith('waiting: Unschedulable'));
  assert.ok(waiting, states.join('\n'));
  assert.match(waiting!, /0\/1 nodes are available: 1 node\(s\) didn't match Pod's node affinity\/selector/);
  assert.is(host.outcome, null, 'a node may yet come');
});

test('a pod whose image the node can\'t have fails its host with the kubelet\'s reason', async () => {
  const swarm = await testSwarm({
    prefix: 'kpull', kubernetes: true, image: 'assisted-swarm-test/not-anywhere:1',
    clusters: [{ name: 'sno', topology: 'single-node' }],
  });
  swarms.push(swarm);
  const { out, ...result } = await swarm.run();
  assert.is(result.endReason, 'done', out);
  assert.is(result.exitCode, 1);
  const host = result.record.hosts[0]!;
  assert.is(host.outcome, 'failed');
  assert.is(host.failure!.reason, 'container cannot start: ImagePullBackOff');
  assert.match(host.failure!.detail!, 'assisted-swarm-test/not-anywhere:1');
  const states = containerStates(result.record, host.hostname);
  assert.ok(states.some((s) => s.startsWith('waiting: ErrImagePull')), states.join('\n'));
  assert.is(result.record.clusters[0]!.failure!.reason, 'host sno-1-master-0 failed: container cannot start: ImagePullBackOff');
});

test.run();
