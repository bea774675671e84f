// The workloads constructs (lib/constructs/workloads.ts) read like the pods they make: GIVEN a
// tiny swarm whose hosts run on Kubernetes, WHEN a cluster's or a pool's workloads are
// synthesized into a chart, THEN exactly these pods, nothing secret in them.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Testing } from 'cdk8s';
import { validateConfig } from '../lib/config/load.ts';
import type { SwarmConfigInput } from '../lib/config/types.ts';
import { ClusterWorkloads, PoolWorkloads } from '../lib/constructs/workloads.ts';
import { controllerContainer, fakeHostContainer } from '../lib/swarm/containers.ts';
import { expandSwarm } from '../lib/swarm/expand.ts';

const KUBERNETES = {
  namespace: 'hosts',
  nodeSelector: { 'node-role.test/swarm': 'true' },
  tolerations: [{ key: 'swarm', operator: 'Exists' as const, effect: 'NoSchedule' as const }],
  imagePullSecret: 'pull',
  requests: { memoryMiB: 24, cpus: 0.01 },
};
const tiny = (runtime: Partial<NonNullable<SwarmConfigInput['runtime']>> = {}, more: Partial<SwarmConfigInput> = {}) => expandSwarm(validateConfig({
  name: 'tiny',
  images: { swarm: 'registry.test/swarm/agent:1' },
  clusters: [{ name: 'one', topology: 'single-node', baseDomain: 'lab.test', machineNetwork: { cidr: '10.1.0.0/24', clusterPrefix: 28 } }],
  runtime: { stateDir: '/var/lib/swarm', memoryMiB: 64, cpus: 0.25, restartLimit: 2, kubernetes: KUBERNETES, ...runtime },
  ...more,
}));

const labels = { 'app.kubernetes.io/managed-by': 'assisted-swarm', 'assisted-swarm.io/swarm': 'tiny', 'assisted-swarm.io/cluster': 'one-1' };
const HARDWARE = ['/sys/block', '/sys/devices', '/sys/bus', '/sys/class', '/run/udev', '/dev/disk'];
const FILES = '/run/assisted-swarm/files/328d1d45c91ca6b9';
const affinity = {
  nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'node-role.test/swarm', operator: 'In', values: ['true'] }] }] } },
  // A cluster's pods on one node: they share its folder (reboot markers) through a hostPath.
  podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { 'assisted-swarm.io/cluster': 'one-1' } }, topologyKey: 'kubernetes.io/hostname' }] },
};
const podCommon = {
  automountServiceAccountToken: false,
  dnsPolicy: 'Default',
  hostAliases: [{ hostnames: ['api.one-1.lab.test', 'api-int.one-1.lab.test', 'console-openshift-console.apps.one-1.lab.test'], ip: '127.0.0.1' }],
  hostNetwork: true,
  imagePullSecrets: [{ name: 'pull' }],
  restartPolicy: 'OnFailure',
  securityContext: { fsGroupChangePolicy: 'Always', runAsNonRoot: false },
  setHostnameAsFQDN: false,
  terminationGracePeriodSeconds: 2,
  tolerations: [{ effect: 'NoSchedule', key: 'swarm', operator: 'Exists' }],
};
const launchMounts = [{ mountPath: '/run/assisted-swarm/launch', name: 'launch', readOnly: true }, { mountPath: '/run/assisted-swarm/restarts', name: 'restarts' }];
const resources = { limits: { cpu: '250m', memory: '64Mi' }, requests: { cpu: '10m', memory: '24Mi' } };

