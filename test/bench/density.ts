// `npm run bench -- density [N1 N2 ...] [--window S] [--waves K1,K2] [--wave-base N] [--max N] [--out FILE]`:
// how many live fake hosts one machine holds, against the real service of the e2e hub (upstream's
// images, README "End to end"; auth none). One swarm grows step by step (default 100, 200, 300, …
// until the knee or --max): each step's hosts are brought to known-unbound by `apply` (the hosts
// of earlier steps keep running), then a steady window of --window seconds (default 180) is
// measured while apply soaks. Per step: time to all known; PSS per live host (all processes of
// the fake hosts ÷ N) and its slope between steps; the engine's own cost per host (shims,
// dockerd, containerd); CPU millicores per host over the window; process starts per host per
// second; the machine's CPU; the service's, PostgreSQL's and the runner's CPU and memory; API
// request rate and p50/p99 from the service's /metrics; hosts failed or restarted. It stops at
// the knee (machine CPU above 90 %, service p99 above 1 s, or hosts failing) and says which.
// Then, on top of --wave-base live hosts (default 300), waves of K single-node clusters install
// at once (default 50 and 100): time to installed and the same figures over the install.
// Figures, not a test: written to the terminal and, with --out, as JSON.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import Docker from 'dockerode';
import type { RunSummary } from '../../lib/report/summary.ts';
import type { HostRecord } from '../../lib/report/types.ts';
import { LABEL } from '../../lib/swarm/labels.ts';
import { E2E_HUB_ENV, E2E_SERVICE_CONTAINER, restartService, swarmCli } from '../e2e/harness.ts';
import { connect, readEnvFile, REPO_ROOT } from '../support/hub.ts';
import { machineBetween, readMachine } from './machine.ts';
import { histogramDelta, quantile, readHistogram, requestCount, type Histogram } from '../../lib/metrics/histogram.ts';
import { dockerUsage, pidMembers, processUsage, sampleEvery, UsageSeries, type Members } from './usage.ts';

const CONFIG = ['--config', 'test/bench/density/density.config.ts'];
const LATENCY = 'http_request_duration_seconds';
const SAMPLE_MS = 5000;
/** PSS takes reading every process's smaps: every sixth sample (30 s), CPU at every one. */
const MEMORY_EVERY = 6;
const MiB = 2 ** 20;
const docker = new Docker();

interface Usage { cpuCores: number; memoryMiB: number }
interface Figures {
  /** Live fake hosts during the measure. */
  hosts: number;
  seconds: number;
  machineCpuPercent: number;
  processStartsPerHostPerSecond: number;
  fakeHostCpuMillicoresPerHost: number;
  fakeHostPssMiBPerHost: number;
  engineMiBPerHost: number;
  fakeHosts: Usage;
  service: Usage;
  postgres: Usage;
  runner: Usage;
  engine: Usage;
  api: { requestsPerSecond: number; p50ms: number | null; p99ms: number | null; errors5xx: number };
  failed: number;
  restarts: number;
}
interface StepRow extends Figures { step: number; timeToKnownSeconds: number | null; pssSlopeMiB: number | null }
interface WaveRow extends Figures { clusters: number; installed: number; timeToInstalledSeconds: number | null; installedP50: number | null; installedP99: number | null }

async function metrics(serviceUrl: string): Promise<string> {
  const res = await fetch(`${serviceUrl}/metrics`, { signal: AbortSignal.timeout(10_000) });
  if (!res.ok) throw new Error(`${serviceUrl}/metrics answered ${res.status}`);
  return res.text();
}

/** 5xx answers in an exposition (every handler and method). */
function serverErrors(text: string): number {
  let n = 0;
  for (const m of text.matchAll(/^http_request_duration_seconds_count\{([^}]*)\}\s+(\S+)/gm)) {
    if (/code="5\d\d"/.test(m[1]!)) n += Number(m[2]);
  }
  return n;
}

