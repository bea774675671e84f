// The service's side of the run report, from sampled series: per-route totals and quantiles,
// CPU and memory peak and mean, the database where exposed, gaps and restarts said; the
// thresholds checked on the run's figures (and on a base run's); summary.md's sections; and a
// report.json that reads back into the same figures (what `report render` and compare rely on).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RouteDelta, ServiceSample, ServiceSeries } from '../lib/metrics/types.ts';
import { summarizeService } from '../lib/report/service.ts';
import { summarizeRun, type RunSummary } from '../lib/report/summary.ts';
import { renderMarkdown } from '../lib/report/markdown.ts';
import { checkThresholds } from '../lib/report/thresholds.ts';
import { lookup } from '../lib/report/figures.ts';
import { writeReportFiles } from '../lib/report/write.ts';
import { readReport } from '../lib/report/read.ts';
import type { Threshold } from '../lib/config/types.ts';
import { syntheticRun } from './support/synthetic-run.ts';

const T0 = Date.UTC(2026, 0, 1);
const BOUNDS = [0.01, 0.1, 1];

/** A route's interval: requests per bucket (not cumulative: ≤10 ms, ≤100 ms, ≤1 s, above). */
function route(perBucket: number[], status4xx = 0, status5xx = 0): RouteDelta {
  let cum = 0;
  const buckets = perBucket.map((n) => (cum += n));
  return { requests: cum, status4xx, status5xx, buckets };
}

function sample(seconds: number, o: Partial<ServiceSample> = {}): ServiceSample {
  return { at: T0 + seconds * 1000, since: T0 + (seconds - 10) * 1000, cpuSeconds: null, cpuCores: null, rssBytes: null, routes: {}, db: null, ...o };
}

const rule = (r: Partial<Threshold> & { metric: string }): Threshold => ({ route: null, max: null, min: null, maxPercentOverBase: null, description: null, ...r });

function series(samples: ServiceSample[], gaps: ServiceSeries['gaps'] = []): ServiceSeries {
  return { url: 'http://svc/metrics', bucketBounds: BOUNDS, samples, gaps };
}

test('per route over the run: requests, rate, quantiles from the summed buckets, 4xx and 5xx; CPU mean weighted by interval', () => {
  const s = summarizeService(series([
    sample(0, { since: null, rssBytes: 100 * 2 ** 20 }),
    sample(10, { cpuCores: 0.5, rssBytes: 200 * 2 ** 20, routes: { 'GET /a': route([10, 0, 0, 0]), 'POST /b': route([0, 4, 0, 0], 0, 1) } }),
    // after a gap of 30 s: a 30-s interval whose rate counts three times as much
    sample(40, { since: T0 + 10_000, cpuCores: 1.5, rssBytes: 150 * 2 ** 20, routes: { 'GET /a': route([0, 10, 0, 0], 2) } }),
    sample(50, { cpuCores: null, rssBytes: null, restarted: true, since: null, routes: { 'POST /b': route([0, 0, 4, 0]) } }),
  ]));
  assert.equal(s.routes.map((r) => [r.route, r.requests, r.status4xx, r.status5xx]), [['GET /a', 20, 2, 0], ['POST /b', 8, 0, 1]]);
  const a = s.routes[0]!;
  assert.is(a.perSecond, 20 / 50);
  assert.is(a.p50, 0.01, 'rank 10 of 20: the top of the first bucket');
  assert.ok(Math.abs(a.p99! - (0.01 + 0.09 * 9.8 / 10)) < 1e-9, `${a.p99}`);
  assert.equal([s.all.requests, s.all.status5xx], [28, 1]);
  assert.equal(s.all.buckets, [10, 24, 28, 28]);
  assert.equal(s.cpu, { peak: 1.5, mean: (0.5 * 10 + 1.5 * 30) / 40 });
  assert.equal(s.memory, { peak: 200 * 2 ** 20, mean: 150 * 2 ** 20 });
  assert.equal([s.restarts, s.samples, s.sampledSeconds], [1, 4, 50]);
  assert.is(s.db, null);
});

