// report.html: one self-contained page (styles and SVG charts inline, no script, nothing
// fetched when viewed), in sections like k6's dashboard export: overview, the service, hosts
// and clusters, phases, the Prometheus profile.
import type { RunSummary } from '../summary.ts';
import type { RunRecord } from '../types.ts';
import { shownRoutes } from '../markdown-sections.ts';
import { formatValue } from '../thresholds.ts';
import { unitOf } from '../figures.ts';
import { cores, count, gapText, mib, ms, perSecond } from '../words.ts';
import { buildCharts, type Chart, type Section } from './charts.ts';
import { renderSvg } from './svg.ts';

const esc = (v: unknown) => String(v).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

const STYLE = `
:root { --ink:#1f2328; --muted:#5b6169; --line:#d8dee4; --bg:#f6f8fa; --ok:#1a7f37; --bad:#cf222e; --accent:#2f5fd0; }
* { box-sizing: border-box; }
body { margin:0; font:14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color:var(--ink); background:var(--bg); }
header { background:#24292f; color:#fff; padding:18px 28px 14px; }
header h1 { margin:0 0 4px; font-size:22px; font-weight:600; }
header p { margin:2px 0; color:#c9d1d9; }
nav { position:sticky; top:0; z-index:1; background:#fff; border-bottom:1px solid var(--line); padding:0 28px; }
nav a { display:inline-block; padding:10px 14px; color:var(--accent); text-decoration:none; font-weight:500; }
nav a:hover { background:var(--bg); }
main { max-width:1040px; margin:0 auto; padding:8px 28px 40px; }
section { margin-top:22px; }
h2 { font-size:19px; border-bottom:1px solid var(--line); padding-bottom:6px; }
h3 { font-size:15px; margin:0 0 4px; }
.cards { display:grid; grid-template-columns:repeat(auto-fill, minmax(180px, 1fr)); gap:12px; }
.card { background:#fff; border:1px solid var(--line); border-radius:8px; padding:12px 14px; }
.card .label { color:var(--muted); font-size:12px; text-transform:uppercase; letter-spacing:.03em; }
.card .value { font-size:22px; font-weight:600; margin-top:2px; }
.card .sub { color:var(--muted); font-size:12px; }
.card.bad .value, .bad { color:var(--bad); }
.card.ok .value, .ok { color:var(--ok); }
.note { background:#fff8c5; border:1px solid #eac54f; border-radius:6px; padding:8px 12px; margin:10px 0; }
figure.chart { background:#fff; border:1px solid var(--line); border-radius:8px; margin:14px 0; padding:12px 14px 8px; }
figure.chart svg { width:100%; height:auto; display:block; }
figure.chart figcaption { color:var(--muted); font-size:12px; }
.grid2 { display:grid; grid-template-columns:1fr 1fr; gap:0 14px; }
table { border-collapse:collapse; background:#fff; margin:8px 0 14px; width:100%; font-size:13px; }
th, td { border:1px solid var(--line); padding:5px 8px; text-align:left; vertical-align:top; }
th { background:var(--bg); font-weight:600; }
td.n, th.n { text-align:right; font-variant-numeric:tabular-nums; }
code { font:12px ui-monospace, SFMono-Regular, Menlo, monospace; }
header h1 code { font-size:inherit; }
footer { color:var(--muted); font-size:12px; text-align:center; padding:20px; }
`;

function card(label: string, value: string, sub = '', tone: '' | 'ok' | 'bad' = ''): string {
  return `<div class="card ${tone}"><div class="label">${esc(label)}</div><div class="value">${esc(value)}</div>${sub ? `<div class="sub">${esc(sub)}</div>` : ''}</div>`;
}

function table(head: string[], rows: string[][], numeric: number[] = []): string {
  const cell = (tag: string, i: number, v: string) => `<${tag}${numeric.includes(i) ? ' class="n"' : ''}>${v}</${tag}>`;
  return `<table><thead><tr>${head.map((h, i) => cell('th', i, esc(h))).join('')}</tr></thead><tbody>${rows.map((r) => `<tr>${r.map((v, i) => cell('td', i, v)).join('')}</tr>`).join('')}</tbody></table>`;
}

