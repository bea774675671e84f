// Hosts and clusters per state and per stage: what the live progress and `swarm status` show.

export interface CountsInput {
  hosts: { state: string; stage: string | null; outcome: string | null }[];
  clusters: { state: string; outcome: string | null }[];
}

export interface Counts {
  hosts: { total: number; installed: number; failed: number; byState: Record<string, number>; byStage: Record<string, number> };
  clusters: { total: number; installed: number; failed: number; byState: Record<string, number> };
}

/** How many times each value occurs. */
export function tally(values: string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const v of values) out[v] = (out[v] ?? 0) + 1;
  return out;
}

export function countStates(input: CountsInput): Counts {
  const { hosts, clusters } = input;
  return {
    hosts: {
      total: hosts.length,
      installed: hosts.filter((h) => h.outcome === 'installed').length,
      failed: hosts.filter((h) => h.outcome === 'failed').length,
      byState: tally(hosts.map((h) => (h.outcome === 'failed' ? 'failed' : h.state))),
      byStage: tally(hosts.flatMap((h) => (h.stage ? [h.stage] : []))),
    },
    clusters: {
      total: clusters.length,
      installed: clusters.filter((c) => c.outcome === 'installed').length,
      failed: clusters.filter((c) => c.outcome === 'failed').length,
      byState: tally(clusters.map((c) => (c.outcome === 'failed' ? 'failed' : c.state))),
    },
  };
}

/** "known 3 · installing 2" */
export function formatTally(t: Record<string, number>): string {
  const entries = Object.entries(t).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  return entries.length ? entries.map(([k, n]) => `${k} ${n}`).join(' · ') : '–';
}
