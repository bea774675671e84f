// A measured phase of a fake host's life: the time from one milestone to another, over every
// host that reached both. Each phase the report shows is a file of this folder.
import type { HostRecord, Milestone } from '../types.ts';
import { summarize, type Summary } from '../stats.ts';

export interface Phase {
  /** Short id, used as the JSON key. */
  id: string;
  title: string;
  from: Milestone;
  to: Milestone;
}

export interface PhaseResult {
  phase: Phase;
  /** Milliseconds; null when no host reached both milestones. */
  summary: Summary | null;
}

export function measure(phase: Phase, hosts: HostRecord[]): PhaseResult {
  const durations: number[] = [];
  for (const h of hosts) {
    const from = h.milestones[phase.from], to = h.milestones[phase.to];
    if (from !== undefined && to !== undefined) durations.push(to - from);
  }
  return { phase, summary: summarize(durations) };
}