function figure(c: Chart): string {
  const size = c.narrow ? { width: 480, height: 260 } : { width: 960, height: 300 };
  return `<figure class="chart" id="chart-${esc(c.id)}" data-chart="${esc(c.id)}"><h3>${esc(c.title)}</h3>${renderSvg(c.option, size)}<figcaption>${esc(c.caption)}</figcaption></figure>`;
}

function charts(all: Chart[], section: Section): string {
  const mine = all.filter((c) => c.section === section);
  const wide = mine.filter((c) => !c.narrow).map(figure).join('\n');
  const narrow = mine.filter((c) => c.narrow).map(figure).join('\n');
  return wide + (narrow ? `<div class="grid2">${narrow}</div>` : '');
}

function overview(s: RunSummary): string {
  const hostsDone = s.hosts.byFinalState.installed ?? 0;
  const clustersDone = s.clusters.byFinalState.installed ?? 0;
  const failed = (s.hosts.byFinalState.failed ?? 0) + (s.clusters.byFinalState.failed ?? 0);
  const crossed = s.thresholds.filter((t) => t.status === 'crossed').length;
  const svc = s.service;
  const cards = [
    card('Run', s.endReason ?? 'running', `${s.durationSeconds?.toFixed(0) ?? '–'} s`, s.endReason === 'done' && !failed ? 'ok' : 'bad'),
    card('Clusters installed', `${clustersDone} / ${s.clusters.total}`, `${s.clusters.byFinalState.failed ?? 0} failed`, clustersDone === s.clusters.total ? 'ok' : 'bad'),
    card('Hosts installed', `${hostsDone} / ${s.hosts.total}`, `${s.hosts.restarts} restarts, ${s.hosts.patches} Agent patches`),
    ...(svc && svc.samples ? [
      card('API requests', count(svc.all.requests), `${perSecond(svc.all.perSecond)}/s`),
      card('API p99', `${ms(svc.all.p99)} ms`, `p50 ${ms(svc.all.p50)} ms`),
      card('API errors', `${count(svc.all.status5xx)} 5xx`, `${count(svc.all.status4xx)} 4xx`, svc.all.status5xx ? 'bad' : ''),
      card('Service CPU peak', cores(svc.cpu.peak), `mean ${cores(svc.cpu.mean)}`),
      card('Service memory peak', mib(svc.memory.peak), `mean ${mib(svc.memory.mean)}`),
    ] : []),
    ...(s.thresholds.length ? [card('Thresholds', crossed ? `${crossed} crossed` : 'all within', `${s.thresholds.length} checked`, crossed ? 'bad' : 'ok')] : []),
  ];
  const out = [`<div class="cards">${cards.join('')}</div>`];
  if (s.thresholds.length) {
    out.push('<h3 style="margin-top:16px">Thresholds</h3>', table(['result', 'threshold', 'value', 'limit'], s.thresholds.map((t) => {
      const unit = unitOf(t.rule.metric);
      const tone = t.status === 'crossed' ? 'bad' : t.status === 'pass' ? 'ok' : '';
      return [`<span class="${tone}">${esc(t.status)}</span>`, esc(t.text),
        esc(`${formatValue(t.value, unit)}${t.subject ? ` (${t.subject})` : ''}${t.base !== null ? `, base ${formatValue(t.base, unit)}` : ''}`), esc(formatValue(t.limit, unit))];
    }), [2, 3]));
  }
  if (s.failures.length) {
    out.push('<h3>Failures</h3>', table(['reason', 'count', 'which', 'the service said'], s.failures.map((f) => [
      esc(f.reason), String(f.count), esc(`${f.names.join(', ')}${f.count > f.names.length ? ', …' : ''}`), esc(f.stateInfos.map((i) => `"${i.text}" ×${i.count}`).join('; ')),
    ]), [1]));
  }
  if (s.played.length) out.push('<h3>Played hosts</h3>', `<ul>${s.played.map((p) => `<li>${esc(p.hostname)}: ${esc(p.what)}</li>`).join('')}</ul>`);
  return out.join('\n');
}

