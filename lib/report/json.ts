// The JSON report: the summary, every host and cluster as last seen, and every transition.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RunSummary } from './summary.ts';
import type { RunRecord } from './types.ts';

export const JSON_REPORT = 'report.json';

export async function writeJsonReport(dir: string, record: RunRecord, summary: RunSummary): Promise<string> {
  const path = join(dir, JSON_REPORT);
  const { hosts, clusters, downloads, transitions } = record;
  await writeFile(path, `${JSON.stringify({ summary, hosts, clusters, downloads, transitions }, null, 2)}\n`);
  return path;
}
