// The swarm's own layer of the fake-host image, as a list of files: the shims (real scripts in
// ./shims/, so they are reviewed and tested as programs), the `oc` placeholder, the files
// upstream's dry-run installer waits for, and the list of images the podman shim answers for.
// Everything here is a pure function of the config's image references: synth hashes it into
// the image's tag (recipe.ts), `npm run images` packs it into the build context (context.ts).
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { SwarmConfig } from '../config/types.ts';

export type InputImages = Pick<SwarmConfig['images'], 'agent' | 'installer' | 'controller'>;
export type InputRole = keyof InputImages;
export const INPUT_ROLES: InputRole[] = ['agent', 'installer', 'controller'];

export interface LayerFile {
  /** Absolute path in the image. */
  path: string;
  mode: number;
  content: Buffer;
  /** Makes the entry a symbolic link to this path (content then empty). */
  linkTo?: string;
}

/**
 * Where the discovery ignition's agent.service starts the agent. On a real host its
 * ExecStartPre copies /usr/bin/agent there out of the agent image; here it is a link.
 */
export const AGENT_LAUNCH_PATH = '/usr/local/bin/agent';
export const AGENT_BINARY = '/usr/bin/agent';

/** Where the shims go; the image puts it first on PATH, so they stand in for the real tools. */
export const SHIM_DIR = '/usr/libexec/assisted-swarm';
export const SHIMS = ['nsenter', 'podman', 'systemctl', 'chronyc', 'dry-installer', 'swarm-launch'] as const;
/** The images file the podman shim reads (its format is described in shims/podman). */
export const IMAGES_FILE = '/etc/assisted-swarm/images';
/** Where upstream's images keep the binaries the swarm image copies (their entrypoints). */
export const INSTALLER_BINARY = '/usr/bin/installer';
export const CONTROLLER_BINARY = '/usr/bin/assisted-installer-controller';

/**
 * /opt/openshift/master.ign: the single-node installer checks that bootkube left it (`stat`).
 * Deliberately minimal, with no pointer to a machine config: with `--enable-skip-mco-reboot`
 * the installer would follow the pointer and then rewrite the boot disk's OS partitions
 * (mount, growpart, ostree) through the fake host's real tools. The patch
 * patches/service-skip-mco-reboot.yaml keeps the service from asking for that.
 */
const MASTER_IGNITION = `${JSON.stringify({ ignition: { version: '3.2.0' } })}\n`;

const shimSource = (name: string) => readFileSync(new URL(`./shims/${name}`, import.meta.url));

/** A reference with its implied tag spelled out, as the podman shim compares them. */
export function withTag(ref: string): string {
  if (ref.includes('@')) return ref;
  const last = ref.slice(ref.lastIndexOf('/') + 1);
  return last.includes(':') ? ref : `${ref}:latest`;
}

/**
 * The podman shim's images file. The ids are stand-ins derived from the references (the agent
 * only checks that `podman images --quiet <ref>` prints something), so the file, and with it
 * the image's tag, depends on the config alone.
 */
export function imagesFile(images: InputImages): string {
  const entrypoint: Record<InputRole, string> = { agent: '-', installer: INSTALLER_BINARY, controller: CONTROLLER_BINARY };
  const lines = INPUT_ROLES.map((role) => {
    const ref = withTag(images[role]);
    const id = createHash('sha256').update(ref).digest('hex');
    return `${role} ${ref} ${id} ${entrypoint[role]}`;
  });
  return `# The images this fake host holds, for the podman shim: ROLE REFERENCE ID ENTRYPOINT\n${lines.join('\n')}\n`;
}

/** Every file of the swarm's layer, sorted by path. */
export function swarmLayer(images: InputImages): LayerFile[] {
  const files: LayerFile[] = [
    ...SHIMS.map((name) => ({ path: `${SHIM_DIR}/${name}`, mode: 0o755, content: shimSource(name) })),
    { path: '/usr/bin/oc', mode: 0o755, content: shimSource('oc') },
    { path: AGENT_LAUNCH_PATH, mode: 0o777, content: Buffer.alloc(0), linkTo: AGENT_BINARY },
    // The installer waits for bootkube to leave this marker (multi-node bootstrap and single node).
    { path: '/opt/openshift/.bootkube.done', mode: 0o644, content: Buffer.alloc(0) },
    { path: '/opt/openshift/master.ign', mode: 0o644, content: Buffer.from(MASTER_IGNITION) },
    { path: IMAGES_FILE, mode: 0o644, content: Buffer.from(imagesFile(images)) },
  ];
  return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
