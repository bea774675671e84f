// BareMetalHost mode and the image-service load, through the runner, against the real test hub
// and Docker engine, with the service played by the stand-in (test/stand-in: its BMH agent
// controller in ./stand-in/bmac.ts) under AUTH_TYPE=local: a single-node cluster of BMH hosts,
// a BMH pool whose host a cluster takes (BMAC binds it), and a plain single-node cluster. Every
// host downloads its ISO in full before it boots; BMH hosts boot only once BMAC has set their
// image URL; the runner plays the Bare Metal Operator and patches nothing BMAC does; nothing
// dials the BMC address.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CustomObjectsApi } from '@kubernetes/client-node';
import { readLaunchPlans } from '../lib/dist/read.ts';
import type { RunResult } from '../lib/runner/run.ts';
import { AGENT, BARE_METAL_HOST, type HubObject } from '../lib/runner/hub.ts';
import { AGENT_BMH_LABEL } from '../lib/swarm/bare-metal.ts';
import { bmcSentinel, type BmcSentinel } from './support/bmc-sentinel.ts';
import { testSwarm, type TestSwarm } from './stand-in/swarm.ts';

let swarm: TestSwarm;
let sentinel: BmcSentinel;
let result: RunResult;
let out = '';

test.before(async () => {
  sentinel = await bmcSentinel();
  swarm = await testSwarm({
    prefix: 'bmh',
    auth: 'local',
    clusters: [
      { name: 'edge', topology: 'single-node', boot: 'bmh' },
      { name: 'late', topology: 'single-node', hostsFrom: 'rack' },
      { name: 'plain', topology: 'single-node' },
    ],
    pools: [{ name: 'rack', hosts: 2, boot: 'bmh' }],
    isoDownload: { mode: 'full', concurrency: 2, ratePerSecond: 5 },
    // A few seconds more once every cluster is done, for BMAC's detach to come round.
    runtime: { soakMinutes: 0.1 },
  });
  ({ out, ...result } = await swarm.run());
});
test.after(async () => {
  await swarm?.cleanup();
  await sentinel?.close();
});

const list = async (kind: typeof AGENT): Promise<HubObject[]> => ((await swarm.kubeConfig.makeApiClient(CustomObjectsApi).listClusterCustomObject({
  group: kind.group, version: kind.version, plural: kind.plural, labelSelector: `assisted-swarm.io/swarm=${swarm.name}`,
})) as { items: HubObject[] }).items;

test('every cluster installs: BMH hosts, a BMH pool host bound by BMAC, and plain agents', () => {
  assert.is(result.endReason, 'done', out);
  assert.equal(result.record.clusters.map((c) => [c.name, c.outcome]).sort(), [['edge-1', 'installed'], ['late-1', 'installed'], ['plain-1', 'installed']], out);
  assert.is(result.exitCode, 0);
  assert.is(result.record.hosts.find((h) => h.cluster === null)!.state, 'known-unbound', 'the pool host no cluster takes waits, approved by BMAC');
  assert.not.match(out, 'never got an image URL', 'every BareMetalHost got its image');
});

test('BMAC approved, named, placed and bound the BMH hosts\' Agents; the runner patched them not at all, the plain host\'s as before', async () => {
  const plans = readLaunchPlans(swarm.dist);
  const agents = new Map((await list(AGENT)).map((a) => [a.metadata.name, a]));
  for (const host of plans.fakeHosts) {
    const agent = agents.get(host.spec.hostId)!;
    const record = result.record.hosts.find((h) => h.hostname === host.spec.hostname)!;
    assert.is(agent.spec?.approved, true, host.spec.hostname);
    assert.is(agent.spec?.hostname, host.spec.hostname);
    if (host.spec.role !== 'auto-assign') assert.is(agent.spec?.role, host.spec.role);
    if (host.spec.bindTo) assert.equal(agent.spec?.clusterDeploymentName, host.spec.bindTo);
    if (host.spec.boot === 'bmh') {
      assert.is(agent.metadata.labels?.[AGENT_BMH_LABEL], host.spec.bareMetalHost!.name, 'BMAC matched it by MAC');
      assert.is(record.patches, 0, `the runner patched ${host.spec.hostname}'s Agent`);
    } else {
      assert.ok(record.patches > 0, 'a plain agent is approved and named by the runner');
    }
  }
});

test('the runner played the Bare Metal Operator: registering → preparing → available → provisioning → provisioned, then detached', async () => {
  const bmhs = await list(BARE_METAL_HOST);
  assert.is(bmhs.length, 3);
  for (const bmh of bmhs) {
    const hostname = bmh.metadata.name;
    const steps = result.record.transitions.filter((t) => t.name === hostname && t.field === 'bmh').map((t) => t.to);
    assert.equal(steps.slice(0, 6), ['new', 'registering', 'preparing', 'available', 'provisioning', 'provisioned'], `${hostname}: ${steps.join(' → ')}`);
    const status = bmh.status as { poweredOn: boolean; operationalStatus: string; provisioning: { state: string; image: { url: string } }; hardware?: { hostname: string } };
    const image = (bmh.spec as { image: { url: string } }).image;
    assert.is(status.provisioning.state, 'provisioned');
    assert.is(status.poweredOn, true);
    assert.is(status.provisioning.image.url, image.url, 'the image it booted from is BMAC\'s');
    assert.is(status.hardware?.hostname, hostname, 'BMAC\'s hardware details moved into the status, as BMO does');
    assert.is(bmh.metadata.annotations?.['inspect.metal3.io/hardwaredetails'], undefined);
    const record = result.record.hosts.find((h) => h.hostname === hostname)!;
    if (record.cluster) assert.is(status.operationalStatus, 'detached', `${hostname}: detached once it rebooted into its cluster`);
  }
});

test('a BMH host boots only once BMAC has set its image URL, after its ISO download', () => {
  for (const h of result.record.hosts.filter((x) => result.record.downloads.some((d) => d.hostname === x.hostname && d.source === 'bare-metal-host'))) {
    const at = (field: string, to: string) => result.record.transitions.find((t) => t.name === h.hostname && t.field === field && t.to === to)?.at;
    const imageSet = at('bmh-image', 'set')!;
    const downloaded = at('iso', 'downloaded')!;
    assert.ok(imageSet <= downloaded && downloaded <= h.milestones.containerStarted!, `${h.hostname}: image ${imageSet}, downloaded ${downloaded}, started ${h.milestones.containerStarted}`);
  }
});

test('every host downloaded its ISO in full from the URL it was given, and the report says so', () => {
  const { downloads } = result.record;
  assert.is(downloads.length, 4);
  assert.ok(downloads.every((d) => d.error === null && d.bytes === swarm.standIn.isoSize && d.status === 200 && d.mode === 'full'), JSON.stringify(downloads));
  assert.equal(downloads.map((d) => `${d.hostname}:${d.source}`).sort(), ['edge-1-master-0:bare-metal-host', 'plain-1-master-0:infra-env', 'rack-0:bare-metal-host', 'rack-1:bare-metal-host']);
  assert.is(swarm.standIn.calls.isoDownloads, 4);
  const md = readFileSync(join(result.reportDir, 'summary.md'), 'utf8');
  assert.match(md, '4 downloads (mode full): 4 succeeded, 0 failed');
  const json = readFileSync(join(result.reportDir, 'report.json'), 'utf8');
  for (const token of swarm.standIn.tokens()) assert.not.ok(json.includes(token) || md.includes(token) || out.includes(token), 'a token in the report or output');
});

test('nothing dialled the BMC address', () => {
  assert.is(sentinel.connections(), 0);
});

test.run();
