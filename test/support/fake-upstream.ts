// Stand-ins for upstream's agent, installer and controller images, made locally (the test
// machine reaches no registry): a static busybox root filesystem imported with `docker import`,
// holding small programs named like upstream's binaries that print how they were called.
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import Docker from 'dockerode';
import { pack } from 'tar-stream';
import type { InputRole } from '../../lib/images/layer.ts';

const BUSYBOX = '/bin/busybox';
const PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/**
 * The fake program: prints `program=<name>`, one `arg=<argument>` line per argument and one
 * `env=<NAME=value>` line per environment variable, then exits with $FAKE_EXIT; with
 * $FAKE_SLEEP it then becomes `sleep $FAKE_SLEEP` (same pid: a long-running container).
 */
export const RECORDER = `#!/bin/sh
# A stand-in for one of upstream's binaries (assisted-swarm tests): says how it was called.
echo "program=\${0##*/}"
for a in "$@"; do echo "arg=$a"; done
env | sort | sed 's/^/env=/'
[ -n "\${FAKE_SLEEP:-}" ] && exec sleep "$FAKE_SLEEP"
exit "\${FAKE_EXIT:-0}"
`;

/** The agent's multi-call binary answers to these names (upstream's image links them). */
export const AGENT_PROGRAMS = ['next_step_runner', 'inventory', 'free_addresses', 'logs_sender', 'disk_speed_check'];

export interface Recorded {
  program: string;
  args: string[];
  env: Record<string, string>;
}

/** Parses what RECORDER printed (other lines are ignored). */
export function parseRecord(out: string): Recorded {
  const rec: Recorded = { program: '', args: [], env: {} };
  for (const line of out.split('\n')) {
    if (line.startsWith('program=')) rec.program = line.slice(8);
    else if (line.startsWith('arg=')) rec.args.push(line.slice(4));
    else if (line.startsWith('env=')) {
      const kv = line.slice(4);
      rec.env[kv.slice(0, kv.indexOf('='))] = kv.slice(kv.indexOf('=') + 1);
    }
  }
  return rec;
}

export interface FakeImageOptions {
  /** Leave the role's binary out (the build must then fail). */
  withoutBinary?: boolean;
  /** Any text: a different variant is a different image (another id). */
  variant?: string;
}

const BINARY: Record<InputRole, string> = {
  agent: 'usr/bin/agent',
  installer: 'usr/bin/installer',
  controller: 'usr/bin/assisted-installer-controller',
};

/** The root filesystem as a tar stream, built in memory. */
function rootfs(role: InputRole, options: FakeImageOptions) {
  const tar = pack();
  const dir = (name: string) => tar.entry({ name, type: 'directory', mode: 0o755 });
  for (const d of ['bin', 'etc', 'tmp', 'root', 'run', 'usr', 'usr/bin', 'usr/local', 'usr/local/bin', 'opt', 'var', 'var/log']) dir(d);
  tar.entry({ name: 'bin/busybox', mode: 0o755 }, readFileSync(BUSYBOX));
  for (const applet of execFileSync(BUSYBOX, ['--list'], { encoding: 'utf8' }).split('\n')) {
    if (applet && applet !== 'busybox') tar.entry({ name: `bin/${applet}`, type: 'symlink', linkname: 'busybox' });
  }
  tar.entry({ name: 'etc/passwd', mode: 0o644 }, 'root:x:0:0:root:/root:/bin/sh\n');
  if (options.variant) tar.entry({ name: 'etc/fake-upstream-variant', mode: 0o644 }, `${options.variant}\n`);
  if (!options.withoutBinary) tar.entry({ name: BINARY[role], mode: 0o755 }, RECORDER);
  if (role === 'agent') for (const p of AGENT_PROGRAMS) tar.entry({ name: `usr/bin/${p}`, type: 'symlink', linkname: 'agent' });
  tar.finalize();
  return tar;
}

function changes(role: InputRole): string[] {
  const common = [`ENV PATH=${PATH}`, 'LABEL assisted-swarm.io/test=true'];
  if (role === 'agent') return [...common, 'CMD ["/bin/sh"]'];
  return [...common, `ENTRYPOINT ["/${BINARY[role]}"]`];
}

/**
 * The fake upstream image for `role`, imported if the engine lacks it. Its name holds a hash of
 * what it is made of, so the same content is imported once and a change gives a new image.
 */
export async function ensureFakeUpstreamImage(docker: Docker, role: InputRole, options: FakeImageOptions = {}): Promise<string> {
  const hash = createHash('sha256').update(JSON.stringify({ role, options, RECORDER, changes: changes(role) }))
    .update(readFileSync(BUSYBOX)).digest('hex').slice(0, 12);
  const repo = `assisted-swarm-test/upstream-${role}`;
  const ref = `${repo}:${hash}`;
  try {
    await docker.getImage(ref).inspect();
    return ref;
  } catch (e) {
    if ((e as { statusCode?: number }).statusCode !== 404) throw e;
  }
  const progress = await docker.importImage(rootfs(role, options) as unknown as NodeJS.ReadableStream, { repo, tag: hash, changes: changes(role) });
  await new Promise((resolve, reject) =>
    docker.modem.followProgress(progress, (err, out) => {
      const failed = out?.find((m: { error?: string }) => m.error);
      err || failed ? reject(err ?? new Error(failed.error)) : resolve(out);
    }));
  await docker.getImage(ref).inspect(); // fails loudly if the import did not tag it
  return ref;
}

/** A reference of its own (`<repo>:<tag>`) for `image`, so a test can retag it freely. */
export async function tagAs(docker: Docker, image: string, ref: string): Promise<string> {
  const colon = ref.lastIndexOf(':');
  await docker.getImage(image).tag({ repo: ref.slice(0, colon), tag: ref.slice(colon + 1) });
  return ref;
}

/** Removes images by reference, ignoring those already gone. */
export async function removeImages(docker: Docker, refs: string[]): Promise<void> {
  for (const ref of refs) {
    try {
      await docker.getImage(ref).remove({ force: true });
    } catch (e) {
      if ((e as { statusCode?: number }).statusCode !== 404) throw e;
    }
  }
}
