// A fake host whose container dies is restarted by the engine up to runtime.restartLimit,
// then reported failed, with its cluster; the run ends (it does not wait for the timeout).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { swarmContainers, testSwarm, type TestSwarm } from './stand-in/swarm.ts';

let swarm: TestSwarm;
test.before(async () => {
  swarm = await testSwarm({
    prefix: 'restart',
    clusters: [{ name: 'sno', topology: 'single-node' }],
    runtime: { restartLimit: 2 },
    // The ignition's unit environment reaches the container: the stand-in agent dies with 3.
    standIn: { unitEnv: { AGENT_STAND_IN_EXIT: '3' } },
  });
});
test.after(async () => { await swarm?.cleanup(); });

test('a dying container is restarted up to the cap, then its host and cluster are reported failed', async () => {
  const { out, ...result } = await swarm.run();
  assert.is(result.endReason, 'done', out);
  assert.is(result.exitCode, 1);
  const host = result.record.hosts[0]!;
  assert.is(host.outcome, 'failed');
  assert.is(host.failure!.reason, 'container died (exit 3)');
  assert.is(host.restarts, 2);
  assert.match(host.failure!.detail!, /dying as told/);
  const cluster = result.record.clusters[0]!;
  assert.is(cluster.outcome, 'failed');
  assert.is(cluster.failure!.reason, 'host sno-1-master-0 failed: container died (exit 3)');

  const [c] = await swarmContainers(swarm.docker, swarm.name);
  const info = await swarm.docker.getContainer(c!.Id).inspect();
  assert.equal([info.RestartCount, info.State.Status, info.State.ExitCode], [2, 'exited', 3]);
  const restarts = result.record.transitions.filter((t) => t.name === host.hostname && t.info === 'restarted by the engine');
  assert.is(restarts.length, 2);
  const md = readFileSync(join(result.reportDir, 'summary.md'), 'utf8');
  assert.match(md, /\*\*container died \(exit 3\)\*\* \(1 host\): sno-1-master-0/);
});

test.run();
