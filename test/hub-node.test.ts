// The hub's node (up.sh --with-node) runs pods for real on this machine: a kubelet with a
// containerd of its own, a kube-scheduler, and the API server reaching the kubelet for logs and
// exec, as the Kubernetes engine will use them. Images come from Docker (loadIntoNode); no
// registry is reachable, and a pull of an image that is not there fails at once on this machine.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { CoreV1Api, Exec, type V1Container, type V1Pod, type V1PodSpec, type V1Status } from '@kubernetes/client-node';
import { hubWithNode, uniqueNamespace, waitFor, waitUntilGone } from './support/hub.ts';
import { ensureTinyImage, loadIntoNode } from './support/images.ts';

const h = await hubWithNode();
const core = h.kubeConfig.makeApiClient(CoreV1Api);
const image = await ensureTinyImage(h.docker);
await loadIntoNode(h.docker, image, h.node.containerdSocket);
const ns = await uniqueNamespace('node', h.kubeConfig);
const hostDir = mkdtempSync(join(tmpdir(), 'hub-node-test-'));

// The namespace's "default" ServiceAccount (the controller-manager makes it) must exist before
// the API server admits a pod there.
await waitFor('the default ServiceAccount', () =>
  core.readNamespacedServiceAccount({ namespace: ns.name, name: 'default' }).then(
    () => true,
    () => undefined,
  ),
);

test.after(async () => {
  await ns.cleanup();
  rmSync(hostDir, { recursive: true, force: true });
});

/** A container of the tiny image running `sh -c SCRIPT`. */
const sh = (name: string, script: string, extra: Partial<V1Container> = {}): V1Container => ({
  name,
  image,
  command: ['sh', '-c', script],
  ...extra,
});

/** Creates a pod in the test's namespace; a 1 s grace period, since `sh` as PID 1 ignores SIGTERM. */
const createPod = (name: string, spec: Partial<V1PodSpec> & Pick<V1PodSpec, 'containers'>): Promise<V1Pod> =>
  core.createNamespacedPod({
    namespace: ns.name,
    body: { metadata: { name }, spec: { terminationGracePeriodSeconds: 1, ...spec } },
  });

const readPod = (name: string) => core.readNamespacedPod({ namespace: ns.name, name });

/** Waits until the pod's status passes `check`, showing its status if it never does. */
async function waitForPod(name: string, what: string, check: (p: V1Pod) => boolean, seconds = 90): Promise<V1Pod> {
  let last: V1Pod | undefined;
  return waitFor(
    `pod ${name}: ${what}`,
    async () => ((last = await readPod(name)), check(last) ? last : undefined),
    async () => last?.status,
    seconds,
  );
}
const running = (p: V1Pod) => p.status?.phase === 'Running' && !!p.status.containerStatuses?.every((c) => c.state?.running);

/** Runs COMMAND in the pod's container through the API server (the kubelet's exec): its output and status. */
async function exec(pod: string, container: string, command: string[]): Promise<{ stdout: string; stderr: string; status: V1Status }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d) => (out += d));
  stderr.on('data', (d) => (err += d));
  const status = await new Promise<V1Status>((resolve, reject) => {
    new Exec(h.kubeConfig).exec(ns.name, pod, container, command, stdout, stderr, null, false, resolve).catch(reject);
  });
  return { stdout: out, stderr: err, status };
}

/** Tasks of our containerd that run in this test's namespace (by the kubelet's labels). */
function runningTasks(): string[] {
  const ctr = (...args: string[]) =>
    execFileSync('ctr', ['--address', h.node.containerdSocket, '-n', 'k8s.io', ...args], { encoding: 'utf8' });
  const ours = new Set(ctr('containers', 'ls', '-q', `labels."io.kubernetes.pod.namespace"==${ns.name}`).split('\n').filter(Boolean));
  return ctr('tasks', 'ls')
    .split('\n')
    .slice(1)
    .map((line) => line.trim().split(/\s+/))
    .filter(([id, , state]) => ours.has(id) && state === 'RUNNING')
    .map(([id]) => id);
}

