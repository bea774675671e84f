// `npm run images` against the real Docker engine, on fake upstream images the test makes
// (test/support/fake-upstream.ts): the image is built and tagged with its recipe's reference,
// the shims and files are where the agent and installer look, a changed shim gives a new tag,
// a changed input is noticed, and a missing input or an engine error is reported usefully.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { randomBytes } from 'node:crypto';
import { validateConfig } from '../lib/config/load.ts';
import { buildSwarmImage, ImageBuildError } from '../lib/images/build.ts';
import { MissingInputError } from '../lib/images/inputs.ts';
import { IMAGES_FILE, SHIM_DIR, swarmLayer } from '../lib/images/layer.ts';
import { swarmImageRecipe } from '../lib/images/recipe.ts';
import { IMAGE_LABEL, swarmImageStatus } from '../lib/images/status.ts';
import { hub } from './support/hub.ts';
import { closedPort } from './support/closed-port.ts';
import { ensureFakeUpstreamImage, parseRecord, removeImages, tagAs } from './support/fake-upstream.ts';

const { docker } = await hub();
const run = randomBytes(4).toString('hex');
/** This run's own references: retagging them cannot disturb another test run. */
const ref = (role: string) => `assisted-swarm-test/input-${role}:${run}`;
const created: string[] = [];
const swarmRepo = `assisted-swarm-test/swarm-${run}`;

const agent = await tagAs(docker, await ensureFakeUpstreamImage(docker, 'agent'), ref('agent'));
const installer = await tagAs(docker, await ensureFakeUpstreamImage(docker, 'installer'), ref('installer'));
const controller = await tagAs(docker, await ensureFakeUpstreamImage(docker, 'controller'), ref('controller'));
created.push(agent, installer, controller);

const images = (over: Record<string, string | null> = {}) =>
  validateConfig({ name: 'images-test', images: { agent, installer, controller, swarm: swarmRepo, ...over } }).images;

const lines: string[] = [];
const log = (line: string) => lines.push(line);

/**
 * Busybox's sh (the fake images' shell) runs its own applets before searching PATH, and nsenter
 * is one; the agent and installer look commands up on PATH (Go's exec). This function makes
 * the scripts below do the same.
 */
const PATH_LOOKUP = 'nsenter() { "$(which nsenter)" "$@"; }';

/** Runs `script` with sh in a container of `image`; returns its output and exit code. */
async function runIn(image: string, script: string, env: string[] = []): Promise<{ out: string; code: number }> {
  const container = await docker.createContainer({ Image: image, Cmd: ['sh', '-c', `${PATH_LOOKUP}; ${script}`], Env: env, Labels: { 'assisted-swarm.io/test': 'true' } });
  try {
    const stream = await container.attach({ stream: true, stdout: true, stderr: true });
    const chunks: Buffer[] = [];
    const out = new (await import('node:stream')).PassThrough();
    out.on('data', (c: Buffer) => chunks.push(c));
    docker.modem.demuxStream(stream, out, out);
    await container.start();
    const { StatusCode } = await container.wait();
    await new Promise((r) => setImmediate(r));
    return { out: Buffer.concat(chunks).toString('utf8'), code: StatusCode };
  } finally {
    await container.remove({ force: true });
  }
}

let built = '';

test('builds the swarm image from the inputs, tagged with its recipe, labeled with the inputs', async () => {
  const result = await buildSwarmImage(docker, images(), { log });
  created.push(result.ref);
  built = result.ref;
  assert.is(result.ref, swarmImageRecipe(images()).ref);
  assert.match(result.ref, new RegExp(`^${swarmRepo}:[0-9a-f]{16}$`));
  assert.ok(result.built);
  assert.is(result.pushedTo, null, 'a repository without a registry is not pushed');
  const info = await docker.getImage(result.ref).inspect();
  assert.is(info.Id, result.id);
  const labels = info.Config.Labels;
  for (const [role, input] of Object.entries({ agent, installer, controller })) {
    assert.is(labels[IMAGE_LABEL.input(role as 'agent')], input);
    assert.is(labels[IMAGE_LABEL.inputId(role as 'agent')], (await docker.getImage(input).inspect()).Id);
  }
  assert.is(labels[IMAGE_LABEL.recipe], swarmImageRecipe(images()).hash);
  assert.ok(lines.some((l) => l.includes('Step 1/')), 'the engine\'s build output was shown');
});

