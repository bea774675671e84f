// Reading a report back (compare, render): report.json, by its folder or its path, turned into
// the run's record again so that every figure is computed by today's code, whatever wrote it.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { UserError } from '../config/errors.ts';
import { configDefaults } from '../config/load.ts';
import type { Threshold } from '../config/types.ts';
import { JSON_REPORT, type JsonReport } from './json.ts';
import { recordedIsoDownload, type RunRecord } from './types.ts';

export interface ReadReport {
  /** The report's folder. */
  readonly dir: string;
  readonly path: string;
  readonly record: RunRecord;
  /** The thresholds it was checked against when written. */
  readonly thresholds: Threshold[];
}

export function readReport(where: string): ReadReport {
  const path = existsSync(where) && statSync(where).isDirectory() ? join(where, JSON_REPORT) : where;
  let json: JsonReport;
  try {
    json = JSON.parse(readFileSync(path, 'utf8')) as JsonReport;
  } catch (err) {
    throw new UserError(`${path}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such report (a report folder, or its report.json)' : `not a run report: ${(err as Error).message}`}`);
  }
  const s = json?.summary;
  if (!s || !Array.isArray(json.hosts) || !Array.isArray(json.clusters) || typeof s.startedAt !== 'string') {
    throw new UserError(`${path}: not a run report (no summary, hosts and clusters)`);
  }
  const record: RunRecord = {
    swarm: s.swarm,
    provenance: s.provenance ?? { commit: null, branch: null, dirty: null },
    startedAt: Date.parse(s.startedAt),
    endedAt: s.endedAt ? Date.parse(s.endedAt) : null,
    endReason: (s.endReason as RunRecord['endReason']) ?? null,
    // A report of a version before isoDownload had none: it downloaded nothing.
    settings: { ...s.settings, isoDownload: s.settings.isoDownload ?? { ...recordedIsoDownload(configDefaults().isoDownload), mode: 'none' } },
    hosts: json.hosts,
    clusters: json.clusters,
    downloads: json.downloads ?? [],
    transitions: json.transitions ?? [],
    ...(json.series ? { series: json.series } : {}),
  };
  return { dir: dirname(path), path, record, thresholds: (s.thresholds ?? []).map((t) => t.rule) };
}
