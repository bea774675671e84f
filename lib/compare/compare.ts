// Two runs' reports compared: the figures of each (lib/report/figures.ts) side by side, the ones
// that moved marked, and the thresholds checked on the head run with the base as their base.
import type { Threshold } from '../config/types.ts';
import { figuresOf, type Figure } from '../report/figures.ts';
import type { ReadReport } from '../report/read.ts';
import { summarizeRun, type RunSummary } from '../report/summary.ts';
import { checkThresholds, crossed } from '../report/thresholds.ts';
import type { Comparison, FigureChange, RunRef } from './types.ts';

export interface CompareOptions {
  readonly thresholds: readonly Threshold[];
  readonly thresholdsFrom: string;
  /** A figure moved when it changed by at least this many percent. */
  readonly minChangePercent: number;
}

function ref(report: ReadReport, s: RunSummary): RunRef {
  return { path: report.path, swarm: s.swarm, startedAt: s.startedAt, durationSeconds: s.durationSeconds, endReason: s.endReason };
}

const key = (f: Figure) => `${f.metric}\u0000${f.route ?? ''}`;

export function change(base: Figure | undefined, head: Figure | undefined, minChangePercent: number): FigureChange {
  const f = (head ?? base)!;
  const b = base?.value ?? null, h = head?.value ?? null;
  const diff = b !== null && h !== null ? h - b : null;
  const percent = diff !== null && b !== 0 ? (diff / Math.abs(b!)) * 100 : null;
  const moved = (b === null) !== (h === null) || (diff !== null && (b === 0 ? diff !== 0 : Math.abs(percent!) >= minChangePercent));
  return { metric: f.metric, route: f.route, label: f.label, unit: f.unit, base: b, head: h, change: diff, percent, moved };
}

export function compareReports(base: ReadReport, head: ReadReport, o: CompareOptions): Comparison {
  const baseSummary = summarizeRun(base.record);
  const headSummary = summarizeRun(head.record);
  const before = new Map(figuresOf(baseSummary).map((f) => [key(f), f]));
  const after = new Map(figuresOf(headSummary).map((f) => [key(f), f]));
  // In the head's order, then what only the base had.
  const keys = [...after.keys(), ...[...before.keys()].filter((k) => !after.has(k))];
  const figures = keys.map((k) => change(before.get(k), after.get(k), o.minChangePercent))
    .filter((c) => c.base !== null || c.head !== null);
  const thresholds = checkThresholds(o.thresholds, headSummary, baseSummary);
  return {
    base: ref(base, baseSummary), head: ref(head, headSummary), minChangePercent: o.minChangePercent, figures,
    thresholdsFrom: o.thresholdsFrom, thresholds, crossed: crossed(thresholds).length,
  };
}
