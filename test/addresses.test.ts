// Ramping a swarm keeps every host that already runs: growing a group or a pool moves no
// address, its own or another group's (each takes slots of network.machineNetworks and grows
// inside them). What still moves addresses — a group outgrowing its slots, a group inserted
// before others — moves only those after it.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { validateConfig } from '../lib/config/load.ts';
import type { SwarmConfigInput } from '../lib/config/schema.ts';
import { expandSwarm } from '../lib/swarm/expand.ts';

const base: SwarmConfigInput = {
  name: 'ramp',
  clusters: [
    { name: 'sno', topology: 'single-node', count: 2 },
    { name: 'compact', topology: 'compact' },
    { name: 'multi', topology: 'multi-node', workers: 2 },
    { name: 'late', topology: 'compact', hostsFrom: 'spare' },
  ],
  pools: [{ name: 'spare', hosts: 5 }, { name: 'big', hosts: 100 }],
};

/** hostname → "ip/prefix", and cluster → its VIPs, of a config. */
function addresses(input: SwarmConfigInput): Map<string, string> {
  const swarm = expandSwarm(validateConfig(input));
  const out = new Map<string, string>();
  for (const c of swarm.clusters) {
    for (const h of c.hosts) out.set(h.hostname, `${h.ip}/${h.prefixLength}`);
    if (c.vips) out.set(`${c.name} vips`, `${c.vips.api} ${c.vips.ingress}`);
  }
  for (const p of swarm.pools) for (const h of p.hosts) out.set(h.hostname, `${h.ip}/${h.prefixLength}`);
  return out;
}

/** The entries of `before` whose value `after` changed (or lost). */
function moved(before: Map<string, string>, after: Map<string, string>): string[] {
  return [...before].filter(([k, v]) => after.get(k) !== v).map(([k, v]) => `${k}: ${v} → ${after.get(k) ?? 'gone'}`);
}

const grown = (change: (c: SwarmConfigInput) => void) => {
  const copy = structuredClone(base);
  change(copy);
  return addresses(copy);
};

test('growing the first group moves no host of any group or pool', () => {
  const after = grown((c) => { c.clusters![0]!.count = 40; });
  assert.equal(moved(addresses(base), after), []);
  assert.ok(after.has('sno-40-master-0'));
});

test('growing a pool from 5 to 300 hosts keeps its prefix and every running host', () => {
  const before = addresses(base);
  const after = grown((c) => { c.pools![0]!.hosts = 300; });
  assert.equal(moved(before, after), []);
  assert.is(after.get('spare-299')!.split('/')[1], before.get('spare-0')!.split('/')[1]);
});

test('more workers, and more clusters taking from a pool, move nothing that ran', () => {
  const after = grown((c) => {
    c.clusters![2]!.workers = 6;
    c.clusters![3]!.count = 3;
    c.pools![0]!.hosts = 20;
  });
  assert.equal(moved(addresses(base), after), []);
});

test('a group or a pool added at the end of its list moves nothing; a group inserted first moves those after it', () => {
  const before = addresses(base);
  assert.equal(moved(before, grown((c) => { c.clusters!.push({ name: 'extra', topology: 'single-node', count: 9 }); })), []);
  assert.equal(moved(before, grown((c) => { c.pools!.push({ name: 'more', hosts: 9 }); })), []);
  const inserted = moved(before, grown((c) => { c.clusters!.unshift({ name: 'extra', topology: 'single-node' }); }));
  assert.ok(inserted.some((m) => m.startsWith('sno-1-master-0:')), inserted.join('\n'));
});

test('a group outgrowing its /16 slot moves only the groups after it, no pool', () => {
  const before = addresses(base);
  // 1,025 /26 networks need a second /16.
  const m = moved(before, grown((c) => { c.clusters![0]!.count = 1025; }));
  assert.ok(!m.some((x) => x.startsWith('sno-') || x.startsWith('spare-') || x.startsWith('big-') || x.startsWith('late-')), m.join('\n'));
  assert.ok(m.some((x) => x.startsWith('compact-1-master-0:')), m.join('\n'));
});

test('a pool bigger than a slot takes an aligned block of slots', () => {
  const swarm = expandSwarm(validateConfig({ name: 'wide', pools: [{ name: 'a', hosts: 3 }, { name: 'b', hosts: 70000 }] }));
  assert.equal(swarm.pools.map((p) => p.machineNetwork.cidr), ['10.127.0.0/16', '10.124.0.0/15']);
});

test('a slot wider than the shared range, and a range too small for the slots, are config errors', () => {
  assert.throws(() => validateConfig({ name: 'x', network: { machineNetworks: '10.0.0.0/20', slotPrefix: 16 }, pools: [{ name: 'p', hosts: 1 }] }),
    /network\.slotPrefix: a \/16 slot is wider than network\.machineNetworks 10\.0\.0\.0\/20/);
  assert.throws(() => validateConfig({ name: 'x', network: { machineNetworks: '10.0.0.0/15' }, pools: [{ name: 'a', hosts: 1 }, { name: 'b', hosts: 1 }, { name: 'c', hosts: 1 }] }),
    /network\.machineNetworks: 10\.0\.0\.0\/15 holds 2 \/16 slots, but the groups and pools without a network of their own need 3/);
});

test.run();
