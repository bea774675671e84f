// Where fake hosts run: a container engine, behind a small interface (the shape of
// testcontainers' ContainerClient). Containers are always found again by label, never by
// remembered ids alone. A second kind of engine (another Docker host, pods) is a new file
// implementing this, not a new branch in the runner.
import type { ContainerSpec } from '../swarm/containers.ts';

export interface ContainerInfo {
  id: string;
  name: string;
  /** Which engine runs it (ContainerEngine.name). */
  engine: string;
  image: string;
  labels: Record<string, string>;
  state: 'created' | 'running' | 'paused' | 'restarting' | 'removing' | 'exited' | 'dead';
  exitCode: number | null;
}

/** What the engine runs: the launch plan's spec plus what apply learns at run time. */
export interface LaunchSpec extends ContainerSpec {
  /** The agent's command line from the discovery ignition, or the spec's own command. */
  command: string[];
  /** Secrets and run-time values (token, cluster id): never written to dist/, plans or logs. */
  runtimeEnv: Record<string, string>;
}

export interface ContainerEngine {
  /** A short name for reports: "local", "tcp://host-2:2375", … */
  readonly name: string;
  /** Fails with a clear message when the engine does not answer. */
  ping(): Promise<void>;
  /** Containers whose labels include every given label, running or not. */
  list(labels: Record<string, string>): Promise<ContainerInfo[]>;
  /** Creates and starts a container; fails if one of that name exists. */
  start(spec: LaunchSpec): Promise<ContainerInfo>;
  /** Stops (if running) and removes a container; a missing one is not an error. */
  remove(id: string): Promise<void>;
  /** The last `tail` lines of its output. */
  logs(id: string, tail?: number): Promise<string>;
}