test('ClusterWorkloads (single node): the host\'s pod, exactly', () => {
  const swarm = tiny();
  const chart = Testing.chart();
  new ClusterWorkloads(chart, 'pods', swarm, swarm.clusters[0]!);
  const [hostPod, controllerPod, ...rest] = Testing.synth(chart);
  assert.equal(rest, []);
  const host = swarm.clusters[0]!.hosts[0]!;
  const spec = fakeHostContainer(swarm, host, swarm.clusters[0]!);
  assert.equal(hostPod, {
    apiVersion: 'v1', kind: 'Pod',
    metadata: {
      name: 'tiny-one-1-master-0', namespace: 'hosts',
      annotations: { 'assisted-swarm.io/container': 'tiny_one-1-master-0' },
      labels: {
        ...labels, 'assisted-swarm.io/component': 'fake-host', 'assisted-swarm.io/host': 'one-1-master-0', 'assisted-swarm.io/ipv4': '10.1.0.4-28',
        'assisted-swarm.io/role': 'master', 'assisted-swarm.io/spec-hash': spec.labels['assisted-swarm.io/spec-hash'],
        'cdk8s.io/metadata.addr': hostPod.metadata.labels['cdk8s.io/metadata.addr'],
      },
    },
    spec: {
      ...podCommon,
      affinity,
      containers: [{
        name: 'main',
        image: 'registry.test/swarm/agent:1',
        imagePullPolicy: 'IfNotPresent',
        // The launcher: the agent's command line and token come from the launch Secret at apply time.
        command: ['/usr/libexec/assisted-swarm/swarm-launch'],
        env: [
          { name: 'DRY_ENABLE', value: 'true' },
          { name: 'DRY_HOST_ID', value: host.hostId },
          { name: 'DRY_FORCED_MAC_ADDRESS', value: host.macAddress },
          { name: 'DRY_FORCED_HOST_IPV4', value: '10.1.0.4/28' },
          { name: 'DRY_FORCED_HOSTNAME', value: 'one-1-master-0' },
          { name: 'DRY_FAKE_REBOOT_MARKER_PATH', value: '/var/lib/swarm/tiny/one-1/one-1-master-0/reboot-marker' },
          // The cluster-hosts file comes from a ConfigMap the engine makes, in a folder of its own.
          { name: 'DRY_CLUSTER_HOSTS_PATH', value: `${FILES}/cluster-hosts.json` },
          // runtime.go, as on Docker.
          { name: 'GOMAXPROCS', value: '1' },
          { name: 'GOGC', value: '50' },
          { name: 'SWARM_RESTART_LIMIT', value: '2' },
          { name: 'SWARM_DISK_NODES', value: '1' },
        ],
        resources,
        securityContext: {
          allowPrivilegeEscalation: true, privileged: false, readOnlyRootFilesystem: false, runAsNonRoot: false,
          capabilities: { add: ['ALL'], drop: ['SYS_RESOURCE'] }, seccompProfile: { type: 'Unconfined' },
        },
        volumeMounts: [
          ...launchMounts,
          { mountPath: '/var/lib/swarm/tiny/one-1', name: 'mount-0', readOnly: false },
          ...HARDWARE.map((path, i) => ({ mountPath: `/host${path}`, name: `mount-${i + 1}`, readOnly: true })),
          { mountPath: FILES, name: 'files-0', readOnly: true },
        ],
      }],
      volumes: [
        { name: 'launch', secret: { secretName: 'launch-tiny-one-1-one-1' } },
        { name: 'restarts', emptyDir: {} },
        { name: 'mount-0', hostPath: { path: '/var/lib/swarm/tiny/one-1', type: 'DirectoryOrCreate' } },
        ...HARDWARE.map((path, i) => ({ name: `mount-${i + 1}`, hostPath: { path, type: 'DirectoryOrCreate' } })),
        { name: 'files-0', configMap: { name: 'files-328d1d45c91ca6b9' } },
      ],
    },
  });
  assert.is(controllerPod.metadata.name, 'tiny-one-1-controller');
});

