// The image-service load as the fake hosts saw it: their ISO downloads' times (p50/p90/p99, of
// the ones that succeeded), bytes, throughput, and errors grouped by what went wrong.
import { summarize, type Summary } from './stats.ts';
import type { DownloadRecord, RunRecord } from './types.ts';

export interface DownloadFigures {
  mode: RunRecord['settings']['isoDownload']['mode'];
  count: number;
  ok: number;
  /** Milliseconds, of the downloads that succeeded; null when none did. */
  time: Summary | null;
  timeToFirstByte: Summary | null;
  /** Body bytes of every download, failed ones included (what the image service sent). */
  bytes: number;
  /** Bytes per second over the downloads' span, from the first start to the last end; null below one download. */
  aggregateBytesPerSecond: number | null;
  /** Bytes per second of each successful download with a body. */
  perDownloadBytesPerSecond: Summary | null;
  /** Failed downloads by their error ("HTTP 503", "cut short"), most frequent first. */
  errors: { error: string; count: number }[];
  /** Downloads that needed more than one attempt. */
  retried: number;
}

export function downloadFigures(mode: DownloadFigures['mode'], downloads: DownloadRecord[]): DownloadFigures {
  const ok = downloads.filter((d) => d.error === null);
  const start = Math.min(...downloads.map((d) => d.startedAt));
  const end = Math.max(...downloads.map((d) => d.startedAt + d.ms));
  const bytes = downloads.reduce((n, d) => n + d.bytes, 0);
  const errors = new Map<string, number>();
  for (const d of downloads) if (d.error !== null) errors.set(d.error, (errors.get(d.error) ?? 0) + 1);
  return {
    mode,
    count: downloads.length,
    ok: ok.length,
    time: summarize(ok.map((d) => d.ms)),
    timeToFirstByte: summarize(ok.flatMap((d) => (d.firstByteMs === null ? [] : [d.firstByteMs]))),
    bytes,
    aggregateBytesPerSecond: downloads.length && end > start ? bytes / ((end - start) / 1000) : null,
    perDownloadBytesPerSecond: summarize(ok.filter((d) => d.bytes > 0 && d.ms > 0).map((d) => d.bytes / (d.ms / 1000))),
    errors: [...errors].map(([error, count]) => ({ error, count })).sort((a, b) => b.count - a.count || a.error.localeCompare(b.error)),
    retried: downloads.filter((d) => d.attempts > 1).length,
  };
}