function serviceSection(s: RunSummary, startedAt: number, all: Chart[]): string {
  const svc = s.service;
  if (!s.sampling) return '<p>Not sampled: this run was recorded before the report sampled the service.</p>';
  if (!svc) return '<p>Not sampled: <code>report.metrics</code> is null.</p>';
  const out = [`<p>Sampled every ${s.sampling.intervalSeconds} s from <code>${esc(svc.url)}</code>: ${svc.samples} samples over ${svc.sampledSeconds.toFixed(0)} s.</p>`];
  for (const g of svc.gaps) out.push(`<div class="note"><b>No data</b> ${esc(gapText(g, startedAt))}. Shaded in the charts.</div>`);
  if (svc.restarts) out.push(`<div class="note"><b>The service restarted</b> ${svc.restarts} time(s) during the run.</div>`);
  if (!svc.samples) return out.join('\n');
  out.push(`<p>${svc.db
    ? `Database pool: open connections peak ${svc.db.open.peak}, in use peak ${svc.db.inUse.peak}, ${count(svc.db.waits)} waits.`
    : 'Database: not exposed by the service\'s /metrics (no <code>go_sql_*</code> metrics); a metrics profile can ask PostgreSQL\'s exporter.'}</p>`);
  out.push(charts(all, 'service'));
  const rows = shownRoutes(svc.routes).map((r) => [`<code>${esc(r.route)}</code>`, count(r.requests), perSecond(r.perSecond), ms(r.p50), ms(r.p99), String(r.status4xx), String(r.status5xx)]);
  out.push('<h3>Routes, busiest first</h3>', table(['route', 'requests', 'per s', 'p50 ms', 'p99 ms', '4xx', '5xx'], rows, [1, 2, 3, 4, 5, 6]));
  return out.join('\n');
}

function hostsSection(s: RunSummary, all: Chart[]): string {
  const states = (t: Record<string, number>) => Object.entries(t).sort((a, b) => b[1] - a[1]).map(([k, n]) => [esc(k), String(n)]);
  const noSeries = all.some((c) => c.section === 'hosts') ? '' : '<p>No states over time: this run was not sampled.</p>';
  return `${charts(all, 'hosts')}${noSeries}<div class="grid2"><div><h3>Hosts at the end</h3>${table(['state', 'hosts'], states(s.hosts.byFinalState), [1])}</div>` +
    `<div><h3>Clusters at the end</h3>${table(['state', 'clusters'], states(s.clusters.byFinalState), [1])}</div></div>` +
    `<p>Launch rate: ${s.launchRate.launched} hosts launched, ${s.launchRate.achieved?.toFixed(2) ?? '–'}/s achieved (configured ${s.launchRate.configured}/s).</p>`;
}

function phasesSection(s: RunSummary, all: Chart[]): string {
  const sec = (v: number) => (v / 1000).toFixed(1);
  const rows = s.phases.map(({ phase, summary: p }) => p
    ? [esc(phase.title), String(p.count), sec(p.p50), sec(p.p90), sec(p.p99), sec(p.max)]
    : [esc(phase.title), '0', '–', '–', '–', '–']);
  return `${table(['phase', 'hosts', 'p50 s', 'p90 s', 'p99 s', 'max s'], rows, [1, 2, 3, 4, 5])}${charts(all, 'phases')}`;
}

function profileSection(s: RunSummary, startedAt: number, all: Chart[]): string {
  const p = s.profile!;
  const v = (x: number | null) => esc(formatValue(x, ''));
  const out = [`<p>Asked every ${s.sampling?.intervalSeconds ?? '–'} s of <code>${esc(p.url)}</code>: ${p.samples} samples.</p>`];
  for (const g of p.gaps) out.push(`<div class="note"><b>No data</b> ${esc(gapText(g, startedAt))}.</div>`);
  for (const problem of s.sampling?.problems ?? []) out.push(`<div class="note">Not used: ${esc(problem)}.</div>`);
  out.push(table(['metric', 'series', 'min', 'mean', 'max', 'last', 'unit'], p.queries.map((q) => [
    `${esc(q.metricName)}${q.error ? ` <span class="bad">(refused: ${esc(q.error)})</span>` : ''}`, String(q.series), v(q.min), v(q.mean), v(q.max), v(q.last), esc(q.unit ?? ''),
  ]), [1, 2, 3, 4, 5]));
  out.push(charts(all, 'prometheus'));
  return out.join('\n');
}