test('ClusterWorkloads: the controller\'s pod shares the cluster\'s node and folder, with a launch Secret of its own', () => {
  const swarm = tiny();
  const chart = Testing.chart();
  new ClusterWorkloads(chart, 'pods', swarm, swarm.clusters[0]!);
  const pod = Testing.synth(chart)[1];
  const spec = controllerContainer(swarm, swarm.clusters[0]!);
  assert.equal(pod.metadata.labels, {
    ...labels, 'assisted-swarm.io/component': 'controller', 'assisted-swarm.io/spec-hash': spec.labels['assisted-swarm.io/spec-hash'],
    'cdk8s.io/metadata.addr': pod.metadata.labels['cdk8s.io/metadata.addr'],
  });
  assert.equal(pod.spec.affinity, affinity);
  assert.equal(pod.spec.containers[0].securityContext, { allowPrivilegeEscalation: true, privileged: false, readOnlyRootFilesystem: false, runAsNonRoot: false });
  assert.equal(pod.spec.containers[0].env.map((e: { name: string }) => e.name), [
    'DRY_ENABLE', 'DRY_FAKE_REBOOT_MARKER_PATH', 'DRY_CLUSTER_HOSTS_PATH', 'INVENTORY_URL', 'OPENSHIFT_VERSION', 'CONTROL_PLANE_COUNT',
    'SKIP_CERT_VERIFICATION', 'CHECK_CLUSTER_VERSION', 'GOMAXPROCS', 'GOGC', 'SWARM_RESTART_LIMIT',
  ]);
  assert.equal(pod.spec.volumes, [
    { name: 'launch', secret: { secretName: 'launch-tiny-one-1-controller' } },
    { name: 'restarts', emptyDir: {} },
    { name: 'mount-0', hostPath: { path: '/var/lib/swarm/tiny/one-1', type: 'DirectoryOrCreate' } },
    { name: 'files-0', configMap: { name: 'files-328d1d45c91ca6b9' } },
  ]);
});

test('requests above the limits are capped at them (a pod asking for more than its limit is invalid)', () => {
  const swarm = tiny({ memoryMiB: 16, cpus: 0.005, kubernetes: { ...KUBERNETES, requests: { memoryMiB: 32, cpus: 0.5 } } });
  const chart = Testing.chart();
  new ClusterWorkloads(chart, 'pods', swarm, swarm.clusters[0]!);
  assert.equal(Testing.synth(chart)[0].spec.containers[0].resources, { limits: { cpu: '5m', memory: '16Mi' }, requests: { cpu: '5m', memory: '16Mi' } });
});

test('PoolWorkloads: an unbound pool host may go to any node; one a cluster takes goes to that cluster\'s', () => {
  const swarm = tiny({}, {
    clusters: [{ name: 'late', topology: 'single-node', hostsFrom: 'spare' }],
    pools: [{ name: 'spare', hosts: 2 }],
  });
  const chart = Testing.chart();
  new PoolWorkloads(chart, 'pods', swarm, swarm.pools[0]!);
  const pods = Testing.synth(chart);
  assert.equal(pods.map((p) => [p.metadata.name, p.spec.affinity.podAffinity ?? null]), [
    ['tiny-spare-0', { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { 'assisted-swarm.io/cluster': 'late-1' } }, topologyKey: 'kubernetes.io/hostname' }] }],
    ['tiny-spare-1', null],
  ]);
  // The pool's InfraEnv's launch Secret: one for all its hosts.
  assert.equal(pods.map((p) => p.spec.volumes[0]), [
    { name: 'launch', secret: { secretName: 'launch-tiny-spare-spare' } },
    { name: 'launch', secret: { secretName: 'launch-tiny-spare-spare' } },
  ]);
});

test('nothing secret is in a pod: no token, no command line of the agent', () => {
  const swarm = tiny({}, { hub: { auth: 'local' } });
  const chart = Testing.chart();
  new ClusterWorkloads(chart, 'pods', swarm, swarm.clusters[0]!);
  const text = JSON.stringify(Testing.synth(chart));
  assert.not.match(text, /TOKEN|--url|--infra-env-id|PULL_SECRET/);
});

test.run();
