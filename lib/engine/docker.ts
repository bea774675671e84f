// The Docker engine (dockerode): a fake host's launch spec becomes one container with host
// networking, capabilities, env, labels, bind mounts, /etc/hosts entries, memory and CPU limits,
// and Docker's own `on-failure` restart policy for the restart cap (the daemon keeps
// restarting while the runner is away, and it never restarts an exit 0: a dry-run agent ends
// after its fake reboot). Run-time files go into the container before it starts (the archive
// API). Works with any DOCKER_HOST: unix socket, tcp or ssh.
import Docker from 'dockerode';
import type { ContainerCreateOptions, ContainerInfo as DockerListItem } from 'dockerode';
import {
  EngineError,
  type ContainerEngine,
  type ContainerEvent,
  type ContainerInfo,
  type ContainerState,
  type EngineCapacity,
  type FilesRequest,
  type LaunchSpec,
} from './engine.ts';
import { parseDockerHost } from './docker-host.ts';
import { watchEvents } from './docker-events.ts';
import { readLocally, readThroughContainer, removeLocally, removeThroughHelper, writeLocally, writeThroughHelper } from './docker-files.ts';
import { demuxLogs } from './docker-logs.ts';
import { diskMounts, localDisks, remoteDisks } from './docker-disks.ts';
import { tar } from './tar.ts';

export interface DockerEngineOptions {
  /** A DOCKER_HOST (unix://, tcp://, ssh://); default $DOCKER_HOST, else the local socket. */
  host?: string;
  /** Overrides the name taken from the host (e.g. to tell two engines on one socket apart). */
  name?: string;
  /** Write bind-mount files through a helper container even when the engine is local. */
  filesThroughEngine?: boolean;
  /** Where warnings go (a skipped mount); default console.warn. */
  warn?: (message: string) => void;
}

/** json-file with rotation: a thousand chatty agents must not fill the engine's disk. */
const LOG_CONFIG = { Type: 'json-file', Config: { 'max-size': '10m', 'max-file': '2' } };

export class DockerEngine implements ContainerEngine {
  readonly name: string;
  readonly docker: Docker;
  private readonly local: boolean;
  private readonly warn: (message: string) => void;
  /** Read-only bind sources this engine's machine lacks (e.g. /run/udev in a container): skipped. */
  private readonly missingSources = new Set<string>();
  /** The machine's disks, looked up once (fake hosts get their device nodes). */
  private disks?: Promise<string[]>;

  constructor(options: DockerEngineOptions = {}) {
    const host = parseDockerHost(options.host);
    this.name = options.name ?? host.name;
    this.docker = new Docker(host.options);
    this.local = host.local && !options.filesThroughEngine;
    this.warn = options.warn ?? ((m) => console.warn(`warning: ${m}`));
  }

  async ping(): Promise<void> {
    try {
      await this.docker.ping();
    } catch (e) {
      throw this.error(e, 'the container engine does not answer');
    }
  }

  async list(labels: Record<string, string>): Promise<ContainerInfo[]> {
    try {
      const found = await this.docker.listContainers({ all: true, filters: { label: labelFilter(labels) } });
      return found.map((c) => this.fromListItem(c));
    } catch (e) {
      throw this.error(e, 'cannot list containers');
    }
  }