/** The image-service load (isoDownload): the downloads' times, bytes, throughput and errors, as summary.md has them. */
function downloadsSection(s: RunSummary): string {
  const d = s.downloads;
  const MiB = 1024 * 1024;
  const sec = (v: number) => (v / 1000).toFixed(1);
  const out = [`<div class="cards">${[
    card('Downloads', `${d.ok} / ${d.count}`, `mode ${d.mode}, ${d.retried} retried`, d.ok === d.count ? 'ok' : 'bad'),
    card('Received', `${(d.bytes / MiB).toFixed(1)} MiB`, `${d.aggregateBytesPerSecond === null ? '–' : (d.aggregateBytesPerSecond / MiB).toFixed(1)} MiB/s over all`),
    card('Download p99', d.time ? `${sec(d.time.p99)} s` : '–', d.time ? `p50 ${sec(d.time.p50)} s` : 'none succeeded'),
  ].join('')}</div>`];
  const row = (title: string, v: RunSummary['downloads']['time'], f: (x: number) => string) =>
    (v ? [esc(title), String(v.count), f(v.p50), f(v.p90), f(v.p99), f(v.max)] : [esc(title), '0', '–', '–', '–', '–']);
  out.push('<h3>Of the successful downloads</h3>', table(['figure', 'count', 'p50', 'p90', 'p99', 'max'], [
    row('time, s', d.time, sec), row('time to first byte, s', d.timeToFirstByte, sec), row('throughput, MiB/s', d.perDownloadBytesPerSecond, (x) => (x / MiB).toFixed(1)),
  ], [1, 2, 3, 4, 5]));
  if (d.errors.length) out.push('<h3>Errors</h3>', table(['error', 'downloads'], d.errors.map((e) => [esc(e.error), String(e.count)]), [1]));
  return out.join('\n');
}

export function renderHtml(s: RunSummary, record: RunRecord): string {
  const startedAt = Date.parse(s.startedAt);
  const endedAt = record.endedAt ?? record.series?.runner.at(-1)?.at ?? startedAt;
  const all = buildCharts(s, record.hosts, record.series, startedAt, endedAt);
  const p = s.provenance;
  const source = p.commit ? `git ${p.commit.slice(0, 12)}${p.branch ? ` on ${p.branch}` : ''}${p.dirty ? ', uncommitted changes' : ''}` : 'outside a git repository';
  const sections: [string, string, string][] = [
    ['overview', 'Overview', overview(s)],
    ['service', 'Service', serviceSection(s, startedAt, all)],
    ['hosts', 'Hosts & clusters', hostsSection(s, all)],
    ['phases', 'Phases', phasesSection(s, all)],
    ...(s.downloads.mode !== 'none' ? [['downloads', 'ISO downloads', downloadsSection(s)] as [string, string, string]] : []),
    ...(s.profile ? [['prometheus', 'Prometheus', profileSection(s, startedAt, all)] as [string, string, string]] : []),
  ];
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Swarm ${esc(s.swarm)}: run report</title>
<style>${STYLE}</style>
</head>
<body>
<header>
<h1>Swarm <code>${esc(s.swarm)}</code>: run report</h1>
<p>Started ${esc(s.startedAt)}, ended ${esc(s.endedAt ?? '–')} (${esc(s.durationSeconds?.toFixed(0) ?? '–')} s, ${esc(s.endReason ?? 'running')}). Applied from ${esc(source)}.</p>
<p>Launch rate ${s.settings.launchRate}/s, concurrency ${s.settings.concurrency}, restart cap ${s.settings.restartLimit}, timeout ${s.settings.timeoutMinutes} min, engines: ${esc(s.settings.engines.join(', ') || 'local')}.</p>
</header>
<nav>${sections.map(([id, title]) => `<a href="#${id}">${esc(title)}</a>`).join('')}</nav>
<main>
${sections.map(([id, title, body]) => `<section id="${id}"><h2>${esc(title)}</h2>\n${body}\n</section>`).join('\n')}
</main>
<footer>assisted-swarm run report · ${all.length} charts drawn with Apache ECharts at report time · report.json holds every figure and series</footer>
</body>
</html>
`;
}
