// How the Kubernetes engine reads a pod's container between two looks (podEvents) and at one
// look (podInfo), on statuses shaped as the kubelet wrote them on the test node: runs told apart
// by containerID (the kubelet's times are whole seconds, and a container that dies at once is
// restarted within the same second), a run never seen running, the launcher's end at the
// restart cap.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { V1ContainerStatus, V1Pod } from '@kubernetes/client-node';
import { podEvents, podInfo } from '../lib/engine/kubernetes-pods.ts';

const pod = (s: Partial<V1ContainerStatus>, phase = 'Running'): V1Pod => ({
  metadata: { name: 'p', uid: 'u', annotations: { 'assisted-swarm.io/container': 'swarm_p' }, labels: {} },
  spec: { containers: [{ name: 'main', image: 'i', env: [{ name: 'SWARM_RESTART_LIMIT', value: '2' }] }] },
  status: { phase, containerStatuses: [{ name: 'main', image: 'i', imageID: '', ready: false, restartCount: 0, ...s }] },
});
const died = (id: string, at: string, exitCode = 3) => ({ terminated: { containerID: id, exitCode, reason: 'Error', startedAt: new Date(at), finishedAt: new Date(at) } });
const actions = (before: V1Pod | null, after: V1Pod) => podEvents(before, after, 'e').map((e) => `${e.action}${e.exitCode !== null ? ` ${e.exitCode}` : ''}`);

test('two runs ended in the same second are two starts and two deaths, in the order lived', () => {
  const first = pod({ containerID: 'c1', state: died('c1', '2026-12-04T12:55:33Z') });
  // The kubelet restarted it at once; it died again in that second, and once more 12 s later.
  const later = pod({ containerID: 'c3', restartCount: 2, lastState: died('c2', '2026-12-04T12:55:33Z'), state: died('c3', '2026-12-04T12:55:45Z') });
  assert.equal(actions(null, first), ['start', 'die 3']);
  assert.equal(actions(first, later), ['start', 'die 3', 'start', 'die 3']);
  assert.equal(actions(later, later), [], 'nothing new, nothing told');
});

test('a run seen running, then dead: one start, one death', () => {
  const running = pod({ containerID: 'c1', state: { running: { startedAt: new Date('2026-12-04T12:00:00Z') } } });
  const dead = pod({ containerID: 'c1', state: died('c1', '2026-12-04T12:00:00Z') });
  assert.equal(actions(null, running), ['start']);
  assert.equal(actions(running, dead), ['die 3']);
});

test('a crash is restarting until the restart cap; the launcher\'s end at the cap is the last crash\'s exit', () => {
  const crashed = pod({ containerID: 'c2', restartCount: 1, lastState: died('c1', '2026-12-04T12:00:00Z'), state: { waiting: { reason: 'CrashLoopBackOff' } } });
  assert.equal([podInfo(crashed, 'e').state, podInfo(crashed, 'e').exitCode], ['restarting', 3]);
  const spent = pod({ containerID: 'c3', restartCount: 2, state: died('c3', '2026-12-04T12:00:30Z') });
  assert.equal([podInfo(spent, 'e').state, podInfo(spent, 'e').restartCount], ['exited', 2]);
  const capped = pod({
    containerID: 'c4', restartCount: 3,
    state: { terminated: { containerID: 'c4', exitCode: 0, reason: 'Completed', message: 'assisted-swarm: restart cap reached (2 restarts, last exit 3): not starting again\n', startedAt: new Date('2026-12-04T12:01:10Z'), finishedAt: new Date('2026-12-04T12:01:10Z') } },
  }, 'Succeeded');
  assert.equal([podInfo(capped, 'e').state, podInfo(capped, 'e').exitCode, podInfo(capped, 'e').restartCount], ['exited', 3, 2]);
  assert.equal(actions(spent, capped), [], 'the launcher\'s end at the cap ran nothing: no start, no death');
});

test('what keeps a pod from running is told once, with the scheduler\'s words', () => {
  const pending = { ...pod({}), status: { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: '0/1 nodes are available' }] } } as V1Pod;
  assert.equal(podEvents(null, pending, 'e').map((e) => [e.action, e.reason, e.message]), [['waiting', 'Unschedulable', '0/1 nodes are available']]);
  assert.equal(podEvents(pending, pending, 'e'), []);
  assert.is(podInfo(pending, 'e').reason, 'Unschedulable');
});

test.run();
