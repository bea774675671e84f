// The runner against the real test hub and Docker engine, with the service played by the
// test-only stand-in (test/stand-in): a swarm of 2 single-node clusters, 1 compact cluster and
// 1 single-node cluster late-bound from a pool goes from applied CRs to every cluster installed,
// the compact cluster's bootstrap installer played by the runner at upstream's pace.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CustomObjectsApi } from '@kubernetes/client-node';
import { readLaunchPlans } from '../lib/dist/read.ts';
import { AGENT } from '../lib/runner/hub.ts';
import { SwarmObserver } from '../lib/runner/observe.ts';
import { openEngines } from '../lib/engine/pool.ts';
import { countStates } from '../lib/report/counts.ts';
import { PLAYED_WHY } from '../lib/runner/players/bootstrap.ts';
import { swarmContainers, testSwarm, type TestSwarm } from './stand-in/swarm.ts';

let swarm: TestSwarm;
test.before(async () => {
  swarm = await testSwarm({
    prefix: 'run',
    clusters: [
      { name: 'sno', topology: 'single-node', count: 2 },
      { name: 'compact', topology: 'compact' },
      { name: 'late', topology: 'single-node', hostsFrom: 'spare' },
    ],
    pools: [{ name: 'spare', hosts: 2 }],
  });
});
test.after(async () => { await swarm?.cleanup(); });

