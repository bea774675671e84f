// The Bare Metal Operator's part the runner plays (lib/runner/players/bare-metal.ts), against the
// test hub's API server: BareMetalHosts as synth makes them, watched as the runner watches
// them, each change handed to the player; the test does what BMAC would (the image URL, the
// hardware details, the detach) and plays the host's boot, and looks at the status subresource.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Testing } from 'cdk8s';
import { CoreV1Api, KubernetesObjectApi, type KubernetesObject } from '@kubernetes/client-node';
import { validateConfig } from '../lib/config/load.ts';
import { SwarmBareMetalHost } from '../lib/constructs/bare-metal-host.ts';
import type { FakeHostDoc } from '../lib/dist/types.ts';
import type { PlayerContext } from '../lib/runner/hooks.ts';
import { BARE_METAL_HOST, mergePatch, watchKind, type HubObject, type Watch } from '../lib/runner/hub.ts';
import { bareMetalPlayer } from '../lib/runner/players/bare-metal.ts';
import type { HostRecord } from '../lib/report/types.ts';
import { expandSwarm } from '../lib/swarm/expand.ts';
import { swarmSelector } from '../lib/swarm/labels.ts';
import { hub, uniqueNamespace, waitFor } from './support/hub.ts';

const { kubeConfig } = await hub();
const ns = await uniqueNamespace('bmo', kubeConfig);
const swarm = expandSwarm(validateConfig({
  name: `bmo-${ns.name.split('-').pop()}`,
  hub: { namespacePrefix: `${ns.name}-` },
  clusters: [{ name: 'edge', topology: 'single-node', count: 3, boot: 'bmh' }],
}));
const hosts = swarm.clusters.map((c) => c.hosts[0]!);
const [ok, inspected, broken] = hosts.map((h) => h.hostname) as [string, string, string];
const namespaceOf = (hostname: string) => hosts.find((h) => h.hostname === hostname)!.infraEnv.namespace;

/** Who boots, from what; the test says whether a host boots. */
const boots: { hostname: string; url: string }[] = [];
const notes: string[] = [];
const ctx = {
  boot: async (hostname: string, url: string) => {
    boots.push({ hostname, url });
    if (hostname === broken) throw new Error('its ISO download failed (HTTP 503)');
  },
  note: (hostname: string, field: string, to: string) => notes.push(`${hostname} ${field} ${to}`),
  kubeConfig,
  signal: new AbortController().signal,
  log: (line: string) => notes.push(line),
} as unknown as PlayerContext;

const bmhOf = async (hostname: string) => (await KubernetesObjectApi.makeApiClient(kubeConfig).read({
  apiVersion: 'metal3.io/v1alpha1', kind: 'BareMetalHost', metadata: { name: hostname, namespace: namespaceOf(hostname) },
})) as unknown as HubObject;
const state = async (hostname: string) => (await bmhOf(hostname)).status as
  { provisioning: { state: string; image?: { url: string } }; poweredOn: boolean; operationalStatus: string; errorType?: string; errorMessage: string; hardware?: { hostname?: string } };
const asBmac = (hostname: string, body: object) => mergePatch(kubeConfig, BARE_METAL_HOST, namespaceOf(hostname), hostname, body);

let watch: Watch;
test.before(async () => {
  const api = KubernetesObjectApi.makeApiClient(kubeConfig);
  for (const cluster of swarm.clusters) await api.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: cluster.namespace, labels: { 'assisted-swarm.io/test': 'true' } } });
  for (const host of hosts) {
    const chart = Testing.chart();
    new SwarmBareMetalHost(chart, 'bmh', swarm, { host, labels: {} });
    for (const obj of Testing.synth(chart)) {
      // One host with inspection left on: BMO inspects it before preparing.
      if (obj.kind === 'BareMetalHost' && host.hostname === inspected) delete obj.metadata.annotations['inspect.metal3.io'];
      await api.create(obj as KubernetesObject);
    }
  }
  const player = bareMetalPlayer();
  const docs = new Map(hosts.map((h) => [h.hostname, { spec: { hostname: h.hostname, hostId: h.hostId } } as FakeHostDoc]));
  watch = await watchKind(kubeConfig, BARE_METAL_HOST, swarmSelector(swarm.name), (bmh, deleted) => {
    if (!deleted) void player.onBareMetalHost!(ctx, docs.get(bmh.metadata.name)!, {} as HostRecord, bmh);
  }, () => undefined);
});
test.after(async () => {
  await watch?.stop();
  for (const cluster of swarm.clusters) await kubeConfig.makeApiClient(CoreV1Api).deleteNamespace({ name: cluster.namespace }).catch(() => undefined);
  await ns.cleanup();
});

