// The report's charts, as ECharts options built from a run's summary and series: the service
// (request rate, p99, errors, CPU, memory; time without data shaded), hosts and clusters per
// state (stacked), the runner's activity, each phase's distribution, and each Prometheus query.
// A chart with nothing to draw is left out; the page says why.
import type { EChartsOption, LineSeriesOption } from 'echarts';
import type { Gap, RunSeries } from '../../metrics/types.ts';
import type { RunSummary } from '../summary.ts';
import type { HostRecord } from '../types.ts';
import { byState, cpuCores, latency, requestRate, rssMiB, runnerCount, runnerIncrements, secondsSince, statusCount, type Point } from './series.ts';

export type Section = 'service' | 'hosts' | 'phases' | 'prometheus';

export interface Chart {
  /** Unique in the page (the figure's id is `chart-<id>`). */
  readonly id: string;
  readonly section: Section;
  readonly title: string;
  /** A line under it: what is drawn and how to read it. */
  readonly caption: string;
  readonly option: EChartsOption;
  /** Narrow charts go two to a row. */
  readonly narrow?: true;
}

const STATE_COLORS: Record<string, string> = { installed: '#3ba272', failed: '#ee6666', error: '#ee6666', 'known-unbound': '#9a60b4' };
const ROUTES_DRAWN = 5;

