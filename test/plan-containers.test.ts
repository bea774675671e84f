// The container side of plan and apply, against the real Docker engine: launch plans against
// the swarm's containers (found by label), by spec-hash: start, replace, stop, no change, and
// "started when the cluster installs" for controllers. apply stops what is not in dist/ and
// removes a controller whose spec changed; a saved plan is refused once the containers changed.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import type Docker from 'dockerode';
import { readLaunchPlans } from '../lib/dist/read.ts';
import type { ContainerSpec } from '../lib/swarm/containers.ts';
import type { Plan } from '../lib/plan/types.ts';
import { LABEL, swarmLabels } from '../lib/swarm/labels.ts';
import { hub, removeTestContainers, testLabels } from './support/hub.ts';
import { ensureTinyImage } from './support/images.ts';
import { fakePullSecret, PULL_SECRET_ENV, testSwarm, type CliResult } from './support/test-swarm.ts';

const h = await hub();
const image = await ensureTinyImage(h.docker);
const mark = testLabels();
const swarm = await testSwarm('cont');
const env = { [PULL_SECRET_ENV]: fakePullSecret().json };

test.after(async () => {
  await swarm.cleanup();
  await removeTestContainers(h.docker, mark);
});

function ok(r: CliResult, what: string): CliResult {
  assert.is(r.code, 0, `${what} exited ${r.code}:\n${r.stdout}\n${r.stderr}`);
  return r;
}
const planJson = async (): Promise<Plan> => JSON.parse(ok(await swarm.cli(['plan', '--json'], env), 'plan --json').stdout);

/** A stand-in for a launched container: the spec's name and labels, a sleeping tiny image. */
async function run(spec: Pick<ContainerSpec, 'name' | 'labels'>, labels: Record<string, string> = {}): Promise<Docker.Container> {
  const c = await h.docker.createContainer({ Image: image, name: spec.name, Cmd: ['sleep', '3600'], Labels: { ...spec.labels, ...labels, ...mark } });
  await c.start();
  return c;
}
const exists = (c: Docker.Container) => c.inspect().then(() => true, (e) => (e.statusCode === 404 ? false : Promise.reject(e)));

test('start, replace, stop, no change and on-install, by name and spec-hash; apply stops and removes what it must', async () => {
  swarm.configure({ clusters: [{ name: 'sno', topology: 'single-node', count: 3 }] });
  ok(await swarm.cli(['apply', '--yes', '--no-run'], env), 'apply');
  const launch = readLaunchPlans(swarm.dist);
  const host = (n: number) => launch.fakeHosts.find((d) => d.spec.cluster === `sno-${n}`)!.spec.container;
  const controller = (n: number) => launch.controllers.find((d) => d.spec.cluster === `sno-${n}`)!.spec.container;

  await run(host(1));                                            // as planned: no change
  await run(controller(1));                                      // as planned: no change
  await run(host(2), { [LABEL.specHash]: 'old' });              // another spec: replace (by the runner)
  const oldController = await run(controller(3), { [LABEL.specHash]: 'old' }); // replace (apply removes it)
  const stray = await run({ name: `${swarm.name}_gone-1`, labels: { ...swarmLabels(swarm.name), [LABEL.component]: 'fake-host', [LABEL.cluster]: 'gone-1' } });

  const plan = await planJson();
  const byAction = (a: string) => plan.containers.filter((c) => c.action === a).map((c) => `${c.name}${c.reason ? ` (${c.reason})` : ''}`).sort();
  assert.equal(byAction('start'), [host(3).name]);
  assert.equal(byAction('replace'), [`${controller(3).name} (spec changed)`, `${host(2).name} (spec changed)`].sort());
  assert.equal(byAction('stop'), [`${swarm.name}_gone-1 (not in dist/)`]);
  assert.equal(byAction('on-install'), [controller(2).name]);
  assert.equal(plan.summary.containers, { start: 1, replace: 2, stop: 1, unchanged: 2, onInstall: 1 });
  const text = ok(await swarm.cli(['plan'], env), 'plan').stdout;
  assert.match(text, 'Plan: 0 to create, 0 to update, 0 to delete; 1 container to start, 2 to replace, 1 to stop');
  assert.match(text, `!! 1 container will be STOPPED and removed:`);

  // A saved plan is refused once the containers changed.
  ok(await swarm.cli(['plan', '--out', join(swarm.dir, 'plan.json')], env), 'plan --out');
  const late = await run({ name: `${swarm.name}_late-1`, labels: { ...swarmLabels(swarm.name), [LABEL.component]: 'fake-host', [LABEL.cluster]: 'late-1' } });
  const refused = await swarm.cli(['apply', join(swarm.dir, 'plan.json'), '--yes', '--no-run'], env);
  assert.is(refused.code, 1, refused.stdout + refused.stderr);
  assert.match(refused.stderr, `container ${swarm.name}_late-1: appeared`);
  await late.remove({ force: true });

  const applied = ok(await swarm.cli(['apply', join(swarm.dir, 'plan.json'), '--yes', '--no-run'], env), 'apply FILE');
  assert.match(applied.stdout, `stopped and removed container ${swarm.name}_gone-1`);
  assert.is(await exists(stray), false, 'the container not in dist/ is gone');
  assert.is(await exists(oldController), false, 'the controller with another spec is gone (the runner starts the new one)');
  const after = await planJson();
  assert.equal(after.summary.containers, { start: 1, replace: 1, stop: 0, unchanged: 2, onInstall: 2 });
});

test('a running fake host whose address moved is replaced with the reason, and plan warns', async () => {
  swarm.configure({ clusters: [{ name: 'sno', topology: 'single-node', count: 1 }], pools: [{ name: 'spare', hosts: 2 }] });
  ok(await swarm.cli(['apply', '--yes', '--no-run'], env), 'apply');
  const launch = readLaunchPlans(swarm.dist);
  const spare0 = launch.fakeHosts.find((d) => d.spec.hostname === 'spare-0')!.spec.container;
  const spare1 = launch.fakeHosts.find((d) => d.spec.hostname === 'spare-1')!.spec.container;
  const [ip, prefix] = launch.fakeHosts.find((d) => d.spec.hostname === 'spare-0')!.spec.ipv4.split('/');
  // As if it had run under an earlier config where its pool sat in another slot.
  await run(spare0, { [LABEL.specHash]: 'old', [LABEL.ipv4]: `10.9.0.4-${prefix}` });
  await run(spare1, { [LABEL.specHash]: 'old' });

  const plan = await planJson();
  const replaced = plan.containers.filter((c) => c.action === 'replace').map((c) => `${c.name} (${c.reason})`).sort();
  assert.equal(replaced, [`${spare0.name} (re-addressed 10.9.0.4/${prefix} → ${ip}/${prefix})`, `${spare1.name} (spec changed)`]);
  const warning = plan.warnings.find((w) => w.includes('new addresses'));
  assert.ok(warning, plan.warnings.join('\n'));
  assert.match(warning!, /^1 running fake host will be replaced with new addresses: pool\/spare \(1\)\./);
  assert.match(ok(await swarm.cli(['plan'], env), 'plan').stdout, 're-addressed 10.9.0.4');
  await removeTestContainers(h.docker, mark);
});

test.run();