test('an up-to-date image is not built again', async () => {
  const status = await swarmImageStatus(docker, images());
  assert.ok(status.upToDate, status.reasons.join('; '));
  const again = await buildSwarmImage(docker, images(), { log });
  assert.not.ok(again.built);
  assert.is(again.ref, built);
});

test('shims, binaries and files are where the agent and the installer look for them', async () => {
  const { out, code } = await runIn(built, [
    'for p in nsenter podman systemctl chronyc dry-installer oc installer assisted-installer-controller agent next_step_runner; do echo "which $p=$(which $p)"; done',
    'for f in /opt/openshift/.bootkube.done /opt/openshift/master.ign /usr/bin/oc; do test -e $f && echo "exists $f"; done',
    'test -x /usr/bin/oc && echo "executable /usr/bin/oc"',
    'echo "agent link=$(readlink /usr/local/bin/agent)"',
    'cat /opt/openshift/master.ign',
  ].join('; '));
  assert.is(code, 0, out);
  for (const shim of ['nsenter', 'podman', 'systemctl', 'chronyc', 'dry-installer']) assert.ok(out.includes(`which ${shim}=${SHIM_DIR}/${shim}\n`), `${shim}:\n${out}`);
  assert.ok(out.includes('which oc=/usr/bin/oc\n'), out);
  assert.ok(out.includes('which installer=/usr/bin/installer\n'), out);
  assert.ok(out.includes('which assisted-installer-controller=/usr/bin/assisted-installer-controller\n'), out);
  assert.ok(out.includes('which next_step_runner=/usr/bin/next_step_runner\n'), 'the agent image\'s own files are kept');
  for (const f of ['/opt/openshift/.bootkube.done', '/opt/openshift/master.ign', '/usr/bin/oc']) assert.ok(out.includes(`exists ${f}\n`), f);
  assert.ok(out.includes('executable /usr/bin/oc'));
  // The discovery ignition's agent.service starts /usr/local/bin/agent (a real host copies it there).
  assert.ok(out.includes('agent link=/usr/bin/agent\n'), out);
  const ign = JSON.parse(out.slice(out.indexOf('{"ignition"')).split('\n')[0]!);
  assert.is(ign.ignition.version, '3.2.0');
});

test('inside the image, the agent\'s next_step_runner command line runs the agent image\'s program', async () => {
  const cmd = `nsenter --target 1 --cgroup --mount --ipc --net -- podman run --rm -ti --privileged --pid=host --uts=host --net=host --pids-limit=0 -v /dev:/dev:rw -v /opt:/opt:rw -v /run/systemd/journal/socket:/run/systemd/journal/socket -v /var/log:/var/log:rw -v /run/media:/run/media:rw -v /etc/pki:/etc/pki --env PULL_SECRET_TOKEN --env CONTAINERS_CONF --env CONTAINERS_STORAGE_CONF --env HTTP_PROXY --env HTTPS_PROXY --env NO_PROXY --env http_proxy --env https_proxy --env no_proxy --name next-step-runner ${agent} next_step_runner --url http://127.0.0.1:8090 --infra-env-id 0b4c1f6e-51ae-4cdd-8e4c-0a24ae9a2c21 --host-id 6a0e0a2c-2f8e-4f8e-9c43-0ce7a8f4e101 --agent-version ${agent} --insecure=true`;
  const { out, code } = await runIn(built, cmd, ['PULL_SECRET_TOKEN=token-1']);
  assert.is(code, 0, out);
  const rec = parseRecord(out);
  assert.is(rec.program, 'next_step_runner');
  assert.equal(rec.args, ['--url', 'http://127.0.0.1:8090', '--infra-env-id', '0b4c1f6e-51ae-4cdd-8e4c-0a24ae9a2c21', '--host-id', '6a0e0a2c-2f8e-4f8e-9c43-0ce7a8f4e101', '--agent-version', agent, '--insecure=true']);
  assert.is(rec.env.PULL_SECRET_TOKEN, 'token-1');
});