/** Every process of these command names, as one subject. */
function processesUsage(names: string[]): Members {
  const out: Members = new Map();
  for (const n of names) for (const [k, v] of processUsage(n)) out.set(`${n}/${k}`, v);
  return out;
}

/** Samples the subjects every SAMPLE_MS until stopped; the figures over that time. */
function measure(swarm: string, serviceUrl: string, runner: () => number | undefined) {
  const usage = dockerUsage(docker);
  const series = {
    fakeHosts: new UsageSeries(), service: new UsageSeries(), postgres: new UsageSeries(), runner: new UsageSeries(), engine: new UsageSeries(),
  };
  let hosts = 0;
  const first = readMachine();
  const begin = metrics(serviceUrl).catch(() => '');
  let n = 0;
  const sampler = sampleEvery(SAMPLE_MS, async (at) => {
    const withMemory = n++ % MEMORY_EVERY === 0;
    const list = await docker.listContainers({ filters: { label: [`${LABEL.swarm}=${swarm}`, `${LABEL.component}=fake-host`] } }).catch(() => null);
    hosts = Math.max(hosts, list?.length ?? 0);
    series.fakeHosts.add(at, list && (await usage.members(list.map((c) => ({ id: c.Id })), withMemory)));
    series.service.add(at, await usage.members([{ id: E2E_SERVICE_CONTAINER }]));
    series.postgres.add(at, processUsage('postgres'));
    series.runner.add(at, pidMembers(runner()));
    // comm is cut at 15 characters: containerd-shim-runc-v2 reads "containerd-shim".
    series.engine.add(at, processesUsage(['dockerd', 'containerd', 'containerd-shim']));
  });
  return {
    async stop(): Promise<Omit<Figures, 'failed' | 'restarts'>> {
      await sampler.stop();
      const last = readMachine();
      const machine = machineBetween(first, last);
      const [before, after] = [await begin, await metrics(serviceUrl).catch(() => '')];
      const delta: Histogram = before && after ? histogramDelta(readHistogram(after, LATENCY), readHistogram(before, LATENCY)) : new Map();
      const seconds = (last.at - first.at) / 1000;
      const u = (s: UsageSeries): Usage => ({ cpuCores: s.mean.cpuCores, memoryMiB: s.mean.memoryBytes / MiB });
      const n = Math.max(hosts, 1);
      return {
        hosts, seconds,
        machineCpuPercent: machine.busy * 100,
        processStartsPerHostPerSecond: machine.forksPerSecond / n,
        fakeHostCpuMillicoresPerHost: (series.fakeHosts.mean.cpuCores * 1000) / n,
        fakeHostPssMiBPerHost: series.fakeHosts.mean.memoryBytes / MiB / n,
        engineMiBPerHost: series.engine.mean.memoryBytes / MiB / n,
        fakeHosts: u(series.fakeHosts), service: u(series.service), postgres: u(series.postgres), runner: u(series.runner), engine: u(series.engine),
        api: {
          requestsPerSecond: seconds ? requestCount(delta) / seconds : 0,
          p50ms: ms(quantile(delta, 0.5)), p99ms: ms(quantile(delta, 0.99)),
          errors5xx: before && after ? serverErrors(after) - serverErrors(before) : 0,
        },
      };
    },
  };
}

const ms = (s: number | null) => (s === null ? null : s * 1000);

/** The apply running now, stopped first when the bench is interrupted. */
let running: ChildProcess | null = null;

