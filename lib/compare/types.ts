// What `report compare` finds between a base run and a head run: every figure side by side,
// which of them moved, and the thresholds checked on the head run against the base.
import type { ThresholdResult } from '../report/thresholds.ts';

/** One run, as the comparison names it. */
export interface RunRef {
  readonly path: string;
  readonly swarm: string;
  readonly startedAt: string;
  readonly durationSeconds: number | null;
  readonly endReason: string | null;
}

export interface FigureChange {
  readonly metric: string;
  readonly route: string | null;
  readonly label: string;
  readonly unit: string;
  readonly base: number | null;
  readonly head: number | null;
  /** head − base; null when either is missing. */
  readonly change: number | null;
  /** The change in percent of the base; null when either is missing or the base is 0. */
  readonly percent: number | null;
  /** Moved by at least minChangePercent (from 0: any change), or measured in one run only. */
  readonly moved: boolean;
}

export interface Comparison {
  readonly base: RunRef;
  readonly head: RunRef;
  readonly minChangePercent: number;
  readonly figures: FigureChange[];
  /** Where the thresholds came from (a config file, or the head report). */
  readonly thresholdsFrom: string;
  readonly thresholds: ThresholdResult[];
  /** Thresholds crossed: the exit code is 2 when any is. */
  readonly crossed: number;
}
