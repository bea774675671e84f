// `npm run bench -- swarm [5 10 20 40] [--out FILE]`: single-node clusters at growing counts against the real
// assisted-service of the e2e hub (upstream's images, README "End to end"; auth none), each count
// applied to installed and destroyed in turn. Per count it prints: the time until every cluster
// was installed (the run report), the service's API latency p50/p99 over that run (its /metrics),
// the peak CPU and memory of the service, of PostgreSQL, of the fake hosts and of the
// controllers, and memory per fake host (fake hosts' peak ÷ hosts). Figures, not a test.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import Docker from 'dockerode';
import { LABEL } from '../../lib/swarm/labels.ts';
import { E2E_HUB_ENV, E2E_SERVICE_CONTAINER, restartService, swarmCli } from '../e2e/harness.ts';
import { connect, readEnvFile } from '../support/hub.ts';
import { histogramDelta, quantile, readHistogram, requestCount } from '../../lib/metrics/histogram.ts';
import { dockerUsage, processUsage, sampleEvery, UsageSeries, type Peak } from './usage.ts';

const CONFIG = ['--config', 'test/bench/swarm/swarm.config.ts'];
const LATENCY = 'http_request_duration_seconds';
const SAMPLE_MS = 2000;

interface Row {
  clusters: number;
  installed: number;
  seconds: number | null;
  requests: number;
  p50ms: number | null;
  p99ms: number | null;
  service: Peak;
  postgres: Peak;
  fakeHosts: Peak;
  controllers: Peak;
  perHostMiB: number;
}

const docker = new Docker();

/** Samples every SAMPLE_MS until stopped; the peaks of each subject. */
function sampleUsage(swarm: string) {
  const series = { service: new UsageSeries(), postgres: new UsageSeries(), fakeHosts: new UsageSeries(), controllers: new UsageSeries() };
  const usage = dockerUsage(docker);
  const sampler = sampleEvery(SAMPLE_MS, async (at) => {
    const containers = await docker.listContainers({ filters: { label: [`${LABEL.swarm}=${swarm}`] } }).catch(() => null);
    const of = (component: string) => (containers ?? []).filter((c) => c.Labels[LABEL.component] === component).map((c) => ({ id: c.Id }));
    series.fakeHosts.add(at, containers && await usage.members(of('fake-host')));
    series.controllers.add(at, containers && await usage.members(of('controller')));
    series.service.add(at, await usage.members([{ id: E2E_SERVICE_CONTAINER }]));
    series.postgres.add(at, processUsage('postgres'));
  });
  return {
    async stop() {
      await sampler.stop();
      return { service: series.service.peak, postgres: series.postgres.peak, fakeHosts: series.fakeHosts.peak, controllers: series.controllers.peak };
    },
  };
}

async function metrics(serviceUrl: string): Promise<string> {
  const res = await fetch(`${serviceUrl}/metrics`);
  if (!res.ok) throw new Error(`${serviceUrl}/metrics answered ${res.status}`);
  return res.text();
}

async function runCount(n: number, env: Record<string, string>, serviceUrl: string): Promise<Row> {
  const work = mkdtempSync(join(tmpdir(), `swarm-bench-${n}-`));
  const dist = join(work, 'dist');
  const runEnv = { ...env, BENCH_SWARM_COUNT: String(n), BENCH_STATE_DIR: join(work, 'state'), BENCH_REPORTS_DIR: join(work, 'reports') };
  try {
    if ((await swarmCli(['synth', ...CONFIG, '--out', dist], runEnv, true)).code !== 0) throw new Error('synth failed');
    const before = readHistogram(await metrics(serviceUrl), LATENCY);
    const sampler = sampleUsage('bench');
    console.log(`bench swarm: ${n} single-node clusters: apply…`);
    const applied = await swarmCli(['apply', ...CONFIG, '--dist', dist, '--patches', 'patches', '--yes'], runEnv);
    const peaks = await sampler.stop();
    const delta = histogramDelta(readHistogram(await metrics(serviceUrl), LATENCY), before);
    const reportDir = join(work, 'reports', readdirSync(join(work, 'reports'))[0] ?? '');
    const summary = JSON.parse(readFileSync(join(reportDir, 'report.json'), 'utf8')).summary;
    const destroyed = await swarmCli(['destroy', ...CONFIG, '--patches', 'patches', '--yes'], runEnv, true);
    if (destroyed.code !== 0) throw new Error(`destroy failed:\n${destroyed.out}`);
    const hosts = summary.hosts.total as number;
    return {
      clusters: n,
      installed: summary.clusters.byFinalState.installed ?? 0,
      seconds: applied.code === 0 ? summary.durationSeconds : null,
      requests: requestCount(delta),
      p50ms: ms(quantile(delta, 0.5)),
      p99ms: ms(quantile(delta, 0.99)),
      ...peaks,
      perHostMiB: peaks.fakeHosts.memoryBytes / hosts / 2 ** 20,
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

const ms = (s: number | null) => (s === null ? null : s * 1000);
const mib = (b: number) => (b / 2 ** 20).toFixed(0);
const peak = (p: Peak) => `${p.cpuCores.toFixed(2)} / ${mib(p.memoryBytes)}`;
const num = (v: number | null, digits = 0) => (v === null ? '–' : v.toFixed(digits));

function table(rows: Row[]): string {
  const out = [
    '| clusters | installed | time to installed (s) | API requests | p50 (ms) | p99 (ms) | service CPU cores / MiB | PostgreSQL | fake hosts | controllers | MiB per fake host |',
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const r of rows) {
    out.push(`| ${r.clusters} | ${r.installed} | ${num(r.seconds)} | ${r.requests} | ${num(r.p50ms, 1)} | ${num(r.p99ms, 1)} | ${peak(r.service)} | ${peak(r.postgres)} | ${peak(r.fakeHosts)} | ${peak(r.controllers)} | ${r.perHostMiB.toFixed(0)} |`);
  }
  return out.join('\n');
}

export const usage = 'usage: npm run bench -- swarm [COUNT...] [--out FILE]   single-node clusters (default 5 10 20 40) against the e2e hub\'s real service, applied to installed and destroyed in turn';

export async function run(args: string[]) {
  const { values, positionals } = parseArgs({ args, options: { out: { type: 'string' } }, allowPositionals: true });
  const counts = positionals.length ? positionals.map(Number) : [5, 10, 20, 40];
  const h = await connect(E2E_HUB_ENV, ['--with-service']);
  const serviceUrl = readEnvFile(join(h.dir, 'env')).ASSISTED_SWARM_HUB_SERVICE_URL!;
  if ((await restartService('none')) !== 0) throw new Error('the service did not restart');
  const env = { KUBECONFIG: h.kubeconfigPath, BENCH_SERVICE_URL: serviceUrl, BENCH_PULL_SECRET: '{"auths":{"quay.io":{"auth":"YmVuY2g6YmVuY2g="}}}' };
  if ((await swarmCli(['images', ...CONFIG, '--pull', 'never'], env, true)).code !== 0) throw new Error('npm run images failed: are upstream\'s images on the engine? (README, "End to end")');
  const rows: Row[] = [];
  for (const n of counts) {
    rows.push(await runCount(n, env, serviceUrl));
    console.log(`\n${table(rows)}\n`);
  }
  if (values.out) writeFileSync(values.out, `${JSON.stringify(rows, null, 2)}\n`);
}
