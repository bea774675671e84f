// `npm run bench -- iso [1 4 16] [--hosts 16] [--mode full|head|range] [--image-type full-iso|minimal-iso]
// [--out FILE]`: the image
// service under ISO downloads. Per concurrency given, a pool of --hosts fake hosts is applied
// against the e2e hub's real service with upstream's assisted-image-service beside it (README,
// "End to end"; auth none): every host downloads its InfraEnv's ISO before it boots, at most
// that many at once, and the run ends once every host is known. Then destroyed. Per concurrency
// it prints, from the run's report: downloads ok and failed, time p50/p99, time to first byte
// p50, aggregate and per-download throughput, retries; and the image service's peak CPU and
// memory (its container's cgroup, sampled). Figures, not a test.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import Docker from 'dockerode';
import type { DownloadFigures } from '../../lib/report/downloads.ts';
import { E2E_HUB_ENV, restartService, swarmCli } from '../e2e/harness.ts';
import { connect, readEnvFile } from '../support/hub.ts';
import { dockerUsage, sampleEvery, UsageSeries, type Peak } from './usage.ts';

const CONFIG = ['--config', 'test/bench/iso/iso.config.ts'];
const SAMPLE_MS = 1000;
/** test/hub/image-service/lib.sh names it after the hub's folder. */
const IMAGE_SERVICE_CONTAINER = `${E2E_HUB_ENV.ASSISTED_SWARM_HUB_DIR!.split('/').pop()}-image-service`;

interface Row {
  concurrency: number;
  hosts: number;
  known: number;
  downloads: DownloadFigures;
  imageService: Peak;
  imageServiceMean: Peak;
}

const docker = new Docker();

/** The image service's usage, sampled until stopped. */
function sampleImageService() {
  const series = new UsageSeries();
  const usage = dockerUsage(docker);
  const sampler = sampleEvery(SAMPLE_MS, async (at) => series.add(at, await usage.members([{ id: IMAGE_SERVICE_CONTAINER }]).catch(() => null)));
  return { stop: async () => { await sampler.stop(); return { peak: series.peak, mean: series.mean }; } };
}

async function runConcurrency(concurrency: number, hosts: number, mode: string, imageType: string | undefined, env: Record<string, string>): Promise<Row> {
  const work = mkdtempSync(join(tmpdir(), `iso-bench-${concurrency}-`));
  const dist = join(work, 'dist');
  const runEnv = {
    ...env, BENCH_HOSTS: String(hosts), BENCH_ISO_CONCURRENCY: String(concurrency), BENCH_ISO_MODE: mode, ...(imageType ? { BENCH_ISO_IMAGE_TYPE: imageType } : {}),
    BENCH_STATE_DIR: join(work, 'state'), BENCH_REPORTS_DIR: join(work, 'reports'),
  };
  try {
    if ((await swarmCli(['synth', ...CONFIG, '--out', dist], runEnv, true)).code !== 0) throw new Error('synth failed');
    console.log(`bench iso: ${hosts} hosts, ${concurrency} downloads at once (${mode}, ${imageType ?? 'the service\'s ISO type'}): apply…`);
    const sampler = sampleImageService();
    const applied = await swarmCli(['apply', ...CONFIG, '--dist', dist, '--patches', 'patches', '--yes'], runEnv, true);
    const usage = await sampler.stop();
    const reports = readdirSync(join(work, 'reports'));
    if (!reports.length) throw new Error(`apply wrote no report (exit ${applied.code}):\n${applied.out.slice(-3000)}`);
    const summary = JSON.parse(readFileSync(join(work, 'reports', reports[0]!, 'report.json'), 'utf8')).summary;
    const destroyed = await swarmCli(['destroy', ...CONFIG, '--patches', 'patches', '--yes'], runEnv, true);
    if (destroyed.code !== 0) throw new Error(`destroy failed:\n${destroyed.out}`);
    return {
      concurrency, hosts, known: summary.hosts.byFinalState['known-unbound'] ?? 0,
      downloads: summary.downloads, imageService: usage.peak, imageServiceMean: usage.mean,
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

const s = (ms: number | undefined | null) => (ms == null ? '–' : (ms / 1000).toFixed(2));
const mibps = (b: number | undefined | null) => (b == null ? '–' : (b / 2 ** 20).toFixed(0));

function table(rows: Row[]): string {
  const out = [
    '| at once | hosts known | downloads ok / failed | retried | time p50 / p99 (s) | first byte p50 (s) | MiB sent | aggregate MiB/s | per download MiB/s p50 | image service CPU peak / mean (cores) | its memory peak (MiB) |',
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const r of rows) {
    const d = r.downloads;
    out.push(`| ${r.concurrency} | ${r.known}/${r.hosts} | ${d.ok} / ${d.count - d.ok} | ${d.retried} | ${s(d.time?.p50)} / ${s(d.time?.p99)} | ${s(d.timeToFirstByte?.p50)} | ${mibps(d.bytes)} | ${mibps(d.aggregateBytesPerSecond)} | ${mibps(d.perDownloadBytesPerSecond?.p50)} | ${r.imageService.cpuCores.toFixed(2)} / ${r.imageServiceMean.cpuCores.toFixed(2)} | ${mibps(r.imageService.memoryBytes)} |`);
  }
  return out.join('\n');
}

export const usage = 'usage: npm run bench -- iso [CONCURRENCY...] [--hosts 16] [--mode full|head|range] [--image-type full-iso|minimal-iso] [--out FILE]   ISO downloads from the e2e hub\'s image service, per concurrency (default 1 4 16)';

export async function run(args: string[]) {
  const { values, positionals } = parseArgs({
    args, allowPositionals: true,
    options: {
      hosts: { type: 'string', default: '16' }, mode: { type: 'string', default: 'full' }, 'image-type': { type: 'string' },
      out: { type: 'string' },
    },
  });
  if (!['full', 'head', 'range'].includes(values.mode!)) throw new Error(`--mode ${values.mode}: full, head or range`);
  const imageType = values['image-type'];
  if (imageType !== undefined && !['full-iso', 'minimal-iso'].includes(imageType)) throw new Error(`--image-type ${imageType}: full-iso or minimal-iso`);
  const counts = positionals.length ? positionals.map(Number) : [1, 4, 16];
  const hosts = Number(values.hosts);
  const h = await connect(E2E_HUB_ENV, ['--with-service', '--with-image-service']);
  const serviceUrl = readEnvFile(join(h.dir, 'env')).ASSISTED_SWARM_HUB_SERVICE_URL!;
  if ((await restartService('none', true)) !== 0) throw new Error('the service did not restart with the image service beside it');
  const env = { KUBECONFIG: h.kubeconfigPath, BENCH_SERVICE_URL: serviceUrl, BENCH_PULL_SECRET: '{"auths":{"quay.io":{"auth":"YmVuY2g6YmVuY2g="}}}' };
  if ((await swarmCli(['images', ...CONFIG, '--pull', 'never'], env, true)).code !== 0) throw new Error('npm run images failed: are upstream\'s images on the engine? (README, "End to end")');
  const rows: Row[] = [];
  for (const c of counts) {
    rows.push(await runConcurrency(c, hosts, values.mode!, imageType, env));
    console.log(`\n${table(rows)}\n`);
  }
  if (values.out) writeFileSync(values.out, `${JSON.stringify(rows, null, 2)}\n`);
}
