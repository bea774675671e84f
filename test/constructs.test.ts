// Constructs read like the objects they make: GIVEN a tiny swarm, WHEN one construct is
// synthesized into a chart, THEN it makes exactly these objects.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Testing } from 'cdk8s';
import { validateConfig } from '../lib/config/load.ts';
import { SwarmCluster } from '../lib/constructs/cluster.ts';
import { SwarmImageSet } from '../lib/constructs/image-set.ts';
import { ServiceTuning } from '../lib/constructs/service-tuning.ts';
import { SwarmBareMetalHost } from '../lib/constructs/bare-metal-host.ts';
import { SwarmPool } from '../lib/constructs/pool.ts';
import { expandSwarm } from '../lib/swarm/expand.ts';

const labels = { 'app.kubernetes.io/managed-by': 'assisted-swarm', 'assisted-swarm.io/swarm': 'tiny' };
const swarm = expandSwarm(validateConfig({
  name: 'tiny',
  pullSecret: { file: '/etc/swarm/pull-secret.json' },
  clusters: [{ name: 'one', topology: 'single-node', baseDomain: 'lab.test', machineNetwork: { cidr: '10.1.0.0/24', clusterPrefix: 28 } }],
}));

test('SwarmCluster (single node): namespace, pull-secret reference, ClusterDeployment, AgentClusterInstall, InfraEnv', () => {
  const chart = Testing.chart();
  new SwarmCluster(chart, 'cluster', swarm, swarm.clusters[0]!);
  const objects = Testing.synth(chart);
  const cl = { ...labels, 'assisted-swarm.io/cluster': 'one-1' };
  assert.equal(objects.map((o) => o.kind), ['Namespace', 'Secret', 'ClusterDeployment', 'AgentClusterInstall', 'InfraEnv']);
  assert.equal(objects[1], {
    apiVersion: 'v1', kind: 'Secret', type: 'kubernetes.io/dockerconfigjson',
    metadata: { name: 'pull-secret', namespace: 'tiny-one-1', labels: cl, annotations: { 'assisted-swarm.io/pull-secret-from': 'file:/etc/swarm/pull-secret.json' } },
  });
  assert.equal(objects[2].spec, {
    baseDomain: 'lab.test',
    clusterName: 'one-1',
    clusterInstallRef: { group: 'extensions.hive.openshift.io', kind: 'AgentClusterInstall', name: 'one-1', version: 'v1beta1' },
    controlPlaneConfig: { servingCertificates: {} },
    platform: { agentBareMetal: { agentSelector: { matchLabels: { 'assisted-swarm.io/cluster': 'one-1' } } } },
    pullSecretRef: { name: 'pull-secret' },
  });
  assert.equal(objects[3].spec, {
    clusterDeploymentRef: { name: 'one-1' },
    imageSetRef: { name: 'tiny-4.20' },
    networking: {
      clusterNetwork: [{ cidr: '10.128.0.0/14', hostPrefix: 23 }],
      serviceNetwork: ['172.30.0.0/16'],
      machineNetwork: [{ cidr: '10.1.0.0/28' }],
      networkType: 'OVNKubernetes',
      userManagedNetworking: true,
    },
    provisionRequirements: { controlPlaneAgents: 1 },
    sshPublicKey: swarm.config.sshPublicKey,
  });
  assert.equal(objects[4].spec, {
    clusterRef: { name: 'one-1', namespace: 'tiny-one-1' },
    pullSecretRef: { name: 'pull-secret' },
    sshAuthorizedKey: swarm.config.sshPublicKey,
    agentLabels: cl,
  });
});

test('SwarmImageSet: one ClusterImageSet for the release', () => {
  const chart = Testing.chart();
  new SwarmImageSet(chart, 'set', swarm);
  assert.equal(Testing.synth(chart), [{
    apiVersion: 'hive.openshift.io/v1', kind: 'ClusterImageSet',
    metadata: { name: 'tiny-4.20', labels },
    spec: { releaseImage: 'quay.io/openshift-release-dev/ocp-release:4.20.0-x86_64' },
  }]);
});

test('ServiceTuning: the service settings, derived from the hub and images', () => {
  const chart = Testing.chart();
  new ServiceTuning(chart, 'tuning', swarm);
  const [cm] = Testing.synth(chart);
  assert.is(cm.metadata.namespace, 'multicluster-engine');
  assert.is(cm.data.AUTH_TYPE, 'none');
  assert.is(cm.data.SKIP_CERT_VERIFICATION, 'true');
  assert.is(cm.data.AGENT_DOCKER_IMAGE, 'quay.io/edge-infrastructure/assisted-installer-agent:latest');
  assert.equal(JSON.parse(cm.data.HW_VALIDATOR_REQUIREMENTS)[0].version, 'default');
  assert.equal(Object.keys(cm.data), [...Object.keys(cm.data)].sort());
});

