// The disks of an engine's machine, as device-node bind mounts for fake hosts. The service
// names an installation disk (/dev/vda) from the inventory, and the agent's install step checks
// with a plain `stat` that it exists; a container without `privileged` has no such node. The
// bind makes the node exist while the container's device cgroup still refuses to open it:
// a fake host can see the disk, never read or write it.
import { readdirSync } from 'node:fs';
import { Writable } from 'node:stream';
import type Docker from 'dockerode';

/** Block devices that are not disks an installer would be given. */
const NOT_A_DISK = /^(loop|ram|zram|dm-|sr|fd|nbd|md)/;

export function diskNames(entries: string[]): string[] {
  return entries.filter((name) => !NOT_A_DISK.test(name)).sort();
}

/** The whole disks of the machine this process runs on. */
export function localDisks(): string[] {
  try {
    return diskNames(readdirSync('/sys/block'));
  } catch {
    return [];
  }
}

/** The whole disks of a remote engine's machine, listed by a short-lived container of `image`. */
export async function remoteDisks(docker: Docker, image: string): Promise<string[]> {
  let out = '';
  const sink = new Writable({ write(chunk, _enc, done) { out += chunk; done(); } });
  await docker.run(image, ['ls', '/sys/block'], sink, {
    Entrypoint: [],
    Labels: { 'app.kubernetes.io/managed-by': 'assisted-swarm', 'assisted-swarm.io/component': 'disks-helper' },
    HostConfig: { AutoRemove: true, NetworkMode: 'none' },
  });
  return diskNames(out.split(/\s+/).filter(Boolean));
}

export function diskMounts(disks: string[]) {
  return disks.map((name) => ({ Type: 'bind' as const, Source: `/dev/${name}`, Target: `/dev/${name}`, ReadOnly: true }));
}