test('summary.md says what was measured, the time without data, a restart, and that the database is not exposed', () => {
  const record = syntheticRun({ clusters: 3 });
  const md = renderMarkdown(summarizeRun(record));
  assert.match(md, /^## The service$/m);
  assert.match(md, /Sampled every 5 s from http:\/\/127\.0\.0\.1:8090\/metrics: \d+ samples over 330 s\./);
  assert.match(md, /\*\*No data\*\* \+115 s – \+150 s \(35 s; 6 failed scrapes: connect ECONNREFUSED 127\.0\.0\.1:8090\)\./);
  assert.match(md, /^[\d,]+ requests \([\d.]+\/s\), p50 [\d.]+ ms, p99 [\d.]+ ms; 4xx: \d+, 5xx: 1\.$/m);
  assert.match(md, /^CPU: peak 0\.\d\d cores, mean 0\.\d\d cores\. Memory \(RSS\): peak \d+ MiB, mean \d+ MiB\.$/m);
  assert.match(md, /^Database: not exposed by the service's \/metrics/m);
  assert.match(md, /^\| `POST \/v2\/infra-envs\/\{infra_env_id\}\/hosts` \| [\d,]+ \| [\d.]+ \| [\d.]+ \| [\d.]+ \| 0 \| 1 \|$/m, 'the route with the 5xx');
  assert.match(md, /The runner's own requests that failed: 2 to the hub, 0 to the service\./);

  const restarted = syntheticRun({ clusters: 3, gap: null });
  restarted.series!.service!.samples[5] = { ...restarted.series!.service!.samples[5]!, restarted: true, since: null, db: { open: 9, inUse: 3, idle: 6, waitCount: 4 } };
  const md2 = renderMarkdown(summarizeRun(restarted));
  assert.not.match(md2, /No data/);
  assert.match(md2, /\*\*The service restarted\*\* 1 time during the run/);
  assert.match(md2, /^Database pool: open connections peak 9, mean 9\.0; in use peak 3; 0 waits for a connection\.$/m);
});

test('summary.md when the service was not sampled, or never answered', () => {
  const off = syntheticRun({ clusters: 1 });
  off.series = { ...off.series!, service: null };
  assert.match(renderMarkdown(summarizeRun(off)), /## The service\n\nNot sampled: report\.metrics is null\./);
  const before = syntheticRun({ clusters: 1 });
  delete before.series;
  assert.match(renderMarkdown(summarizeRun(before)), /Not sampled: this run was recorded before the report sampled the service\./);
  const away = syntheticRun({ clusters: 1 });
  away.series!.service!.samples.length = 0;
  away.series!.service!.gaps.splice(0, 1, { from: away.startedAt, to: away.startedAt + 330_000, failures: 66, reason: 'timed out after 5 s' });
  const md = renderMarkdown(summarizeRun(away));
  assert.match(md, /: 0 samples over 0 s\.\n\*\*No data\*\* \+0 s – \+330 s \(330 s; 66 failed scrapes: timed out after 5 s\)\./);
  assert.match(md, /No figures: the service's metrics never answered during the run\./);
});

test('the busiest routes, and any other route with errors, are listed', () => {
  const routes: Record<string, RouteDelta> = {};
  for (let i = 0; i < 14; i++) routes[`GET /r${i}`] = route([100 - i, 0, 0, 0], 0, i === 13 ? 2 : 0);
  const run = syntheticRun({ clusters: 1, gap: null });
  run.series!.service!.samples.splice(0, Infinity, sample(0, { since: null }), sample(10, { routes }));
  run.series!.service!.bucketBounds = BOUNDS;
  const md = renderMarkdown(summarizeRun(run));
  const rows = md.split('\n').filter((l) => l.startsWith('| `GET /r'));
  assert.equal(rows.map((r) => r.split('`')[1]), [...Array.from({ length: 10 }, (_, i) => `GET /r${i}`), 'GET /r13']);
  assert.match(md, /Routes, busiest first \(14 in all, every one in report\.json\):/);
});

test('thresholds: max, min, a percentage over the base run, each route, a handler for every method, no data, needs a base', () => {
  const run = summarizeRun(syntheticRun({ clusters: 4, slower: 2, errors5xx: 3 }));
  const base = summarizeRun(syntheticRun({ clusters: 4 }));
  const results = checkThresholds([
    rule({ metric: 'api.p99', max: 10 }),
    rule({ metric: 'api.5xx', max: 0, description: 'no 5xx' }),
    rule({ metric: 'api.5xx', route: '*', max: 0 }),
    rule({ metric: 'api.requests', route: '/v2/infra-envs/{infra_env_id}/hosts/{host_id}/instructions', min: 1 }),
    rule({ metric: 'phase.installed.p99', maxPercentOverBase: 10 }),
    rule({ metric: 'phase.registered.p99', maxPercentOverBase: 10 }),
    rule({ metric: 'clusters.installed', min: 4 }),
    rule({ metric: 'service.memory.peak', max: 1 }),
    rule({ metric: 'profile.dbConnections.max', max: 5 }),
  ], run, base);
  const byText = Object.fromEntries(results.map((r) => [r.text, r]));
  assert.equal(results.map((r) => r.status), ['pass', 'crossed', 'crossed', 'pass', 'crossed', 'pass', 'pass', 'crossed', 'no data']);
  assert.is(byText['no 5xx']!.value, 3);
  assert.is(results[2]!.subject, 'POST /v2/infra-envs/{infra_env_id}/hosts', 'the route that crossed is named');
  const both = lookup(run, 'api.requests', 'GET /v2/infra-envs/{infra_env_id}/hosts/{host_id}/instructions')[0]!.value! +
    lookup(run, 'api.requests', 'POST /v2/infra-envs/{infra_env_id}/hosts/{host_id}/instructions')[0]!.value!;
  assert.is(results[3]!.value, both, 'a handler alone stands for every method');
  const installed = results[4]!;
  assert.ok(installed.base! > 0 && installed.value! > installed.limit!, JSON.stringify(installed));
  assert.is(installed.limit, installed.base! * 1.1);
  assert.is(results[7]!.text, 'service memory peak at most 1 MiB');
  assert.is(checkThresholds([rule({ metric: 'phase.installed.p99', maxPercentOverBase: 10 })], run)[0]!.status, 'needs a base');
  const clean = summarizeRun(syntheticRun({ clusters: 4, errors5xx: 0 }));
  const [ties, slowest] = checkThresholds([rule({ metric: 'api.5xx', route: '*', max: 0 }), rule({ metric: 'api.p99', route: '*', max: 100 })], clean);
  assert.equal([ties!.status, ties!.subject, ties!.value], ['pass', null, 0], 'no route named when all are alike');
  assert.equal([slowest!.status, slowest!.subject], ['pass', 'GET /v2/infra-envs/{infra_env_id}/downloads/files'], 'the slowest route named');

  const md = renderMarkdown({ ...run, thresholds: results });
  assert.match(md, /## Thresholds\n\n4 of 9 passed; \*\*4 crossed\*\*\./);
  assert.match(md, /^\| ❌ \*\*crossed\*\* \| no 5xx \| 3 \| 0 \|$/m);
  assert.match(md, /^\| ❌ \*\*crossed\*\* \| API 5xx answers, each route at most 0 \| 3 \(POST \/v2\/infra-envs\/\{infra_env_id\}\/hosts\) \| 0 \|$/m);
  assert.match(md, /^\| ❌ \*\*crossed\*\* \| container start → installed, p99 at most 10 % over the base run \| [\d.]+ s, base [\d.]+ s \| [\d.]+ s \|$/m);
  assert.match(md, /^\| – no data \| dbConnections \(Prometheus\), max at most 5 \| – \| – \|$/m, 'a profile figure of a run without the profile');
});

test('report.json reads back into the same figures; its samples are a line each', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'report-read-'));
  try {
    const record = syntheticRun({ clusters: 2, profile: true });
    const thresholds = [rule({ metric: 'api.p99', max: 1 })];
    const written = await writeReportFiles(dir, record, { thresholds });
    const text = readFileSync(join(dir, 'report.json'), 'utf8');
    assert.match(text, /\n {8}\{"at":\d+,"since":null,"cpuSeconds":/, 'a service sample on one line');
    const back = readReport(dir);
    assert.equal(back.thresholds, thresholds);
    const again: RunSummary = summarizeRun(back.record, { thresholds: back.thresholds });
    assert.equal(again, JSON.parse(JSON.stringify(written)));
    assert.is(readFileSync(join(dir, 'summary.md'), 'utf8'), renderMarkdown(again));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
