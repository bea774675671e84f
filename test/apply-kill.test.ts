// apply killed with SIGKILL part-way (after about 10%, 50% and 90% of its objects) and run
// again converges: the swarm's objects on the hub are exactly dist/'s, none twice, each owned
// once by assisted-swarm, and the server says a further apply would change nothing.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readHubObjects } from '../lib/dist/read.ts';
import { refKey } from '../lib/hub/client.ts';
import { SWARM_KINDS } from '../lib/plan/kinds.ts';
import type { Plan } from '../lib/plan/types.ts';
import { swarmLabels, swarmSelector } from '../lib/swarm/labels.ts';
import { hub, labelFilter } from './support/hub.ts';
import { fakePullSecret, killWhen, PULL_SECRET_ENV, stepOf, testSwarm, type TestSwarm } from './support/test-swarm.ts';

const h = await hub();
const env = { [PULL_SECRET_ENV]: fakePullSecret().json };
const swarms: TestSwarm[] = [];

test.after(async () => {
  for (const s of swarms) await s.cleanup();
});

/** The swarm's objects on the hub, by key; every key once. */
async function liveObjects(s: TestSwarm) {
  const lists = await Promise.all(SWARM_KINDS.map((k) => s.client.list(k.apiVersion, k.kind, { labelSelector: swarmSelector(s.name) })));
  return lists.flat();
}

for (const fraction of [0.1, 0.5, 0.9]) {
  test(`killed after ${fraction * 100}% of the objects, apply run again converges`, async () => {
    const s = await testSwarm(`kill${fraction * 100}`);
    swarms.push(s);
    s.configure({ clusters: [{ name: 'sno', topology: 'single-node', count: 20 }, { name: 'compact', topology: 'compact', staticNetworking: true }] });
    const expected = readHubObjects(s.dist).map((o) => refKey(o)).sort();

    const killed = await killWhen(s.spawnCli(['apply', '--yes', '--no-run'], env), (line) => {
      const step = stepOf(line);
      return !!step && step.done >= Math.ceil(step.total * fraction);
    });
    assert.is(killed.signal, 'SIGKILL', `apply was not killed:\n${killed.stdout}\n${killed.stderr}`);
    const partial = await liveObjects(s);
    if (fraction <= 0.5) assert.ok(partial.length < expected.length, `${partial.length} of ${expected.length} objects were there at the kill`);
    assert.ok(partial.length > 0, 'the killed apply had made some objects');

    const rerun = await s.cli(['apply', '--yes', '--no-run'], env);
    assert.is(rerun.code, 0, `the second apply failed:\n${rerun.stdout}\n${rerun.stderr}`);

    const live = await liveObjects(s);
    const keys = live.map((o) => refKey(o)).sort();
    assert.equal(keys, expected, 'exactly the objects of dist/, each once');
    for (const o of live) {
      const owners = ((o.metadata as { managedFields?: { manager: string; operation: string }[] }).managedFields ?? [])
        .filter((m) => m.manager === 'assisted-swarm');
      assert.equal(owners.map((m) => m.operation), ['Apply'], `${refKey(o)} is owned once by assisted-swarm`);
    }
    const plan = JSON.parse((await s.cli(['plan', '--json', '--dry-run-all'], env)).stdout) as Plan;
    assert.equal(plan.objects, [], 'the server says a clean apply would change nothing');
    const containers = await h.docker.listContainers({ all: true, filters: labelFilter(swarmLabels(s.name)) });
    const names = containers.map((c) => c.Names[0]);
    assert.equal(names, [...new Set(names)], 'no container twice');
  });
}

test.run();
