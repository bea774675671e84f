// Hooks for hosts the swarm "plays" instead of (or besides) running: a player is told of every
// change of the swarm's Agents and may take over part of a host's life (e.g. the bootstrap
// host's installation, which upstream's dry-run installer cannot finish for multi-node
// clusters). The report lists every played host and what was played.
import type { KubeConfig } from '@kubernetes/client-node';
import type { FakeHostDoc } from '../dist/types.ts';
import type { HostRecord } from '../report/types.ts';
import type { ContainerEngine } from '../engine/engine.ts';
import type { HubObject } from './hub.ts';
import type { ServiceTls } from './service-api.ts';

export interface PlayerContext {
  /** Marks the host as played (shown in the report); `what` says what was played. */
  markPlayed(hostname: string, what: string): void;
  /** Records a transition of the host, as the runner's own watchers do. */
  note(hostname: string, field: string, to: string, info?: string): void;
  /** How the host's agent reaches the service: --url and the token (null under AUTH_TYPE=none), and the TLS settings. */
  service(hostname: string): Promise<{ url: string; infraEnvId: string; token: string | null; tls: ServiceTls }>;
  /** The host's folder (its reboot marker's), on the engine its cluster runs on. */
  hostFiles(hostname: string): HostFiles;
  /**
   * Boots a host that arrives as a BareMetalHost from the ISO at `imageUrl`, as a machine boots
   * once its virtual media is attached: the runner downloads the ISO (isoDownload) and starts
   * the host's container. Resolves once it runs (at once when it already does), rejects when it
   * cannot boot.
   */
  boot(hostname: string, imageUrl: string): Promise<void>;
  engine: ContainerEngine;
  /** The hub, for players that play a part there (the Bare Metal Operator's). */
  kubeConfig: KubeConfig;
  /** Every planned host, in launch order. */
  hosts: FakeHostDoc[];
  /** Aborted when the run ends: a player stops what it plays. */
  signal: AbortSignal;
  /** A line for the user (tokens are the player's to keep out). */
  log(line: string): void;
}

export interface HostFiles {
  dir: string;
  /** A file of the folder; null when it does not exist. */
  read(name: string): Promise<string | null>;
  /** Writes files of the folder, in this order. */
  write(files: { name: string; content: string }[]): Promise<void>;
}

export interface HostPlayer {
  name: string;
  /** Hosts this player plays instead of running a container for them (default: none). */
  replaces?(host: FakeHostDoc): boolean;
  /** Called on every change of an Agent of a planned host, after the runner's own handling. */
  onAgent?(ctx: PlayerContext, host: FakeHostDoc, record: HostRecord, agent: HubObject): void | Promise<void>;
  /** Called on every change of the BareMetalHost of a planned host (those that arrive as one). */
  onBareMetalHost?(ctx: PlayerContext, host: FakeHostDoc, record: HostRecord, bmh: HubObject): void | Promise<void>;
}

export interface RunHooks {
  players: HostPlayer[];
}
