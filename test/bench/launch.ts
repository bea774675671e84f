// `npm run bench -- launch [N] [--concurrency C]`: N containers of a minimal image (the tests'
// static busybox, `sleep`) shaped like fake hosts (host network, caps, env, labels, a bind
// mount, /etc/hosts entries, memory and CPU limits, restart policy), started three ways on the
// same engine, in two rounds (engine and raw take turns going first, so neither always gets
// the fresher daemon):
//   engine   lib/engine (DockerEngine.start) with C starts in flight
//   raw      dockerode createContainer + start with the same options and C in flight
//   cli      a plain `docker run -d` loop
// Prints containers per second of each, engine/cli and engine/raw, and the memory the engine
// reports per running container (docker stats: usage less inactive file cache).
// Targets: engine at least 3 times cli, and at least 90% of raw. One run: figures, not a test.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pLimit from 'p-limit';
import type Docker from 'dockerode';
import { DockerEngine } from '../../lib/engine/docker.ts';
import type { LaunchSpec } from '../../lib/engine/engine.ts';
import { hub, labelFilter, removeTestContainers, testLabels } from '../support/hub.ts';
import { ensureTinyImage } from '../support/images.ts';

function specs(n: number, way: string, image: string, labels: Record<string, string>, dir: string): LaunchSpec[] {
  return Array.from({ length: n }, (_, i) => ({
    name: `bench-launch-${labels['assisted-swarm.io/test-id']}-${way}-${i}`,
    image,
    command: ['sleep', '3600'],
    runtimeFiles: [],
    env: {
      DRY_ENABLE: 'true', DRY_HOST_ID: `00000000-0000-0000-0000-${String(i).padStart(12, '0')}`, DRY_FORCED_MAC_ADDRESS: '02:00:00:00:00:01',
      DRY_FORCED_HOST_IPV4: `10.0.${i >> 8}.${i & 255}/16`, DRY_FORCED_HOSTNAME: `host-${i}`, DRY_FAKE_REBOOT_MARKER_PATH: `${dir}/host-${i}/reboot-marker`,
      DRY_CLUSTER_HOSTS_PATH: `${dir}/cluster-hosts.json`,
    },
    runtimeEnv: { PULL_SECRET_TOKEN: 'bench-token' },
    labels: { ...labels, 'bench/way': way, 'assisted-swarm.io/host': `host-${i}` },
    networkMode: 'host',
    capAdd: ['NET_ADMIN'], capDrop: ['SYS_RESOURCE'], diskNodes: false, securityOpt: ['seccomp=unconfined'],
    memoryBytes: 64 * 1024 * 1024,
    nanoCpus: 200_000_000,
    mounts: [{ source: dir, target: dir, readOnly: false }],
    extraHosts: ['api.c.example.com:127.0.0.1', 'api-int.c.example.com:127.0.0.1', 'console-openshift-console.apps.c.example.com:127.0.0.1'],
    restartLimit: 3,
  }));
}

/** The same container as DockerEngine makes, written out for dockerode and for `docker run`. */
function rawOptions(s: LaunchSpec): Docker.ContainerCreateOptions {
  return {
    name: s.name, Image: s.image, Entrypoint: s.command.slice(0, 1), Cmd: s.command.slice(1),
    Env: Object.entries({ ...s.env, ...s.runtimeEnv }).map(([k, v]) => `${k}=${v}`), Labels: s.labels,
    HostConfig: {
      NetworkMode: 'host', CapAdd: s.capAdd, CapDrop: s.capDrop, SecurityOpt: s.securityOpt, Memory: s.memoryBytes, NanoCpus: s.nanoCpus,
      Mounts: s.mounts.map((m) => ({ Type: 'bind' as const, Source: m.source, Target: m.target, ReadOnly: m.readOnly })),
      ExtraHosts: s.extraHosts, RestartPolicy: { Name: 'on-failure', MaximumRetryCount: s.restartLimit },
      LogConfig: { Type: 'json-file', Config: { 'max-size': '10m', 'max-file': '2' } },
    },
  };
}

function cliArgs(s: LaunchSpec): string[] {
  return [
    'run', '-d', '--name', s.name, '--network', 'host', '--entrypoint', s.command[0]!,
    ...s.capAdd.flatMap((c) => ['--cap-add', c]), ...s.capDrop.flatMap((c) => ['--cap-drop', c]), ...s.securityOpt.flatMap((o) => ['--security-opt', o]),
    '--memory', String(s.memoryBytes), '--cpus', String(s.nanoCpus / 1e9),
    ...Object.entries({ ...s.env, ...s.runtimeEnv }).flatMap(([k, v]) => ['-e', `${k}=${v}`]),
    ...Object.entries(s.labels).flatMap(([k, v]) => ['--label', `${k}=${v}`]),
    ...s.mounts.flatMap((m) => ['--mount', `type=bind,source=${m.source},target=${m.target}`]),
    ...s.extraHosts.flatMap((h) => ['--add-host', h]),
    '--restart', `on-failure:${s.restartLimit}`, '--log-opt', 'max-size=10m', '--log-opt', 'max-file=2',
    s.image, ...s.command.slice(1),
  ];
}

