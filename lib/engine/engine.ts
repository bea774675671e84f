// Where fake hosts run: a container engine, behind a small interface (the shape of
// testcontainers' ContainerClient). Containers are always found again by label, never by
// remembered ids alone. Docker (docker.ts) and Kubernetes (kubernetes.ts, a pod per container)
// implement it; several engines at once are an EnginePool (pool.ts). The runner never asks which.
import type { ContainerSpec } from '../swarm/containers.ts';

export type ContainerState = 'created' | 'running' | 'paused' | 'restarting' | 'removing' | 'exited' | 'dead';

export interface ContainerInfo {
  id: string;
  name: string;
  /** Which engine runs it (ContainerEngine.name). */
  engine: string;
  image: string;
  labels: Record<string, string>;
  state: ContainerState;
  exitCode: number | null;
  /** How often the engine restarted it after it died; null when not known (a list does not say). */
  restartCount: number | null;
  /** When it was (last) started, ms since the epoch; from start(): just before the engine was asked. */
  startedAt: number | null;
  /** Why it does not run, in the engine's words, when the engine says (Unschedulable, ImagePullBackOff, OOMKilled). */
  reason?: string;
}

/** What the engine runs: the launch plan's spec plus what apply learns at run time. */
export interface LaunchSpec extends ContainerSpec {
  /** The agent's command line from the discovery ignition, or the spec's own command. */
  command: string[];
  /** Secrets and run-time values (token, cluster id): never written to dist/, plans or logs. */
  runtimeEnv: Record<string, string>;
  /**
   * How many times the engine restarts the container when it exits non-zero; then it stays
   * dead. An exit 0 is never restarted: a dry-run agent ends after its fake reboot.
   */
  restartLimit: number;
  /** Files the container needs in place when it starts (the service's CA, from the ignition). */
  runtimeFiles: FileToWrite[];
}

/**
 * A container started, died, or waits for something (a pod not scheduled, an image not
 * pulled); `time` in ms since the epoch, as the engine recorded it.
 */
export interface ContainerEvent {
  action: 'start' | 'die' | 'waiting';
  id: string;
  name: string;
  engine: string;
  labels: Record<string, string>;
  /** Set for `die`. */
  exitCode: number | null;
  time: number;
  /** For `waiting` (and a `die` the engine explains, as OOMKilled): the engine's reason and message. */
  reason?: string;
  message?: string;
}

export interface FileToWrite {
  path: string;
  content: string;
}

/** Folders and files the containers mount, made where the engine's mounts find them. */
export interface FilesRequest {
  dirs: string[];
  files: FileToWrite[];
  /** An image the engine has, for engines that write through a helper container. */
  image: string;
  /** A running container that mounts them, for engines that write through one (null: none yet). */
  container?: string | null;
  /**
   * Files to remove first, that a new container must not find: an earlier life's reboot marker
   * would end its agent at once. (An engine whose containers start through the launcher, as
   * Kubernetes' do, lets the launcher clear them at a container's first start.)
   */
  remove?: string[];
}

/** What an engine can hold, for plan's warning before a run that will not fit. */
export interface EngineCapacity {
  memoryBytes: number;
  cpus: number;
  /** Pods the nodes take at most (their allocatable `pods`); absent for an engine without such a cap. */
  pods?: number;
}

export interface ContainerEngine {
  /** A short name for reports: "local", "tcp://host-2:2375", … */
  readonly name: string;
  /** Fails with a clear message when the engine does not answer. */
  ping(): Promise<void>;
  /** Containers whose labels include every given label, running or not. */
  list(labels: Record<string, string>): Promise<ContainerInfo[]>;
  /** One container by id, with its restart count; null when it does not exist. */
  inspect(id: string): Promise<ContainerInfo | null>;
  /** Creates and starts a container; fails if one of that name exists. */
  start(spec: LaunchSpec): Promise<ContainerInfo>;
  /** Stops (if running) and removes a container; a missing one is not an error. */
  remove(id: string): Promise<void>;
  /** The last `tail` lines of its output. */
  logs(id: string, tail?: number): Promise<string>;
  /** Reports start/die of containers carrying every given label until the returned stop() is called. */
  watch(labels: Record<string, string>, onEvent: (e: ContainerEvent) => void, onError: (err: Error) => void): () => void;
  /** Makes folders and writes files where the engine's bind mounts find them. */
  writeFiles(request: FilesRequest): Promise<void>;
  /**
   * Reads a file the containers bind-mount, on the engine's machine; null when there is none.
   * An engine that can't reach that machine's files directly reads them through `container`,
   * a running container that mounts them.
   */
  readFile(path: string, container: string | null): Promise<string | null>;
  /** Runs a command in a running container; resolves with its exit code and output. */
  exec(container: string, command: string[]): Promise<{ exitCode: number; output: string }>;
  /** Memory and CPUs the engine's machines offer (a Docker host's, a cluster's allocatable); null when it can't tell. */
  capacity(): Promise<EngineCapacity | null>;
  /** Whether the engine has image `ref` to start containers from; null when it can't tell (it pulls from a registry). */
  hasImage(ref: string): Promise<boolean | null>;
  /** Removes what the engine made for containers with these labels besides them (Kubernetes: launch Secrets, file ConfigMaps); says what. */
  sweep(labels: Record<string, string>): Promise<string[]>;
  /**
   * Removes a folder of the hosts' (the swarm's `<stateDir>/<swarm>`) from the engine's machines,
   * through a helper container of `image` where they are not this one. Says what it removed, or
   * why it left it; null when there was nothing there.
   */
  removeFolder(path: string, image: string): Promise<string | null>;
}

/** An engine error about one container, worded for a report. */
export class EngineError extends Error {
  constructor(readonly engine: string, message: string, readonly statusCode?: number) {
    super(`${engine}: ${message}`);
    this.name = 'EngineError';
  }
}
