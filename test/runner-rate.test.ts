// The launch rate: no more than runtime.launchRate fake hosts let through per second, by the
// runner's recorded launch times and (generously, one more) by the engine's creation times.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { maxInWindow } from '../lib/report/launch-rate.ts';
import { swarmContainers, testSwarm, type TestSwarm } from './stand-in/swarm.ts';

let swarm: TestSwarm;
test.before(async () => {
  swarm = await testSwarm({ prefix: 'rate', pools: [{ name: 'pool', hosts: 8 }], runtime: { launchRate: 2, concurrency: 4 } });
});
test.after(async () => { await swarm?.cleanup(); });

test('no more than 2 agents are launched in any second at launchRate 2', async () => {
  const { out, ...result } = await swarm.run();
  assert.is(result.endReason, 'done', out);
  const launched = result.record.hosts.map((h) => h.launchedAt!);
  assert.is(launched.length, 8);
  assert.ok(launched.every((t) => typeof t === 'number'));
  assert.is(maxInWindow(launched, 1000), 2);
  const span = (Math.max(...launched) - Math.min(...launched)) / 1000;
  assert.ok(span >= 3.5, `8 launches at 2/s span at least 3.5 s (got ${span})`);

  const containers = await swarmContainers(swarm.docker, swarm.name);
  const created = await Promise.all(containers.map(async (c) => Date.parse((await swarm.docker.getContainer(c.Id).inspect()).Created)));
  assert.is(created.length, 8);
  assert.ok(maxInWindow(created, 1000) <= 3, `the engine created ${maxInWindow(created, 1000)} containers within one second`);
});

test.run();
