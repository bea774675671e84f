// Writes a run's report folder, `<reportsDir>/<swarm>-<time>/`, with every writer.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { writeJsonReport } from './json.ts';
import { writeMarkdownReport } from './markdown.ts';
import { summarizeRun, type RunSummary } from './summary.ts';
import type { RunRecord } from './types.ts';

export function reportDirName(swarm: string, startedAt: number): string {
  return `${swarm}-${new Date(startedAt).toISOString().replace(/\.\d+Z$/, 'Z').replace(/:/g, '-')}`;
}

export async function writeReport(reportsDir: string, record: RunRecord): Promise<{ dir: string; summary: RunSummary }> {
  const dir = join(reportsDir, reportDirName(record.swarm, record.startedAt));
  await mkdir(dir, { recursive: true });
  const summary = summarizeRun(record);
  await writeJsonReport(dir, record, summary);
  await writeMarkdownReport(dir, summary);
  return { dir, summary };
}
