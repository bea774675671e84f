// The report's figures from a run record: percentiles, phases, launch rate, failures grouped
// by reason with the service's stateInfo, played hosts, and the Markdown a person reads.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { percentile, summarize } from '../lib/report/stats.ts';
import { launchRate, maxInWindow } from '../lib/report/launch-rate.ts';
import { summarizeRun } from '../lib/report/summary.ts';
import { renderMarkdown } from '../lib/report/markdown.ts';
import { writeReport } from '../lib/report/write.ts';
import { countStates } from '../lib/report/counts.ts';
import { renderCounts } from '../lib/report/progress.ts';
import type { DownloadRecord, HostRecord, RunRecord } from '../lib/report/types.ts';

const T0 = Date.UTC(2026, 0, 1);

function host(name: string, over: Partial<HostRecord> = {}): HostRecord {
  return {
    hostname: name, hostId: `id-${name}`, role: 'master', cluster: 'c1', pool: null, engine: 'local', containerId: `cid-${name}`,
    state: 'installed', stage: 'Done', stateInfo: null, launchedAt: T0, milestones: {}, restarts: 0, adopted: false, patches: 1,
    played: null, outcome: null, failure: null, ...over,
  };
}

function record(hosts: HostRecord[]): RunRecord {
  return {
    swarm: 's', provenance: { commit: '0cda8fe2d1c4b7a9e3f5061728394a5b6c7d8e9f', branch: 'main', dirty: true }, startedAt: T0, endedAt: T0 + 60_000, endReason: 'done',
    settings: { launchRate: 2, concurrency: 4, restartLimit: 3, timeoutMinutes: 10, engines: ['local'], isoDownload: { mode: 'none', range: 'bytes=0-1048575', concurrency: 8, ratePerSecond: 10 } },
    hosts,
    clusters: [{ name: 'c1', namespace: 's-c1', clusterId: 'x', state: 'error', stateInfo: 'boom', hosts: hosts.map((h) => h.hostname), milestones: {}, controllerId: null, outcome: 'failed', failure: { reason: 'cluster error', stateInfo: 'boom' } }],
    downloads: [],
    transitions: [],
  };
}

test('percentiles are nearest-rank values that were measured', () => {
  const values = Array.from({ length: 100 }, (_, i) => i + 1);
  assert.equal(summarize(values), { count: 100, p50: 50, p90: 90, p99: 99, max: 100 });
  assert.is(percentile([7], 99), 7);
  assert.equal(summarize([3, 1, 2]), { count: 3, p50: 2, p90: 3, p99: 3, max: 3 });
  assert.is(summarize([]), null);
});

test('the most launches in any one second, and the rate achieved', () => {
  assert.is(maxInWindow([0, 500, 1000, 1500], 1000), 2);
  assert.is(maxInWindow([0, 100, 200, 5000], 1000), 3);
  assert.is(maxInWindow([], 1000), 0);
  const r = launchRate(2, [0, 500, 1000, 1500].map((t) => ({ launchedAt: T0 + t, milestones: { containerStarted: T0 + t + 100 } })));
  assert.equal([r.launched, r.achieved, r.maxInOneSecond, r.startedPerSecond], [4, 2, 2, 2]);
});

test('phases are measured from container start over hosts that reached both ends', () => {
  const hosts = [
    host('a', { outcome: 'installed', milestones: { containerStarted: T0, registered: T0 + 1000, known: T0 + 5000, installing: T0 + 6000, installed: T0 + 60_000 } }),
    host('b', { outcome: 'installed', milestones: { containerStarted: T0, registered: T0 + 3000, known: T0 + 7000, installing: T0 + 8000, installed: T0 + 80_000 } }),
    // Kept from an earlier run: no container start seen, so it is in no phase.
    host('c', { adopted: true, milestones: { registered: T0, known: T0 } }),
  ];
  const s = summarizeRun(record(hosts));
  const byId = Object.fromEntries(s.phases.map((p) => [p.phase.id, p.summary]));
  assert.equal(byId['start-to-registered'], { count: 2, p50: 1000, p90: 3000, p99: 3000, max: 3000 });
  assert.is(byId['start-to-installed']!.max, 80_000);
  assert.is(s.hosts.adopted, 1);
  assert.match(renderMarkdown(s), '1 host kept from an earlier run is in no phase here: its container started in that run');
  assert.not.match(renderMarkdown(summarizeRun(record(hosts.slice(0, 2)))), 'in no phase here');
});