  async inspect(id: string): Promise<ContainerInfo | null> {
    try {
      const c = await this.docker.getContainer(id).inspect();
      return {
        id: c.Id,
        name: c.Name.replace(/^\//, ''),
        engine: this.name,
        image: c.Config.Image,
        labels: c.Config.Labels ?? {},
        state: c.State.Status as ContainerState,
        exitCode: c.State.Running || c.State.Restarting ? null : c.State.ExitCode,
        restartCount: c.RestartCount,
        startedAt: c.State.StartedAt && !c.State.StartedAt.startsWith('0001') ? Date.parse(c.State.StartedAt) : null,
      };
    } catch (e) {
      if (statusOf(e) === 404) return null;
      throw this.error(e, `cannot inspect container ${id}`);
    }
  }

  async start(spec: LaunchSpec): Promise<ContainerInfo> {
    const container = await this.create(spec);
    // The process can't run before this: the lower bound of "container start" for measurements.
    const startedAt = Date.now();
    try {
      if (spec.runtimeFiles.length) {
        await container.putArchive(tar(spec.runtimeFiles.map((f) => ({ path: f.path.replace(/^\/+/, ''), content: f.content }))), { path: '/' });
      }
      await container.start();
    } catch (e) {
      // A container that cannot start (bad command, missing binary) is not left behind half-made.
      await container.remove({ force: true }).catch(() => undefined);
      throw this.error(e, `cannot start ${spec.name}`);
    }
    return {
      id: container.id, name: spec.name, engine: this.name, image: spec.image, labels: spec.labels,
      state: 'running', exitCode: null, restartCount: 0, startedAt,
    };
  }

  async remove(id: string): Promise<void> {
    try {
      await this.docker.getContainer(id).remove({ force: true });
    } catch (e) {
      const status = statusOf(e);
      // 404: already gone; 409: its removal is already under way.
      if (status !== 404 && status !== 409) throw this.error(e, `cannot remove container ${id}`);
    }
  }

  async logs(id: string, tail = 100): Promise<string> {
    try {
      const out = await this.docker.getContainer(id).logs({ stdout: true, stderr: true, tail, follow: false });
      return demuxLogs(out as unknown as Buffer);
    } catch (e) {
      throw this.error(e, `cannot read the logs of ${id}`);
    }
  }

  /** Memory the engine accounts to a running container (as `docker stats` shows it), in bytes. */
  async memoryBytes(id: string): Promise<number> {
    const stats = await this.docker.getContainer(id).stats({ stream: false });
    const m = stats.memory_stats as { usage?: number; stats?: Record<string, number> };
    const inactive = m.stats?.total_inactive_file ?? m.stats?.inactive_file ?? 0;
    return Math.max(0, (m.usage ?? 0) - inactive);
  }

  watch(labels: Record<string, string>, onEvent: (e: ContainerEvent) => void, onError: (err: Error) => void): () => void {
    return watchEvents(this.docker, this.name, labelFilter(labels), onEvent, (message, cause) => onError(cause ? this.error(cause, message) : new EngineError(this.name, message)));
  }

  async capacity(): Promise<EngineCapacity | null> {
    try {
      const info = await this.docker.info() as { MemTotal?: number; NCPU?: number };
      return info.MemTotal && info.NCPU ? { memoryBytes: info.MemTotal, cpus: info.NCPU } : null;
    } catch (e) {
      throw this.error(e, 'cannot read what the engine holds');
    }
  }

  async hasImage(ref: string): Promise<boolean> {
    try {
      await this.docker.getImage(ref).inspect();
      return true;
    } catch (e) {
      if (statusOf(e) === 404) return false;
      throw this.error(e, `cannot look up image ${ref}`);
    }
  }

  /** Nothing outlives its containers here: helper containers are removed as soon as they are used. */
  async sweep(): Promise<string[]> {
    return [];
  }

  async removeFolder(path: string, image: string): Promise<string | null> {
    if (this.local) return (await removeLocally(path)) ? `removed ${path}` : null;
    try {
      await removeThroughHelper(this.docker, path, image);
      return `removed ${path} on ${this.name}`;
    } catch (e) {
      throw this.error(e, `cannot remove ${path} through a helper container (image ${image})`);
    }
  }

  async writeFiles(request: FilesRequest): Promise<void> {
    if (this.local) return writeLocally(request);
    try {
      await writeThroughHelper(this.docker, request);
    } catch (e) {
      throw this.error(e, `cannot write ${request.files.length} files and ${request.dirs.length} folders through a helper container (image ${request.image})`);
    }
  }

  async exec(container: string, command: string[]): Promise<{ exitCode: number; output: string }> {
    try {
      const exec = await this.docker.getContainer(container).exec({ Cmd: command, AttachStdout: true, AttachStderr: true });
      const stream = await exec.start({ hijack: true, stdin: false });
      const chunks: Buffer[] = [];
      await new Promise<void>((done, fail) => {
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => done());
        stream.on('error', fail);
      });
      const { ExitCode } = await exec.inspect();
      return { exitCode: ExitCode ?? -1, output: demuxLogs(Buffer.concat(chunks)) };
    } catch (e) {
      throw this.error(e, `cannot run ${command[0]} in ${container}`);
    }
  }

  private machineDisks(image: string): Promise<string[]> {
    return (this.disks ??= this.local ? Promise.resolve(localDisks()) : remoteDisks(this.docker, image).catch((e) => {
      this.warn(`${this.name}: cannot list the machine's disks (${messageOf(e)}): fake hosts will see none to install on`);
      return [];
    }));
  }

