// Failures grouped by reason, each group with how many hosts or clusters, which ones, and the
// service's stateInfo messages seen with it.
import type { Failure } from './types.ts';

export interface FailureGroup {
  subject: 'host' | 'cluster';
  reason: string;
  count: number;
  /** The first few names. */
  names: string[];
  /** Distinct stateInfo messages, most frequent first, with counts. */
  stateInfos: { text: string; count: number }[];
  /** One full message of the group, for a first look. */
  example: string | null;
}

const NAMES_SHOWN = 10;

export function groupFailures(subject: 'host' | 'cluster', failed: { name: string; failure: Failure | null }[]): FailureGroup[] {
  const groups = new Map<string, FailureGroup & { infos: Map<string, number> }>();
  for (const { name, failure } of failed) {
    if (!failure) continue;
    let g = groups.get(failure.reason);
    if (!g) groups.set(failure.reason, (g = { subject, reason: failure.reason, count: 0, names: [], stateInfos: [], example: null, infos: new Map() }));
    g.count++;
    if (g.names.length < NAMES_SHOWN) g.names.push(name);
    if (failure.stateInfo) g.infos.set(failure.stateInfo, (g.infos.get(failure.stateInfo) ?? 0) + 1);
    g.example ??= failure.detail ?? null;
  }
  return [...groups.values()]
    .map(({ infos, ...g }) => ({ ...g, stateInfos: [...infos].map(([text, count]) => ({ text, count })).sort((a, b) => b.count - a.count) }))
    .sort((a, b) => b.count - a.count);
}