test('a new BareMetalHost is registered and made available; with inspection on, it is inspected first', async () => {
  for (const h of hosts) await waitFor(`${h.hostname} available`, async () => ((await state(h.hostname))?.provisioning?.state === 'available' ? true : undefined), () => state(h.hostname));
  const steps = (hostname: string) => notes.filter((n) => n.startsWith(`${hostname} bmo `)).map((n) => n.split(' ')[2]);
  assert.equal(steps(ok), ['registering', 'preparing', 'available']);
  assert.equal(steps(inspected), ['registering', 'inspecting', 'preparing', 'available']);
  const s = await state(ok);
  assert.equal([s.operationalStatus, s.poweredOn, s.errorMessage], ['OK', false, '']);
  assert.equal(boots, [], 'no host boots without an image');
});

test('once BMAC sets the image URL the host is provisioned: it boots from that URL, then is powered on with that image', async () => {
  const url = 'http://127.0.0.1:1/byid/some-infra-env/4.20/x86_64/minimal.iso';
  await asBmac(ok, { spec: { image: { url, diskFormat: 'live-iso' }, online: true } });
  await waitFor('provisioned', async () => ((await state(ok)).provisioning.state === 'provisioned' ? true : undefined), () => state(ok));
  assert.equal(boots, [{ hostname: ok, url }]);
  const s = await state(ok);
  assert.equal([s.poweredOn, s.provisioning.image?.url, s.operationalStatus], [true, url, 'OK']);
  assert.ok(notes.indexOf(`${ok} bmo provisioning`) >= 0);
});

test('BMAC\'s hardware details move into the status and the annotation goes; its detach makes the host detached', async () => {
  await asBmac(ok, { metadata: { annotations: { 'inspect.metal3.io/hardwaredetails': JSON.stringify({ hostname: ok, nics: [{ name: 'lo', mac: '02:00:00:00:00:01', ip: '10.0.0.4' }] }) } } });
  await waitFor('hardware in the status', async () => {
    const bmh = await bmhOf(ok);
    return (bmh.status as { hardware?: { hostname?: string } }).hardware?.hostname === ok && !bmh.metadata.annotations?.['inspect.metal3.io/hardwaredetails'] ? true : undefined;
  }, () => bmhOf(ok));
  await asBmac(ok, { metadata: { annotations: { 'baremetalhost.metal3.io/detached': 'assisted-service-controller' } } });
  await waitFor('detached', async () => ((await state(ok)).operationalStatus === 'detached' ? true : undefined), () => state(ok));
  assert.is((await state(ok)).provisioning.state, 'provisioned');
});

test('a host that cannot boot is a provisioning error', async () => {
  await asBmac(broken, { spec: { image: { url: 'http://127.0.0.1:1/iso', diskFormat: 'live-iso' }, online: true } });
  await waitFor('error', async () => ((await state(broken)).operationalStatus === 'error' ? true : undefined), () => state(broken));
  const s = await state(broken);
  assert.equal([s.errorType, s.errorMessage, s.provisioning.state], ['provisioning error', 'its ISO download failed (HTTP 503)', 'provisioning']);
});

test('a host without its image stays available', async () => {
  assert.is((await state(inspected)).provisioning.state, 'available');
  assert.not.ok(boots.some((b) => b.hostname === inspected));
});

test.run();
