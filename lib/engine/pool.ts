// Several engines as one. Fake hosts are spread across them a cluster at a time: the hosts of
// one cluster and its controller share files (reboot markers the bootstrap installer and the
// controller watch, the cluster-hosts file), so they must run on the same machine. A cluster
// goes to the engine with the fewest clusters so far; a cluster that already has containers
// somewhere stays there (a re-run keeps what runs).
import { LABEL } from '../swarm/labels.ts';
import { DockerEngine, type DockerEngineOptions } from './docker.ts';
import { EngineError, type ContainerEngine, type ContainerEvent, type ContainerInfo, type EngineCapacity, type FilesRequest, type LaunchSpec } from './engine.ts';

/** What must share an engine: a cluster, or an unbound pool's hosts. */
export function placementKey(labels: Record<string, string>): string | null {
  if (labels[LABEL.cluster]) return `cluster/${labels[LABEL.cluster]}`;
  if (labels[LABEL.pool]) return `pool/${labels[LABEL.pool]}`;
  return null;
}

export class EnginePool implements ContainerEngine {
  readonly name: string;
  private readonly placed = new Map<string, ContainerEngine>();
  private readonly byId = new Map<string, ContainerEngine>();

  constructor(readonly engines: ContainerEngine[]) {
    if (!engines.length) throw new Error('an engine pool needs at least one engine');
    this.name = engines.map((e) => e.name).join(',');
  }

  async ping(): Promise<void> {
    await Promise.all(this.engines.map((e) => e.ping()));
  }

  /** Lists on every engine, and remembers where each cluster already runs. */
  async list(labels: Record<string, string>): Promise<ContainerInfo[]> {
    const found = (await Promise.all(this.engines.map((e) => e.list(labels)))).flat();
    for (const c of found) {
      const engine = this.engineNamed(c.engine)!;
      this.byId.set(c.id, engine);
      const key = placementKey(c.labels);
      if (key && !this.placed.has(key)) this.placed.set(key, engine);
    }
    return found;
  }

  /** The engine for a placement key (a cluster or a pool): fixed once chosen. */
  engineFor(key: string | null): ContainerEngine {
    if (key === null) return this.leastLoaded();
    let engine = this.placed.get(key);
    if (!engine) this.placed.set(key, (engine = this.leastLoaded()));
    return engine;
  }

  async inspect(id: string): Promise<ContainerInfo | null> {
    const known = this.byId.get(id);
    if (known) return known.inspect(id);
    for (const engine of this.engines) {
      const info = await engine.inspect(id);
      if (info) return this.byId.set(id, engine), info;
    }
    return null;
  }

  async start(spec: LaunchSpec): Promise<ContainerInfo> {
    const engine = this.engineFor(placementKey(spec.labels));
    const info = await engine.start(spec);
    this.byId.set(info.id, engine);
    return info;
  }

  async remove(id: string): Promise<void> {
    const known = this.byId.get(id);
    await Promise.all((known ? [known] : this.engines).map((e) => e.remove(id)));
    this.byId.delete(id);
  }

  async logs(id: string, tail?: number): Promise<string> {
    const engine = this.byId.get(id) ?? (await this.inspect(id), this.byId.get(id));
    if (!engine) throw new EngineError(this.name, `no container ${id} on any engine`, 404);
    return engine.logs(id, tail);
  }

  watch(labels: Record<string, string>, onEvent: (e: ContainerEvent) => void, onError: (err: Error) => void): () => void {
    const stops = this.engines.map((engine) => engine.watch(labels, (e) => {
      this.byId.set(e.id, engine);
      onEvent(e);
    }, onError));
    return () => stops.forEach((stop) => stop());
  }

  /** Writes through the engine that runs `request.container`, else on every engine (the runner writes a cluster's files on its own engine: engineFor). */
  async writeFiles(request: FilesRequest): Promise<void> {
    if (request.container) return (await this.engineOf(request.container)).writeFiles(request);
    await Promise.all(this.engines.map((e) => e.writeFiles(request)));
  }

  /** The sum over the engines; null when one can't tell. */
  async capacity(): Promise<EngineCapacity | null> {
    const each = await Promise.all(this.engines.map((e) => e.capacity()));
    let sum: EngineCapacity = { memoryBytes: 0, cpus: 0 };
    for (const c of each) {
      if (!c) return null;
      sum = { memoryBytes: sum.memoryBytes + c.memoryBytes, cpus: sum.cpus + c.cpus, ...(c.pods !== undefined ? { pods: (sum.pods ?? 0) + c.pods } : {}) };
    }
    return sum;
  }

  async sweep(labels: Record<string, string>): Promise<string[]> {
    return (await Promise.all(this.engines.map((e) => e.sweep(labels)))).flat();
  }

  /** On every engine's machine; what each said, in one line. */
  async removeFolder(path: string, image: string): Promise<string | null> {
    const said = (await Promise.all(this.engines.map((e) => e.removeFolder(path, image)))).filter((s): s is string => s !== null);
    return said.length ? said.join('; ') : null;
  }

  /** True only when every engine has it; null when one can't tell and none lacks it. */
  async hasImage(ref: string): Promise<boolean | null> {
    const each = await Promise.all(this.engines.map((e) => e.hasImage(ref)));
    return each.includes(false) ? false : each.includes(null) ? null : true;
  }

  /** Reads on the engine that runs `container` (the first engine when there is none). */
  async readFile(path: string, container: string | null): Promise<string | null> {
    const engine = container ? await this.engineOf(container) : this.engines[0]!;
    return engine.readFile(path, container);
  }

  async exec(container: string, command: string[]): Promise<{ exitCode: number; output: string }> {
    return (await this.engineOf(container)).exec(container, command);
  }

  private async engineOf(container: string): Promise<ContainerEngine> {
    const engine = this.byId.get(container) ?? (await this.inspect(container), this.byId.get(container));
    if (!engine) throw new EngineError(this.name, `no container ${container} on any engine`, 404);
    return engine;
  }

  engineNamed(name: string): ContainerEngine | undefined {
    return this.engines.find((e) => e.name === name);
  }

  private leastLoaded(): ContainerEngine {
    const load = new Map(this.engines.map((e) => [e, 0]));
    for (const engine of this.placed.values()) load.set(engine, load.get(engine)! + 1);
    return this.engines.reduce((best, e) => (load.get(e)! < load.get(best)! ? e : best));
  }
}

/**
 * The engines of a list of DOCKER_HOSTs (empty: $DOCKER_HOST, else the local socket). Two
 * entries with the same address get distinct names (`local`, `local#2`).
 */
export function openEngines(hosts: string[], options: Omit<DockerEngineOptions, 'host' | 'name'> = {}): EnginePool {
  const names = new Map<string, number>();
  const engines = (hosts.length ? hosts : [undefined]).map((host) => {
    const engine = new DockerEngine({ ...options, host });
    const n = (names.get(engine.name) ?? 0) + 1;
    names.set(engine.name, n);
    return n === 1 ? engine : new DockerEngine({ ...options, host, name: `${engine.name}#${n}` });
  });
  return new EnginePool(engines);
}
