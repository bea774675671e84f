// The hook for hosts the swarm plays instead of running: a player that replaces one pool host
// gets no container for it, learns how that host's agent would reach the service, plays its
// registration itself, sees the Agents change, and the report lists the host as played.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readLaunchPlans } from '../lib/dist/read.ts';
import type { HostPlayer } from '../lib/runner/hooks.ts';
import { swarmContainers, testSwarm, type TestSwarm } from './stand-in/swarm.ts';

let swarm: TestSwarm;
test.before(async () => {
  swarm = await testSwarm({ prefix: 'hooks', pools: [{ name: 'pool', hosts: 2 }] });
});
test.after(async () => { await swarm?.cleanup(); });

test('a player replaces a host: no container, its registration played, listed in the report', async () => {
  const seen = new Set<string>();
  const player: HostPlayer = {
    name: 'test-player',
    replaces: (host) => host.spec.hostname === 'pool-1',
    onAgent: async (ctx, host, record) => {
      seen.add(host.spec.hostname);
      if (host.spec.hostname !== 'pool-0' || record.state !== 'known-unbound' || record.played) return;
      // Once the real agent is known, play pool-1's agent against the service, as it would talk.
      ctx.markPlayed('pool-1', 'registration and inventory');
      const { url, infraEnvId, token } = await ctx.service('pool-1');
      const headers = { 'Content-Type': 'application/json', ...(token ? { 'X-Secret-Key': token } : {}) };
      const hostId = readLaunchPlans(swarm.dist).fakeHosts.find((h) => h.spec.hostname === 'pool-1')!.spec.hostId;
      const hosts = `${url}/api/assisted-install/v2/infra-envs/${infraEnvId}/hosts`;
      assert.is((await fetch(hosts, { method: 'POST', headers, body: JSON.stringify({ host_id: hostId }) })).status, 201);
      const inventory = JSON.stringify({ hostname: 'pool-1', interfaces: [{ mac_address: '02:00:00:00:00:09', ipv4_addresses: ['10.9.0.9/16'] }] });
      const reply = await fetch(`${hosts}/${hostId}/instructions`, { method: 'POST', headers, body: JSON.stringify({ step_id: 'inventory', step_type: 'inventory', exit_code: 0, output: inventory }) });
      assert.is(reply.status, 204);
    },
  };
  const { out, ...result } = await swarm.run({ hooks: { players: [player] } });
  assert.is(result.endReason, 'done', out);
  const played = result.record.hosts.find((h) => h.hostname === 'pool-1')!;
  assert.is(played.played, 'test-player; registration and inventory');
  assert.is(played.containerId, null);
  assert.is(played.state, 'known-unbound');
  assert.ok(seen.has('pool-0') && seen.has('pool-1'), 'the player saw both Agents');
  const containers = await swarmContainers(swarm.docker, swarm.name);
  assert.equal(containers.map((c) => c.Names[0]), [`/${swarm.name}_pool-0`]);
  assert.match(readFileSync(join(result.reportDir, 'summary.md'), 'utf8'), /- pool-1: test-player; registration and inventory/);
});

test.run();
