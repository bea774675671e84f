// Every shim of the swarm image as a program (lib/images/shims/), run on this machine with its
// /bin/sh, table-driven: the exact command lines upstream's agent and installer issue (their
// sources: src/util/execute.go, src/commands/actions/*.go, src/ntp_synchronizer/*.go of the
// agent; src/ops/ops.go, src/installer/installer.go of the installer), and what a host would
// have answered. The programs they start are test/support/fake-upstream.ts's recorders.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { imagesFile } from '../lib/images/layer.ts';
import { ANSWER_FILE, answerText, parseRequest, REQUEST_FILE } from '../lib/runner/players/bootstrap-request.ts';
import { AGENT_PROGRAMS, parseRecord, RECORDER } from './support/fake-upstream.ts';

const SHIMS = new URL('../lib/images/shims', import.meta.url).pathname;
const root = mkdtempSync(join(tmpdir(), 'shims-test-'));
const bin = join(root, 'bin');
const state = join(root, 'state');
mkdirSync(bin);

// Upstream's binaries, as recorders; the images file points the entrypoints at them.
for (const program of ['agent', 'installer', 'assisted-installer-controller']) {
  writeFileSync(join(bin, program), RECORDER);
  chmodSync(join(bin, program), 0o755);
}
for (const program of AGENT_PROGRAMS) symlinkSync('agent', join(bin, program));

const AGENT = 'quay.io/edge-infrastructure/assisted-installer-agent:latest';
const INSTALLER = 'quay.io/edge-infrastructure/assisted-installer:latest';
const CONTROLLER = 'quay.io/edge-infrastructure/assisted-installer-controller:latest';
const imagesPath = join(root, 'images');
writeFileSync(imagesPath, imagesFile({ agent: AGENT, installer: INSTALLER, controller: CONTROLLER }).replaceAll(' /usr/bin/', ` ${bin}/`));
const installerId = readFileSync(imagesPath, 'utf8').split('\n').find((l) => l.startsWith('installer '))!.split(' ')[2]!;

const ENV = {
  PATH: `${SHIMS}:${bin}:/usr/bin:/bin`,
  SWARM_IMAGES_FILE: imagesPath,
  SWARM_SHIM_STATE: state,
  PULL_SECRET_TOKEN: 'the-token',
  DRY_INSTALLER_STEP_SECONDS: '0',
};

interface Result { code: number; stdout: string; stderr: string }