/** `apply` as a child process, its output echoed with a prefix; resolves when a line matches. */
function startApply(env: Record<string, string>, dist: string) {
  const child: ChildProcess = running = spawn(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'lib/cli/main.ts'), 'apply', ...CONFIG, '--dist', dist, '--patches', 'patches', '--yes'], {
    cwd: REPO_ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const waiters: { re: RegExp; resolve: () => void }[] = [];
  const take = (d: Buffer) => {
    out += d;
    for (const line of d.toString().split('\n')) if (line.trim()) console.log(`  | ${line}`);
    for (const w of [...waiters]) if (w.re.test(out)) { waiters.splice(waiters.indexOf(w), 1); w.resolve(); }
  };
  child.stdout!.on('data', take);
  child.stderr!.on('data', take);
  const exited = new Promise<number>((r) => child.on('close', (code) => r(code ?? 1)));
  return {
    pid: () => child.pid,
    output: () => out,
    exited,
    /** Resolves when the output shows `re`, rejects when apply ends first. */
    until: (re: RegExp) => Promise.race([
      new Promise<void>((resolve) => { if (re.test(out)) resolve(); else waiters.push({ re, resolve }); }),
      exited.then((code) => Promise.reject(new Error(`apply ended (exit ${code}) before ${re}:\n${out.slice(-3000)}`))),
    ]),
  };
}

/** The run report apply wrote last (its path is in apply's last line). */
function lastReport(output: string): { summary: RunSummary; hosts: HostRecord[] } {
  const dir = /report in (\S+)/.exec(output)?.[1];
  if (!dir) throw new Error(`apply wrote no report:\n${output.slice(-2000)}`);
  return JSON.parse(readFileSync(join(dir.startsWith('/') ? dir : join(REPO_ROOT, dir), 'report.json'), 'utf8'));
}

async function restartsOf(swarm: string): Promise<number> {
  const list = await docker.listContainers({ all: true, filters: { label: [`${LABEL.swarm}=${swarm}`] } });
  let n = 0;
  for (const c of list) n += (await docker.getContainer(c.Id).inspect()).RestartCount;
  return n;
}

/** The first bound a step crossed, or null. */
function knee(f: Figures): string | null {
  if (f.failed > 0) return `hosts failing (${f.failed})`;
  if (f.machineCpuPercent > 90) return `the machine's CPU (${f.machineCpuPercent.toFixed(0)} % busy)`;
  if ((f.api.p99ms ?? 0) > 1000) return `the service's API p99 (${f.api.p99ms!.toFixed(0)} ms)`;
  return null;
}

const f1 = (v: number | null | undefined, d = 1) => (v === null || v === undefined ? '–' : v.toFixed(d));
const use = (u: Usage) => `${f1(u.cpuCores, 2)} / ${f1(u.memoryMiB, 0)}`;

function stepTable(rows: StepRow[]): string {
  const out = [
    '| live hosts | to known (s) | PSS/host (MiB) | slope (MiB) | engine/host (MiB) | mCPU/host | starts/host/s | machine CPU | service cores/MiB | PostgreSQL | runner | API req/s | p50 (ms) | p99 (ms) | failed | restarts |',
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const r of rows) {
    out.push(`| ${r.hosts} | ${f1(r.timeToKnownSeconds, 0)} | ${f1(r.fakeHostPssMiBPerHost)} | ${f1(r.pssSlopeMiB)} | ${f1(r.engineMiBPerHost)} | ${f1(r.fakeHostCpuMillicoresPerHost, 2)} | ${f1(r.processStartsPerHostPerSecond, 2)} | ${f1(r.machineCpuPercent, 0)} % | ${use(r.service)} | ${use(r.postgres)} | ${use(r.runner)} | ${f1(r.api.requestsPerSecond)} | ${f1(r.api.p50ms)} | ${f1(r.api.p99ms)} | ${r.failed} | ${r.restarts} |`);
  }
  return out.join('\n');
}

function waveTable(rows: WaveRow[]): string {
  const out = [
    '| clusters | on top of | installed | time to installed (s) | installed p50/p99 (s) | machine CPU | service cores/MiB | PostgreSQL | runner | API req/s | p50 (ms) | p99 (ms) | failed |',
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const r of rows) {
    out.push(`| ${r.clusters} | ${r.hosts - r.clusters} | ${r.installed} | ${f1(r.timeToInstalledSeconds, 0)} | ${f1(r.installedP50, 0)} / ${f1(r.installedP99, 0)} | ${f1(r.machineCpuPercent, 0)} % | ${use(r.service)} | ${use(r.postgres)} | ${use(r.runner)} | ${f1(r.api.requestsPerSecond)} | ${f1(r.api.p50ms)} | ${f1(r.api.p99ms)} | ${r.failed} |`);
  }
  return out.join('\n');
}