test('inside the image, the agent\'s install command runs the installer binary with every argument after the image', async () => {
  const installerArgs = ['--role', 'master', '--infra-env-id', '0b4c1f6e-51ae-4cdd-8e4c-0a24ae9a2c21', '--cluster-id', '1e0d6f4b-8d6a-4b8e-9a77-8b5d2b0c9d10', '--host-id', '6a0e0a2c-2f8e-4f8e-9c43-0ce7a8f4e101', '--boot-device', '/dev/sda', '--url', 'http://127.0.0.1:8090', '--controller-image', controller, '--agent-image', agent, '--control-plane-count', '1', '--openshift-version', '4.20', '--insecure'];
  const cmd = `nsenter --target 1 --cgroup --mount --ipc --net -- podman images --quiet ${installer} && nsenter --target 1 --cgroup --mount --ipc --net -- sh -c "podman run --privileged --pid=host --net=host --name=assisted-installer -v /dev:/dev:rw -v /opt:/opt:rw -v /var/log:/var/log:rw -v /run/systemd/journal/socket:/run/systemd/journal/socket -v /etc/pki:/etc/pki -v /tmp:/tmp --env=PULL_SECRET_TOKEN ${installer} ${installerArgs.join(' ')}"`;
  const { out, code } = await runIn(built, cmd, ['PULL_SECRET_TOKEN=token-2']);
  assert.is(code, 0, out);
  assert.match(out.split('\n')[0]!, /^[0-9a-f]{12}$/, 'podman images --quiet prints an image id, so the agent does not pull');
  const rec = parseRecord(out);
  assert.is(rec.program, 'installer');
  assert.equal(rec.args, installerArgs);
  assert.is(rec.env.PULL_SECRET_TOKEN, 'token-2');
});

test('inside the image, the installer\'s host commands find what it waits for', async () => {
  const nsenter = 'nsenter --target 1 --cgroup --mount --ipc --pid --';
  const { out, code } = await runIn(built, [
    `${nsenter} stat /opt/openshift/.bootkube.done >/dev/null && echo bootkube-done`,
    `${nsenter} stat /usr/bin/oc >/dev/null && echo oc-present`,
    `${nsenter} systemctl is-active progress.service; echo "is-active=$?"`,
    `${nsenter} systemctl show -P ActiveState node-image-pull.service`,
    `DRY_INSTALLER_STEP_SECONDS=0 ${nsenter} dry-installer install --insecure -i /opt/openshift/master.ign /dev/sda | tail -n 1`,
    `${nsenter} timeout 10 chronyc -n sources | grep '^\\^\\*'`,
  ].join('; '));
  assert.is(code, 0, out);
  const got = out.trim().split('\n');
  assert.equal(got.slice(0, 6), ['bootkube-done', 'oc-present', 'inactive', 'is-active=3', 'active', 'Install complete.']);
  assert.match(got[6]!, /^\^\* 127\.0\.0\.1 /);
  assert.is(got.length, 7, out);
});

test('changing a shim changes the tag, and the new image holds the changed shim', async () => {
  const layer = swarmLayer(images()).map((f) => f.path.endsWith('/podman')
    ? { ...f, content: Buffer.concat([f.content, Buffer.from('# changed by a test\n')]) }
    : f);
  const changed = swarmImageRecipe(images(), layer);
  assert.is.not(changed.ref, built);
  const result = await buildSwarmImage(docker, images(), { layer, log });
  created.push(result.ref);
  assert.is(result.ref, changed.ref);
  const { out } = await runIn(result.ref, `tail -n 1 ${SHIM_DIR}/podman; cat ${IMAGES_FILE} | grep -c ^installer`);
  assert.is(out, '# changed by a test\n1\n');
});

