// What every step of a run shares: the config, the plan, the engines, the tracker, the launch
// gate and concurrency slots, and where lines for the user go.
import type { KubeConfig } from '@kubernetes/client-node';
import type { LimitFunction } from 'p-limit';
import type { SwarmConfig } from '../config/types.ts';
import type { EnginePool } from '../engine/pool.ts';
import type { BootGate } from './boot-gate.ts';
import type { RunHooks } from './hooks.ts';
import type { AgentLaunch } from './ignition.ts';
import type { IsoLoad } from './iso-load.ts';
import type { RunPlan } from './plan.ts';
import type { RateGate } from './rate.ts';
import type { Tracker } from './tracker.ts';

export interface RunContext {
  config: SwarmConfig;
  kubeConfig: KubeConfig;
  plan: RunPlan;
  engines: EnginePool;
  tracker: Tracker;
  hooks: RunHooks;
  /** The agent's launch per InfraEnv (`namespace/name`), learned from its discovery ignition. */
  launches: Map<string, Promise<AgentLaunch>>;
  /** Each InfraEnv's status.isoDownloadURL (`namespace/name`), learned with its launch; null when it has none. */
  isoUrls: Map<string, string | null>;
  /** Hosts that arrive as BareMetalHosts boot once their ISO is attached. */
  boots: BootGate;
  /** The ISO downloads before boot (isoDownload). */
  iso: IsoLoad;
  /** Tokens learned from the service: kept out of every line, report and log excerpt. */
  secrets: Set<string>;
  /** Container starts in flight at most (runtime.concurrency). */
  slots: LimitFunction;
  gate: RateGate;
  /** Aborted when the run is interrupted or times out: steps stop starting new work. */
  signal: AbortSignal;
  /** A line for the user (printed above the live progress). */
  log(line: string): void;
}

