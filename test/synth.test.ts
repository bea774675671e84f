// `npm run synth`: what dist/ holds, that it is valid for the hub, and that it is exactly
// what the committed config makes (dist/ is reviewed in PRs, so it must never drift).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfigFile } from '../lib/config/load.ts';
import { expandSwarm } from '../lib/swarm/expand.ts';
import { LAUNCH_API_VERSION } from '../lib/constructs/launch-plan.ts';
import { LABEL, MANAGED_BY } from '../lib/swarm/labels.ts';
import { crdValidators, validatorFor } from './support/crd-schema.ts';
import { largeConfig, synthConfig, type Doc } from './support/synth.ts';
import defaultConfig from '../swarm.config.ts';

const root = new URL('..', import.meta.url).pathname;
const validators = crdValidators();
const byKind = (docs: Doc[], kind: string) => docs.filter((d) => d.doc.kind === kind).map((d) => d.doc);

function filesOf(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const sub of ['hub', 'launch']) {
    for (const f of readdirSync(join(dir, sub)).sort()) out.set(`${sub}/${f}`, readFileSync(join(dir, sub, f), 'utf8'));
  }
  return out;
}

function assertValidForHub(docs: Doc[]) {
  let checked = 0;
  for (const { file, doc } of docs) {
    const validate = validatorFor(validators, doc);
    if (!validate) {
      assert.ok(['Namespace', 'Secret', 'ConfigMap'].includes(doc.kind), `${file}: no CRD for ${doc.apiVersion} ${doc.kind}`);
      continue;
    }
    const ok = validate(doc);
    assert.ok(ok, `${file} ${doc.kind} ${doc.metadata.name}: ${JSON.stringify(validate.errors)}`);
    checked++;
  }
  return checked;
}

test('dist/ is exactly what npm run synth makes from the committed swarm.config.ts', () => {
  const fresh = synthConfig(defaultConfig);
  const committed = filesOf(join(root, 'dist'));
  const made = filesOf(fresh.dist);
  assert.equal([...committed.keys()], [...made.keys()], 'dist/ files differ: run npm run synth and commit dist/');
  for (const [file, text] of made) assert.fixture(committed.get(file)!, text);
});

test('the same config gives byte-identical output', () => {
  const a = filesOf(synthConfig(largeConfig()).dist);
  const b = filesOf(synthConfig(largeConfig()).dist);
  assert.equal([...a.keys()], [...b.keys()]);
  for (const [file, text] of a) assert.ok(b.get(file) === text, `${file} differs between two synths`);
});

test('every object of the default swarm validates against its CRD schema', () => {
  const { hub } = synthConfig(defaultConfig);
  const checked = assertValidForHub(hub);
  // 5 CD + 5 ACI + 6 InfraEnv (5 clusters, 1 pool) + 3 NMStateConfig (compact) + 1 BareMetalHost (ztp) + 1 ClusterImageSet
  assert.is(checked, 21);
});

test('every object of a large generated swarm validates against its CRD schema', () => {
  const { hub, swarm } = synthConfig(largeConfig(3));
  const checked = assertValidForHub(hub);
  const nmstate = byKind(hub, 'NMStateConfig').length;
  const bmhs = byKind(hub, 'BareMetalHost').length;
  assert.is(bmhs, 4 * 3 + 4);
  assert.is(checked, 1 + 3 * swarm.clusters.length - swarm.clusters.filter((c) => !c.infraEnv).length + swarm.pools.length + nmstate + bmhs);
});

