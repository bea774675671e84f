// The runner with the Kubernetes engine, against the hub's node (pods really run there) and the
// service stand-in: the swarm of test/runner.test.ts (2 single-node clusters, a compact cluster
// whose bootstrap installer the runner plays through exec in its pod, a single-node cluster
// late-bound from a pool, whose binding host's next_step_runner the rebind player ends through
// exec) goes from applied CRs to every cluster installed, each host and controller a pod. Under
// AUTH_TYPE=local: the tokens reach the pods through their launch Secrets, and nowhere else.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readFileSync } from 'node:fs';
import { CoreV1Api, CustomObjectsApi } from '@kubernetes/client-node';
import { readLaunchPlans, readWorkloads } from '../lib/dist/read.ts';
import { AGENT } from '../lib/runner/hub.ts';
import { PLAYED_WHY } from '../lib/runner/players/bootstrap.ts';
import { podNamespace } from '../lib/swarm/kubernetes.ts';
import { LABEL, swarmSelector } from '../lib/swarm/labels.ts';
import { testSwarm, type TestSwarm } from './stand-in/swarm.ts';

let swarm: TestSwarm;
test.before(async () => {
  swarm = await testSwarm({
    prefix: 'krun',
    auth: 'local',
    kubernetes: true,
    clusters: [
      { name: 'sno', topology: 'single-node', count: 2 },
      { name: 'compact', topology: 'compact' },
      { name: 'late', topology: 'single-node', hostsFrom: 'spare' },
    ],
    pools: [{ name: 'spare', hosts: 2 }],
  });
});
test.after(async () => { await swarm?.cleanup(); });

test('every cluster goes from applied CRs to installed with its hosts and controllers as pods on the node', async () => {
  const { out, ...result } = await swarm.run();
  const { record } = result;
  assert.is(result.endReason, 'done', out);
  assert.equal(record.clusters.map((c) => [c.name, c.outcome]).sort(), [['compact-1', 'installed'], ['late-1', 'installed'], ['sno-1', 'installed'], ['sno-2', 'installed']], out);
  assert.is(result.exitCode, 0);
  assert.match(out, `on kubernetes:`);

  const plans = readLaunchPlans(swarm.dist);
  const agents = ((await swarm.kubeConfig.makeApiClient(CustomObjectsApi).listClusterCustomObject({
    group: AGENT.group, version: AGENT.version, plural: AGENT.plural, labelSelector: swarmSelector(swarm.name),
  })) as { items: { metadata: { name: string }; spec: Record<string, unknown>; status: { debugInfo: { state: string } } }[] }).items;
  assert.is(agents.length, plans.fakeHosts.length, 'one Agent per fake host');
  for (const host of plans.fakeHosts) {
    const agent = agents.find((a) => a.metadata.name === host.spec.hostId)!;
    assert.is(agent.spec.hostname, host.spec.hostname);
    assert.is(agent.status.debugInfo.state, host.spec.cluster ? 'installed' : 'known-unbound', host.spec.hostname);
  }

  // One pod per host and per controller, as dist/kubernetes has them, all on the node.
  const core = swarm.kubeConfig.makeApiClient(CoreV1Api);
  const ns = podNamespace(swarm.config);
  const pods = (await core.listNamespacedPod({ namespace: ns, labelSelector: swarmSelector(swarm.name) })).items;
  const workloads = readWorkloads(swarm.dist);
  assert.is(pods.length, plans.fakeHosts.length + plans.controllers.length);
  assert.equal(pods.map((p) => p.metadata!.name).sort(), [...workloads.values()].map((w) => w.metadata.name).sort());
  for (const p of pods) {
    assert.is(p.spec!.nodeName, '127.0.0.1', p.metadata!.name);
    assert.is(p.metadata!.labels![LABEL.specHash], workloads.get(p.metadata!.annotations!['assisted-swarm.io/container']!)!.metadata.labels![LABEL.specHash]);
  }
  // Hosts that ended (exit 0 after their fake reboot) are Succeeded, never restarted.
  const hostPods = pods.filter((p) => p.metadata!.labels![LABEL.component] === 'fake-host' && p.metadata!.labels![LABEL.cluster]);
  for (const p of hostPods) assert.is(p.status!.containerStatuses![0]!.restartCount, 0, p.metadata!.name);

  // The launch Secrets hold what the service said (the agent's command line): one per InfraEnv and per controller.
  const secrets = (await core.listNamespacedSecret({ namespace: ns, labelSelector: swarmSelector(swarm.name) })).items;
  assert.is(secrets.length, 4 + 4, secrets.map((s) => s.metadata!.name).join(' '));
  const sno = secrets.find((s) => s.metadata!.name === `launch-${swarm.name}-sno-1-sno-1`)!;
  assert.match(Buffer.from(sno.data!.command!, 'base64').toString(), /^\/usr\/local\/bin\/agent\n--url\n/);
  // The cluster-hosts files are ConfigMaps, one per cluster and pool.
  const files = (await core.listNamespacedConfigMap({ namespace: ns, labelSelector: swarmSelector(swarm.name) })).items;
  assert.is(files.length, plans.clusterHosts.length);

  // The compact cluster's bootstrap host was played through its pod (request read, answer written by exec).
  const played = record.hosts.filter((h) => h.played);
  assert.equal(played.map((h) => [h.cluster, h.played]), [['compact-1', PLAYED_WHY]], out);
  assert.ok(existsSync(plans.fakeHosts.find((h) => h.spec.hostname === played[0]!.hostname)!.spec.rebootMarkerPath), 'its reboot marker, in the hostPath');
  // The bound pool host's next_step_runner was ended through exec in its pod (gap 4).
  const bound = plans.fakeHosts.find((h) => h.spec.bindTo)!;
  assert.ok(record.transitions.some((t) => t.name === bound.spec.hostname && t.field === 'runner' && t.to === 'next_step_runner ended'), out);

  const md = readFileSync(`${result.reportDir}/summary.md`, 'utf8');
  assert.match(md, /container start → installed \| 6 \|/);

  // The tokens are in the launch Secrets (the launcher exports them), in no pod, dist/, output or report.
  const tokens = swarm.standIn.tokens();
  assert.ok(tokens.length >= 4);
  const snoToken = Buffer.from(sno.data!.env!, 'base64').toString();
  assert.ok(tokens.some((t) => snoToken.includes(`PULL_SECRET_TOKEN=${t}`)), 'the InfraEnv\'s token is in its launch Secret');
  const public_ = [JSON.stringify(pods), JSON.stringify([...workloads.values()]), out, md, readFileSync(`${result.reportDir}/report.json`, 'utf8')].join('\n');
  for (const t of tokens) assert.not.ok(public_.includes(t), 'a token outside the launch Secrets');
});

test.run();
