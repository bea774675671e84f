// Constructs read like the objects they make: GIVEN a tiny swarm, WHEN one construct is
// synthesized into a chart, THEN it makes exactly these objects.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Testing } from 'cdk8s';
import { validateConfig } from '../lib/config/load.ts';
import { SwarmCluster } from '../lib/constructs/cluster.ts';
import { SwarmImageSet } from '../lib/constructs/image-set.ts';
import { ServiceTuning } from '../lib/constructs/service-tuning.ts';
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

test.run();
