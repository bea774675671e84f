// `npm run images` puts the swarm image where the fake hosts start when no registry is named:
// into the containerd of the hub's node (a Kubernetes target on this machine), and onto every
// Docker engine of runtime.engines through the engine API (a second dockerd of the test's own
// that shares no image with the machine's). Only where it is missing or another image holds
// its name; plan names the engines that lack it.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validateConfig } from '../lib/config/load.ts';
import type { SwarmConfigInput } from '../lib/config/types.ts';
import { synthToDir } from '../lib/constructs/synth.ts';
import { readLaunchPlans } from '../lib/dist/read.ts';
import { openTarget } from '../lib/engine/target.ts';
import { describeKubeConfig } from '../lib/hub/kubeconfig.ts';
import { containerdHas, containerdName } from '../lib/images/containerd.ts';
import { imageId } from '../lib/images/inputs.ts';
import { swarmImageRef } from '../lib/images/recipe.ts';
import { swarmImageProblems } from '../lib/plan/image.ts';
import { expandSwarm } from '../lib/swarm/expand.ts';
import { ensureFakeUpstreamImage, removeImages, tagAs } from './support/fake-upstream.ts';
import { hubWithNode, REPO_ROOT } from './support/hub.ts';
import { startSecondDocker } from './support/second-docker.ts';

const h = await hubWithNode();
const run = randomBytes(4).toString('hex');
const dir = mkdtempSync(join(tmpdir(), 'images-place-'));
const inputs = {
  agent: await tagAs(h.docker, await ensureFakeUpstreamImage(h.docker, 'agent'), `assisted-swarm-test/input-agent:${run}`),
  installer: await tagAs(h.docker, await ensureFakeUpstreamImage(h.docker, 'installer'), `assisted-swarm-test/input-installer:${run}`),
  controller: await tagAs(h.docker, await ensureFakeUpstreamImage(h.docker, 'controller'), `assisted-swarm-test/input-controller:${run}`),
};
const images = { ...inputs, swarm: `assisted-swarm-test/swarm-place-${run}` };
const second = await startSecondDocker();
const socket = h.node.containerdSocket;
const ctr = (...args: string[]) => execFileSync('ctr', ['--address', socket, '-n', 'k8s.io', ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });

test.after(async () => {
  await second.stop();
  const ref = swarmImageRef(validateConfig({ name: 'x', images }).images);
  try { ctr('images', 'rm', containerdName(ref)); } catch { /* not imported */ }
  await removeImages(h.docker, [ref, ...Object.values(inputs)]);
  rmSync(dir, { recursive: true, force: true });
});

/** A config file of the swarm, its dist/ synthesized; returns the config file. */
function swarmConfig(name: string, runtime: NonNullable<SwarmConfigInput['runtime']>) {
  const input = { name, images, clusters: [{ name: 'sno', topology: 'single-node' as const }], runtime };
  const file = join(dir, `${name}.config.ts`);
  writeFileSync(file, `export default ${JSON.stringify(input)};\n`);
  const config = validateConfig(input);
  const dist = join(dir, `${name}-dist`);
  synthToDir(expandSwarm(config), dist);
  return { file, config, dist };
}

function images_(configFile: string): Promise<{ code: number | null; out: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'lib/cli/main.ts'), 'images', '--config', configFile, '--pull', 'never'], {
    cwd: REPO_ROOT, env: { ...process.env, DOCKER_HOST: 'unix:///var/run/docker.sock' }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  return new Promise((done) => child.on('close', (code) => done({ code, out })));
}

test('a Kubernetes target with a node on this machine: imported into its containerd once; plan says when it is not there', async () => {
  const { file, config, dist } = swarmConfig('place-kube', { kubernetes: { containerdSocket: socket } });
  const ref = swarmImageRef(config.images);
  const first = await images_(file);
  assert.is(first.code, 0, first.out);
  assert.match(first.out, `${ref} on containerd ${socket}: imported`);
  const id = (await imageId(h.docker, ref))!;
  assert.ok(await containerdHas(socket, ref, id), 'the node\'s containerd has the image Docker built, under the name the kubelet looks up');

  const again = await images_(file);
  assert.match(again.out, `${ref} on containerd ${socket}: there already`);

  const engines = openTarget(config, { dist, hub: describeKubeConfig(h.kubeConfig, h.kubeconfigPath) });
  const launch = readLaunchPlans(dist);
  assert.equal(await swarmImageProblems(engines, config.images, launch), []);
  ctr('images', 'rm', containerdName(ref));
  const problems = await swarmImageProblems(engines, config.images, launch);
  assert.equal(problems.map((p) => [p.kind, p.message]), [['missing', `the swarm image ${ref} is not in the node's containerd (${socket}): run \`npm run images\` before fake hosts start (apply hands over to the runner only once it is there)`]]);
});

test('several Docker engines: the image copied through the engine API to the one that lacks it, once; plan names that engine', async () => {
  const { file, config, dist } = swarmConfig('place-docker', { engines: ['unix:///var/run/docker.sock', second.host] });
  const ref = swarmImageRef(config.images);
  const first = await images_(file);
  assert.is(first.code, 0, first.out);
  assert.match(first.out, `${ref} on local: there already`);
  assert.match(first.out, `${ref} on ${second.host}: copied`);
  assert.is(await imageId(second.docker, ref), await imageId(h.docker, ref), 'the same image, by id');

  const again = await images_(file);
  assert.match(again.out, `${ref} on ${second.host}: there already`);

  const engines = openTarget(config);
  const launch = readLaunchPlans(dist);
  assert.equal(await swarmImageProblems(engines, config.images, launch), []);
  await second.docker.getImage(ref).remove({ force: true });
  const problems = await swarmImageProblems(engines, config.images, launch);
  assert.equal(problems.map((p) => [p.engine, p.kind]), [[second.host, 'missing']]);
});

test.run();