test('the default swarm: the objects and hosts of its clusters and pool', () => {
  const { hub, launch } = synthConfig(defaultConfig);
  assert.equal(byKind(hub, 'ClusterDeployment').map((d) => d.metadata.name).sort(), ['compact-1', 'multi-1', 'sno-1', 'sno-2', 'ztp-1']);
  assert.equal(byKind(hub, 'Namespace').map((d) => d.metadata.name).sort(), ['demo-compact-1', 'demo-multi-1', 'demo-sno-1', 'demo-sno-2', 'demo-spare', 'demo-ztp-1']);
  const aci = Object.fromEntries(byKind(hub, 'AgentClusterInstall').map((d) => [d.metadata.name, d]));
  assert.equal(aci['multi-1'].spec.provisionRequirements, { controlPlaneAgents: 3, workerAgents: 2 });
  assert.equal(aci['sno-1'].spec.provisionRequirements, { controlPlaneAgents: 1 });
  assert.is(aci['sno-1'].spec.networking.userManagedNetworking, true);
  assert.is(aci['sno-1'].spec.apiVIPs, undefined);
  assert.is(aci['compact-1'].spec.apiVIPs.length, 1);
  assert.is(aci['compact-1'].metadata.annotations['agent-install.openshift.io/ignored-host-validations'], 'no-ip-collisions-in-network');
  assert.is(aci['sno-1'].metadata.annotations, undefined);
  const infraEnvs = Object.fromEntries(byKind(hub, 'InfraEnv').map((d) => [d.metadata.name, d]));
  assert.equal(infraEnvs['sno-1'].spec.clusterRef, { name: 'sno-1', namespace: 'demo-sno-1' });
  assert.is(infraEnvs['spare'].spec.clusterRef, undefined);
  assert.is(infraEnvs['sno-1'].spec.agentLabels.size, 'small');
  assert.is(infraEnvs['multi-1'].metadata.labels.tier, 'full');
  const hosts = byKind(launch, 'FakeHost');
  assert.is(hosts.length, 2 + 3 + 5 + 1 + 3);
  assert.equal(hosts.filter((h) => h.spec.cluster === 'multi-1').map((h) => `${h.spec.hostname}:${h.spec.role}`), [
    'multi-1-master-0:master', 'multi-1-master-1:master', 'multi-1-master-2:master', 'multi-1-worker-0:worker', 'multi-1-worker-1:worker',
  ]);
  assert.equal(byKind(launch, 'DryRunController').map((c) => c.spec.cluster).sort(), ['compact-1', 'multi-1', 'sno-1', 'sno-2', 'ztp-1']);
  const order = byKind(launch, 'LaunchOrder')[0];
  assert.equal(order.spec.units, ['cluster/sno-1', 'cluster/sno-2', 'cluster/compact-1', 'cluster/multi-1', 'cluster/ztp-1', 'pool/spare']);
});

test('every object and launch document carries the swarm labels', () => {
  const { hub, launch } = synthConfig(largeConfig());
  for (const { file, doc } of [...hub, ...launch]) {
    assert.is(doc.metadata.labels[MANAGED_BY], 'assisted-swarm', file);
    assert.is(doc.metadata.labels[LABEL.swarm], 'large', file);
  }
  for (const { doc } of launch) assert.is(doc.apiVersion, LAUNCH_API_VERSION);
});

test('static networking: one NMStateConfig per host, selected by its InfraEnv, with the host\'s MAC and IP', () => {
  const { hub, launch } = synthConfig(defaultConfig);
  const infraEnv = byKind(hub, 'InfraEnv').find((d) => d.metadata.name === 'compact-1');
  const selector = infraEnv.spec.nmStateConfigLabelSelector.matchLabels;
  const configs = byKind(hub, 'NMStateConfig');
  assert.is(configs.length, 3);
  for (const host of byKind(launch, 'FakeHost').filter((h) => h.spec.cluster === 'compact-1')) {
    const cfg = configs.find((c) => c.metadata.name === host.spec.hostname);
    assert.ok(cfg, `no NMStateConfig for ${host.spec.hostname}`);
    for (const [k, v] of Object.entries(selector)) assert.is(cfg.metadata.labels[k], v);
    assert.is(cfg.metadata.namespace, infraEnv.metadata.namespace);
    assert.is(cfg.spec.interfaces[0].macAddress, host.spec.macAddress);
    const addr = cfg.spec.config.interfaces[0].ipv4.address[0];
    assert.is(`${addr.ip}/${addr['prefix-length']}`, host.spec.ipv4);
  }
  assert.is(byKind(hub, 'InfraEnv').find((d) => d.metadata.name === 'sno-1').spec.nmStateConfigLabelSelector, undefined);
});

