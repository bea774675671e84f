// The sections of summary.md about the service, the Prometheus profile and the thresholds.
import { unitOf } from './figures.ts';
import type { RunSummary } from './summary.ts';
import type { RouteFigures } from './service.ts';
import { formatValue } from './thresholds.ts';
import { cores, count, gapText, mib, ms, perSecond } from './words.ts';

/** Routes in the table: the busiest, and any other with errors. */
export const TOP_ROUTES = 10;

export function shownRoutes(routes: readonly RouteFigures[]): RouteFigures[] {
  return routes.filter((r, i) => i < TOP_ROUTES || r.status4xx || r.status5xx);
}

const STATUS_MARK = { pass: '✅ pass', crossed: '❌ **crossed**', 'no data': '– no data', 'needs a base': '– needs a base' } as const;

export function thresholdSection(s: RunSummary): string[] {
  if (!s.thresholds.length) return [];
  const crossed = s.thresholds.filter((t) => t.status === 'crossed').length;
  const passed = s.thresholds.filter((t) => t.status === 'pass').length;
  const out = ['## Thresholds', '', `${passed} of ${s.thresholds.length} passed${crossed ? `; **${crossed} crossed**` : ''}.`, '', '| result | threshold | value | limit |', '| --- | --- | ---: | ---: |'];
  for (const t of s.thresholds) {
    const unit = unitOf(t.rule.metric);
    const value = `${formatValue(t.value, unit)}${t.subject ? ` (${t.subject})` : ''}${t.base !== null ? `, base ${formatValue(t.base, unit)}` : ''}`;
    out.push(`| ${STATUS_MARK[t.status]} | ${t.text} | ${value} | ${formatValue(t.limit, unit)} |`);
  }
  out.push('');
  return out;
}

export function serviceSection(s: RunSummary, startedAt: number): string[] {
  const out = ['## The service', ''];
  const svc = s.service;
  if (!s.sampling) return [...out, 'Not sampled: this run was recorded before the report sampled the service.', ''];
  if (!svc) return [...out, 'Not sampled: report.metrics is null.', ''];
  out.push(`Sampled every ${s.sampling.intervalSeconds} s from ${svc.url}: ${svc.samples} sample${svc.samples === 1 ? '' : 's'} over ${svc.sampledSeconds.toFixed(0)} s.`);
  for (const g of svc.gaps) out.push(`**No data** ${gapText(g, startedAt)}.`);
  if (svc.gaps.length && svc.samples) out.push('Rates and CPU leave the time without data out; request counts include it (counters keep counting).');
  if (svc.restarts) out.push(`**The service restarted** ${svc.restarts} time${svc.restarts === 1 ? '' : 's'} during the run; its counters started again and are counted across.`);
  out.push('');
  if (!svc.samples) return [...out, 'No figures: the service\'s metrics never answered during the run.', ''];
  const a = svc.all;
  out.push(`${count(a.requests)} requests (${perSecond(a.perSecond)}/s), p50 ${ms(a.p50)} ms, p99 ${ms(a.p99)} ms; 4xx: ${count(a.status4xx)}, 5xx: ${count(a.status5xx)}.`);
  out.push(`CPU: peak ${cores(svc.cpu.peak)}, mean ${cores(svc.cpu.mean)}. Memory (RSS): peak ${mib(svc.memory.peak)}, mean ${mib(svc.memory.mean)}.`);
  out.push(svc.db
    ? `Database pool: open connections peak ${svc.db.open.peak}, mean ${svc.db.open.mean?.toFixed(1)}; in use peak ${svc.db.inUse.peak}; ${count(svc.db.waits)} waits for a connection.`
    : 'Database: not exposed by the service\'s /metrics (no go_sql_* metrics); a metrics profile can ask PostgreSQL\'s exporter (README, "Metrics profile").');
  out.push('');
  const rows = shownRoutes(svc.routes);
  if (rows.length) {
    const more = svc.routes.length > rows.length ? ` (${svc.routes.length} in all, every one in report.json)` : '';
    out.push(`Routes, busiest first${more}:`, '', '| route | requests | per s | p50 ms | p99 ms | 4xx | 5xx |', '| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
    for (const r of rows) out.push(`| \`${r.route}\` | ${count(r.requests)} | ${perSecond(r.perSecond)} | ${ms(r.p50)} | ${ms(r.p99)} | ${r.status4xx} | ${r.status5xx} |`);
    out.push('');
  }
  if (s.runner) out.push(`The runner's own requests that failed: ${s.runner.apiErrors.hub} to the hub, ${s.runner.apiErrors.service} to the service.`, '');
  return out;
}

export function profileSection(s: RunSummary, startedAt: number): string[] {
  const p = s.profile;
  if (!p) return [];
  const out = ['## Prometheus queries', '', `Asked every ${s.sampling?.intervalSeconds ?? '–'} s of ${p.url}: ${p.samples} sample${p.samples === 1 ? '' : 's'}.`];
  for (const g of p.gaps) out.push(`**No data** ${gapText(g, startedAt)}.`);
  for (const problem of s.sampling?.problems ?? []) out.push(`Not used: ${problem}.`);
  out.push('', '| metric | series | min | mean | max | last | unit |', '| --- | ---: | ---: | ---: | ---: | ---: | --- |');
  const v = (x: number | null) => (x === null ? '–' : formatValue(x, ''));
  for (const q of p.queries) out.push(`| ${q.metricName} | ${q.series} | ${v(q.min)} | ${v(q.mean)} | ${v(q.max)} | ${v(q.last)} | ${q.unit ?? ''} |`);
  out.push('');
  const failed = p.queries.filter((q) => q.error);
  for (const q of failed) out.push(`- ${q.metricName}: the server refused \`${q.query}\`: ${q.error}`);
  if (failed.length) out.push('');
  return out;
}
