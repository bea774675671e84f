// A soak: with runtime.soakMinutes the run goes on once every cluster is done, the hosts still
// running and watched, and the report covers it; an interruption ends the soak at once.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { executeRun } from '../lib/runner/run.ts';
import { testSwarm, type TestSwarm } from './stand-in/swarm.ts';

let swarm: TestSwarm;
test.before(async () => {
  swarm = await testSwarm({ prefix: 'soak', pools: [{ name: 'spare', hosts: 1 }], runtime: { soakMinutes: 0.1 } });
});
test.after(async () => { await swarm?.cleanup(); });

test('the run ends a soak after done, the host still running; an interruption cuts the soak short', async () => {
  const { out, ...result } = await swarm.run();
  assert.is(result.endReason, 'done', out);
  assert.is(result.exitCode, 0);
  const known = result.record.hosts[0]!.milestones.known!;
  assert.ok(result.record.endedAt! - known >= 6000, `ended ${result.record.endedAt! - known} ms after known`);
  assert.match(out, 'soaking for 0.1 min');
  const [container] = await swarm.docker.listContainers({ filters: { label: [`assisted-swarm.io/swarm=${swarm.name}`] } });
  assert.is(container?.State, 'running', 'the host runs on after the soak');

  // A second run adopts the host, is done at once, and an abort ends its soak early.
  const abort = new AbortController();
  setTimeout(() => abort.abort(), 1500);
  const config = { ...swarm.config, runtime: { ...swarm.config.runtime, soakMinutes: 10 } };
  const started = Date.now();
  const again = await executeRun({ dist: swarm.dist, config, kubeConfig: swarm.kubeConfig, signal: abort.signal, output: { write: () => {} } });
  assert.ok(Date.now() - started < 60_000);
  assert.is(again.record.hosts[0]!.adopted, true);
});

test.run();
