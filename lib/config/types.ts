// The two faces of a swarm config: what a user writes (every default optional) and what the
// rest of the tool reads after loading (every field present; ajv filled the defaults).
import type { SwarmConfigInput } from './schema.ts';

export type Complete<T> = T extends readonly (infer U)[]
  ? Complete<U>[]
  : T extends object
    ? { [K in keyof T]-?: Complete<T[K]> }
    : T;

/** A loaded, validated swarm config with every default filled in. */
export type SwarmConfig = Complete<SwarmConfigInput>;
export type ClusterGroup = SwarmConfig['clusters'][number];
export type Pool = SwarmConfig['pools'][number];
export type Topology = ClusterGroup['topology'];
export type Boot = Pool['boot'];
export type ImageType = NonNullable<Pool['imageType']>;
export type IsoDownloadMode = SwarmConfig['isoDownload']['mode'];

/** Typed helper for swarm.config.ts: `export default defineSwarm({ ... })`. */
export function defineSwarm(config: SwarmConfigInput): SwarmConfigInput {
  return config;
}

export type { SwarmConfigInput };

/** A limit on a figure of the run report (report.thresholds). */
export type Threshold = SwarmConfig['report']['thresholds'][number];
