// The Markdown summary: what a person reads first after a run (and can paste into a PR).
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { profileSection, serviceSection, thresholdSection } from './markdown-sections.ts';
import type { Summary } from './stats.ts';
import type { RunSummary } from './summary.ts';

export const MARKDOWN_REPORT = 'summary.md';

const seconds = (ms: number) => (ms / 1000).toFixed(1);
const rate = (r: number | null) => (r === null ? '–' : r.toFixed(2));

function states(t: Record<string, number>): string {
  const rows = Object.entries(t).sort((a, b) => b[1] - a[1]);
  return rows.length ? rows.map(([s, n]) => `| ${s} | ${n} |`).join('\n') : '| – | 0 |';
}

/** "git 0cda8fe2 on main, uncommitted changes" */
function source(p: RunSummary['provenance']): string {
  if (!p.commit) return 'outside a git repository';
  return `git ${p.commit.slice(0, 12)}${p.branch ? ` on ${p.branch}` : ''}${p.dirty ? ', uncommitted changes' : ''}`;
}

export function renderMarkdown(s: RunSummary): string {
  const out: string[] = [];
  out.push(`# Swarm \`${s.swarm}\`: run report`, '');
  out.push(`Started ${s.startedAt}, ended ${s.endedAt ?? '–'} (${s.durationSeconds?.toFixed(0) ?? '–'} s, ${s.endReason ?? 'running'}).`);
  out.push(`Applied from ${source(s.provenance)}.`);
  out.push(`Launch rate ${s.settings.launchRate}/s, concurrency ${s.settings.concurrency}, restart cap ${s.settings.restartLimit}, timeout ${s.settings.timeoutMinutes} min, engines: ${s.settings.engines.join(', ') || 'local'}.`, '');
  out.push(...thresholdSection(s));

  out.push(`## Final states`, '', `Hosts (${s.hosts.total}; ${s.hosts.adopted} kept from an earlier run, ${s.hosts.restarts} container restarts, ${s.hosts.patches} Agent patches):`, '');
  out.push('| state | hosts |', '| --- | ---: |', states(s.hosts.byFinalState), '');
  out.push(`Clusters (${s.clusters.total}):`, '', '| state | clusters |', '| --- | ---: |', states(s.clusters.byFinalState), '');

  out.push('## Time from container start', '', '| phase | hosts | p50 s | p90 s | p99 s | max s |', '| --- | ---: | ---: | ---: | ---: | ---: |');
  for (const { phase, summary } of s.phases) {
    out.push(summary
      ? `| ${phase.title} | ${summary.count} | ${seconds(summary.p50)} | ${seconds(summary.p90)} | ${seconds(summary.p99)} | ${seconds(summary.max)} |`
      : `| ${phase.title} | 0 | – | – | – | – |`);
  }
  out.push('');
  // A kept container started in the run that made it: its phases are in that run's report.
  if (s.hosts.adopted) {
    const [hosts, their] = s.hosts.adopted === 1 ? ['1 host kept from an earlier run is', 'its container'] : [`${s.hosts.adopted} hosts kept from an earlier run are`, 'their containers'];
    out.push(`${hosts} in no phase here: ${their} started in that run, whose report measured them.`, '');
  }

  const lr = s.launchRate;
  const startedAt = Date.parse(s.startedAt);
  out.push(...serviceSection(s, startedAt));
  out.push(...profileSection(s, startedAt));

  out.push('## Launch rate', '', `${lr.launched} hosts launched: ${rate(lr.achieved)}/s achieved (configured ${lr.configured}/s), at most ${lr.maxInOneSecond} in one second; containers started ${rate(lr.startedPerSecond)}/s.`, '');

  out.push(...downloadsSection(s.downloads));

  out.push('## Failures', '');
  if (!s.failures.length) out.push('None.', '');
  for (const f of s.failures) {
    out.push(`- **${f.reason}** (${f.count} ${f.subject}${f.count === 1 ? '' : 's'}): ${f.names.join(', ')}${f.count > f.names.length ? ', …' : ''}`);
    for (const info of f.stateInfos) out.push(`  - service: "${info.text}" ×${info.count}`);
    if (f.example) out.push(`  - e.g. ${f.example.replace(/\s+/g, ' ').slice(0, 300)}`);
  }
  if (s.failures.length) out.push('');

  out.push('## Played hosts', '');
  out.push(s.played.length ? s.played.map((p) => `- ${p.hostname}: ${p.what}`).join('\n') : 'None: every host ran the agent in a container.', '');
  return out.join('\n');
}

const MiB = 1024 * 1024;

/** "## ISO downloads": times of the successful ones, bytes, throughput, errors by what went wrong. */
function downloadsSection(d: RunSummary['downloads']): string[] {
  const out = ['## ISO downloads', ''];
  if (d.mode === 'none') return [...out, 'None: isoDownload.mode is none.', ''];
  out.push(`${d.count} downloads (mode ${d.mode}): ${d.ok} succeeded, ${d.count - d.ok} failed, ${d.retried} needed more than one attempt; ` +
    `${(d.bytes / MiB).toFixed(1)} MiB received, ${d.aggregateBytesPerSecond === null ? '–' : (d.aggregateBytesPerSecond / MiB).toFixed(1)} MiB/s over all of them.`, '');
  out.push('| of the successful downloads | count | p50 | p90 | p99 | max |', '| --- | ---: | ---: | ---: | ---: | ---: |');
  const row = (title: string, v: Summary | null, f: (x: number) => string) =>
    out.push(v ? `| ${title} | ${v.count} | ${f(v.p50)} | ${f(v.p90)} | ${f(v.p99)} | ${f(v.max)} |` : `| ${title} | 0 | – | – | – | – |`);
  row('time, s', d.time, seconds);
  row('time to first byte, s', d.timeToFirstByte, seconds);
  row('throughput, MiB/s', d.perDownloadBytesPerSecond, (x) => (x / MiB).toFixed(1));
  out.push('');
  if (d.errors.length) out.push('Errors:', '', '| error | downloads |', '| --- | ---: |', ...d.errors.map((e) => `| ${e.error} | ${e.count} |`), '');
  return out;
}

export async function writeMarkdownReport(dir: string, summary: RunSummary): Promise<string> {
  const path = join(dir, MARKDOWN_REPORT);
  await writeFile(path, renderMarkdown(summary));
  return path;
}
