// The swarm image in plan and apply, against the real Docker engine and test hub, on fake
// upstream images the test makes (test/support/fake-upstream.ts): a missing image is said by
// plan (naming `npm run images`) and refused by apply before it changes anything, unless
// --no-run; a built image is not mentioned; an image whose input changed under the same
// reference is said to be out of date.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { randomBytes } from 'node:crypto';
import { buildSwarmImage } from '../lib/images/build.ts';
import { swarmImageRecipe } from '../lib/images/recipe.ts';
import { validateConfig } from '../lib/config/load.ts';
import type { Plan } from '../lib/plan/types.ts';
import { hub } from './support/hub.ts';
import { ensureFakeUpstreamImage, removeImages, tagAs } from './support/fake-upstream.ts';
import { fakePullSecret, PULL_SECRET_ENV, testSwarm, type CliResult } from './support/test-swarm.ts';

const { docker } = await hub();
const run = randomBytes(4).toString('hex');
const ref = (role: string) => `assisted-swarm-test/plan-input-${role}:${run}`;
const swarm = await testSwarm('pimg');
const env = { [PULL_SECRET_ENV]: fakePullSecret().json };

const agent = await tagAs(docker, await ensureFakeUpstreamImage(docker, 'agent'), ref('agent'));
const installer = await tagAs(docker, await ensureFakeUpstreamImage(docker, 'installer'), ref('installer'));
const controller = await tagAs(docker, await ensureFakeUpstreamImage(docker, 'controller'), ref('controller'));
const images = { agent, installer, controller, swarm: `assisted-swarm-test/plan-swarm-${run}` };
const swarmImage = swarmImageRecipe(validateConfig({ name: 'x', images }).images).ref;
const created = [agent, installer, controller, swarmImage];

function exits(r: CliResult, code: number, what: string): CliResult {
  assert.is(r.code, code, `${what} exited ${r.code}, expected ${code}:\n${r.stdout}\n${r.stderr}`);
  return r;
}
const planJson = async (): Promise<Plan> => JSON.parse(exits(await swarm.cli(['plan', '--json'], env), 0, 'plan --json').stdout);
const imageWarnings = (plan: Plan) => plan.warnings.filter((w) => w.includes(swarmImage));

test.after(async () => {
  await swarm.cleanup();
  await removeImages(docker, created);
});

test('a missing swarm image: plan says to run npm run images, apply refuses to start fake hosts but --no-run goes ahead', async () => {
  swarm.configure({ images, clusters: [{ name: 'sno', topology: 'single-node' }] });
  const plan = await planJson();
  assert.is(plan.summary.containers.start, 1);
  const [warning, ...more] = imageWarnings(plan);
  assert.equal(more, []);
  assert.match(warning!, `the swarm image ${swarmImage} is not on engine `);
  assert.match(warning!, 'run `npm run images` before fake hosts start');
  assert.match(exits(await swarm.cli(['plan'], env), 0, 'plan').stdout, `! the swarm image ${swarmImage} is not on engine `);

  const refused = exits(await swarm.cli(['apply', '--yes'], env), 1, 'apply with the image missing');
  assert.match(refused.stderr, `the swarm image ${swarmImage} is not on engine `);
  assert.match(refused.stderr, 'nothing was changed (apply --no-run applies the hub objects without starting fake hosts)');
  assert.is(await swarm.client.get({ apiVersion: 'v1', kind: 'Namespace', name: `${swarm.name}-sno-1` }), null, 'nothing was applied');
  exits(await swarm.cli(['apply', '--yes', '--no-run'], env), 0, 'apply --no-run');
});

test('a built image is not mentioned; one whose input changed under the same reference is out of date', async () => {
  const built = await buildSwarmImage(docker, validateConfig({ name: 'x', images }).images, { log: () => {} });
  assert.is(built.ref, swarmImage);
  assert.equal(imageWarnings(await planJson()), []);

  // The agent reference now names another image (a re-pulled :latest, say).
  await tagAs(docker, installer, agent);
  const [warning, ...more] = imageWarnings(await planJson());
  assert.equal(more, []);
  assert.match(warning!, `the swarm image ${swarmImage} on engine `);
  assert.match(warning!, `is out of date (its agent image ${agent} changed: built from `);
  assert.match(warning!, 'run `npm run images`; fake hosts already running keep the image they started from');
});

test.run();