/** "1:05" for 65 s. */
function clock(v: number): string {
  const s = Math.round(v);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

/** A tick every 10 s, 15 s, 30 s, 1, 2, 5, 10, 15, 30 or 60 min: about six over the run. */
function tickSeconds(duration: number): number {
  return [10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600].find((t) => duration / t <= 7) ?? 7200;
}

interface LineSpec {
  readonly name: string;
  readonly points: Point[];
  readonly color?: string;
  readonly stack?: string;
  readonly area?: boolean;
}

function timeChart(o: { yName: string; lines: LineSpec[]; durationSeconds: number; gaps?: Gap[]; startedAt: number; yDigits?: number }): EChartsOption {
  const x = secondsSince(o.startedAt);
  const shaded = (o.gaps ?? []).map((g) => [{ xAxis: x(g.from), name: 'no data' }, { xAxis: x(g.to) }] as const);
  const series: LineSeriesOption[] = o.lines.map((l, i) => ({
    type: 'line', name: l.name, data: l.points, showSymbol: false, connectNulls: false,
    lineStyle: { width: l.stack ? 1 : 2 },
    ...(l.color ? { color: l.color } : {}),
    ...(l.stack ? { stack: l.stack, areaStyle: { opacity: 0.85 } } : l.area ? { areaStyle: { opacity: 0.15 } } : {}),
    ...(i === 0 && shaded.length ? { markArea: { silent: true, itemStyle: { color: 'rgba(120,120,120,0.18)' }, label: { color: '#666', fontSize: 11 }, data: shaded as never } } : {}),
  }));
  // A vertical legend on the right: its items cannot run into each other whatever the viewer's fonts.
  const legend = o.lines.length > 1;
  return {
    textStyle: { fontFamily: 'Helvetica, Arial, sans-serif' },
    grid: { left: 64, right: legend ? 250 : 24, top: 24, bottom: 44 },
    legend: legend ? { orient: 'vertical', right: 8, top: 20, itemGap: 6, textStyle: { fontSize: 11, width: 210, overflow: 'truncate' } } : { show: false },
    xAxis: {
      type: 'value', min: 0, max: Math.max(1, Math.ceil(o.durationSeconds)), interval: tickSeconds(o.durationSeconds),
      name: 'm:s since start', nameLocation: 'middle', nameGap: 28, axisLabel: { formatter: clock },
    },
    yAxis: {
      type: 'value', name: o.yName, nameLocation: 'middle', nameRotate: 90, nameGap: 46, min: 0,
      // Counts are whole: no tick between two of them.
      ...(o.yDigits === 0 ? { minInterval: 1 } : {}),
      axisLabel: o.yDigits !== undefined ? { formatter: (v: number) => v.toFixed(o.yDigits) } : {},
    },
    series,
  };
}

/** A route short enough for a legend: its method and last two path segments ("GET …/{host_id}/instructions"). */
export function shortRoute(route: string): string {
  const [method, path = ''] = route.split(' ');
  const parts = path.split('/').filter(Boolean);
  return parts.length > 3 ? `${method} …/${parts.slice(-2).join('/')}` : route;
}

/** Legend names for routes: short, unless two would read the same. */
function routeNames(routes: string[]): Map<string, string> {
  const short = routes.map(shortRoute);
  const unique = new Set(short).size === short.length;
  return new Map(routes.map((r, i) => [r, unique ? short[i]! : r]));
}

const hasData = (lines: LineSpec[]) => lines.some((l) => l.points.some(([, y]) => y !== null));

function serviceCharts(s: RunSummary, run: RunSeries, startedAt: number, duration: number): Chart[] {
  const svc = run.service;
  if (!svc || !s.service || !svc.samples.length) return [];
  const gaps = svc.gaps;
  const top = s.service.routes.slice(0, ROUTES_DRAWN).map((r) => r.route);
  const names = routeNames(top);
  const base = { durationSeconds: duration, gaps, startedAt };
  const ms = (points: Point[]): Point[] => points.map(([t, v]) => [t, v === null ? null : v * 1000]);
  const candidates: (Omit<Chart, 'option'> & { lines: LineSpec[]; yName: string; yDigits?: number })[] = [
    { id: 'api-rate', section: 'service', title: 'API requests per second', yName: 'requests/s', yDigits: 1,
      caption: `Every request, and the ${top.length} busiest routes, per sample interval.`,
      lines: [{ name: 'all', points: requestRate(svc, startedAt, null), color: '#333', area: true }, ...top.map((r) => ({ name: names.get(r)!, points: requestRate(svc, startedAt, r) }))] },
    { id: 'api-p99', section: 'service', title: 'API latency p99', yName: 'ms',
      caption: 'The 99th percentile of the requests in each interval (from the service\'s histogram buckets).',
      lines: [{ name: 'all', points: ms(latency(svc, startedAt, null, 0.99)), color: '#333' }, ...top.map((r) => ({ name: names.get(r)!, points: ms(latency(svc, startedAt, r, 0.99)) }))] },
    { id: 'errors', section: 'service', title: 'Errors', yName: 'per interval', yDigits: 0,
      caption: 'Answers of the service with a 4xx or 5xx code, and requests of the runner that failed, per interval.',
      // 5xx last: drawn on top.
      lines: [
        { name: '4xx', points: statusCount(svc, startedAt, 'status4xx'), color: '#fac858' },
        { name: 'runner → hub', points: runnerIncrements(run, startedAt, (r) => r.apiErrors.hub), color: '#9a60b4' },
        { name: 'runner → service', points: runnerIncrements(run, startedAt, (r) => r.apiErrors.service), color: '#73c0de' },
        { name: '5xx', points: statusCount(svc, startedAt, 'status5xx'), color: '#ee6666' },
      ] },
    { id: 'cpu', section: 'service', title: 'Service CPU', yName: 'cores', yDigits: 2, caption: 'process_cpu_seconds_total as a rate between consecutive samples.',
      lines: [{ name: 'CPU', points: cpuCores(svc, startedAt), color: '#5470c6', area: true }] },
    { id: 'memory', section: 'service', title: 'Service memory', yName: 'MiB', yDigits: 0, caption: 'process_resident_memory_bytes.',
      lines: [{ name: 'RSS', points: rssMiB(svc, startedAt), color: '#91cc75', area: true }] },
  ];
  return candidates.filter((c) => hasData(c.lines)).map(({ lines, yName, yDigits, ...c }) => ({ ...c, option: timeChart({ ...base, lines, yName, yDigits }) }));
}

function hostCharts(run: RunSeries, startedAt: number, duration: number): Chart[] {
  if (run.runner.length < 2) return [];
  const base = { durationSeconds: duration, startedAt };
  const stacked = (what: 'hosts' | 'clusters'): LineSpec[] =>
    byState(run, startedAt, what).map(({ state, points }) => ({ name: state, points, stack: what, color: STATE_COLORS[state] }));
  return [
    { id: 'hosts', section: 'hosts', title: 'Hosts per state', caption: 'Stacked: each host in its state as the runner saw it (Agent debugInfo.state; before an Agent exists, the runner\'s own word).',
      option: timeChart({ ...base, yName: 'hosts', yDigits: 0, lines: stacked('hosts') }) },
    { id: 'clusters', section: 'hosts', title: 'Clusters per state', caption: 'Stacked: each cluster in its AgentClusterInstall state.',
      option: timeChart({ ...base, yName: 'clusters', yDigits: 0, lines: stacked('clusters') }) },
    { id: 'runner', section: 'hosts', title: 'The runner\'s work', caption: 'Fake hosts launched, container restarts and Agent patches so far.',
      option: timeChart({ ...base, yName: 'so far', yDigits: 0, lines: [
        { name: 'launched', points: runnerCount(run, startedAt, (r) => r.launched), color: '#5470c6' },
        { name: 'restarts', points: runnerCount(run, startedAt, (r) => r.restarts), color: '#ee6666' },
        { name: 'Agent patches', points: runnerCount(run, startedAt, (r) => r.patches), color: '#91cc75' },
      ] }) },
  ];
}

/** A histogram of one phase's durations. */
function phaseChart(s: RunSummary, hosts: HostRecord[], index: number): Chart | null {
  const { phase } = s.phases[index]!;
  const values = hosts.flatMap((h) => {
    const from = h.milestones[phase.from], to = h.milestones[phase.to];
    return from !== undefined && to !== undefined ? [(to - from) / 1000] : [];
  });
  if (!values.length) return null;
  // About 12 bins of a round width, from the shortest time to the longest.
  const min = Math.min(...values), max = Math.max(...values);
  const width = niceWidth((max - min) / 12);
  const first = Math.floor(min / width) * width;
  const bins = Math.max(1, Math.floor((max - first) / width) + 1);
  const counts = Array.from({ length: bins }, () => 0);
  for (const v of values) counts[Math.min(bins - 1, Math.floor((v - first) / width))]!++;
  const digits = Math.max(0, Math.ceil(-Math.log10(width) - 1e-9)); // 0.05 → 2, 0.2 → 1, 5 → 0
  return {
    id: `phase-${phase.id}`, section: 'phases', narrow: true, title: phase.title,
    caption: `${values.length} host${values.length === 1 ? '' : 's'}, in bins of ${width.toFixed(digits)} s.`,
    option: {
      textStyle: { fontFamily: 'Helvetica, Arial, sans-serif' },
      grid: { left: 48, right: 16, top: 28, bottom: 44 },
      xAxis: { type: 'category', name: 'seconds', nameLocation: 'middle', nameGap: 28, data: counts.map((_, i) => (first + i * width).toFixed(digits)) },
      yAxis: { type: 'value', name: 'hosts', minInterval: 1 },
      series: [{ type: 'bar', name: 'hosts', data: counts, color: '#5470c6', barCategoryGap: '8%' }],
    },
  };
}

function niceWidth(raw: number): number {
  if (raw <= 0) return 0.1;
  const p = 10 ** Math.floor(Math.log10(raw));
  return [1, 2, 5, 10].map((m) => m * p).find((w) => w >= raw)!;
}

function profileCharts(run: RunSeries, startedAt: number, duration: number): Chart[] {
  const p = run.prometheus;
  if (!p) return [];
  const x = secondsSince(startedAt);
  return p.queries.flatMap((q): Chart[] => {
    const keys = [...new Set(p.samples.flatMap((s) => Object.keys(s.values[q.metricName] ?? {})))];
    const lines = keys.map((k) => ({ name: k || q.metricName, points: p.samples.map((s): Point => [x(s.at), s.values[q.metricName]?.[k] ?? null]) }));
    if (!hasData(lines)) return [];
    return [{ id: `profile-${q.metricName}`, section: 'prometheus', title: q.metricName, caption: q.query,
      option: timeChart({ durationSeconds: duration, startedAt, gaps: p.gaps, yName: q.unit ?? '', lines }) }];
  });
}

export function buildCharts(s: RunSummary, hosts: HostRecord[], run: RunSeries | undefined, startedAt: number, endedAt: number): Chart[] {
  const duration = (endedAt - startedAt) / 1000;
  const phases = s.phases.map((_, i) => phaseChart(s, hosts, i)).filter((c): c is Chart => c !== null);
  if (!run) return phases;
  return [...serviceCharts(s, run, startedAt, duration), ...hostCharts(run, startedAt, duration), ...phases, ...profileCharts(run, startedAt, duration)];
}