const metal = expandSwarm(validateConfig({
  name: 'metal',
  pullSecret: { env: 'PS' },
  clusters: [
    { name: 'edge', topology: 'single-node', boot: 'bmh', machineNetwork: { cidr: '10.2.0.0/24', clusterPrefix: 28 } },
    { name: 'late', topology: 'single-node', hostsFrom: 'rack' },
  ],
  pools: [{ name: 'rack', hosts: 2, boot: 'bmh', machineNetwork: { cidr: '10.3.0.0/24' } }],
}));
const metalLabels = { 'app.kubernetes.io/managed-by': 'assisted-swarm', 'assisted-swarm.io/swarm': 'metal' };

test('SwarmBareMetalHost: the BMC Secret (placeholders) and the BareMetalHost BMAC selects and matches by MAC', () => {
  const host = metal.clusters[0]!.hosts[0]!;
  const chart = Testing.chart();
  new SwarmBareMetalHost(chart, 'bmh', metal, { host, labels: { 'assisted-swarm.io/cluster': 'edge-1' } });
  const labels = { ...metalLabels, 'assisted-swarm.io/cluster': 'edge-1', 'assisted-swarm.io/host': 'edge-1-master-0' };
  assert.equal(Testing.synth(chart), [
    {
      apiVersion: 'v1', kind: 'Secret', type: 'Opaque',
      metadata: {
        name: 'edge-1-master-0-bmc', namespace: 'metal-edge-1', labels,
        annotations: { 'assisted-swarm.io/bmc-credentials': 'placeholder credentials: there is no BMC behind this host, nothing dials its address' },
      },
      data: { username: Buffer.from('assisted-swarm').toString('base64'), password: Buffer.from('placeholder-no-bmc-behind-this').toString('base64') },
    },
    {
      apiVersion: 'metal3.io/v1alpha1', kind: 'BareMetalHost',
      metadata: {
        name: 'edge-1-master-0', namespace: 'metal-edge-1',
        labels: { ...labels, 'infraenvs.agent-install.openshift.io': 'edge-1' },
        annotations: {
          'bmac.agent-install.openshift.io/hostname': 'edge-1-master-0',
          'bmac.agent-install.openshift.io/role': 'master',
          'inspect.metal3.io': 'disabled',
          'baremetalhost.metal3.io/paused': 'assisted-service-controller',
        },
      },
      spec: {
        automatedCleaningMode: 'disabled',
        bmc: { address: `redfish-virtualmedia+http://127.0.0.1:9/redfish/v1/Systems/${host.hostId}`, credentialsName: 'edge-1-master-0-bmc', disableCertificateVerification: true },
        bootMACAddress: host.macAddress,
        online: true,
      },
    },
  ]);
});

test('SwarmPool (bmh): a BareMetalHost per pool host; the one a cluster takes names that cluster for BMAC to bind', () => {
  const chart = Testing.chart();
  new SwarmPool(chart, 'pool', metal, metal.pools[0]!);
  const bmhs = Testing.synth(chart).filter((o) => o.kind === 'BareMetalHost');
  assert.equal(bmhs.map((b) => [b.metadata.name, b.metadata.namespace, b.metadata.labels['infraenvs.agent-install.openshift.io']]), [
    ['rack-0', 'metal-rack', 'rack'], ['rack-1', 'metal-rack', 'rack'],
  ]);
  assert.is(bmhs[0].metadata.annotations['bmac.agent-install.openshift.io/cluster-reference'], 'metal-late-1/late-1');
  assert.is(bmhs[0].metadata.annotations['bmac.agent-install.openshift.io/role'], 'master');
  assert.is(bmhs[1].metadata.annotations['bmac.agent-install.openshift.io/cluster-reference'], undefined);
  assert.is(bmhs[1].metadata.annotations['bmac.agent-install.openshift.io/role'], undefined, 'an unbound pool host has no role yet');
});

test('SwarmCluster (agent): no BareMetalHost', () => {
  const chart = Testing.chart();
  new SwarmCluster(chart, 'cluster', swarm, swarm.clusters[0]!);
  assert.not.ok(Testing.synth(chart).some((o) => o.kind === 'BareMetalHost'));
});

test.run();
