// The HTML report: report.html, one file that opens anywhere with no network (html/page.ts).
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RunSummary } from './summary.ts';
import type { RunRecord } from './types.ts';

export const HTML_REPORT = 'report.html';

export async function writeHtmlReport(dir: string, record: RunRecord, summary: RunSummary): Promise<string> {
  const path = join(dir, HTML_REPORT);
  // Loaded when written: the charting library is most of a runner's memory, and a run needs it only at its end.
  const { renderHtml } = await import('./html/page.ts');
  await writeFile(path, renderHtml(summary, record));
  return path;
}