test('failures are grouped by reason with the service stateInfo; played hosts are listed', async () => {
  const hosts = [
    host('a', { outcome: 'failed', state: 'error', failure: { reason: 'agent error', stateInfo: 'disk too small' } }),
    host('b', { outcome: 'failed', state: 'error', failure: { reason: 'agent error', stateInfo: 'disk too small' } }),
    host('c', { outcome: 'failed', state: 'error', failure: { reason: 'agent error', stateInfo: 'timed out' } }),
    host('d', { outcome: 'failed', failure: { reason: 'container died (exit 1)', stateInfo: null, detail: 'exit 1 after 3 restarts' } }),
    host('e', { outcome: 'installed', played: 'bootstrap installation' }),
  ];
  const s = summarizeRun(record(hosts));
  const agent = s.failures.find((f) => f.reason === 'agent error')!;
  assert.equal([agent.subject, agent.count, agent.names], ['host', 3, ['a', 'b', 'c']]);
  assert.equal(agent.stateInfos, [{ text: 'disk too small', count: 2 }, { text: 'timed out', count: 1 }]);
  assert.equal(s.failures.map((f) => f.reason), ['cluster error', 'agent error', 'container died (exit 1)']);
  assert.equal(s.played, [{ hostname: 'e', what: 'bootstrap installation' }]);
  assert.equal(s.hosts.byFinalState, { failed: 4, installed: 1 });

  const md = renderMarkdown(s);
  assert.match(md, /\*\*agent error\*\* \(3 hosts\): a, b, c/);
  assert.match(md, /service: "disk too small" ×2/);
  assert.match(md, /- e: bootstrap installation/);
  assert.match(md, /\| container start → registered \| 0 \| – \|/);
  assert.match(md, /^Applied from git 0cda8fe2d1c4 on main, uncommitted changes\.$/m, 'the commit, branch and dirty flag it was applied from');
  assert.match(renderMarkdown(summarizeRun({ ...record(hosts), provenance: { commit: null, branch: null, dirty: null } })), /^Applied from outside a git repository\.$/m);

  const dir = mkdtempSync(join(tmpdir(), 'report-test-'));
  try {
    const written = await writeReport(dir, record(hosts));
    assert.match(written.dir, /\/s-2026-01-01T00-00-00Z$/);
    const json = JSON.parse(readFileSync(join(written.dir, 'report.json'), 'utf8'));
    assert.is(json.hosts.length, 5);
    assert.equal(json.summary.provenance, { commit: '0cda8fe2d1c4b7a9e3f5061728394a5b6c7d8e9f', branch: 'main', dirty: true });
    assert.is(readFileSync(join(written.dir, 'summary.md'), 'utf8'), md);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('ISO downloads: times of the successful ones, bytes, throughput, and errors by what went wrong', () => {
  const MiB = 1024 * 1024;
  const d = (i: number, over: Partial<DownloadRecord> = {}): DownloadRecord => ({
    hostname: `h${i}`, source: 'bare-metal-host', mode: 'full', startedAt: T0 + i * 1000, ms: 2000, firstByteMs: 100, bytes: 10 * MiB, status: 200, attempts: 1, error: null, ...over,
  });
  const downloads = [
    d(0), d(1, { ms: 4000, attempts: 2 }), d(2),
    d(3, { error: 'HTTP 503', status: 503, bytes: 0, attempts: 3 }),
    d(4, { error: 'HTTP 503', status: 503, bytes: 0, attempts: 3 }),
    d(5, { error: 'cut short', bytes: 4 * MiB }),
  ];
  const run = { ...record([host('a')]), downloads, settings: { ...record([]).settings, isoDownload: { mode: 'full' as const, range: 'bytes=0-1048575', concurrency: 4, ratePerSecond: 2 } } };
  const f = summarizeRun(run).downloads;
  assert.equal([f.count, f.ok, f.retried, f.bytes], [6, 3, 3, 34 * MiB]);
  assert.equal([f.time!.p50, f.time!.p99, f.time!.count], [2000, 4000, 3]);
  assert.equal(f.errors, [{ error: 'HTTP 503', count: 2 }, { error: 'cut short', count: 1 }]);
  // 34 MiB between the first start (T0) and the last end (T0 + 7 s).
  assert.is(f.aggregateBytesPerSecond, (34 * MiB) / 7);
  assert.equal(f.perDownloadBytesPerSecond!.p50, 5 * MiB);

  const md = renderMarkdown(summarizeRun(run));
  assert.match(md, '## ISO downloads');
  assert.match(md, '6 downloads (mode full): 3 succeeded, 3 failed, 3 needed more than one attempt; 34.0 MiB received, 4.9 MiB/s over all of them.');
  assert.match(md, '| time, s | 3 | 2.0 | 4.0 | 4.0 | 4.0 |');
  assert.match(md, '| HTTP 503 | 2 |');
  assert.match(renderMarkdown(summarizeRun(record([host('a')]))), 'None: isoDownload.mode is none.');
});

test('live counts per state and stage, and the bars', () => {
  const c = countStates({
    hosts: [{ state: 'known', stage: null, outcome: null }, { state: 'installing-in-progress', stage: 'Rebooting', outcome: null }, { state: 'installed', stage: 'Done', outcome: 'installed' }, { state: 'started', stage: null, outcome: 'failed' }],
    clusters: [{ state: 'installing', outcome: null }, { state: 'adding-hosts', outcome: 'installed' }],
  });
  assert.equal(c.hosts.byState, { known: 1, 'installing-in-progress': 1, installed: 1, failed: 1 });
  assert.equal(c.hosts.byStage, { Rebooting: 1, Done: 1 });
  const lines = renderCounts(c);
  assert.match(lines[0]!, /^hosts +\[█+✗+░+\] 1\/4 installed, 1 failed$/);
  assert.match(lines[3]!, /^clusters \[█{15}░{15}\] 1\/2 installed, 0 failed$/);
});

test.run();
