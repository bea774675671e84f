// Making the folders and files fake hosts bind-mount, on the engine's machine: directly when the
// engine is local, else through a helper container that bind-mounts their common folder (Docker
// creates a missing bind source given in `Binds`) and is never started: Docker's archive API
// extracts a tar into it. Reading one back: directly, or with the archive API of a container
// that mounts it.
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, relative } from 'node:path';
import type Docker from 'dockerode';
import { extract } from 'tar-stream';
import type { FilesRequest } from './engine.ts';
import { tar } from './tar.ts';

export async function writeLocally({ dirs, files, remove = [] }: FilesRequest): Promise<void> {
  for (const path of remove) await rm(path, { force: true });
  for (const dir of dirs) await mkdir(dir, { recursive: true });
  for (const file of files) {
    await mkdir(dirname(file.path), { recursive: true });
    // Write then rename: a running agent never reads half a file.
    const tmp = `${file.path}.${process.pid}.tmp`;
    await writeFile(tmp, file.content);
    await rename(tmp, file.path);
  }
}

/**
 * A helper container of `image` that bind-mounts `root` and has no network, handed to `use`, then
 * removed whatever happens. `command`, if given, is run first, and must exit 0.
 */
async function withHelper(docker: Docker, image: string, root: string, command: string[] | null, use: (helper: Docker.Container) => Promise<void> = async () => undefined): Promise<void> {
  const helper = await docker.createContainer({
    name: `assisted-swarm-files-${randomBytes(4).toString('hex')}`,
    Image: image,
    Entrypoint: command ?? ['true'],
    Labels: { 'app.kubernetes.io/managed-by': 'assisted-swarm', 'assisted-swarm.io/component': 'files-helper' },
    HostConfig: { Binds: [`${root}:${root}`], NetworkMode: 'none' },
  });
  try {
    if (command) {
      await helper.start();
      const { StatusCode } = (await helper.wait()) as { StatusCode: number };
      if (StatusCode !== 0) throw new Error(`${command.join(' ')} exited ${StatusCode}`);
    }
    await use(helper);
  } finally {
    await helper.remove({ force: true }).catch(() => undefined);
  }
}

export async function writeThroughHelper(docker: Docker, request: FilesRequest): Promise<void> {
  const remove = request.remove ?? [];
  const paths = [...request.dirs, ...request.files.map((f) => dirname(f.path)), ...remove.map((p) => dirname(p))];
  if (!paths.length) return;
  const root = commonDir(paths);
  const entries = [
    ...request.dirs.map((d) => relative(root, d)).filter(Boolean).map((d) => ({ path: `${d}/` })),
    ...request.files.map((f) => ({ path: relative(root, f.path), content: f.content })),
  ];
  // Removing takes running the helper (rm); writing only its archive API.
  await withHelper(docker, request.image, root, remove.length ? ['rm', '-f', ...remove] : null, async (helper) => {
    if (entries.length) await helper.putArchive(tar(entries), { path: root });
  });
}

/** Removes `path` and everything under it, on this machine; false when there was none. */
export async function removeLocally(path: string): Promise<boolean> {
  try {
    await stat(path);
  } catch {
    return false;
  }
  await rm(path, { recursive: true, force: true });
  return true;
}

/** Removes `path` on the engine's machine, through a helper container that bind-mounts its parent. */
export function removeThroughHelper(docker: Docker, path: string, image: string): Promise<void> {
  return withHelper(docker, image, dirname(path), ['rm', '-rf', path]);
}

/** The deepest folder that holds every path. */
function commonDir(paths: string[]): string {
  const split = paths.map((p) => p.split('/').filter(Boolean));
  const common: string[] = [];
  for (let i = 0; split.every((s) => i < s.length && s[i] === split[0]![i]); i++) common.push(split[0]![i]!);
  return `/${common.join('/')}`;
}

export async function readLocally(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
}

/** The file as the container sees it (a bind-mounted path is the machine's own file); null if absent. */
export async function readThroughContainer(docker: Docker, container: string, path: string): Promise<string | null> {
  let archive: NodeJS.ReadableStream;
  try {
    archive = await docker.getContainer(container).getArchive({ path });
  } catch (e) {
    if ((e as { statusCode?: number }).statusCode === 404) return null;
    throw e;
  }
  const files = extract();
  let content: string | null = null;
  files.on('entry', (header, stream, next) => {
    const chunks: Buffer[] = [];
    stream.on('data', (c) => chunks.push(c as Buffer));
    stream.on('end', () => {
      if (header.type === 'file' && header.name === basename(path)) content = Buffer.concat(chunks).toString('utf8');
      next();
    });
  });
  await new Promise<void>((resolve, reject) => {
    files.on('finish', resolve);
    files.on('error', reject);
    archive.on('error', reject);
    archive.pipe(files as unknown as NodeJS.WritableStream);
  });
  return content;
}
