// The swarm image in a containerd on this machine (a Kubernetes node's, runtime.kubernetes
// .containerdSocket), where no registry is named: `docker save` streamed through dockerode into
// `ctr images import` in the kubelet's namespace (k8s.io), and looked up with `ctr images ls`.
// containerd's CRI names every image it holds also by its id (`sha256:<config digest>`, the
// Docker image id), so an image there is the one Docker built when both names point at the same
// manifest.
import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import type Docker from 'dockerode';

const run = promisify(execFile);
/** The namespace of the kubelet's images and containers. */
const NAMESPACE = 'k8s.io';

/** How containerd (and the kubelet) names an image Docker calls `ref`: `assisted-swarm/agent:1` → `docker.io/assisted-swarm/agent:1`. */
export function containerdName(ref: string): string {
  const first = ref.split('/')[0]!;
  const hasRegistry = ref.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost');
  const named = hasRegistry ? ref : `docker.io/${ref.includes('/') ? '' : 'library/'}${ref}`;
  return named.slice(named.lastIndexOf('/') + 1).includes(':') || named.includes('@') ? named : `${named}:latest`;
}

/** Every image name the containerd holds, with its manifest's digest. */
export async function containerdImages(socket: string): Promise<Map<string, string>> {
  let stdout: string;
  try {
    ({ stdout } = await run('ctr', ['--address', socket, '--timeout', '10s', '-n', NAMESPACE, 'images', 'ls']));
  } catch (e) {
    throw new Error(`cannot list the images of containerd ${socket}: ${(e as { stderr?: string }).stderr?.trim() || (e as Error).message.split('\n')[0]}`);
  }
  const images = new Map<string, string>();
  for (const line of stdout.split('\n').slice(1)) {
    const [name, , digest] = line.trim().split(/\s+/);
    if (name && digest) images.set(name, digest);
  }
  return images;
}

/**
 * Whether the containerd has image `ref`: `true` when it has that name (and, given the Docker
 * image id, that name is this very image).
 */
export async function containerdHas(socket: string, ref: string, dockerId?: string): Promise<boolean> {
  const images = await containerdImages(socket);
  const digest = images.get(containerdName(ref));
  if (!digest) return false;
  return dockerId === undefined || images.get(dockerId) === digest;
}

/** `docker save ref | ctr --address socket -n k8s.io images import -`, through the engine API. */
export async function importIntoContainerd(docker: Docker, ref: string, socket: string): Promise<void> {
  const archive = await docker.getImage(ref).get();
  const ctr = spawn('ctr', ['--address', socket, '-n', NAMESPACE, 'images', 'import', '-'], { stdio: ['pipe', 'ignore', 'pipe'] });
  let stderr = '';
  ctr.stderr.on('data', (d) => (stderr += d));
  archive.on('error', (e: Error) => {
    stderr += `docker save ${ref}: ${e.message}`;
    ctr.kill();
  });
  // ctr ending early (a bad socket) closes its stdin: the error is ctr's, said below.
  ctr.stdin.on('error', () => undefined);
  archive.pipe(ctr.stdin);
  const code = await new Promise<number | null>((resolve, reject) => {
    ctr.on('error', reject);
    ctr.on('close', resolve);
  });
  if (code !== 0) throw new Error(`importing ${ref} into containerd ${socket} failed: ${stderr.trim() || `ctr exited ${code}`}`);
}
