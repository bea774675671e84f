// The Docker engine and the engine pool against the real Docker engine of the test hub.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readdirSync, readFileSync, rmSync, existsSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { hub, removeTestContainers, testLabels, TEST_ID_LABEL } from './support/hub.ts';
import { ensureTinyImage } from './support/images.ts';
import { DockerEngine } from '../lib/engine/docker.ts';
import { diskNames, localDisks } from '../lib/engine/docker-disks.ts';
import { EnginePool, openEngines } from '../lib/engine/pool.ts';
import { parseDockerHost } from '../lib/engine/docker-host.ts';
import type { ContainerEvent, ContainerInfo, LaunchSpec } from '../lib/engine/engine.ts';
import { LABEL } from '../lib/swarm/labels.ts';

const { docker } = await hub();
const image = await ensureTinyImage(docker);
const labels = testLabels();
const id = labels[TEST_ID_LABEL]!;
const dir = mkdtempSync(join(tmpdir(), 'engine-test-'));
const warnings: string[] = [];
const engine = new DockerEngine({ host: `unix://${(docker.modem as { socketPath?: string }).socketPath}`, warn: (m) => warnings.push(m) });

function spec(name: string, over: Partial<LaunchSpec> = {}): LaunchSpec {
  return {
    name: `engine-test-${id}-${name}`,
    image,
    command: ['sh', '-c', 'echo "hello $GREETING $SECRET"; sleep 600'],
    env: { GREETING: 'world' },
    runtimeEnv: { SECRET: 's3cr3t' },
    labels: { ...labels },
    networkMode: 'host',
    capAdd: ['NET_ADMIN'],
    capDrop: ['SYS_RESOURCE'],
    securityOpt: ['seccomp=unconfined'],
    diskNodes: false,
    memoryBytes: 64 * 1024 * 1024,
    nanoCpus: 250_000_000,
    mounts: [{ source: dir, target: '/state', readOnly: false }],
    extraHosts: [`api.c1.example.com:127.0.0.1`],
    restartLimit: 0,
    runtimeFiles: [],
    ...over,
  };
}

