// apply through a fault-injecting proxy on loopback in front of the test hub's API server:
// 500s, 429s (with Retry-After), 503s and dropped connections spread over the run slow it down
// but do not fail it; a hub that stays down fails it with a clear message and exit code 3; a
// hub that goes away half-way fails it the same way, keeps what was made, and a second apply
// converges.
import { test } from 'uvu';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import * as assert from 'uvu/assert';
import { readHubObjects } from '../lib/dist/read.ts';
import { HUB_UNAVAILABLE_EXIT } from '../lib/hub/errors.ts';
import { SWARM_KINDS } from '../lib/plan/kinds.ts';
import type { Plan } from '../lib/plan/types.ts';
import { swarmSelector } from '../lib/swarm/labels.ts';
import { hub } from './support/hub.ts';
import { startFaultProxy } from './support/fault-proxy.ts';
import { fakePullSecret, PULL_SECRET_ENV, stepOf, testSwarm, watchLines, type TestSwarm } from './support/test-swarm.ts';

const h = await hub();
const env = { [PULL_SECRET_ENV]: fakePullSecret().json };
const swarms: TestSwarm[] = [];
const config = { clusters: [{ name: 'sno', topology: 'single-node' as const, count: 6 }] };

test.after(async () => {
  for (const s of swarms) await s.cleanup();
});

async function countLive(s: TestSwarm): Promise<number> {
  const lists = await Promise.all(SWARM_KINDS.map((k) => s.client.list(k.apiVersion, k.kind, { labelSelector: swarmSelector(s.name) })));
  return lists.flat().length;
}
const planJson = async (s: TestSwarm): Promise<Plan> => JSON.parse((await s.cli(['plan', '--json'], env)).stdout);

test('500s, 429s, 503s and dropped connections slow apply down but do not fail it', async () => {
  const s = await testSwarm('faults');
  swarms.push(s);
  s.configure(config);
  const proxy = await startFaultProxy(h.kubeConfig);
  try {
    proxy.inject(3, { status: 500 }); // the very first requests (the ping among them)
    proxy.sprinkle(3, 10, { status: 500 });
    proxy.sprinkle(4, 6, { status: 429, retryAfter: 1 });
    proxy.sprinkle(5, 4, { status: 503 });
    proxy.sprinkle(7, 4, { reset: true });
    const r = await s.cli(['apply', '--yes', '--no-run', '--kubeconfig', proxy.kubeconfigPath], env);
    assert.is(r.code, 0, `apply failed:\n${r.stdout}\n${r.stderr}`);
    assert.is(proxy.faulted, 27, 'every injected fault was met');
    assert.match(r.stderr, /hub: .*(500|429|503|ECONNRESET|UND_ERR_SOCKET|socket).*; retrying in/);
  } finally {
    await proxy.close();
  }
  assert.is(await countLive(s), readHubObjects(s.dist).length);
  assert.equal((await planJson(s)).objects, [], 'the hub matches dist/');
});

test('a hub that stays down fails apply with a clear message and exit code 3', async () => {
  const s = await testSwarm('down');
  swarms.push(s);
  s.configure(config);
  const dead = await startFaultProxy(h.kubeConfig);
  const kubeconfig = join(s.dir, 'dead-kubeconfig');
  copyFileSync(dead.kubeconfigPath, kubeconfig);
  await dead.close(); // the kubeconfig now points where nothing listens
  const r = await s.cli(['apply', '--yes', '--no-run', '--kubeconfig', kubeconfig, '--hub-retry-seconds', '2'], env);
  assert.is(r.code, HUB_UNAVAILABLE_EXIT, `apply exited ${r.code}:\n${r.stdout}\n${r.stderr}`);
  // Names the server and the kubeconfig it came from, says what failed and for how long, and what to check.
  const url = dead.url.replace(/[.]/g, '\\.');
  assert.match(r.stderr, new RegExp(`^error: the hub ${url} \\(context "[^"]+" of ${kubeconfig.replace(/[.]/g, '\\.')}\\) refused the connection \\(for \\d+ s\\) \\[ECONNREFUSED\\]: nothing listens there`, 'm'));
  assert.match(r.stderr, /are the kubeconfig \(--kubeconfig, hub\.kubeconfig, \$KUBECONFIG\) and context/);
  assert.not.match(r.stderr, /\n\s+at /, 'no stack trace');
  assert.is(await countLive(s), 0, 'nothing was made');
});

test('a hub that goes away half-way: apply fails clearly, what it made stays, a second apply converges', async () => {
  const s = await testSwarm('gone');
  swarms.push(s);
  s.configure(config);
  const proxy = await startFaultProxy(h.kubeConfig);
  let cut = false;
  try {
    const child = s.spawnCli(['apply', '--yes', '--no-run', '--kubeconfig', proxy.kubeconfigPath, '--hub-retry-seconds', '2'], env);
    const r = await watchLines(child, (line) => {
      const step = stepOf(line);
      if (!cut && step && step.done >= 5) { cut = true; proxy.dieAfter(0); }
    });
    assert.ok(cut, `apply never got to its fifth object:\n${r.stdout}\n${r.stderr}`);
    assert.is(r.code, HUB_UNAVAILABLE_EXIT, `apply exited ${r.code}:\n${r.stdout}\n${r.stderr}`);
    assert.match(r.stderr, /the hub kept failing for \d+ s .*run the command again once the hub answers/);
  } finally {
    await proxy.close();
  }
  const made = await countLive(s);
  assert.ok(made >= 5 && made < readHubObjects(s.dist).length, `${made} objects were made before the hub went away`);
  const again = await s.cli(['apply', '--yes', '--no-run'], env);
  assert.is(again.code, 0, `the second apply failed:\n${again.stdout}\n${again.stderr}`);
  assert.is(await countLive(s), readHubObjects(s.dist).length);
  assert.equal((await planJson(s)).objects, []);
});

test.run();
