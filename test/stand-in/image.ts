// Test-only: the fake-host image the runner tests start, the tiny busybox image plus the
// stand-in `agent` (at /usr/local/bin/agent, where the ignition's ExecStart runs it),
// `installer` (the installer image's entrypoint) and `assisted-installer-controller` (where the
// launch plan's controller command runs it), with the swarm's real podman shim and its images
// file, and the pods' launcher (swarm-launch, for the Kubernetes engine), as in the swarm image
// (lib/images/layer.ts). Tagged by a hash of its files, so a
// changed script or shim makes a new image.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type Docker from 'dockerode';
import { tar } from '../../lib/engine/tar.ts';
import { IMAGES_FILE, imagesFile, INSTALLER_BINARY, SHIM_DIR } from '../../lib/images/layer.ts';
import { CONTROLLER_BINARY } from '../../lib/swarm/containers.ts';
import { ensureTinyImage } from '../support/images.ts';
import { AGENT_IMAGE, CONTROLLER_IMAGE, INSTALLER_IMAGE } from './installer-view.ts';

const here = new URL('./image/', import.meta.url);
const read = (name: string) => readFileSync(new URL(name, here), 'utf8');

export async function ensureStandInImage(docker: Docker): Promise<string> {
  const base = await ensureTinyImage(docker);
  const files = {
    agent: read('agent'),
    installer: read('installer'),
    controller: read('assisted-installer-controller'),
    podman: readFileSync(new URL('../../lib/images/shims/podman', import.meta.url), 'utf8'),
    launcher: readFileSync(new URL('../../lib/images/shims/swarm-launch', import.meta.url), 'utf8'),
    images: imagesFile({ agent: AGENT_IMAGE, installer: INSTALLER_IMAGE, controller: CONTROLLER_IMAGE }),
  };
  const hash = createHash('sha256').update(base);
  for (const content of Object.values(files)) hash.update(content);
  const tag = `assisted-swarm-test/agent:${hash.digest('hex').slice(0, 12)}`;
  try {
    await docker.getImage(tag).inspect();
    return tag;
  } catch (e) {
    if ((e as { statusCode?: number }).statusCode !== 404) throw e;
  }
  const dockerfile = [
    `FROM ${base}`,
    'COPY agent /usr/local/bin/agent',
    // One script for both, as upstream's multi-call binary (it dispatches on its name).
    'COPY agent /usr/bin/next_step_runner',
    `COPY installer ${INSTALLER_BINARY}`,
    `COPY controller ${CONTROLLER_BINARY}`,
    `COPY podman ${SHIM_DIR}/podman`,
    `COPY swarm-launch ${SHIM_DIR}/swarm-launch`,
    `COPY images ${IMAGES_FILE}`,
    'LABEL assisted-swarm.io/test=true',
  ];
  const context = tar([
    { path: 'Dockerfile', content: `${dockerfile.join('\n')}\n` },
    { path: 'agent', content: files.agent, mode: 0o755 },
    { path: 'installer', content: files.installer, mode: 0o755 },
    { path: 'controller', content: files.controller, mode: 0o755 },
    { path: 'podman', content: files.podman, mode: 0o755 },
    { path: 'swarm-launch', content: files.launcher, mode: 0o755 },
    { path: 'images', content: files.images },
  ]);
  const stream = await docker.buildImage(context, { t: tag, rm: true });
  await new Promise((resolve, reject) =>
    docker.modem.followProgress(stream, (err, out) => {
      const failed = out?.find((m: { error?: string }) => m.error);
      err || failed ? reject(err ?? new Error(failed.error)) : resolve(out);
    }),
  );
  await docker.getImage(tag).inspect();
  return tag;
}