test('every cluster goes from applied CRs to installed; Agents carry the planned hostnames and roles', async () => {
  const { out, ...result } = await swarm.run();
  const { record } = result;
  assert.is(result.endReason, 'done', out);
  assert.equal(record.clusters.map((c) => [c.name, c.outcome]).sort(), [['compact-1', 'installed'], ['late-1', 'installed'], ['sno-1', 'installed'], ['sno-2', 'installed']], out);
  assert.is(result.exitCode, 0);

  const plans = readLaunchPlans(swarm.dist);
  const agents = ((await swarm.kubeConfig.makeApiClient(CustomObjectsApi).listClusterCustomObject({
    group: AGENT.group, version: AGENT.version, plural: AGENT.plural, labelSelector: `assisted-swarm.io/swarm=${swarm.name}`,
  })) as { items: { metadata: { name: string }; spec: Record<string, unknown>; status: { debugInfo: { state: string } } }[] }).items;
  assert.is(agents.length, plans.fakeHosts.length, 'one Agent per fake host');
  for (const host of plans.fakeHosts) {
    const agent = agents.find((a) => a.metadata.name === host.spec.hostId);
    assert.ok(agent, `no Agent for ${host.spec.hostname}`);
    assert.is(agent.spec.hostname, host.spec.hostname);
    assert.is(agent.spec.approved, true);
    if (host.spec.role !== 'auto-assign') assert.is(agent.spec.role, host.spec.role);
    if (host.spec.bindTo) assert.equal(agent.spec.clusterDeploymentName, host.spec.bindTo);
    // Installed, or (the pool host no cluster takes) known and waiting to be bound.
    assert.is(agent.status.debugInfo.state, host.spec.cluster ? 'installed' : 'known-unbound', host.spec.hostname);
  }
  const unbound = record.hosts.find((h) => h.cluster === null)!;
  assert.is(unbound.state, 'known-unbound');
  // The bound pool host's next_step_runner, which dry mode never ends on binding (gap 4), was ended.
  const bound = plans.fakeHosts.find((h) => h.spec.bindTo)!;
  assert.ok(record.transitions.some((t) => t.name === bound.spec.hostname && t.field === 'runner' && t.to === 'next_step_runner ended'),
    'the rebind player ended the binding host\'s next_step_runner');

  // One container per host and one controller per cluster, each once.
  const containers = await swarmContainers(swarm.docker, swarm.name);
  const names = containers.map((c) => c.Names[0]);
  assert.is(new Set(names).size, names.length);
  assert.is(containers.length, plans.fakeHosts.length + plans.controllers.length);

  // Every installed host passed every milestone, in order.
  for (const h of record.hosts.filter((x) => x.outcome === 'installed')) {
    const m = h.milestones;
    assert.ok(m.containerStarted! <= m.registered! && m.registered! <= m.known! && m.known! <= m.installing! && m.installing! <= m.installed!, `${h.hostname}: ${JSON.stringify(m)}`);
  }
  const report = JSON.parse(readFileSync(join(result.reportDir, 'report.json'), 'utf8'));
  assert.ok(report.transitions.length > 20);
  // Where the run came from: the git work tree the tests run in.
  assert.match(report.summary.provenance.commit, /^[0-9a-f]{40}$/);
  assert.type(report.summary.provenance.dirty, 'boolean');
  assert.ok(report.transitions.some((t: { name: string; field: string; to: string }) => t.name === 'late-1' && t.field === 'state' && t.to === 'adding-hosts'));
  // What `swarm status` shows from outside the runner agrees.
  const observer = await new SwarmObserver(swarm.kubeConfig, openEngines([]), swarm.name, plans).start();
  try {
    const counts = countStates((await observer.look()).counts);
    assert.equal([counts.hosts.installed, counts.hosts.failed, counts.hosts.byState['known-unbound']], [6, 0, 1]);
    assert.equal([counts.clusters.installed, counts.clusters.total], [4, 4]);
  } finally {
    await observer.stop();
  }

  // The compact cluster's bootstrap host was handed to the runner by the podman shim and played
  // (docs/upstream-gaps.md, gap 3), the player being on by default; no other host was.
  const played = record.hosts.filter((h) => h.played);
  assert.equal(played.map((h) => [h.cluster, h.played]), [['compact-1', PLAYED_WHY]], out);
  const bootstrapFetches = swarm.standIn.requests.filter((r) => r.path.endsWith('/downloads/files') && r.query.file_name === 'bootstrap.ign');
  assert.is(bootstrapFetches.length, 1, 'bootstrap.ign is fetched once, by the played installer');
  assert.ok(existsSync(plans.fakeHosts.find((h) => h.spec.hostname === played[0]!.hostname)!.spec.rebootMarkerPath), 'its reboot marker');

  // The service's side, sampled from the stand-in's /metrics while the run went on.
  const service = report.series.service;
  assert.ok(service.samples.length >= 2, `${service.samples.length} samples of the service`);
  assert.equal(service.gaps, []);
  const registrations = service.samples.reduce((n: number, s: { routes: Record<string, { requests: number }> }) => n + (s.routes['POST /v2/infra-envs/{infra_env_id}/hosts']?.requests ?? 0), 0);
  assert.is(registrations, swarm.standIn.calls.registrations, 'every registration the stand-in answered is in the series');
  assert.ok(report.series.runner.some((s: { hosts: Record<string, number> }) => s.hosts.installed === 6), 'the runner\'s own view saw the hosts installed');
  assert.ok(report.summary.service.cpu.peak > 0 && report.summary.service.memory.peak > 0);
  assert.ok(existsSync(join(result.reportDir, 'report.html')));

  const md = readFileSync(join(result.reportDir, 'summary.md'), 'utf8');
  if (process.env.SHOW_REPORT) console.log(md);
  assert.match(md, /container start → installed \| 6 \|/);
  assert.match(md, /^## The service\n\nSampled every 5 s from http:\/\/127\.0\.0\.1:\d+\/metrics: \d+ samples over \d+ s\.$/m);
  assert.match(md, /^\| `POST \/v2\/infra-envs\/\{infra_env_id\}\/hosts` \| \d+ \|/m);
  assert.match(md, new RegExp(`- ${played[0]!.hostname}: its installer was played by the runner`));
  assert.ok(existsSync(join(result.reportDir, 'summary.md')));
});

test.run();