test('late binding: a pool-fed cluster has no InfraEnv; its hosts boot from the pool and are bound to it', () => {
  const { hub, launch, swarm } = synthConfig(largeConfig());
  const late = swarm.clusters.filter((c) => c.hostsFrom === 'rack');
  assert.is(late.length, 4);
  for (const cluster of late) {
    assert.not.ok(byKind(hub, 'InfraEnv').some((d) => d.metadata.name === cluster.name));
    assert.ok(byKind(hub, 'AgentClusterInstall').some((d) => d.metadata.name === cluster.name));
    const hosts = byKind(launch, 'FakeHost').filter((h) => h.spec.cluster === cluster.name);
    assert.is(hosts.length, cluster.controlPlanes + cluster.workers);
    for (const h of hosts) {
      assert.equal(h.spec.infraEnv, { namespace: 'large-rack', name: 'rack' });
      assert.equal(h.spec.bindTo, { namespace: cluster.namespace, name: cluster.name });
      assert.ok(h.spec.rebootMarkerPath.startsWith(`${cluster.dir}/`), 'a bound host keeps its marker with its cluster');
    }
  }
  const unbound = byKind(launch, 'FakeHost').filter((h) => h.spec.infraEnv.name === 'rack' && h.spec.cluster === undefined);
  assert.is(unbound.length, 12 - 2 * 3 - 2 * 1);
  for (const h of unbound) assert.is(h.spec.role, 'auto-assign');
  // Pool-fed compact clusters get VIPs of their own from the top of the pool's network.
  const vips = late.filter((c) => c.vips).flatMap((c) => [c.vips!.api, c.vips!.ingress]);
  assert.is(new Set(vips).size, 4);
});

test('imageType: set on the InfraEnv of a group or pool that names it, left to the service otherwise', () => {
  const { hub } = synthConfig({
    name: 'iso',
    clusters: [{ name: 'full', topology: 'single-node', imageType: 'full-iso' }, { name: 'plain', topology: 'single-node' }],
    pools: [{ name: 'rack', hosts: 1, imageType: 'minimal-iso' }],
  });
  assertValidForHub(hub.filter((d) => d.doc.kind === 'InfraEnv'));
  const types = Object.fromEntries(byKind(hub, 'InfraEnv').map((d) => [d.metadata.name, d.spec.imageType ?? 'unset']));
  assert.equal(types, { 'full-1': 'full-iso', 'plain-1': 'unset', rack: 'minimal-iso' });
});