async function until<T>(what: string, fn: () => Promise<T | undefined | null | false>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

test.after(async () => {
  await removeTestContainers(docker, labels);
  rmSync(dir, { recursive: true, force: true });
});

test('a container is made exactly from its launch spec', async () => {
  const missing = join(dir, 'no-such-hardware');
  const started = await engine.start(spec('exact', {
    mounts: [{ source: dir, target: '/state', readOnly: false }, { source: missing, target: '/host/run/udev', readOnly: true }],
  }));
  const c = await docker.getContainer(started.id).inspect();
  assert.is(c.HostConfig.NetworkMode, 'host');
  assert.equal(c.HostConfig.CapAdd, ['NET_ADMIN']);
  assert.equal(c.HostConfig.CapDrop, ['SYS_RESOURCE']);
  assert.equal(c.HostConfig.SecurityOpt, ['seccomp=unconfined']);
  assert.is(c.HostConfig.Memory, 64 * 1024 * 1024);
  assert.is(c.HostConfig.NanoCpus, 250_000_000);
  assert.equal(c.HostConfig.ExtraHosts, ['api.c1.example.com:127.0.0.1']);
  assert.equal(c.Path, 'sh');
  assert.equal(c.Args, ['-c', 'echo "hello $GREETING $SECRET"; sleep 600']);
  assert.ok(c.Config.Env.includes('GREETING=world') && c.Config.Env.includes('SECRET=s3cr3t'));
  for (const [k, v] of Object.entries(labels)) assert.is(c.Config.Labels[k], v);
  // The writable mount is there; the missing read-only source was skipped, with a warning.
  assert.equal(c.Mounts.map((m) => [m.Source, m.Destination, m.RW]), [[dir, '/state', true]]);
  assert.ok(warnings.some((w) => w.includes(missing)), `no warning about ${missing}: ${warnings}`);
  const logs = await until('logs', async () => (await engine.logs(started.id)).includes('hello') && engine.logs(started.id));
  assert.is(logs.trim(), 'hello world s3cr3t');
});

test('run-time files are in place when the container starts (the service CA from the ignition)', async () => {
  const started = await engine.start(spec('files', {
    command: ['sh', '-c', 'cat /etc/assisted-service/service-ca-cert.crt; sleep 600'],
    runtimeFiles: [{ path: '/etc/assisted-service/service-ca-cert.crt', content: '-----BEGIN CERTIFICATE-----\nMIIB\n' }],
  }));
  const logs = await until('logs', async () => (await engine.logs(started.id)).includes('BEGIN') && engine.logs(started.id));
  assert.is(logs, '-----BEGIN CERTIFICATE-----\nMIIB\n');
  // Nothing on the engine's machine: the file lives in the container only.
  assert.equal(readdirSync(dir), []);
});

test('what the engine holds, and which images it has', async () => {
  const cap = await engine.capacity();
  assert.ok(cap && cap.cpus === cpus().length && Math.abs(cap.memoryBytes - totalmem()) < 0.05 * totalmem(), JSON.stringify(cap));
  assert.is(await engine.hasImage(image), true);
  assert.is(await engine.hasImage('assisted-swarm-test/none:0'), false);
});

test('containers are found by label, inspected, and removed; removing a missing one is fine', async () => {
  const mine = { ...labels, 'engine-test/which': 'listed' };
  const a = await engine.start(spec('listed', { labels: mine }));
  const found = await engine.list(mine);
  assert.equal(found.map((c) => [c.id, c.name, c.state, c.engine]), [[a.id, spec('listed').name, 'running', engine.name]]);
  assert.is((await engine.inspect(a.id))!.restartCount, 0);
  await engine.remove(a.id);
  assert.equal(await engine.list(mine), []);
  assert.is(await engine.inspect(a.id), null);
  await engine.remove(a.id);
});

test('a second container of the same name is refused', async () => {
  await engine.start(spec('twice'));
  const err = await engine.start(spec('twice')).then(() => null, (e: Error) => e);
  assert.ok(err && /Conflict|already in use/i.test(err.message), String(err));
});

test('a container that exits non-zero is restarted up to its cap, then stays dead; exit 0 is not restarted', async () => {
  const mine = { ...labels, 'engine-test/which': 'restart' };
  const events: ContainerEvent[] = [];
  const stop = engine.watch(mine, (e) => events.push(e), () => undefined);
  try {
    await new Promise((r) => setTimeout(r, 300)); // the event stream is open
    const failing = await engine.start(spec('dies', { labels: { ...mine, n: 'dies' }, command: ['sh', '-c', 'exit 3'], restartLimit: 2 }));
    const ok = await engine.start(spec('ends', { labels: { ...mine, n: 'ends' }, command: ['true'], restartLimit: 2 }));
    const dead = await until('the failing container to stay dead', async () => {
      const info = await engine.inspect(failing.id);
      return info?.state === 'exited' && info.restartCount === 2 && info;
    });
    assert.is(dead.exitCode, 3);
    const ended = await until('the ending container to end', async () => {
      const info = await engine.inspect(ok.id);
      return info?.state === 'exited' && info;
    });
    assert.equal([ended.exitCode, ended.restartCount], [0, 0]);
    const dies = await until('3 die events', async () => {
      const d = events.filter((e) => e.id === failing.id && e.action === 'die');
      return d.length >= 3 && d;
    });
    assert.equal(dies.map((e) => e.exitCode), [3, 3, 3]);
    assert.is(dies[0]!.labels.n, 'dies');
    const listed = (await engine.list(mine)).find((c) => c.id === failing.id)!;
    assert.equal([listed.state, listed.exitCode], ['exited', 3]);
  } finally {
    stop();
  }
});

test('a fake host sees the machine\'s disks as device nodes it cannot open (local and remote lookup)', async () => {
  const disks = localDisks();
  assert.ok(disks.length > 0, 'this machine has a disk in /sys/block');
  const probe = disks.map((d) => `test -b /dev/${d} && echo "node ${d}"; head -c 1 /dev/${d} >/dev/null 2>&1 && echo "READ ${d}"`).join('; ');
  for (const [way, eng] of [['local', engine], ['remote', new DockerEngine({ host: `unix://${(docker.modem as { socketPath?: string }).socketPath}`, filesThroughEngine: true })]] as const) {
    const c = await eng.start(spec(`disks-${way}`, { diskNodes: true, command: ['sh', '-c', `${probe}; echo done; sleep 600`], capAdd: ['ALL'] }));
    const out = await until(`${way} probe output`, async () => {
      const text = await eng.logs(c.id);
      return text.includes('done') ? text : null;
    });
    for (const d of disks) assert.ok(out.includes(`node ${d}`), `${way}: /dev/${d} missing:\n${out}`);
    assert.not.match(out, /READ /, `${way}: a disk could be read`);
    await eng.remove(c.id);
  }
  assert.is(diskNames(['loop0', 'vda', 'zram0', 'sda', 'dm-1', 'nvme0n1', 'sr0']).join(','), 'nvme0n1,sda,vda');
});

test('files are written through a helper container as well as directly', async () => {
  const remote = new DockerEngine({ host: `unix://${(docker.modem as { socketPath?: string }).socketPath}`, filesThroughEngine: true });
  const root = join(dir, 'through-engine', 'a-rather-long-folder-name-to-exercise-the-tar-prefix-field-of-ustar-headers');
  await remote.writeFiles({
    image,
    dirs: [join(root, 'host-0'), join(root, 'host-1')],
    files: [{ path: join(root, 'cluster-hosts.json'), content: '[{"hostname":"h"}]' }],
  });
  assert.ok(existsSync(join(root, 'host-0')) && existsSync(join(root, 'host-1')));
  assert.is(readFileSync(join(root, 'cluster-hosts.json'), 'utf8'), '[{"hostname":"h"}]');
  const local = join(dir, 'local');
  await engine.writeFiles({ image, dirs: [join(local, 'h')], files: [{ path: join(local, 'f.json'), content: '{}' }] });
  assert.is(readFileSync(join(local, 'f.json'), 'utf8'), '{}');
  // What a new container must not find goes, either way (a file absent already is no error).
  const marker = join(root, 'host-0', 'reboot-marker');
  writeFileSync(marker, '');
  await remote.writeFiles({ image, dirs: [], files: [], remove: [marker, join(root, 'host-1', 'absent')] });
  assert.not.ok(existsSync(marker), 'removed through the helper');
  writeFileSync(join(local, 'h', 'reboot-marker'), '');
  await engine.writeFiles({ image, dirs: [], files: [], remove: [join(local, 'h', 'reboot-marker')] });
  assert.not.ok(existsSync(join(local, 'h', 'reboot-marker')), 'removed directly');
  // No helper container is left behind.
  const helpers = await docker.listContainers({ all: true, filters: { label: ['assisted-swarm.io/component=files-helper'] } });
  assert.is(helpers.length, 0);
});

test('a swarm\'s folder is removed whole, through a helper container as well as directly; an absent one is said to be none', async () => {
  const remote = new DockerEngine({ host: `unix://${(docker.modem as { socketPath?: string }).socketPath}`, filesThroughEngine: true });
  for (const [way, eng] of [['remote', remote], ['local', engine]] as const) {
    const folder = join(dir, `swarm-folder-${way}`, 'demo');
    await eng.writeFiles({ image, dirs: [join(folder, 'sno-1')], files: [{ path: join(folder, 'sno-1', 'reboot-marker'), content: '' }] });
    assert.match((await eng.removeFolder(folder, image)) ?? '', `removed ${folder}`, way);
    assert.not.ok(existsSync(folder), `${way}: the folder is gone`);
    assert.ok(existsSync(dirname(folder)), `${way}: its parent stays`);
  }
  assert.is(await engine.removeFolder(join(dir, 'never-made'), image), null);
  const helpers = await docker.listContainers({ all: true, filters: { label: ['assisted-swarm.io/component=files-helper'] } });
  assert.is(helpers.length, 0, 'no helper container is left behind');
});

test('a mounted file is read back through a container that mounts it as well as directly; a missing one is null', async () => {
  const remote = new DockerEngine({ host: `unix://${(docker.modem as { socketPath?: string }).socketPath}`, filesThroughEngine: true });
  const folder = join(dir, 'read-back');
  await engine.writeFiles({ image, dirs: [folder], files: [{ path: join(folder, 'request'), content: 'id 1\narg --role\n' }] });
  const c = await remote.start(spec('read-back', { command: ['sleep', '600'], mounts: [{ source: folder, target: folder, readOnly: false }] }));
  assert.is(await remote.readFile(join(folder, 'request'), c.id), 'id 1\narg --role\n');
  assert.is(await remote.readFile(join(folder, 'answer'), c.id), null);
  const refused = await remote.readFile(join(folder, 'request'), null).then(() => null, (e: Error) => e.message);
  assert.match(refused ?? 'read without a container', /engine is remote and no container mounts it/);
  assert.is(await engine.readFile(join(folder, 'request'), null), 'id 1\narg --role\n');
  assert.is(await engine.readFile(join(folder, 'answer'), null), null);
  await remote.remove(c.id);
});

test('a pool keeps each cluster on one engine and spreads clusters across engines', async () => {
  const socket = `unix://${(docker.modem as { socketPath?: string }).socketPath}`;
  const pool = new EnginePool([new DockerEngine({ host: socket, name: 'a' }), new DockerEngine({ host: socket, name: 'b' })]);
  const mine = { ...labels, 'engine-test/which': 'pool' };
  const started: ContainerInfo[] = [];
  for (const cluster of ['c1', 'c2']) {
    for (const h of [0, 1]) {
      started.push(await pool.start(spec(`${cluster}-${h}`, { labels: { ...mine, [LABEL.cluster]: cluster }, command: ['sleep', '600'] })));
    }
  }
  const byCluster = (cl: string) => new Set(started.filter((c) => c.labels[LABEL.cluster] === cl).map((c) => c.engine));
  assert.is(byCluster('c1').size, 1);
  assert.is(byCluster('c2').size, 1);
  assert.is.not([...byCluster('c1')][0], [...byCluster('c2')][0]);
  // A new pool (a re-run) finds where each cluster runs and keeps it there.
  const again = new EnginePool([new DockerEngine({ host: socket, name: 'b' }), new DockerEngine({ host: socket, name: 'a' })]);
  const listed = await again.list(mine);
  // Both engines share one socket, so each lists every container: the first to list wins.
  assert.is(listed.length, 8);
  const next = await again.start(spec('c1-2', { labels: { ...mine, [LABEL.cluster]: 'c1' }, command: ['sleep', '600'] }));
  assert.is(next.engine, 'b');
  for (const c of [...started, next]) await again.remove(c.id);
  assert.is((await again.list(mine)).length, 0);
});

test('DOCKER_HOST values become connection options: unix, tcp (TLS from the docker env), ssh', () => {
  assert.equal(parseDockerHost(undefined, {}), { name: 'local', local: true, options: { socketPath: '/var/run/docker.sock' } });
  assert.equal(parseDockerHost(undefined, { DOCKER_HOST: 'unix:///run/user/1/docker.sock' }).options, { socketPath: '/run/user/1/docker.sock' });
  assert.equal(parseDockerHost('tcp://10.1.2.3:2375', {}), { name: 'tcp://10.1.2.3:2375', local: false, options: { protocol: 'http', host: '10.1.2.3', port: 2375 } });
  assert.is(parseDockerHost('tcp://h:2376', {}).options.protocol, 'https');
  assert.is(parseDockerHost('tcp://h:2375', { DOCKER_TLS_VERIFY: '1' }).options.protocol, 'https');
  const ssh = parseDockerHost('ssh://core@host-2:2222', { SSH_AUTH_SOCK: '/tmp/agent.sock' });
  assert.equal(ssh, { name: 'ssh://host-2:2222', local: false, options: { protocol: 'ssh', host: 'host-2', port: 2222, username: 'core', sshOptions: { agent: '/tmp/agent.sock' } } });
  assert.throws(() => parseDockerHost('npipe:////./pipe/docker', {}), /unsupported scheme npipe:/);
  // Two entries for one address are two engines with names of their own.
  assert.equal(openEngines(['unix:///a.sock', 'unix:///a.sock']).engines.map((e) => e.name), ['unix:///a.sock', 'unix:///a.sock#2']);
});

test('an engine that is down fails with a clear message', async () => {
  const down = new DockerEngine({ host: `unix://${join(dir, 'no.sock')}` });
  const err = await down.ping().then(() => null, (e: Error) => e);
  assert.ok(err);
  assert.match(err.message, /does not answer/);
  const listErr = await down.list(labels).then(() => null, (e: Error) => e);
  assert.match(String(listErr), /cannot list containers: the engine does not answer/);
});

test.run();
