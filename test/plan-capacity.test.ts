// plan warns before a run that will not fit, through the CLI: the fake hosts times
// runtime.hostMemoryEstimateMiB against what the engines offer (the Docker engine's memory, the
// hub node's allocatable), and on Kubernetes the pods' requests and count against the nodes'
// allocatable CPU, memory and pod cap. A swarm that fits gets no such warning.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { CoreV1Api } from '@kubernetes/client-node';
import { parseQuantity } from '../lib/engine/kubernetes-quantity.ts';
import type { Plan } from '../lib/plan/types.ts';
import { hubWithNode } from './support/hub.ts';
import { fakePullSecret, PULL_SECRET_ENV, testSwarm } from './support/test-swarm.ts';

const h = await hubWithNode();
const env = { [PULL_SECRET_ENV]: fakePullSecret().json };
const swarm = await testSwarm('cap');
test.after(async () => { await swarm.cleanup(); });

const node = await h.kubeConfig.makeApiClient(CoreV1Api).readNode({ name: h.node.name });
const allocatable = node.status!.allocatable!;
const nodeMiB = parseQuantity(allocatable.memory!) / 2 ** 20;
const dockerMiB = (await h.docker.info()).MemTotal / 2 ** 20;

const warningsOf = async (): Promise<string[]> => {
  const r = await swarm.cli(['plan', '--json'], env);
  assert.is(r.code, 0, r.stderr);
  return (JSON.parse(r.stdout) as Plan).warnings;
};
const sno = (count: number) => [{ name: 'sno', topology: 'single-node' as const, count }];
const kubernetes = { containerdSocket: h.node.containerdSocket };

test('hosts that fit get no warning, on Docker and on Kubernetes', async () => {
  swarm.configure({ clusters: sno(2) });
  assert.equal((await warningsOf()).filter((w) => w.includes('fit')), []);
  swarm.configure({ clusters: sno(2), runtime: { kubernetes } });
  assert.equal((await warningsOf()).filter((w) => w.includes('fit')), []);
});

test('Docker: the hosts\' estimated memory over the engine\'s', async () => {
  // Two hosts, each estimated at more than half the machine.
  const each = Math.ceil(dockerMiB / 2) + 1;
  swarm.configure({ clusters: sno(2), runtime: { hostMemoryEstimateMiB: each } });
  const warning = (await warningsOf()).find((w) => w.includes('will not fit'));
  assert.ok(warning);
  assert.match(warning!, new RegExp(`^2 fake hosts take about [\\d.]+ GiB \\(runtime.hostMemoryEstimateMiB: ${each} MiB each\\), more than the [\\d.]+ GiB that local offers: the run will not fit`));
});

test('Kubernetes: estimated memory, memory requests and CPU requests over the node\'s allocatable', async () => {
  const each = Math.ceil(nodeMiB / 3);
  // 2 hosts and 2 controllers, each asking for a third of the node's memory and a core.
  swarm.configure({ clusters: sno(2), runtime: { memoryMiB: each, cpus: 1, hostMemoryEstimateMiB: each * 2, kubernetes: { ...kubernetes, requests: { memoryMiB: each, cpus: 1 } } } });
  const warnings = await warningsOf();
  assert.ok(warnings.some((w) => /^2 fake hosts take about .* the run will not fit/.test(w)), warnings.join('\n'));
  const pods = warnings.find((w) => w.startsWith('4 pods'));
  assert.ok(pods, warnings.join('\n'));
  assert.match(pods!, `4 pods (fake hosts and controllers) do not fit the nodes of kubernetes:assisted-swarm-hub/`);
  assert.match(pods!, /memory requests [\d.]+ GiB > allocatable [\d.]+ GiB; CPU requests 4\.00 > allocatable 2/);
  assert.match(pods!, 'the scheduler leaves the rest Pending');
});

test('Kubernetes: more pods than the node takes', async () => {
  const cap = parseQuantity(allocatable.pods!);
  const clusters = Math.floor(cap / 2) + 1;
  swarm.configure({ clusters: sno(clusters), runtime: { kubernetes } });
  const pods = (await warningsOf()).find((w) => w.includes('do not fit'));
  assert.ok(pods);
  assert.match(pods!, `${clusters * 2} pods > the nodes' cap of ${cap}`);
});

test.run();
