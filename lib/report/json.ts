// The JSON report: the summary, every host and cluster as last seen, every transition, and the
// sampled series (what the charts are drawn from; `report render` draws them again from here).
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RunSummary } from './summary.ts';
import type { RunRecord } from './types.ts';

export const JSON_REPORT = 'report.json';

/** What report.json holds. */
export interface JsonReport {
  summary: RunSummary;
  hosts: RunRecord['hosts'];
  clusters: RunRecord['clusters'];
  downloads: RunRecord['downloads'];
  transitions: RunRecord['transitions'];
  series: NonNullable<RunRecord['series']> | null;
}

/** Indented JSON in which a sample or a transition (an object with `at`) is one line: a long
 *  run's series stay small and a line per moment reads well. */
export function reportJson(value: unknown, indent = ''): string {
  if (value === null || typeof value !== 'object' || Object.hasOwn(value, 'at')) return JSON.stringify(value) ?? 'null';
  const inner = `${indent}  `;
  if (Array.isArray(value)) return value.length ? `[\n${value.map((v) => inner + reportJson(v, inner)).join(',\n')}\n${indent}]` : '[]';
  const entries = Object.entries(value).filter(([, v]) => v !== undefined);
  return entries.length ? `{\n${entries.map(([k, v]) => `${inner}${JSON.stringify(k)}: ${reportJson(v, inner)}`).join(',\n')}\n${indent}}` : '{}';
}

export async function writeJsonReport(dir: string, record: RunRecord, summary: RunSummary): Promise<string> {
  const path = join(dir, JSON_REPORT);
  const { hosts, clusters, downloads, transitions } = record;
  const report: JsonReport = { summary, hosts, clusters, downloads, transitions, series: record.series ?? null };
  await writeFile(path, `${reportJson(report)}\n`);
  return path;
}
