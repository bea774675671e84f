// The pods' launcher (lib/images/shims/swarm-launch) as a program, run on this machine with its
// /bin/sh against a launch Secret's files in a temp folder: it starts the command of the Secret
// with its environment and files, ends with the command's exit code, passes a stop on, counts
// its starts and stops at the restart cap with the last exit code in the termination message.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RESTART_CAP_MESSAGE } from '../lib/engine/kubernetes-pods.ts';

const LAUNCHER = new URL('../lib/images/shims/swarm-launch', import.meta.url).pathname;
const root = mkdtempSync(join(tmpdir(), 'swarm-launch-test-'));
test.after(() => rmSync(root, { recursive: true, force: true }));

let n = 0;
/** A pod's folders: the launch Secret's files, the restarts emptyDir, the termination log. */
function pod(secret: Record<string, string>, env: Record<string, string> = {}) {
  const dir = join(root, `pod-${++n}`);
  const launch = join(dir, 'launch');
  const restarts = join(dir, 'restarts');
  mkdirSync(launch, { recursive: true });
  mkdirSync(restarts);
  for (const [name, content] of Object.entries(secret)) writeFileSync(join(launch, name), content);
  const termination = join(dir, 'termination-log');
  const vars = { PATH: '/usr/bin:/bin', SWARM_LAUNCH_DIR: launch, SWARM_RESTARTS_DIR: restarts, SWARM_TERMINATION_LOG: termination, ...env };
  return {
    dir,
    termination: () => (existsSync(termination) ? readFileSync(termination, 'utf8') : null),
    run: () => {
      const r = spawnSync(LAUNCHER, [], { env: vars, encoding: 'utf8', timeout: 30_000 });
      return { code: r.status, stdout: r.stdout, stderr: r.stderr };
    },
    spawn: () => spawn(LAUNCHER, [], { env: vars, stdio: ['ignore', 'pipe', 'pipe'] }),
  };
}
const lines = (...args: string[]) => args.map((a) => `${a}\n`).join('');

test('runs the command of the Secret, argument per line, with its environment and files in place', () => {
  const ca = join(root, 'etc', 'ca.crt');
  const p = pod({
    command: lines('/bin/sh', '-c', 'echo "$1 token=$TOKEN"; cat "$2"', 'sh', 'an argument with spaces', ca),
    env: lines('TOKEN=secret=with=equals'),
    files: lines(ca),
    'file-0': 'the CA\n',
  });
  const r = p.run();
  assert.is(r.code, 0, r.stderr);
  assert.is(r.stdout, 'an argument with spaces token=secret=with=equals\nthe CA\n');
});

test('ends with the command\'s exit code', () => {
  assert.is(pod({ command: lines('/bin/sh', '-c', 'exit 3') }).run().code, 3);
});

test('makes the reboot marker\'s folder', () => {
  const marker = join(root, 'state', 'cluster', 'host', 'rebooted');
  assert.is(pod({ command: lines('/bin/true') }, { DRY_FAKE_REBOOT_MARKER_PATH: marker }).run().code, 0);
  assert.ok(existsSync(join(root, 'state', 'cluster', 'host')));
});

test('a fake host\'s first start clears an earlier life\'s reboot marker and bootstrap files; a restart keeps them', () => {
  const folder = join(root, 'state', 'cluster', 'again');
  const marker = join(folder, 'reboot-marker');
  const p = pod({ command: lines('/bin/sh', '-c', `[ ! -e ${marker} ] || exit 9; touch ${marker}; exit 1`) }, { DRY_FAKE_REBOOT_MARKER_PATH: marker, SWARM_DISK_NODES: '1' });
  mkdirSync(folder, { recursive: true });
  for (const f of ['reboot-marker', 'bootstrap-installer.request', 'bootstrap-installer.answer']) writeFileSync(join(folder, f), 'earlier life');
  assert.is(p.run().code, 1, 'the first start found no marker');
  assert.not.ok(existsSync(join(folder, 'bootstrap-installer.request')));
  assert.is(p.run().code, 9, 'a restart finds the marker its own life left');
});

test('without a command it fails and says so', () => {
  const r = pod({}).run();
  assert.is(r.code, 1);
  assert.match(r.stderr, /no command in .*launch Secret/);
});

test('after SWARM_RESTART_LIMIT restarts it runs nothing, ends with 0 and says why with the last exit code', () => {
  const ran = join(root, 'ran');
  const p = pod({ command: lines('/bin/sh', '-c', `echo x >> ${ran}; exit 7`) }, { SWARM_RESTART_LIMIT: '2' });
  assert.equal([p.run().code, p.run().code, p.run().code], [7, 7, 7], 'the first start and 2 restarts run the command');
  assert.is(p.termination(), null);
  const capped = p.run();
  assert.is(capped.code, 0, 'exit 0: the kubelet (OnFailure) restarts it no more');
  assert.is(p.termination(), `${RESTART_CAP_MESSAGE} (2 restarts, last exit 7): not starting again\n`);
  assert.is(readFileSync(ran, 'utf8'), 'x\nx\nx\n', 'the command ran 3 times');
});

test('a stop (SIGTERM) reaches the command, and the launcher ends with its exit code', async () => {
  const p = pod({ command: lines('/bin/sh', '-c', 'trap "echo stopping; exit 143" TERM; echo up; while :; do sleep 0.1; done') });
  const child = p.spawn();
  let out = '';
  await new Promise<void>((up) => child.stdout!.on('data', (d) => { out += d; if (out.includes('up')) up(); }));
  child.kill('SIGTERM');
  const code = await new Promise((done) => child.on('close', done));
  assert.is(code, 143);
  assert.match(out, 'stopping');
});

test.run();
