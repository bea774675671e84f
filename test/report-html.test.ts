// report.html in a real browser (Debian's Chromium, headless, through playwright-core): every
// chart the report should have is there as SVG with data drawn in it (paths and bars with
// extent, not only axes), the page asks for nothing over the network, and a run whose service
// never answered says so instead of drawing empty charts. SCREENSHOT=FILE keeps a picture.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { writeReportFiles } from '../lib/report/write.ts';
import { renderSvg } from '../lib/report/html/svg.ts';
import { launchChromium, type Headless } from './support/chromium.ts';
import { syntheticRun } from './support/synthetic-run.ts';

const SERVICE = ['api-rate', 'api-p99', 'errors', 'cpu', 'memory'];
const HOSTS = ['hosts', 'clusters', 'runner'];
const PHASES = ['registered', 'known', 'installing', 'installed'].map((p) => `phase-start-to-${p}`);
const PROFILE = ['profile-dbConnections', 'profile-dbCommitsPerSecond'];

interface Drawn { id: string; width: number; marks: number }

/** Per chart: its SVG's width on the page and how many data marks (series paths in the plot's
 *  clip, bars and symbols ECharts tags as chart data) have a non-zero extent. */
function drawn(page: Page): Promise<Drawn[]> {
  return page.$$eval('figure.chart', (figures) => figures.map((f) => {
    const svg = f.querySelector('svg');
    const marks = svg ? [...svg.querySelectorAll('g[clip-path] path, [ecmeta_ssr_type="chart"]')] as SVGGraphicsElement[] : [];
    const extent = marks.filter((m) => { const b = m.getBBox(); return b.width > 0 || b.height > 0; });
    return { id: f.getAttribute('data-chart') ?? '', width: svg?.getBoundingClientRect().width ?? 0, marks: extent.length };
  }));
}

let chromium: Headless;
const dir = mkdtempSync(join(tmpdir(), 'report-html-'));
test.before(async () => { chromium = await launchChromium(); });
test.after(async () => {
  await chromium?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Opens a file, failing every request that is not that file. */
async function open(file: string): Promise<{ page: Page; requests: string[] }> {
  const page = await chromium.context.newPage();
  const requests: string[] = [];
  await page.route('**/*', (route) => {
    const url = route.request().url();
    if (url === `file://${file}`) return route.continue();
    requests.push(url);
    return route.abort();
  });
  await page.goto(`file://${file}`);
  return { page, requests };
}

test('every chart of a sampled run is drawn with data, and the page fetches nothing', async () => {
  const out = join(dir, 'full');
  await writeReportFiles(out, syntheticRun({ profile: true }));
  const { page, requests } = await open(join(out, 'report.html'));
  const charts = await drawn(page);
  assert.equal(charts.map((c) => c.id), [...SERVICE, ...HOSTS, ...PHASES, ...PROFILE]);
  for (const c of charts) {
    assert.ok(c.width > 200, `${c.id}: the SVG is ${c.width} px wide`);
    assert.ok(c.marks > 0, `${c.id}: no data drawn`);
  }
  assert.equal(requests, [], 'nothing is fetched when viewing');
  assert.equal(await page.$$eval('nav a', (as) => as.map((a) => a.textContent)), ['Overview', 'Service', 'Hosts & clusters', 'Phases', 'Prometheus']);
  assert.match(await page.textContent('#service .note') ?? '', /No data \+115 s – \+150 s/);
  if (process.env.SCREENSHOT) await page.screenshot({ path: process.env.SCREENSHOT, fullPage: true });
  await page.close();
});

test('a run whose service never answered: no empty service charts, the reason said; the rest drawn', async () => {
  const out = join(dir, 'away');
  const record = syntheticRun();
  record.series!.service!.samples.length = 0;
  record.series!.service!.gaps.splice(0, 1, { from: record.startedAt, to: record.endedAt!, failures: 66, reason: 'connect ECONNREFUSED 127.0.0.1:8090' });
  await writeReportFiles(out, record);
  const { page } = await open(join(out, 'report.html'));
  const charts = await drawn(page);
  assert.equal(charts.map((c) => c.id), [...HOSTS, ...PHASES]);
  assert.ok(charts.every((c) => c.marks > 0));
  assert.match(await page.textContent('#service') ?? '', /No data \+0 s – \+330 s \(330 s; 66 failed scrapes: connect ECONNREFUSED/);
  await page.close();
});

test('the check itself: a chart with axes but no data counts no marks', async () => {
  const file = join(dir, 'empty.html');
  const empty = renderSvg({ xAxis: { type: 'value' }, yAxis: { type: 'value' }, legend: {}, series: [{ type: 'line', name: 'x', data: [] }, { type: 'bar', name: 'y', data: [] }] }, { width: 600, height: 300 });
  const full = renderSvg({ xAxis: { type: 'value' }, yAxis: { type: 'value' }, series: [{ type: 'line', data: [[0, 1], [1, 2]], showSymbol: false }] }, { width: 600, height: 300 });
  writeFileSync(file, `<!doctype html><figure class="chart" data-chart="empty">${empty}</figure><figure class="chart" data-chart="full">${full}</figure>`);
  const { page } = await open(file);
  assert.equal((await drawn(page)).map((c) => [c.id, c.marks > 0]), [['empty', false], ['full', true]]);
  await page.close();
});

test('a run whose hosts downloaded their ISOs: the ISO downloads section, with its figures and errors', async () => {
  const out = join(dir, 'downloads');
  const record = syntheticRun({ clusters: 2, downloads: { failed: 1 } });
  await writeReportFiles(out, record);
  const { page } = await open(join(out, 'report.html'));
  assert.equal((await page.$$eval('nav a', (as) => as.map((a) => a.textContent))).at(-1), 'ISO downloads');
  const text = (await page.textContent('#downloads')) ?? '';
  const n = record.downloads.length;
  assert.match(text, new RegExp(`Downloads${n - 1} / ${n}mode full, 1 retried`), text);
  assert.match(text, /HTTP 5031/, 'the failed download under its error');
  assert.match(text, /time to first byte, s\s*1\s*0\.4/, text);
  await page.close();
  // A run that downloaded nothing has no such section.
  await writeReportFiles(join(dir, 'no-downloads'), syntheticRun({ clusters: 2 }));
  const plain = await open(join(dir, 'no-downloads', 'report.html'));
  assert.not.ok(await plain.page.$('#downloads'));
  await plain.page.close();
});

test.run();