function sh(argv: string[], env: Record<string, string> = {}): Result {
  // A shim that waits when it should not (a wrongly taken hand-over) fails the test instead of hanging it.
  const r = spawnSync(argv[0]!, argv.slice(1), { env: { ...ENV, ...env }, encoding: 'utf8', timeout: 60_000 });
  if (r.error) throw r.error;
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** The agent's privileged prefix (src/util/execute.go) and the installer's (src/ops/ops.go). */
const AGENT_NSENTER = ['nsenter', '--target', '1', '--cgroup', '--mount', '--ipc', '--net', '--'];
const INSTALLER_NSENTER = ['nsenter', '--target', '1', '--cgroup', '--mount', '--ipc', '--pid', '--'];

const INFRA_ENV = '0b4c1f6e-51ae-4cdd-8e4c-0a24ae9a2c21';
const HOST = '6a0e0a2c-2f8e-4f8e-9c43-0ce7a8f4e101';
const CLUSTER = '1e0d6f4b-8d6a-4b8e-9a77-8b5d2b0c9d10';
const URL_ = 'http://127.0.0.1:8090';
const marker = join(root, 'reboot-marker');
const ignition = join(root, 'master.ign');
writeFileSync(ignition, '{"ignition":{"version":"3.2.0"}}\n');

interface Case {
  name: string;
  argv: string[];
  env?: Record<string, string>;
  code: number;
  /** Exact stdout, or a pattern. */
  stdout?: string | RegExp;
  stderr?: RegExp;
  /** The program a shim started, and its arguments and environment. */
  ran?: { program: string; args: string[]; env?: Record<string, string> };
}

const installerArgs = ['--role', 'master', '--infra-env-id', INFRA_ENV, '--cluster-id', CLUSTER, '--host-id', HOST,
  '--boot-device', '/dev/sda', '--url', URL_, '--controller-image', CONTROLLER, '--agent-image', AGENT,
  '--control-plane-count', '1', '--mco-image', 'quay.io/openshift-release-dev/ocp-v4.0-art-dev@sha256:0123', '--openshift-version', '4.20',
  '--insecure', '--installer-args', '["--append-karg","ip=dhcp"]', '--enable-skip-mco-reboot'];
// shellescape.QuoteCommand's way of quoting, as the agent's install step writes it for `sh -c`.
const quote = (args: string[]) => args.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'"'"'`)}'`)).join(' ');
const quoted = quote(installerArgs);
/** The agent's install step (src/commands/actions/install_cmd.go), for these installer arguments. */
const installStep = (args: string[]) => [...AGENT_NSENTER, 'sh', '-c',
  `podman run --privileged --pid=host --net=host --name=assisted-installer -v /dev:/dev:rw -v /opt:/opt:rw -v /var/log:/var/log:rw -v /run/systemd/journal/socket:/run/systemd/journal/socket -v /etc/pki:/etc/pki -v /tmp:/tmp --env=PULL_SECRET_TOKEN ${INSTALLER} ${quote(args)}`];
/** The installer's arguments for a role and a control-plane count (the agent leaves out a count of 0). */
const argsFor = (role: string, count: number) => {
  const args = ['--role', role, ...installerArgs.slice(2)];
  const at = args.indexOf('--control-plane-count');
  if (count) args[at + 1] = String(count);
  else args.splice(at, 2);
  return args;
};
/** A fake host's folder, as the runner makes it: the podman shim hands the bootstrap installer over through it. */
const hostDir = join(root, 'state-dir', 'compact-1', 'compact-1-master-0');
mkdirSync(hostDir, { recursive: true });
const BOOT_ENV = { DRY_ENABLE: 'true', DRY_FAKE_REBOOT_MARKER_PATH: join(hostDir, 'reboot-marker') };

const CASES: Case[] = [
  // nsenter: the agent's and the installer's prefixes, then the command, run right here.
  { name: 'agent: nsenter … -- stat <reboot marker> (before the fake reboot)', argv: [...AGENT_NSENTER, 'stat', marker], code: 1 },
  { name: 'installer: nsenter … --pid -- mkdir -p <dir>', argv: [...INSTALLER_NSENTER, 'mkdir', '-p', join(root, 'opt/install-dir')], code: 0, stdout: '' },
  { name: 'nsenter passes arguments through untouched', argv: [...AGENT_NSENTER, 'sh', '-c', 'printf "%s|" "$@"', 'x', 'a b', '', '--c'], code: 0, stdout: 'a b||--c|' },
  // podman, as the agent's steps call it.
  { name: 'next step runner: podman rm -i next-step-runner (nothing to remove)', argv: [...AGENT_NSENTER, 'podman', 'rm', '-i', 'next-step-runner'], code: 0, stdout: '' },
  {
    name: 'next step runner: podman run … <agent image> next_step_runner …',
    argv: [...AGENT_NSENTER, 'podman', 'run', '--rm', '-ti', '--privileged', '--pid=host', '--uts=host', '--net=host', '--pids-limit=0',
      '-v', '/dev:/dev:rw', '-v', '/opt:/opt:rw', '-v', '/run/systemd/journal/socket:/run/systemd/journal/socket', '-v', '/var/log:/var/log:rw',
      '-v', '/run/media:/run/media:rw', '-v', '/etc/pki:/etc/pki', '--env', 'PULL_SECRET_TOKEN', '--env', 'CONTAINERS_CONF', '--env', 'CONTAINERS_STORAGE_CONF',
      '--env', 'HTTP_PROXY', '--env', 'HTTPS_PROXY', '--env', 'NO_PROXY', '--env', 'http_proxy', '--env', 'https_proxy', '--env', 'no_proxy',
      '--name', 'next-step-runner', AGENT, 'next_step_runner', '--url', URL_, '--infra-env-id', INFRA_ENV, '--host-id', HOST, '--agent-version', AGENT, '--insecure=true'],
    code: 0,
    ran: { program: 'next_step_runner', args: ['--url', URL_, '--infra-env-id', INFRA_ENV, '--host-id', HOST, '--agent-version', AGENT, '--insecure=true'], env: { PULL_SECRET_TOKEN: 'the-token' } },
  },
  {
    name: 'inventory: sh -c "cp /etc/mtab … && podman run … <agent image> inventory"',
    argv: [...AGENT_NSENTER, 'sh', '-c', `cp /etc/mtab ${root}/mtab-${HOST} && podman run --privileged --pid=host --net=host --rm --quiet -v /var/log:/var/log -v /run/udev:/run/udev -v /dev/disk:/dev/disk -v /run/systemd/journal/socket:/run/systemd/journal/socket -v /var/log:/host/var/log:ro -v /proc/meminfo:/host/proc/meminfo:ro -v /sys/kernel/mm/hugepages:/host/sys/kernel/mm/hugepages:ro -v /proc/cpuinfo:/host/proc/cpuinfo:ro -v ${root}/mtab-${HOST}:/host/etc/mtab:ro -v /sys/block:/host/sys/block:ro -v /sys/devices:/host/sys/devices:ro -v /sys/bus:/host/sys/bus:ro -v /sys/class:/host/sys/class:ro -v /run/udev:/host/run/udev:ro -v /dev/disk:/host/dev/disk:ro ${AGENT} inventory`],
    code: 0,
    // A step lives for a moment: no collector (the limit is there for a step that allocates much).
    ran: { program: 'inventory', args: [], env: { GOGC: 'off', GOMEMLIMIT: '64MiB' } },
  },
  {
    name: 'disk speed check: sh -c "id=`podman ps --quiet --filter …` ; test ! -z "$id" || timeout … podman run … disk_speed_check …"',
    argv: [...AGENT_NSENTER, 'sh', '-c', `id=\`podman ps --quiet --filter "name=disk_performance"\` ; test ! -z "$id" || timeout 120 podman run --privileged --rm --quiet -v /dev:/dev:rw -v /var/log:/var/log -v /run/systemd/journal/socket:/run/systemd/journal/socket --name disk_performance ${AGENT} disk_speed_check '{"path":"/dev/sda"}'`],
    code: 0,
    ran: { program: 'disk_speed_check', args: ['{"path":"/dev/sda"}'] },
  },
  {
    name: 'free addresses: sh -c "podman ps --format \'{{.Names}}\' | grep -q … || podman run … free_addresses …"',
    argv: [...AGENT_NSENTER, 'sh', '-c', `podman ps --format '{{.Names}}' | grep -q '^free_addresses_scanner$' || podman run --privileged --net=host --rm --quiet --name free_addresses_scanner -v /var/log:/var/log -v /run/systemd/journal/socket:/run/systemd/journal/socket ${AGENT} free_addresses '["192.168.1.0/24"]'`],
    code: 0,
    ran: { program: 'free_addresses', args: ['["192.168.1.0/24"]'] },
  },
  {
    name: 'logs: timeout 1h podman run … <agent image> logs_sender …',
    argv: [...AGENT_NSENTER, 'timeout', '1h', 'podman', 'run', '--rm', '--privileged', '--net=host', '-v', '/run/systemd/journal/socket:/run/systemd/journal/socket',
      '-v', '/var/log:/var/log', '-v', '/etc/pki:/etc/pki', '--env', 'PULL_SECRET_TOKEN', '--name', 'logs-sender', '--pid=host', AGENT, 'logs_sender',
      '-url', URL_, '-cluster-id', CLUSTER, '-host-id', HOST, '-infra-env-id', INFRA_ENV, '--insecure=true', '-bootstrap=false', '-with-installer-gather-logging=false'],
    code: 0,
    ran: { program: 'logs_sender', args: ['-url', URL_, '-cluster-id', CLUSTER, '-host-id', HOST, '-infra-env-id', INFRA_ENV, '--insecure=true', '-bootstrap=false', '-with-installer-gather-logging=false'] },
  },
  { name: 'install: podman images --quiet <installer image> prints its id (no pull)', argv: [...AGENT_NSENTER, 'podman', 'images', '--quiet', INSTALLER], code: 0, stdout: `${installerId.slice(0, 12)}\n` },
  { name: 'install: podman images --quiet <an image the host lacks> prints nothing', argv: [...AGENT_NSENTER, 'podman', 'images', '--quiet', 'quay.io/x/y:1'], code: 0, stdout: '' },
  { name: 'install: timeout 600 podman pull <installer image>', argv: [...AGENT_NSENTER, 'timeout', '600', 'podman', 'pull', INSTALLER], code: 0, stdout: `${installerId}\n` },
  {
    name: 'install: sh -c "podman run … --name=assisted-installer … <installer image> --role …" runs the installer with all its arguments',
    argv: [...AGENT_NSENTER, 'sh', '-c', `podman run --privileged --pid=host --net=host --name=assisted-installer -v /dev:/dev:rw -v /opt:/opt:rw -v /var/log:/var/log:rw -v /run/systemd/journal/socket:/run/systemd/journal/socket -v /etc/pki:/etc/pki -v /tmp:/tmp --env=PULL_SECRET_TOKEN ${INSTALLER} ${quoted}`],
    code: 0,
    ran: { program: 'installer', args: installerArgs, env: { PULL_SECRET_TOKEN: 'the-token' } },
  },
  // Only the bootstrap host of a multi-node cluster is handed to the runner (docs/upstream-gaps.md, gap 3).
  { name: 'install: single node (--role bootstrap --control-plane-count 1) runs the installer', argv: installStep(argsFor('bootstrap', 1)), env: BOOT_ENV, code: 0, ran: { program: 'installer', args: argsFor('bootstrap', 1) } },
  { name: 'install: a master of a multi-node cluster (--role master --control-plane-count 3) runs the installer', argv: installStep(argsFor('master', 3)), env: BOOT_ENV, code: 0, ran: { program: 'installer', args: argsFor('master', 3) } },
  { name: 'install: a worker (--role worker, no count) runs the installer', argv: installStep(argsFor('worker', 0)), env: BOOT_ENV, code: 0, ran: { program: 'installer', args: argsFor('worker', 0) } },
  {
    name: 'podman run --entrypoint <other> <installer image> --role bootstrap … runs that program, not the hand-over',
    argv: ['podman', 'run', '--rm', '--entrypoint', 'agent', INSTALLER, ...argsFor('bootstrap', 3)], env: BOOT_ENV, code: 0, ran: { program: 'agent', args: argsFor('bootstrap', 3) },
  },
  { name: 'install: the multi-node bootstrap without DRY_FAKE_REBOOT_MARKER_PATH fails, naming it', argv: installStep(argsFor('bootstrap', 3)), code: 125, stderr: /needs DRY_FAKE_REBOOT_MARKER_PATH/ },
  { name: 'stop installation: podman stop -i -t 5 assisted-installer (not running)', argv: [...AGENT_NSENTER, 'podman', 'stop', '-i', '-t', '5', 'assisted-installer'], code: 0, stdout: '' },
  {
    name: 'installer logs: podman run … <agent image> logs_sender … (UploadInstallationLogs)',
    argv: [...INSTALLER_NSENTER, 'podman', 'run', '--rm', '--privileged', '--net=host', '--pid=host', '-v', '/run/systemd/journal/socket:/run/systemd/journal/socket',
      '-v', '/var/log:/var/log', AGENT, 'logs_sender', '-cluster-id', CLUSTER, '-url', URL_, '-host-id', HOST, '-infra-env-id', INFRA_ENV,
      '-pull-secret-token', 'the-token', '-insecure=true', '-bootstrap=true'],
    code: 0,
    ran: { program: 'logs_sender', args: ['-cluster-id', CLUSTER, '-url', URL_, '-host-id', HOST, '-infra-env-id', INFRA_ENV, '-pull-secret-token', 'the-token', '-insecure=true', '-bootstrap=true'] },
  },
  // podman: what a host holding only those images answers.
  { name: 'podman run -e K=V sets it; --env K passes the host\'s', argv: ['podman', 'run', '--rm', '-e', 'A=1 2', '--env=B=x=y', '--env', 'PULL_SECRET_TOKEN', AGENT, 'inventory'], code: 0, ran: { program: 'inventory', args: [], env: { A: '1 2', B: 'x=y', PULL_SECRET_TOKEN: 'the-token' } } },
  { name: 'podman run --entrypoint overrides the image\'s', argv: ['podman', 'run', '--rm', '--entrypoint', 'agent', INSTALLER, '--help'], code: 0, ran: { program: 'agent', args: ['--help'] } },
  { name: 'podman run of an image the host lacks fails as podman does', argv: ['podman', 'run', '--rm', 'quay.io/someone/else:1', 'true'], code: 125, stderr: /quay\.io\/someone\/else:1: image not known .*assisted-installer-agent:latest/ },
  { name: 'podman run with an option the shim does not know fails loudly', argv: ['podman', 'run', '--frobnicate', AGENT, 'inventory'], code: 125, stderr: /unknown run option --frobnicate/ },
  { name: 'podman run of the agent image without a command fails', argv: ['podman', 'run', '--rm', AGENT], code: 125, stderr: /give the command to run/ },
  { name: 'podman pull of an image the host lacks fails (no registry)', argv: ['podman', 'pull', 'quay.io/someone/else:1'], code: 125, stderr: /a fake host pulls nothing/ },
  { name: 'podman image exists <agent image>', argv: ['podman', 'image', 'exists', AGENT], code: 0, stdout: '' },
  { name: 'podman image exists <reference without a tag> (":latest" implied)', argv: ['podman', 'image', 'exists', AGENT.replace(/:latest$/, '')], code: 0 },
  { name: 'podman image exists <another image>', argv: ['podman', 'image', 'exists', 'quay.io/someone/else:1'], code: 1 },
  { name: 'podman image inspect --format={{.Size}} <installer image>', argv: ['podman', 'image', 'inspect', '--format={{.Size}}', INSTALLER], code: 0, stdout: '0\n' },
  { name: 'podman inspect <installer image>', argv: ['podman', 'inspect', INSTALLER], code: 0, stdout: `[{"Id":"${installerId}","RepoTags":["${INSTALLER}"]}]\n` },
  { name: 'podman inspect <nothing known>', argv: ['podman', 'inspect', 'nothing'], code: 125, stderr: /no such object: "nothing"/ },
  { name: 'podman ps --quiet (nothing running)', argv: ['podman', 'ps', '--quiet'], code: 0, stdout: '' },
  { name: 'podman rm of a container that does not exist (no -i)', argv: ['podman', 'rm', 'ghost'], code: 1, stderr: /no such container/ },
  { name: 'podman with a verb the shim does not know succeeds silently', argv: ['podman', 'system', 'prune', '-f'], code: 0, stdout: '' },
  // systemctl: what the dry-run installer and logs_sender ask.
  { name: 'installer (bootstrap): systemctl is-active progress.service', argv: [...INSTALLER_NSENTER, 'systemctl', 'is-active', 'progress.service'], code: 3, stdout: 'inactive\n' },
  { name: 'installer: systemctl show -P ActiveState node-image-pull.service', argv: [...INSTALLER_NSENTER, 'systemctl', 'show', '-P', 'ActiveState', 'node-image-pull.service'], code: 0, stdout: 'active\n' },
  { name: 'installer: systemctl show -P ActiveState node-image-overlay.service', argv: [...INSTALLER_NSENTER, 'systemctl', 'show', '-P', 'ActiveState', 'node-image-overlay.service'], code: 0, stdout: 'active\n' },
  { name: 'installer: systemctl status bootkube.service (for its log)', argv: [...INSTALLER_NSENTER, 'systemctl', 'status', 'bootkube.service'], code: 3, stdout: /bootkube\.service [\s\S]*Active: inactive \(dead\)/ },
  { name: 'installer: systemctl start --no-block node-image-pull.service node-image-overlay.service', argv: [...INSTALLER_NSENTER, 'systemctl', 'start', '--no-block', 'node-image-pull.service', 'node-image-overlay.service'], code: 0, stdout: '' },
  { name: 'systemctl show --property=ActiveState x.service', argv: ['systemctl', 'show', '--property=ActiveState', 'x.service'], code: 0, stdout: 'ActiveState=active\n' },
  { name: 'logs_sender: systemctl list-units --all --no-legend kubelet.service', argv: [...AGENT_NSENTER, 'systemctl', 'list-units', '--all', '--no-legend', 'kubelet.service'], code: 0, stdout: '' },
  // The installer's dry stand-in for coreos-installer.
  { name: 'dry-installer without the ignition it is given fails', argv: [...INSTALLER_NSENTER, 'dry-installer', 'install', '--insecure', '-i', join(root, 'missing.ign'), '/dev/sda'], code: 1, stderr: /cannot read ignition file/ },
  { name: 'dry-installer with another verb fails', argv: ['dry-installer', 'list-stream'], code: 1 },
  // oc: only its presence matters.
  { name: 'oc is a placeholder that says so', argv: [join(SHIMS, 'oc'), 'version'], code: 1, stdout: '', stderr: /placeholder of assisted-swarm/ },
];

for (const c of CASES) {
  test(c.name, () => {
    const r = sh(c.argv, c.env);
    assert.is(r.code, c.code, `exit code; stderr: ${r.stderr}`);
    if (typeof c.stdout === 'string') assert.is(r.stdout, c.stdout);
    else if (c.stdout) assert.match(r.stdout, c.stdout);
    if (c.stderr) assert.match(r.stderr, c.stderr);
    if (c.ran) {
      const rec = parseRecord(r.stdout);
      assert.is(rec.program, c.ran.program);
      assert.equal(rec.args, c.ran.args);
      for (const [k, v] of Object.entries(c.ran.env ?? {})) assert.is(rec.env[k], v, `env ${k}`);
    }
  });
}

test('agent: nsenter … -- stat <reboot marker> succeeds once the marker exists (the fake reboot)', () => {
  writeFileSync(marker, '');
  assert.is(sh([...AGENT_NSENTER, 'stat', marker]).code, 0);
  assert.ok(existsSync(join(root, 'opt/install-dir')), 'the installer\'s mkdir -p ran here');
});

test('nsenter answers `stat PATH` itself, without starting stat; any other stat runs', () => {
  // A PATH whose stat records that it ran: the fast path must not start it.
  const spy = join(root, 'spy-bin');
  mkdirSync(spy, { recursive: true });
  writeFileSync(join(spy, 'stat'), `#!/bin/sh\necho ran >> ${join(root, 'stat-ran')}\nexec /usr/bin/stat "$@"\n`);
  chmodSync(join(spy, 'stat'), 0o755);
  const env = { PATH: `${SHIMS}:${spy}:/usr/bin:/bin` };
  const file = join(root, 'a-file');
  writeFileSync(file, 'x');
  symlinkSync(join(root, 'nowhere'), join(root, 'dangling'));
  assert.equal([sh([...AGENT_NSENTER, 'stat', file], env).code, sh([...INSTALLER_NSENTER, 'stat', file], env).code], [0, 0]);
  const missing = sh([...AGENT_NSENTER, 'stat', join(root, 'absent')], env);
  assert.is(missing.code, 1);
  assert.match(missing.stderr, /No such file or directory/);
  assert.is(sh([...AGENT_NSENTER, 'stat', join(root, 'dangling')], env).code, 0, 'a dangling link exists for stat');
  assert.not.ok(existsSync(join(root, 'stat-ran')), 'stat was started');
  const sized = sh([...AGENT_NSENTER, 'stat', '-c', '%s', file], env);
  assert.equal([sized.code, sized.stdout.trim()], [0, '1']);
  assert.ok(existsSync(join(root, 'stat-ran')), 'stat with options runs stat');
});

/** The agent's parser of `chronyc -n sources` (formatChronySourcesOutput), in TypeScript. */
function chronySources(out: string): { name: string; state: string }[] {
  return out.split('\n').map((l) => l.trim().split(/\s+/)).filter((f) => f[0]?.startsWith('^')).map((f) => ({ name: f[1]!, state: f[0]![1]! }));
}

test('ntp: timeout 10 chronyc -n sources reports a synced source', () => {
  const r = sh([...AGENT_NSENTER, 'timeout', '10', 'chronyc', '-n', 'sources']);
  assert.is(r.code, 0);
  assert.equal(chronySources(r.stdout), [{ name: '127.0.0.1', state: '*' }]);
});

test('ntp: chronyc add server <source> iburst, once, then it is listed', () => {
  for (let i = 0; i < 2; i++) {
    const r = sh([...AGENT_NSENTER, 'chronyc', 'add', 'server', 'ntp.example.com', 'iburst']);
    assert.is(r.code, 0);
    assert.is(r.stdout, '200 OK\n');
  }
  const r = sh([...AGENT_NSENTER, 'timeout', '10', 'chronyc', '-n', 'sources']);
  assert.equal(chronySources(r.stdout), [{ name: '127.0.0.1', state: '*' }, { name: 'ntp.example.com', state: '+' }]);
});

test('dry-installer: coreos-installer\'s progress lines, which the installer parses into rising percentages', () => {
  const r = sh([...INSTALLER_NSENTER, 'dry-installer', 'install', '--insecure', '-i', ignition, '--append-karg', 'ip=dhcp', '/dev/sda']);
  assert.is(r.code, 0, r.stderr);
  // The installer's parser (src/coreos_logger/coreos_installer_log_writer.go).
  const progress = /(.*?)\((.*?%)\)\s*/;
  const percents = r.stdout.split('\n').map((l) => progress.exec(l)?.[2]).filter(Boolean).map((p) => Number(p!.replace('%', '')));
  assert.equal(percents, Array.from({ length: 20 }, (_, i) => (i + 1) * 5));
  assert.ok(r.stdout.includes('> Read disk 4096 MiB/4096 MiB (100%)'), r.stdout);
});

/** Starts `argv` in the background; resolves with its result when it ends. */
function background(argv: string[], env: Record<string, string> = {}) {
  const child = spawn(argv[0]!, argv.slice(1), { env: { ...ENV, ...env } });
  let stdout = '', stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const done = new Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
  return { child, done };
}

async function until(what: string, check: () => boolean): Promise<void> {
  for (let i = 0; i < 600; i++) {
    if (check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`gave up waiting for ${what}`);
}

test('a named container is seen by ps, refuses its name twice, and is stopped by podman stop -i -t 5 assisted-installer', async () => {
  const installer = background(['podman', 'run', '--privileged', '--name=assisted-installer', INSTALLER, '--role', 'master'], { FAKE_SLEEP: '300' });
  await until('the installer to show in podman ps', () => sh(['podman', 'ps', '--format', '{{.Names}}']).stdout === 'assisted-installer\n');
  const ps = sh(['podman', 'ps', '--quiet', '--filter', 'name=assisted']);
  assert.is(ps.stdout, `${installer.child.pid!.toString(16).padStart(12, '0')}\n`, 'the id names the running process');
  const twice = sh(['podman', 'run', '--name=assisted-installer', INSTALLER, '--role', 'master']);
  assert.is(twice.code, 125);
  assert.match(twice.stderr, /already in use/);
  const rm = sh(['podman', 'rm', 'assisted-installer']);
  assert.is(rm.code, 2, 'a running container is not removed without force');
  const stop = sh([...AGENT_NSENTER, 'podman', 'stop', '-i', '-t', '5', 'assisted-installer']);
  assert.is(stop.code, 0, stop.stderr);
  assert.is(stop.stdout, 'assisted-installer\n');
  const ended = await installer.done;
  assert.is(ended.signal, 'SIGTERM');
  assert.is(parseRecord(ended.stdout).program, 'installer');
  assert.is(sh(['podman', 'ps', '--quiet']).stdout, '');
  assert.is(sh(['podman', 'rm', '-i', 'assisted-installer']).code, 0);
});

const requestPath = join(hostDir, REQUEST_FILE);
const answerPath = join(hostDir, ANSWER_FILE);

/** Starts the multi-node bootstrap's install step; resolves once its request is there. */
async function handedOver() {
  const step = background(installStep(argsFor('bootstrap', 3)), BOOT_ENV);
  await until('the request in the host folder', () => existsSync(requestPath));
  return { step, request: parseRequest(readFileSync(requestPath, 'utf8'))! };
}

test('next_step_runner: podman kill --signal USR1 next-step-runner ends it cleanly (exit 0), as a real one ends when told to exit', async () => {
  const runner = background(['podman', 'run', '--rm', '-ti', '--privileged', '--name', 'next-step-runner', AGENT, 'next_step_runner', '--url', URL_, '--host-id', HOST], { FAKE_SLEEP: '300' });
  await until('next_step_runner in podman ps', () => sh(['podman', 'ps', '--format', '{{.Names}}']).stdout === 'next-step-runner\n');
  const kill = sh(['podman', 'kill', '--signal', 'USR1', 'next-step-runner']);
  assert.is(kill.code, 0, kill.stderr);
  const ended = await runner.done;
  assert.is(ended.code, 0, 'the agent sees a clean end, not a crash');
  assert.is(parseRecord(ended.stdout).program, 'next_step_runner');
  assert.is(sh(['podman', 'kill', '--signal', 'USR1', 'next-step-runner']).code, 125, 'no such container any more');
});

test('next_step_runner: TERM (podman stop) is passed on and is not a clean end', async () => {
  const runner = background(['podman', 'run', '--name', 'next-step-runner', AGENT, 'next_step_runner', '--url', URL_], { FAKE_SLEEP: '300' });
  await until('next_step_runner in podman ps', () => sh(['podman', 'ps', '--format', '{{.Names}}']).stdout === 'next-step-runner\n');
  assert.is(sh(['podman', 'stop', '-t', '5', 'next-step-runner']).code, 0);
  const ended = await runner.done;
  assert.is.not(ended.code, 0);
});

test('install: the multi-node bootstrap is handed to the runner: its arguments in a request, no token, the installer not run, "running" until the answer', async () => {
  // An answer left from an earlier attempt must not end this one.
  writeFileSync(answerPath, answerText('4242.1', 0));
  const { step, request } = await handedOver();
  assert.ok(request, 'a whole request');
  assert.equal(request.args, argsFor('bootstrap', 3));
  assert.not.ok(readFileSync(requestPath, 'utf8').includes('the-token'), 'the token stays out of the file');
  assert.not.ok(existsSync(answerPath), 'the old answer was removed before the request was written');
  assert.is(step.child.exitCode, null, 'still running');
  assert.is(sh(['podman', 'ps', '--format', '{{.Names}}']).stdout, 'assisted-installer\n', 'the agent sees the installer container running');
  writeFileSync(answerPath, answerText(request.id, 0, 'played by the runner'));
  const ended = await step.done;
  assert.is(ended.code, 0);
  assert.match(ended.stdout, /played by the runner\n$/);
  assert.not.match(ended.stdout, /program=/, 'upstream\'s installer never ran');
  assert.not.ok(existsSync(requestPath) || existsSync(answerPath), 'both files are gone');
});

test('install: the runner\'s failure is the installer\'s: its exit code and message', async () => {
  const { step, request } = await handedOver();
  writeFileSync(answerPath, answerText(request.id, 1, 'the played bootstrap installer failed: bootstrap.ign answered 404'));
  const ended = await step.done;
  assert.is(ended.code, 1);
  assert.match(ended.stderr, /bootstrap\.ign answered 404/);
});

test('install: podman stop -i -t 5 assisted-installer ends a waiting hand-over and takes its request away', async () => {
  const { step } = await handedOver();
  const stop = sh([...AGENT_NSENTER, 'podman', 'stop', '-i', '-t', '5', 'assisted-installer']);
  assert.is(stop.code, 0, stop.stderr);
  assert.is((await step.done).code, 143);
  assert.not.ok(existsSync(requestPath));
});

test.after(() => rmSync(root, { recursive: true, force: true }));

test.run();
