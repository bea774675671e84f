// At 10,000 hosts every identity is unique and every address lies in its cluster's network;
// a network too small for its hosts is a config error, never a silent overlap.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ConfigError } from '../lib/config/errors.ts';
import { parseCidr, parseIpv4, size } from '../lib/config/ipv4.ts';
import { validateConfig } from '../lib/config/load.ts';
import { expandSwarm } from '../lib/swarm/expand.ts';
import type { FakeHost } from '../lib/swarm/model.ts';

const config = validateConfig({
  name: 'tenk',
  network: { machineNetworks: '100.64.0.0/10', clusterPrefix: 28 },
  clusters: [
    { name: 'sno', topology: 'single-node', count: 4102 },
    { name: 'compact', topology: 'compact', count: 1000 },
    { name: 'multi', topology: 'multi-node', workers: 3, count: 400 },
    { name: 'big', topology: 'multi-node', workers: 96, count: 1, machineNetwork: { cidr: '10.50.0.0/24', clusterPrefix: 25 } },
    { name: 'late', topology: 'compact', count: 50, hostsFrom: 'rack' },
  ],
  pools: [{ name: 'rack', hosts: 201 }, { name: 'spare', hosts: 199, machineNetwork: { cidr: '10.60.0.0/16' } }],
});
const swarm = expandSwarm(config);
const hosts: FakeHost[] = [
  ...swarm.clusters.filter((c) => c.infraEnv).flatMap((c) => c.hosts),
  ...swarm.pools.flatMap((p) => p.hosts),
];

test('the swarm has 10,000 fake hosts', () => {
  assert.is(hosts.length, 4102 + 3000 + 2400 + 99 + 201 + 199);
  assert.ok(hosts.length >= 10000);
});

for (const key of ['hostId', 'macAddress', 'ip', 'hostname'] as const) {
  test(`no two hosts share a ${key}`, () => {
    const seen = new Map<string, string>();
    for (const h of hosts) {
      const other = seen.get(h[key]);
      assert.not.ok(other, `${h.hostname} and ${other} share ${key} ${h[key]}`);
      seen.set(h[key], h.hostname);
    }
  });
}

test('MACs are locally administered unicast, host ids are UUIDs', () => {
  for (const h of hosts) {
    const first = parseInt(h.macAddress.slice(0, 2), 16);
    assert.is(first & 0b11, 0b10, h.macAddress);
    assert.match(h.hostId, /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  }
});

test('every IP lies in its cluster\'s (or pool\'s) machine network, off the reserved addresses', () => {
  const networkOf = new Map<string, string>();
  for (const c of swarm.clusters) for (const h of c.hosts) networkOf.set(h.hostname, c.machineNetwork.cidr);
  for (const p of swarm.pools) for (const h of p.hosts) if (h.cluster === null) networkOf.set(h.hostname, p.machineNetwork.cidr);
  for (const h of hosts) {
    const net = parseCidr(networkOf.get(h.hostname)!);
    assert.type(net, 'object');
    if (typeof net === 'string') return;
    const ip = parseIpv4(h.ip)!;
    const offset = ip - net.base;
    assert.ok(offset >= 4 && offset < size(net) - 1, `${h.hostname} ${h.ip} outside the hosts of ${networkOf.get(h.hostname)}`);
    assert.is(h.prefixLength, net.prefix);
  }
});

test('VIPs are inside the machine network and never a host address', () => {
  const ips = new Set(hosts.map((h) => h.ip));
  for (const c of swarm.clusters.filter((x) => x.vips)) {
    for (const vip of [c.vips!.api, c.vips!.ingress]) assert.not.ok(ips.has(vip), `${c.name} VIP ${vip} is a host address`);
  }
});

test('identities are stable: adding a cluster leaves the other hosts unchanged', () => {
  const more = expandSwarm(validateConfig({ ...config, clusters: [...config.clusters.slice(0, 3), { name: 'extra', topology: 'compact', count: 1 }, ...config.clusters.slice(3)] }));
  const before = new Map(hosts.map((h) => [h.hostname, `${h.hostId} ${h.macAddress}`]));
  for (const c of more.clusters.filter((x) => ['sno', 'compact', 'multi'].includes(x.group))) {
    for (const h of c.hosts) assert.is(`${h.hostId} ${h.macAddress}`, before.get(h.hostname), h.hostname);
  }
});

test('a pool too small for the clusters that take from it is a config error', () => {
  try {
    validateConfig({ ...config, pools: [{ name: 'rack', hosts: 149 }] });
    assert.unreachable('accepted');
  } catch (err) {
    assert.instance(err, ConfigError);
    assert.ok((err as ConfigError).problems.some((p) => p.path === 'pools[0].hosts' && /need 150/.test(p.message)));
  }
});

test('a machine network too small for its clusters is a config error, not an overlap', () => {
  try {
    validateConfig({ ...config, network: { machineNetworks: '100.64.0.0/16', clusterPrefix: 28 } });
    assert.unreachable('accepted');
  } catch (err) {
    assert.ok((err as ConfigError).problems.some((p) => p.path === 'network.machineNetworks'));
  }
});

test.run();
