// Writes a run's report folder, `<reportsDir>/<swarm>-<time>/`, with every writer: report.json,
// summary.md and report.html.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { writeHtmlReport } from './html.ts';
import { writeJsonReport } from './json.ts';
import { writeMarkdownReport } from './markdown.ts';
import { summarizeRun, type RunSummary, type SummaryOptions } from './summary.ts';
import type { RunRecord } from './types.ts';

export function reportDirName(swarm: string, startedAt: number): string {
  return `${swarm}-${new Date(startedAt).toISOString().replace(/\.\d+Z$/, 'Z').replace(/:/g, '-')}`;
}

export async function writeReport(reportsDir: string, record: RunRecord, options: SummaryOptions = {}): Promise<{ dir: string; summary: RunSummary }> {
  const dir = join(reportsDir, reportDirName(record.swarm, record.startedAt));
  return { dir, summary: await writeReportFiles(dir, record, options) };
}

/** Writes (or writes again: `report render`) every file of a report into `dir`. */
export async function writeReportFiles(dir: string, record: RunRecord, options: SummaryOptions = {}): Promise<RunSummary> {
  await mkdir(dir, { recursive: true });
  const summary = summarizeRun(record, options);
  await writeJsonReport(dir, record, summary);
  await writeMarkdownReport(dir, summary);
  await writeHtmlReport(dir, record, summary);
  return summary;
}