test('an input that changed under the same reference makes the image out of date, and the build catches up', async () => {
  const other = await ensureFakeUpstreamImage(docker, 'controller', { variant: 'newer' });
  await tagAs(docker, other, controller);
  const status = await swarmImageStatus(docker, images());
  assert.not.ok(status.upToDate);
  assert.is(status.reasons.length, 1, status.reasons.join('; '));
  assert.match(status.reasons[0]!, /controller image .* changed: built from [0-9a-f]{12}, now [0-9a-f]{12}/);
  assert.is(status.ref, built, 'the tag stays: it names the recipe; the labels name the inputs');
  const rebuilt = await buildSwarmImage(docker, images(), { log });
  assert.ok(rebuilt.built);
  assert.is(rebuilt.inputs.controller, (await docker.getImage(other).inspect()).Id);
  assert.ok((await swarmImageStatus(docker, images())).upToDate);
});

test('a missing input image fails with its name and the three ways to provide it', async () => {
  const absent = `assisted-swarm-test/absent-${run}:1`;
  try {
    await buildSwarmImage(docker, images({ agent: absent }), { pull: 'never', log });
    assert.unreachable('the build went on without its agent image');
  } catch (err) {
    assert.instance(err, MissingInputError);
    const message = (err as Error).message;
    assert.ok(message.includes(`images.agent: ${absent} (not pulled: --pull never)`), message);
    assert.ok(message.includes(`docker pull ${absent}`), message);
    assert.ok(message.includes('docker load -i'), message);
    assert.ok(message.includes(`images: { agent: '<reference>' }`), message);
  }
});

test('a pull that fails is part of the message, for every missing input at once', async () => {
  const unreachable = `127.0.0.1:${await closedPort()}/assisted-swarm-test/absent-${run}:1`;
  try {
    await buildSwarmImage(docker, images({ installer: unreachable, controller: `${unreachable}-2` }), { log });
    assert.unreachable('the build went on without its inputs');
  } catch (err) {
    assert.instance(err, MissingInputError);
    const message = (err as Error).message;
    assert.ok(message.includes(`images.installer: ${unreachable} (pull failed: `), message);
    assert.ok(message.includes(`images.controller: ${unreachable}-2 (pull failed: `), message);
    assert.ok(lines.includes(`pulling ${unreachable}`), 'the pull was tried and shown');
  }
});

test('an engine build error is reported with the engine\'s message and output', async () => {
  const broken = await tagAs(docker, await ensureFakeUpstreamImage(docker, 'installer', { withoutBinary: true }), `assisted-swarm-test/input-broken:${run}`);
  created.push(broken);
  try {
    await buildSwarmImage(docker, images({ installer: broken }), { log });
    assert.unreachable('the build succeeded without an installer binary');
  } catch (err) {
    assert.instance(err, ImageBuildError);
    const message = (err as Error).message;
    assert.match(message, /could not build assisted-swarm-test\/swarm-[0-9a-f]+:[0-9a-f]{16}: .*usr\/bin\/installer/);
    assert.ok(message.includes('engine output'), message);
    assert.ok(message.includes(`COPY --from=${broken} /usr/bin/installer`), message);
  }
});

test('a reference that names a registry is pushed, and a failed push says where and how', async () => {
  const registry = `127.0.0.1:${await closedPort()}`;
  try {
    const result = await buildSwarmImage(docker, images({ swarm: `${registry}/assisted-swarm-test/swarm-${run}` }), { log });
    created.push(result.ref);
    assert.unreachable('a push to a closed port succeeded');
  } catch (err) {
    created.push(swarmImageRecipe(images({ swarm: `${registry}/assisted-swarm-test/swarm-${run}` })).ref);
    const message = (err as Error).message;
    assert.ok(message.startsWith(`pushing ${registry}/assisted-swarm-test/swarm-${run}:`), message);
    assert.ok(message.includes(`to ${registry} anonymously`), message);
  }
  assert.ok(lines.some((l) => l.startsWith(`pushing ${registry}/`)));
});

test.after(async () => {
  await removeImages(docker, created);
});

test.run();