export const usage = 'usage: npm run bench -- density [N1 N2 ...] [--window S] [--waves K1,K2] [--wave-base N] [--max N] [--out FILE]   live fake hosts per machine against the e2e hub\'s real service';

export async function run(args: string[]) {
  const { values, positionals } = parseArgs({
    args, allowPositionals: true,
    options: {
      window: { type: 'string', default: '180' }, waves: { type: 'string', default: '50,100' }, 'wave-base': { type: 'string', default: '300' },
      max: { type: 'string', default: '1500' }, out: { type: 'string' }, 'launch-rate': { type: 'string', default: '10' },
      'keep': { type: 'boolean', default: false },
    },
  });
  const window = Number(values.window);
  const steps = positionals.length ? positionals.map(Number) : Array.from({ length: Math.floor(Number(values.max) / 100) }, (_, i) => (i + 1) * 100);
  const waves = values.waves ? values.waves.split(',').filter(Boolean).map(Number) : [];
  const waveBase = Number(values['wave-base']);

  const h = await connect(E2E_HUB_ENV, ['--with-service']);
  const serviceUrl = readEnvFile(join(h.dir, 'env')).ASSISTED_SWARM_HUB_SERVICE_URL!;
  if ((await restartService('none')) !== 0) throw new Error('the service did not restart');
  const work = mkdtempSync(join(tmpdir(), 'swarm-density-'));
  const dist = join(work, 'dist');
  const base = {
    KUBECONFIG: h.kubeconfigPath, BENCH_SERVICE_URL: serviceUrl, BENCH_PULL_SECRET: '{"auths":{"quay.io":{"auth":"YmVuY2g6YmVuY2g="}}}',
    BENCH_STATE_DIR: join(work, 'state'), BENCH_REPORTS_DIR: join(work, 'reports'), BENCH_LAUNCH_RATE: values['launch-rate']!,
  };
  if ((await swarmCli(['images', ...CONFIG, '--pull', 'never'], base, true)).code !== 0) throw new Error('npm run images failed: are upstream\'s images on the engine? (README, "End to end")');
  const synth = async (env: Record<string, string>) => {
    if ((await swarmCli(['synth', ...CONFIG, '--out', dist], env, true)).code !== 0) throw new Error('synth failed');
  };
  const result: { machine: string; steps: StepRow[]; knee: string | null; waves: WaveRow[] } = {
    machine: `${readFileSync('/proc/cpuinfo', 'utf8').match(/^processor/gm)!.length} cores, ${(Number(/MemTotal:\s+(\d+)/.exec(readFileSync('/proc/meminfo', 'utf8'))![1]) / 2 ** 20).toFixed(1)} GiB`,
    steps: [], knee: null, waves: [],
  };
  const save = () => { if (values.out) writeFileSync(values.out, `${JSON.stringify(result, null, 2)}\n`); };
  // What the bench made goes whichever way it ends: its swarm destroyed (containers, hub objects,
  // the hub patch put back), its folder removed; --keep leaves them.
  const cleanUp = async () => {
    save();
    if (values.keep) return;
    running?.kill('SIGTERM');
    const destroyed = await swarmCli(['destroy', ...CONFIG, '--patches', 'patches', '--yes'], base, true);
    if (destroyed.code !== 0) console.error(`destroy failed:\n${destroyed.out}`);
    rmSync(work, { recursive: true, force: true });
  };
  const interrupted = (signal: NodeJS.Signals) => {
    console.log(`\nbench density: ${signal}: destroying the bench's swarm (again to quit at once)`);
    process.once(signal, () => process.exit(130));
    void cleanUp().finally(() => process.exit(130));
  };
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);

  try {
    let previous: StepRow | null = null;
    for (const n of steps) {
      console.log(`\nbench density: ${n} live hosts: apply, then a ${window} s window`);
      const env = { ...base, BENCH_HOSTS: String(n), BENCH_WAVE: '0', BENCH_SOAK_MINUTES: String((window + 15) / 60) };
      await synth(env);
      const apply = startApply(env, dist);
      await apply.until(/every cluster done; soaking/);
      const sampler = measure('density', serviceUrl, apply.pid);
      await new Promise((r) => setTimeout(r, window * 1000));
      const figures = await sampler.stop();
      const code = await apply.exited;
      if (code !== 0) console.log(`bench density: apply exited ${code}`);
      const report = lastReport(apply.output());
      const fresh = report.hosts.filter((x) => !x.adopted && x.launchedAt);
      const firstLaunch = Math.min(...fresh.map((x) => x.launchedAt!));
      const lastKnown = Math.max(...fresh.map((x) => x.milestones.known ?? NaN));
      const row: StepRow = {
        step: n, ...figures,
        timeToKnownSeconds: fresh.length && Number.isFinite(lastKnown) ? (lastKnown - firstLaunch) / 1000 : null,
        pssSlopeMiB: previous ? (figures.fakeHosts.memoryMiB - previous.fakeHosts.memoryMiB) / (figures.hosts - previous.hosts) : null,
        failed: report.hosts.filter((x) => x.outcome === 'failed').length,
        restarts: await restartsOf('density'),
      };
      result.steps.push(row);
      previous = row;
      console.log(`\n${stepTable(result.steps)}\n`);
      save();
      result.knee = knee(row);
      if (result.knee) {
        console.log(`bench density: the knee: ${n} hosts, bound by ${result.knee}`);
        break;
      }
    }

    for (const k of waves) {
      console.log(`\nbench density: a wave of ${k} single-node clusters on top of ${waveBase} live hosts`);
      const env = { ...base, BENCH_HOSTS: String(waveBase), BENCH_WAVE: String(k), BENCH_SOAK_MINUTES: '0' };
      await synth(env);
      const apply = startApply(env, dist);
      // From the moment the wave's objects are applied: the runner's start.
      await apply.until(/^runner: swarm /m);
      const sampler = measure('density', serviceUrl, apply.pid);
      await apply.exited;
      const figures = await sampler.stop();
      const report = lastReport(apply.output());
      const installed = report.summary.phases.find((p) => p.phase.title.endsWith('installed'))?.summary;
      result.waves.push({
        clusters: k, ...figures,
        installed: report.summary.clusters.byFinalState.installed ?? 0,
        timeToInstalledSeconds: report.summary.durationSeconds,
        installedP50: installed ? installed.p50 / 1000 : null, installedP99: installed ? installed.p99 / 1000 : null,
        failed: report.hosts.filter((x) => x.outcome === 'failed').length,
        restarts: await restartsOf('density'),
      });
      console.log(`\n${waveTable(result.waves)}\n`);
      save();
      // The wave goes (its containers stopped, its clusters deleted); the pool stays.
      await synth({ ...env, BENCH_WAVE: '0' });
      const gone = startApply({ ...env, BENCH_WAVE: '0' }, dist);
      if ((await gone.exited) !== 0) throw new Error(`removing the wave failed:\n${gone.output().slice(-2000)}`);
    }
  } finally {
    process.removeListener('SIGINT', interrupted);
    process.removeListener('SIGTERM', interrupted);
    await cleanUp();
  }
  console.log(`\n${stepTable(result.steps)}\n`);
  if (result.waves.length) console.log(`${waveTable(result.waves)}\n`);
  console.log(result.knee ? `knee: ${result.knee}` : `no knee up to ${result.steps.at(-1)?.hosts ?? 0} hosts`);
}

