// Images for tests, made locally: the test machine reaches no registry.
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, copyFileSync, symlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Docker from 'dockerode';

/** A one-binary image: a static busybox (sh, sleep, env, httpd, nc, ...) with PATH=/bin. */
export const TINY_IMAGE = 'assisted-swarm-test/tiny:1';
/** Debian's busybox-static puts it here; test/hub/up.sh installs that package. */
const BUSYBOX = '/bin/busybox';

/**
 * Loads a Docker image into the containerd of the hub's node, where the kubelet finds it (no
 * registry is reachable): `docker save IMAGE | ctr --address SOCKET -n k8s.io images import -`.
 * The image keeps its name, normalized as the kubelet looks it up (assisted-swarm-test/tiny:1 is
 * docker.io/assisted-swarm-test/tiny:1); importing it again costs a copy of its archive.
 */
export async function loadIntoNode(docker: Docker, image: string, containerdSocket: string): Promise<void> {
  const archive = await docker.getImage(image).get();
  const ctr = spawn('ctr', ['--address', containerdSocket, '-n', 'k8s.io', 'images', 'import', '-'], {
    stdio: ['pipe', 'ignore', 'pipe'],
  });
  let stderr = '';
  ctr.stderr.on('data', (d) => (stderr += d));
  archive.on('error', (e: Error) => {
    stderr += `docker save ${image}: ${e.message}`;
    ctr.kill();
  });
  archive.pipe(ctr.stdin);
  const code = await new Promise<number | null>((resolve, reject) => {
    ctr.on('error', reject);
    ctr.on('close', resolve);
  });
  if (code !== 0) throw new Error(`importing ${image} into the node's containerd (${containerdSocket}) failed: ${stderr.trim()}`);
}

/** Returns TINY_IMAGE, importing it into the engine first if it is not there. */
export async function ensureTinyImage(docker: Docker = new Docker()): Promise<string> {
  try {
    await docker.getImage(TINY_IMAGE).inspect();
    return TINY_IMAGE;
  } catch (e) {
    if ((e as { statusCode?: number }).statusCode !== 404) throw e;
  }
  // Root filesystem: bin/busybox plus a relative symlink per applet (an absolute one made by
  // `busybox --install` would point at /usr/bin/busybox on merged-/usr Debian).
  const root = mkdtempSync(join(tmpdir(), 'tiny-image-'));
  try {
    mkdirSync(join(root, 'bin'));
    mkdirSync(join(root, 'tmp'));
    copyFileSync(BUSYBOX, join(root, 'bin/busybox'));
    for (const applet of execFileSync(BUSYBOX, ['--list'], { encoding: 'utf8' }).split('\n')) {
      if (applet && applet !== 'busybox') symlinkSync('busybox', join(root, 'bin', applet));
    }
    const [repo, tag] = TINY_IMAGE.split(':');
    const tar = spawn('tar', ['-C', root, '-c', '.'], { stdio: ['ignore', 'pipe', 'inherit'] });
    const progress = await docker.importImage(tar.stdout, {
      repo,
      tag,
      changes: ['ENV PATH=/bin', 'CMD ["sh"]', 'LABEL assisted-swarm.io/test=true'],
    });
    await new Promise((resolve, reject) =>
      docker.modem.followProgress(progress, (err, out) => {
        const failed = out?.find((m: { error?: string }) => m.error);
        err || failed ? reject(err ?? new Error(failed.error)) : resolve(out);
      }),
    );
    await docker.getImage(TINY_IMAGE).inspect(); // fails loudly if the import did not tag it
    return TINY_IMAGE;
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
