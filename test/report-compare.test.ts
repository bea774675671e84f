// `npm run report -- compare A B` and `render DIR` through the real command line, on report
// folders written by the product from two runs (the head slower and with 5xx answers): the
// figures that moved, report.thresholds from a config file checked on the head against the
// base, exit 0 within them, 2 when one is crossed, 1 on an error; text, JSON and Markdown.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { change } from '../lib/compare/compare.ts';
import type { Comparison } from '../lib/compare/types.ts';
import { writeReportFiles } from '../lib/report/write.ts';
import { syntheticRun } from './support/synthetic-run.ts';

const ROOT = new URL('..', import.meta.url).pathname;
const work = mkdtempSync(join(tmpdir(), 'report-compare-'));
const base = join(work, 'base'), head = join(work, 'head'), same = join(work, 'same');

function cli(...args: string[]) {
  return spawnSync(process.execPath, ['--import', 'tsx', 'lib/cli/main.ts', 'report', ...args], { cwd: ROOT, encoding: 'utf8' });
}

function config(name: string, thresholds: unknown[]): string {
  const file = join(work, `${name}.config.ts`);
  writeFileSync(file, `export default ${JSON.stringify({ name, report: { thresholds } }, null, 2)};\n`);
  return file;
}

const GATE = [
  { metric: 'api.p99', max: 10, description: 'API p99 under 10 s' },
  { metric: 'api.5xx', max: 0, description: 'no 5xx' },
  { metric: 'phase.installed.p99', maxPercentOverBase: 10 },
];

test.before(async () => {
  await writeReportFiles(base, syntheticRun({ clusters: 6 }));
  await writeReportFiles(head, syntheticRun({ clusters: 6, slower: 2, errors5xx: 3 }));
  await writeReportFiles(same, syntheticRun({ clusters: 6 }));
});
test.after(() => rmSync(work, { recursive: true, force: true }));

test('a figure moved: by the minimum change, from 0 by anything, or measured in one run only', () => {
  const f = (value: number | null) => ({ metric: 'api.p99', route: null, label: 'API p99', unit: 's', value });
  assert.equal([change(f(1), f(1.04), 5).moved, change(f(1), f(1.06), 5).moved, change(f(1), f(0.9), 5).moved], [false, true, true]);
  assert.ok(Math.abs(change(f(1), f(0.9), 5).percent! + 10) < 1e-9);
  assert.equal([change(f(0), f(0), 5).moved, change(f(0), f(3), 5).moved, change(f(0), f(3), 5).percent], [false, true, null]);
  assert.equal([change(undefined, f(2), 5).moved, change(f(2), f(null), 5).moved], [true, true]);
});

test('thresholds crossed on the head run: exit 2; text names the figures that moved and each threshold', () => {
  const r = cli('compare', base, head, '--config', config('gate', GATE));
  assert.is(r.status, 2, r.stderr);
  assert.match(r.stdout, /^ {2}base: .*\/base\/report\.json \(swarm synthetic, started 2026-01-01T12:00:00\.000Z, 330 s, done\)$/m);
  assert.match(r.stdout, /^Figures that moved \(by 5 % or more\):$/m);
  assert.match(r.stdout, /^ {2}container start → installed, p99 +[\d.]+ s +[\d.]+ s +\+[\d.]+ %$/m);
  assert.match(r.stdout, /^ {2}API 5xx answers +1 +3 +\+200\.0 %$/m);
  assert.match(r.stdout, /^ {2}✓ pass {5}API p99 under 10 s: /m);
  assert.match(r.stdout, /^ {2}✗ CROSSED {2}no 5xx: 3, limit 0$/m);
  assert.match(r.stdout, /^ {2}✗ CROSSED {2}container start → installed, p99 at most 10 % over the base run: [\d.]+ s, base [\d.]+ s, limit [\d.]+ s$/m);
  assert.match(r.stdout, /^2 of 3 thresholds crossed: exit 2$/m);
  assert.match(r.stdout, /\(\d+ other figures moved less; --all lists every one\)/);
});

test('within every threshold: exit 0; JSON and Markdown say the same', () => {
  const cfg = config('loose', [{ metric: 'api.p99', max: 10 }, { metric: 'phase.installed.p99', maxPercentOverBase: 10 }, { metric: 'api.5xx', max: 0 }]);
  const r = cli('compare', base, same, '--config', cfg, '--json');
  assert.is(r.status, 2, 'the base run itself had a 5xx');
  const json = JSON.parse(r.stdout) as Comparison;
  assert.equal(json.thresholds.map((t) => t.status), ['pass', 'pass', 'crossed']);
  assert.ok(json.figures.every((f) => !f.moved), 'the same run twice: nothing moved');
  assert.is(json.thresholdsFrom, cfg);

  const within = cli('compare', base, same, '--config', config('within', [{ metric: 'api.p99', max: 10 }, { metric: 'phase.installed.p99', maxPercentOverBase: 10 }]), '--markdown');
  assert.is(within.status, 0, within.stderr);
  assert.match(within.stdout, /^## Swarm runs compared$/m);
  assert.match(within.stdout, /^### Figures that moved \(by 5 % or more\)\n\nNone\.$/m);
  assert.match(within.stdout, /^\| ✅ pass \| container start → installed, p99 at most 10 % over the base run \| [\d.]+ s, base [\d.]+ s, limit [\d.]+ s \|$/m);
  assert.match(within.stdout, /^\*\*all 2 thresholds within: exit 0\*\*$/m);
});

test('errors: exit 1 with a clear message', () => {
  const missing = cli('compare', base, join(work, 'nope'), '--config', config('x', []));
  assert.is(missing.status, 1);
  assert.match(missing.stderr, /nope\/?: no such report/);
  const bad = cli('compare', base, head, '--config', config('bad', [{ metric: 'api.p95', max: 1 }]));
  assert.is(bad.status, 1);
  assert.match(bad.stderr, /report\.thresholds\[0\]\.metric: must be a figure of the report/);
  const usage = cli('compare', base);
  assert.is(usage.status, 1);
  assert.match(usage.stderr, /Not enough non-option arguments/);
  const notReport = join(work, 'not-a-report.json');
  writeFileSync(notReport, '{"a":1}');
  assert.match(cli('compare', notReport, head, '--config', config('y', [])).stderr, /not a run report/);
});

test('render writes summary.md and report.html again from report.json, with the thresholds of a config', () => {
  unlinkSync(join(head, 'summary.md'));
  unlinkSync(join(head, 'report.html'));
  const r = cli('render', head, '--config', config('render', [{ metric: 'api.5xx', max: 0 }]));
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stdout, /report written to .*\/head: report\.json, summary\.md, report\.html \(1 of 1 thresholds crossed\)/);
  assert.ok(existsSync(join(head, 'report.html')));
  assert.match(readFileSync(join(head, 'summary.md'), 'utf8'), /## Thresholds\n\n0 of 1 passed; \*\*1 crossed\*\*\./);
  assert.is(readFileSync(join(head, 'report.html'), 'utf8').match(/<figure class="chart"/g)?.length, 12);
});

test.run();