  async readFile(path: string, container: string | null): Promise<string | null> {
    if (this.local) return readLocally(path);
    if (!container) throw new EngineError(this.name, `cannot read ${path}: the engine is remote and no container mounts it`);
    try {
      return await readThroughContainer(this.docker, container, path);
    } catch (e) {
      throw this.error(e, `cannot read ${path} through container ${container}`);
    }
  }

  private async create(spec: LaunchSpec): Promise<Docker.Container> {
    const disks = spec.diskNodes ? await this.machineDisks(spec.image) : [];
    for (;;) {
      try {
        return await this.docker.createContainer(this.createOptions(spec, disks));
      } catch (e) {
        // Hardware mounts (/run/udev, /dev/disk) are read-only extras a machine may lack; the
        // agent then sees fewer disks. Anything writable the host needs is an error.
        const missing = /bind source path does not exist: (\S+)/.exec(messageOf(e))?.[1];
        const mount = spec.mounts.find((m) => m.source === missing);
        if (missing && mount?.readOnly && !this.missingSources.has(missing)) {
          this.missingSources.add(missing);
          this.warn(`${this.name}: ${missing} does not exist on the engine's machine: not mounted into the fake hosts`);
          continue;
        }
        if (statusOf(e) === 404 && /no such image/i.test(messageOf(e))) {
          throw this.error(e, `image ${spec.image} is not on this engine (build it with \`npm run images\`)`);
        }
        throw this.error(e, `cannot create ${spec.name}`);
      }
    }
  }

  private createOptions(spec: LaunchSpec, disks: string[]): ContainerCreateOptions {
    return {
      name: spec.name,
      Image: spec.image,
      // The command replaces the image's entrypoint: the container runs exactly this.
      ...(spec.command.length ? { Entrypoint: spec.command.slice(0, 1), Cmd: spec.command.slice(1) } : {}),
      Env: Object.entries({ ...spec.env, ...spec.runtimeEnv }).map(([k, v]) => `${k}=${v}`),
      Labels: spec.labels,
      HostConfig: {
        NetworkMode: spec.networkMode,
        CapAdd: spec.capAdd,
        CapDrop: spec.capDrop,
        SecurityOpt: spec.securityOpt,
        Memory: spec.memoryBytes,
        NanoCpus: spec.nanoCpus,
        Mounts: spec.mounts
          .filter((m) => !this.missingSources.has(m.source))
          .map((m) => ({ Type: 'bind' as const, Source: m.source, Target: m.target, ReadOnly: m.readOnly }))
          .concat(diskMounts(disks)),
        ExtraHosts: spec.extraHosts,
        RestartPolicy: spec.restartLimit > 0 ? { Name: 'on-failure', MaximumRetryCount: spec.restartLimit } : { Name: 'no' },
        LogConfig: LOG_CONFIG,
      },
    };
  }

  private fromListItem(c: DockerListItem): ContainerInfo {
    // A list says "Exited (137) 5 seconds ago"; only inspect has the restart count.
    const exit = /^Exited \((-?\d+)\)/.exec(c.Status);
    return {
      id: c.Id,
      name: (c.Names[0] ?? '').replace(/^\//, ''),
      engine: this.name,
      image: c.Image,
      labels: c.Labels ?? {},
      state: c.State as ContainerState,
      exitCode: exit ? Number(exit[1]) : null,
      restartCount: null,
      startedAt: null,
    };
  }

  private error(e: unknown, context: string): EngineError {
    const code = (e as { code?: string }).code;
    const unreachable = code && ['ECONNREFUSED', 'ENOENT', 'EHOSTUNREACH', 'ETIMEDOUT', 'ECONNRESET', 'EACCES'].includes(code);
    const detail = unreachable ? `the engine does not answer (${code})` : messageOf(e);
    return new EngineError(this.name, `${context}: ${detail}`, statusOf(e));
  }
}

function labelFilter(labels: Record<string, string>): string[] {
  return Object.entries(labels).map(([k, v]) => `${k}=${v}`);
}

function statusOf(e: unknown): number | undefined {
  return (e as { statusCode?: number }).statusCode;
}

function messageOf(e: unknown): string {
  const err = e as { json?: { message?: string }; reason?: string; message?: string };
  return (err.json?.message ?? err.message ?? String(e)).trim();
}