test('the node is Ready, at 127.0.0.1, with the kubelet of the hub and its own containerd', async () => {
  const node = await core.readNode({ name: h.node.name });
  const ready = node.status?.conditions?.find((c) => c.type === 'Ready');
  assert.is(ready?.status, 'True', `node not Ready: ${JSON.stringify(node.status?.conditions)}`);
  assert.equal(node.status?.addresses?.find((a) => a.type === 'InternalIP')?.address, '127.0.0.1');
  assert.is(node.status?.nodeInfo?.kubeletVersion, 'v1.34.4');
  assert.match(node.status?.nodeInfo?.containerRuntimeVersion ?? '', /^containerd:\/\//);
  assert.equal(node.spec?.taints ?? [], [], 'the node has taints: pods without tolerations would not be scheduled');
});

test('a host-network pod runs; its logs are read and a command is exec\'d in it through the API server', async () => {
  await createPod('hostnet', {
    hostNetwork: true,
    containers: [sh('main', 'echo started on $(hostname); exec sleep 3600')],
  });
  const pod = await waitForPod('hostnet', 'running', running);
  assert.is(pod.spec?.nodeName, h.node.name);
  assert.is(pod.status?.podIP, '127.0.0.1', 'a host-network pod has the node\'s address');

  const log = await waitFor('the log line', async () => {
    const text = await core.readNamespacedPodLog({ namespace: ns.name, name: 'hostnet', container: 'main' });
    return text.includes('started on') ? text : undefined;
  });
  assert.match(log, /^started on \S+\n$/);

  const ok = await exec('hostnet', 'main', ['sh', '-c', 'echo $((6 * 7)); echo to-stderr >&2']);
  assert.is(ok.status.status, 'Success', JSON.stringify(ok.status));
  assert.is(ok.stdout, '42\n');
  assert.is(ok.stderr, 'to-stderr\n');
  const failed = await exec('hostnet', 'main', ['sh', '-c', 'exit 3']);
  assert.is(failed.status.status, 'Failure');
  assert.is(failed.status.details?.causes?.find((c) => c.reason === 'ExitCode')?.message, '3');
});

test('an emptyDir is shared by two containers of one pod', async () => {
  await createPod('shared', {
    volumes: [{ name: 'shared', emptyDir: {} }],
    containers: [
      sh('writer', 'echo written-by-writer >/shared/msg; exec sleep 3600', { volumeMounts: [{ name: 'shared', mountPath: '/shared' }] }),
      sh('reader', 'until [ -s /shared/msg ]; do sleep 0.2; done; cat /shared/msg; exec sleep 3600', {
        volumeMounts: [{ name: 'shared', mountPath: '/shared' }],
      }),
    ],
  });
  await waitForPod('shared', 'running', running);
  const log = await waitFor('the reader to print what the writer wrote', async () => {
    const text = await core.readNamespacedPodLog({ namespace: ns.name, name: 'shared', container: 'reader' });
    return text || undefined;
  });
  assert.is(log, 'written-by-writer\n');
});

test('a hostPath volume shows a dir of this machine, both ways', async () => {
  writeFileSync(join(hostDir, 'from-host'), 'hello pod\n');
  await createPod('hostpath', {
    restartPolicy: 'Never',
    volumes: [{ name: 'host', hostPath: { path: hostDir, type: 'Directory' } }],
    containers: [sh('main', 'cat /host/from-host; echo hello host >/host/from-pod', { volumeMounts: [{ name: 'host', mountPath: '/host' }] })],
  });
  await waitForPod('hostpath', 'Succeeded', (p) => p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed');
  assert.is((await readPod('hostpath')).status?.phase, 'Succeeded');
  assert.is(await core.readNamespacedPodLog({ namespace: ns.name, name: 'hostpath' }), 'hello pod\n');
  assert.is(readFileSync(join(hostDir, 'from-pod'), 'utf8'), 'hello host\n');
});

test('a pod that asks for more memory than the node has stays Pending, Unschedulable', async () => {
  await createPod('too-big', {
    containers: [sh('main', 'exec sleep 3600', { resources: { requests: { memory: '64Ti' } } })],
  });
  const pod = await waitForPod('too-big', 'unschedulable', (p) =>
    !!p.status?.conditions?.some((c) => c.type === 'PodScheduled' && c.status === 'False' && c.reason === 'Unschedulable'),
  );
  assert.is(pod.status?.phase, 'Pending');
  assert.not.ok(pod.spec?.nodeName, 'scheduled after all');
  assert.match(pod.status?.conditions?.find((c) => c.type === 'PodScheduled')?.message ?? '', /Insufficient memory/);
});

test('a container that exits 1 is restarted under restartPolicy OnFailure', async () => {
  await createPod('fails', { restartPolicy: 'OnFailure', containers: [sh('main', 'echo try; exit 1')] });
  // The kubelet's back-off: the first restart at once, the second after 10 s.
  const pod = await waitForPod('fails', 'restarted twice', (p) => (p.status?.containerStatuses?.[0]?.restartCount ?? 0) >= 2);
  const status = pod.status!.containerStatuses![0];
  const terminated = status.lastState?.terminated ?? status.state?.terminated;
  assert.is(terminated?.exitCode, 1);
  assert.ok(pod.status?.phase === 'Running' || pod.status?.phase === 'Pending', `phase ${pod.status?.phase}`);
});

test('an image that is not here fails to pull at once, and the pull stays on this machine', async () => {
  // A registry on loopback that refuses; and one at 0.0.0.0, which is no loopback address, so
  // containerd would go there through its proxy, 127.0.0.1:1, which refuses too (no lookup of a
  // registry's name, no packet off the machine: should the proxy be missing, 0.0.0.0 is still
  // this machine).
  const images = { loopback: '127.0.0.1:1/none:1', proxied: '0.0.0.0:1/none:1' };
  for (const [name, ref] of Object.entries(images)) {
    await createPod(name, { containers: [{ name: 'main', image: ref }] });
  }
  for (const name of Object.keys(images)) {
    const pod = await waitForPod(
      name,
      'ErrImagePull or ImagePullBackOff',
      (p) => ['ErrImagePull', 'ImagePullBackOff'].includes(p.status?.containerStatuses?.[0]?.state?.waiting?.reason ?? ''),
      30,
    );
    assert.is(pod.status?.phase, 'Pending');
  }
  const events = (await core.listNamespacedEvent({ namespace: ns.name })).items.filter(
    (e) => e.reason === 'Failed' && e.message?.startsWith('Failed to pull image'),
  );
  const message = (pod: string) => events.find((e) => e.involvedObject.name === pod)?.message ?? '';
  assert.match(message('loopback'), /dial tcp 127\.0\.0\.1:1: connect: connection refused/);
  assert.match(message('proxied'), /proxyconnect tcp: dial tcp 127\.0\.0\.1:1: connect: connection refused/);
});

test('deleting the pods leaves nothing of theirs running in the node\'s containerd', async () => {
  assert.ok(runningTasks().length > 0, 'no task of this test runs: the test would prove nothing');
  const pods = (await core.listNamespacedPod({ namespace: ns.name })).items.map((p) => p.metadata!.name!);
  await Promise.all(pods.map((name) => core.deleteNamespacedPod({ namespace: ns.name, name })));
  await Promise.all(pods.map((name) => waitUntilGone(`pod ${name}`, () => readPod(name), 60)));
  const left = await waitFor(
    'no running task of the deleted pods',
    async () => (runningTasks().length === 0 ? [] : undefined),
    async () => runningTasks(),
    60,
  );
  assert.equal(left, []);
});

test.run();
