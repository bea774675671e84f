// Test-only: a Docker engine of its own beside the machine's, for what needs two engines that do
// not share images (the swarm image copied from one to the other). Its own data and exec roots
// and socket in a temp folder, its own managed containerd, no iptables rules, no daemon.json but
// an empty one; it runs no container. Its default network is a bridge of its own, made here
// with an address on loopback's side of nothing (no uplink): never `--bridge none`, with which
// dockerd deletes the machine's docker0, the other engine's. stop() ends it by its pid and
// removes its bridge and folder.
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Docker from 'dockerode';
import { waitFor } from './hub.ts';

export interface SecondDocker {
  /** Its DOCKER_HOST: unix://<folder>/docker.sock. */
  host: string;
  docker: Docker;
  stop(): Promise<void>;
}

export async function startSecondDocker(): Promise<SecondDocker> {
  const dir = mkdtempSync(join(tmpdir(), 'second-dockerd-'));
  const socket = join(dir, 'docker.sock');
  const pidFile = join(dir, 'dockerd.pid');
  writeFileSync(join(dir, 'daemon.json'), '{}\n');
  const bridge = `aswd${randomBytes(3).toString('hex')}`;
  const ip = (...args: string[]) => execFileSync('ip', args, { stdio: 'ignore' });
  ip('link', 'add', bridge, 'type', 'bridge');
  ip('addr', 'add', '169.254.251.1/30', 'dev', bridge);
  const child = spawn('dockerd', [
    '--config-file', join(dir, 'daemon.json'), '--data-root', join(dir, 'data'), '--exec-root', join(dir, 'exec'),
    '--pidfile', pidFile, '-H', `unix://${socket}`,
    '--bridge', bridge, '--iptables=false', '--ip6tables=false', '--ip-masq=false', '--userland-proxy=false',
  ], { stdio: ['ignore', 'ignore', 'ignore'], detached: true });
  child.unref();
  const docker = new Docker({ socketPath: socket });
  const stop = async () => {
    const pid = existsSync(pidFile) ? Number(readFileSync(pidFile, 'utf8')) : child.pid;
    if (pid) { try { process.kill(pid, 'SIGTERM'); } catch { /* gone already */ } }
    // dockerd removes its pid file once it has stopped its containerd and unmounted its layers.
    await waitFor('the second dockerd stopped', async () => (existsSync(pidFile) ? undefined : true), async () => '', 30);
    try { ip('link', 'delete', bridge); } catch { /* gone already */ }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitFor('the second dockerd answering', () => docker.ping().then(() => true, () => undefined), async () => '', 60);
  } catch (e) {
    await stop().catch(() => undefined);
    throw e;
  }
  return { host: `unix://${socket}`, docker, stop };
}