test('BareMetalHost mode: a BareMetalHost and a BMC Secret per host, in its InfraEnv\'s namespace, with what BMAC reads', () => {
  const { hub, launch, swarm } = synthConfig(largeConfig());
  const bmhs = byKind(hub, 'BareMetalHost');
  const secrets = new Map(byKind(hub, 'Secret').map((s) => [`${s.metadata.namespace}/${s.metadata.name}`, s]));
  const hosts = byKind(launch, 'FakeHost');
  const bmhHosts = hosts.filter((h) => h.spec.boot === 'bmh');
  assert.is(bmhHosts.length, 4 + 4);
  assert.equal(bmhs.map((b) => b.metadata.name).sort(), bmhHosts.map((h) => h.spec.hostname).sort());
  for (const h of bmhHosts) {
    const bmh = bmhs.find((b) => b.metadata.name === h.spec.hostname);
    assert.equal(h.spec.bareMetalHost, { namespace: h.spec.infraEnv.namespace, name: bmh.metadata.name });
    assert.is(bmh.metadata.namespace, h.spec.infraEnv.namespace, 'BMAC looks for the InfraEnv in the BMH\'s namespace');
    assert.is(bmh.metadata.labels['infraenvs.agent-install.openshift.io'], h.spec.infraEnv.name);
    assert.is(bmh.spec.bootMACAddress, h.spec.macAddress, 'BMAC matches the Agent by this MAC');
    assert.is(bmh.spec.online, true);
    assert.is(bmh.spec.automatedCleaningMode, 'disabled');
    assert.match(bmh.spec.bmc.address, /^redfish-virtualmedia\+http:\/\/127\.0\.0\.1:9\//);
    assert.ok(secrets.has(`${bmh.metadata.namespace}/${bmh.spec.bmc.credentialsName}`), 'its BMC Secret');
    assert.is(bmh.metadata.annotations['bmac.agent-install.openshift.io/hostname'], h.spec.hostname);
    assert.is(bmh.metadata.annotations['bmac.agent-install.openshift.io/role'], h.spec.role === 'auto-assign' ? undefined : h.spec.role);
    assert.is(bmh.metadata.annotations['inspect.metal3.io'], 'disabled');
    // A pool host a cluster takes is bound by BMAC, from this annotation; the runner binds no BMH host.
    const reference = bmh.metadata.annotations['bmac.agent-install.openshift.io/cluster-reference'];
    assert.is(reference, h.spec.bindTo ? `${h.spec.bindTo.namespace}/${h.spec.bindTo.name}` : undefined);
  }
  assert.is(bmhs.filter((b) => b.metadata.annotations['bmac.agent-install.openshift.io/cluster-reference']).length, 3, 'the compact cluster ztp-late-1 takes 3 of the 4 pool hosts');
  // Plain agents have no BareMetalHost and no boot field.
  assert.ok(hosts.filter((h) => h.spec.boot === undefined).every((h) => h.spec.bareMetalHost === undefined));
  assert.is(swarm.clusters.find((c) => c.name === 'ztp-late-1')!.boot, 'bmh', 'a pool-fed cluster boots as its pool');
});

test('cluster-hosts files list every host of the cluster with its marker', () => {
  const { launch } = synthConfig(defaultConfig);
  const file = byKind(launch, 'ClusterHostsFile').find((d) => d.metadata.name === 'multi-1');
  assert.is(file.spec.path, '/var/lib/assisted-swarm/demo/multi-1/cluster-hosts.json');
  assert.is(file.spec.hosts.length, 5);
  const hosts = byKind(launch, 'FakeHost').filter((h) => h.spec.cluster === 'multi-1');
  assert.equal(file.spec.hosts, hosts.map((h) => ({ hostname: h.spec.hostname, ip: h.spec.ipv4.split('/')[0], rebootMarkerPath: h.spec.rebootMarkerPath })));
});

test('a fake host container: the dry-run environment, labels, limits and loopback names', () => {
  const { launch } = synthConfig(defaultConfig);
  const host = byKind(launch, 'FakeHost').find((h) => h.spec.hostname === 'sno-1-master-0');
  const c = host.spec.container;
  assert.equal(c.env, {
    DRY_CLUSTER_HOSTS_PATH: '/var/lib/assisted-swarm/demo/sno-1/cluster-hosts.json',
    DRY_ENABLE: 'true',
    DRY_FAKE_REBOOT_MARKER_PATH: '/var/lib/assisted-swarm/demo/sno-1/sno-1-master-0/reboot-marker',
    DRY_FORCED_HOSTNAME: 'sno-1-master-0',
    DRY_FORCED_HOST_IPV4: host.spec.ipv4,
    DRY_FORCED_MAC_ADDRESS: host.spec.macAddress,
    DRY_HOST_ID: host.spec.hostId,
    GOGC: '50',
    GOMAXPROCS: '1',
  });
  assert.is(c.command, undefined);
  assert.is(c.networkMode, 'host');
  assert.is(c.memoryBytes, 512 * 1024 * 1024);
  assert.is(c.labels[LABEL.role], 'master');
  assert.match(c.labels[LABEL.specHash], /^[0-9a-f]{16}$/);
  assert.equal(c.extraHosts, [
    'api.sno-1.swarm.example.com:127.0.0.1',
    'api-int.sno-1.swarm.example.com:127.0.0.1',
    'console-openshift-console.apps.sno-1.swarm.example.com:127.0.0.1',
  ]);
  assert.ok(c.mounts.some((m: any) => m.source === '/var/lib/assisted-swarm/demo/sno-1' && !m.readOnly));
});

test('shuffled ordering is reproducible from its seed and differs between seeds', async () => {
  const config = await loadConfigFile(join(root, 'swarm.config.ts'));
  const many = { ...config, clusters: [{ ...config.clusters[0]!, count: 30 }] };
  const order = (seed: number) => expandSwarm({ ...many, ordering: { mode: 'shuffled', seed } }).launchOrder.map((u) => u.name);
  assert.equal(order(1), order(1));
  assert.not.equal(order(1), order(2));
  assert.equal([...order(1)].sort(), [...order(2)].sort());
});

test.run();
