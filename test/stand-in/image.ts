// Test-only: the fake-host image the runner tests start, the tiny busybox image plus the
// stand-in `agent` (at /usr/local/bin/agent, where the ignition's ExecStart runs it) and
// `assisted-installer-controller` (where the launch plan's controller command runs it).
// Tagged by a hash of the scripts, so a changed script makes a new image.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type Docker from 'dockerode';
import { tar } from '../../lib/engine/tar.ts';
import { CONTROLLER_BINARY } from '../../lib/swarm/containers.ts';
import { ensureTinyImage } from '../support/images.ts';

const here = new URL('./image/', import.meta.url);
const read = (name: string) => readFileSync(new URL(name, here), 'utf8');

export async function ensureStandInImage(docker: Docker): Promise<string> {
  const base = await ensureTinyImage(docker);
  const agent = read('agent'), controller = read('assisted-installer-controller');
  const tag = `assisted-swarm-test/agent:${createHash('sha256').update(base).update(agent).update(controller).digest('hex').slice(0, 12)}`;
  try {
    await docker.getImage(tag).inspect();
    return tag;
  } catch (e) {
    if ((e as { statusCode?: number }).statusCode !== 404) throw e;
  }
  const context = tar([
    { path: 'Dockerfile', content: `FROM ${base}\nCOPY agent /usr/local/bin/agent\nCOPY controller ${CONTROLLER_BINARY}\nLABEL assisted-swarm.io/test=true\n` },
    { path: 'agent', content: agent, mode: 0o755 },
    { path: 'controller', content: controller, mode: 0o755 },
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