const ROUNDS = 2;

/** Seconds `body` takes. */
async function timed(body: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await body();
  return (performance.now() - t0) / 1000;
}

export const usage = 'usage: npm run bench -- launch [N] [--concurrency C]   N fake-host-shaped containers (default 60, 8 in flight) started by the engine layer, raw dockerode and docker run';

export async function run(args: string[]): Promise<void> {
  const n = Number(args.find((a) => /^\d+$/.test(a)) ?? 60);
  const ci = args.indexOf('--concurrency');
  const concurrency = ci >= 0 ? Number(args[ci + 1]) : 8;
  const { docker } = await hub();
  const image = await ensureTinyImage(docker);
  const labels = testLabels();
  const dir = mkdtempSync(join(tmpdir(), 'bench-launch-'));
  const engine = new DockerEngine({ host: `unix://${(docker.modem as { socketPath?: string }).socketPath ?? '/var/run/docker.sock'}` });
  const clear = async (way: string) => {
    const found = await docker.listContainers({ all: true, filters: labelFilter({ ...labels, 'bench/way': way }) });
    await Promise.all(found.map((c) => docker.getContainer(c.Id).remove({ force: true })));
  };
  console.log(`launch: ${n} containers of ${image} per way in ${ROUNDS} rounds (engine and raw take turns going first), ${concurrency} in flight (engine, raw); run ${randomBytes(2).toString('hex')}`);
  try {
    const limit = pLimit(concurrency);
    const seconds = { engine: 0, raw: 0, cli: 0 };
    const per = Math.ceil(n / ROUNDS);
    let memory: number[] = [];
    const ways = {
      engine: async (round: number) => {
        const batch = specs(per, `engine${round}`, image, labels, dir);
        seconds.engine += await timed(() => Promise.all(batch.map((s) => limit(() => engine.start(s)))));
        if (!memory.length) {
          // Memory of the running containers, as the engine accounts it (a sample of up to 20).
          const running = await engine.list({ ...labels, 'bench/way': `engine${round}` });
          memory = await Promise.all(running.slice(0, 20).map((c) => limit(() => engine.memoryBytes(c.id))));
        }
        await clear(`engine${round}`);
      },
      raw: async (round: number) => {
        const batch = specs(per, `raw${round}`, image, labels, dir);
        seconds.raw += await timed(() => Promise.all(batch.map((s) => limit(async () => (await docker.createContainer(rawOptions(s))).start()))));
        await clear(`raw${round}`);
      },
      cli: async (round: number) => {
        const batch = specs(per, `cli${round}`, image, labels, dir);
        seconds.cli += await timed(async () => {
          for (const s of batch) {
            const r = spawnSync('docker', cliArgs(s), { encoding: 'utf8' });
            if (r.status !== 0) throw new Error(`docker run: ${r.stderr}`);
          }
        });
        await clear(`cli${round}`);
      },
    };
    for (let round = 0; round < ROUNDS; round++) {
      const order = round % 2 ? (['raw', 'engine', 'cli'] as const) : (['engine', 'raw', 'cli'] as const);
      for (const way of order) await ways[way](round);
    }
    const total = per * ROUNDS;
    const rate = (way: keyof typeof seconds) => total / seconds[way];
    const line = (label: string, way: keyof typeof seconds) => console.log(`${label.padEnd(34)} ${total} containers in ${seconds[way].toFixed(2)} s: ${rate(way).toFixed(1)}/s`);
    line('engine (lib/engine DockerEngine)', 'engine');
    line('raw dockerode create+start', 'raw');
    line('docker run -d loop', 'cli');
    const kib = memory.map((b) => b / 1024).sort((a, b) => a - b);
    console.log(`memory per container (engine's stats, ${kib.length} sampled): median ${kib[Math.floor(kib.length / 2)]!.toFixed(0)} KiB, max ${kib.at(-1)!.toFixed(0)} KiB`);
    console.log(`engine / docker run: ${(rate('engine') / rate('cli')).toFixed(2)}x (target >= 3)`);
    console.log(`engine / raw dockerode: ${((rate('engine') / rate('raw')) * 100).toFixed(0)}% (target >= 90%)`);
  } finally {
    await removeTestContainers(docker, labels);
    rmSync(dir, { recursive: true, force: true });
  }
}
