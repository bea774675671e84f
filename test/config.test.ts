// The config loader: defaults, and bad configs refused with the field they are about,
// one line per problem, no stack trace and nothing written.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../lib/config/errors.ts';
import { loadConfigFile, loadProfileFile, validateConfig } from '../lib/config/load.ts';
import { SwarmConfigSchema } from '../lib/config/schema.ts';
import { runSynth } from '../lib/cli/synth.ts';

const root = new URL('..', import.meta.url).pathname;
const base = { name: 'cfg', clusters: [{ name: 'sno', topology: 'single-node' }] };

function problemsOf(input: unknown) {
  try {
    validateConfig(input);
  } catch (err) {
    assert.instance(err, ConfigError);
    return (err as ConfigError).problems;
  }
  assert.unreachable('config was accepted');
  return [];
}

test('defaults fill every field a user leaves out', () => {
  const config = validateConfig({ name: 'tiny', clusters: [{ name: 'one', topology: 'compact' }] });
  assert.is(config.hub.serviceUrl, 'http://127.0.0.1:8090');
  assert.is(config.hub.auth, 'none');
  assert.is(config.hub.tls.insecure, false);
  assert.is(config.hub.tls.caFile, null);
  assert.equal(config.pullSecret, { env: 'PULL_SECRET', file: null });
  assert.is(config.clusters[0]!.count, 1);
  assert.is(config.clusters[0]!.machineNetwork, null);
  assert.equal(config.clusters[0]!.ignoreValidations, { host: [], cluster: [] });
  assert.is(config.network.clusterPrefix, 26);
  assert.is(config.runtime.memoryMiB, 512);
  assert.equal(config.pools, []);
  assert.equal(config.report, { sampleSeconds: 5, scrapeTimeoutSeconds: 5, metrics: { url: null, tls: null }, prometheus: null, thresholds: [] });
  assert.is(config.clusters[0]!.boot, null);
  assert.equal(config.isoDownload, { mode: 'none', range: 'bytes=0-1048575', concurrency: 8, ratePerSecond: 10, timeoutSeconds: 600, idleSeconds: 30, retries: 2 });
});

test('thresholds and a Prometheus profile: defaults filled, every figure of the vocabulary accepted', () => {
  const config = validateConfig({ ...base, report: {
    metrics: null,
    prometheus: { url: 'https://thanos.example.com', queries: [{ metricName: 'dbConnections', query: 'sum(pg_stat_database_numbackends)' }] },
    thresholds: [
      { metric: 'api.p99', max: 1, description: 'API p99 under 1 s' }, { metric: 'api.5xx', route: '*', max: 0 },
      { metric: 'phase.installed.p99', maxPercentOverBase: 10 }, { metric: 'profile.dbConnections.max', max: 90 },
      { metric: 'service.memory.peak', max: 512 }, { metric: 'clusters.installed', min: 4 },
    ],
  } });
  assert.is(config.report.metrics, null, 'metrics: null turns the service\'s /metrics off');
  assert.equal(config.report.prometheus!.tls, { caFile: null, insecure: false });
  assert.equal(config.report.prometheus!.queries[0]!.unit, null);
  assert.equal(config.report.thresholds[1], { metric: 'api.5xx', route: '*', max: 0, min: null, maxPercentOverBase: null, description: null });
});

test('a pool-fed group boots as its pool; a group of its own boots as plain agents unless it says bmh', () => {
  const config = validateConfig({
    name: 'boots',
    clusters: [{ name: 'own', topology: 'single-node' }, { name: 'late', topology: 'single-node', hostsFrom: 'rack' }, { name: 'same', topology: 'single-node', hostsFrom: 'rack', boot: 'bmh' }],
    pools: [{ name: 'rack', hosts: 2, boot: 'bmh' }],
  });
  assert.equal(config.clusters.map((c) => c.boot), [null, null, 'bmh']);
  assert.is(config.pools[0]!.boot, 'bmh');
});

test('every optional field of the schema declares its default', () => {
  const missing: string[] = [];
  const walk = (schema: any, path: string) => {
    if (!schema || typeof schema !== 'object') return;
    const required = new Set<string>(schema.required ?? []);
    for (const [key, sub] of Object.entries<any>(schema.properties ?? {})) {
      if (!required.has(key) && !('default' in sub) && !path.includes('hwValidatorRequirements')) missing.push(`${path}.${key}`);
      walk(sub, `${path}.${key}`);
    }
    if (schema.items) walk(schema.items, `${path}[]`);
  };
  walk(SwarmConfigSchema, 'config');
  assert.equal(missing, []);
});

test('the loaded config is a copy: the input is not changed', () => {
  const input = structuredClone(base);
  validateConfig(input);
  assert.equal(input, base);
});

const bad: [string, unknown, string, RegExp][] = [
  ['not an object', 42, '', /must be object/],
  ['missing name', { clusters: [] }, 'name', /is required/],
  ['name not a DNS label', { ...base, name: 'My Swarm' }, 'name', /DNS label/],
  ['unknown top-level field', { ...base, clustres: [] }, 'clustres', /unknown field \(known fields: name, hub/],
  ['unknown topology', { ...base, clusters: [{ name: 'x', topology: 'sno' }] }, 'clusters[0].topology', /one of: single-node, compact, multi-node \(got "sno"\)/],
  ['zero clusters in a group', { ...base, clusters: [{ name: 'x', topology: 'compact', count: 0 }] }, 'clusters[0].count', /must be >= 1/],
  ['count of the wrong type', { ...base, clusters: [{ name: 'x', topology: 'compact', count: 'two' }] }, 'clusters[0].count', /must be integer/],
  ['workers on a single node', { ...base, clusters: [{ name: 'x', topology: 'single-node', workers: 2 }] }, 'clusters[0].workers', /only a multi-node cluster has workers/],
  ['multi-node without workers', { ...base, clusters: [{ name: 'x', topology: 'multi-node' }] }, 'clusters[0].workers', /at least 1 worker/],
  ['late binding from an unknown pool', { ...base, clusters: [{ name: 'x', topology: 'single-node', hostsFrom: 'nope' }] }, 'clusters[0].hostsFrom', /no pool named "nope"/],
  ['two groups of one name', { ...base, clusters: [{ name: 'x', topology: 'compact' }, { name: 'x', topology: 'compact' }] }, 'clusters[1].name', /"x-1" is already used by clusters\[0\]\.name/],
  ['pool named like a cluster', { ...base, pools: [{ name: 'sno-1', hosts: 1 }] }, 'pools[0].name', /already used/],
  ['pool too small for its clusters', { ...base, clusters: [{ name: 'x', topology: 'compact', count: 2, hostsFrom: 'p' }], pools: [{ name: 'p', hosts: 5 }] }, 'pools[0].hosts', /5 hosts cannot serve .* need 6/],
  ['a CIDR that is not one', { ...base, clusters: [{ name: 'x', topology: 'compact', machineNetwork: { cidr: '10.0.0/16' } }] }, 'clusters[0].machineNetwork.cidr', /IPv4 CIDR/],
  ['a CIDR with host bits', { ...base, clusters: [{ name: 'x', topology: 'compact', machineNetwork: { cidr: '10.0.0.1/16' } }] }, 'clusters[0].machineNetwork.cidr', /host bits set \(did you mean 10\.0\.0\.0\/16\?\)/],
  ['an octet over 255', { ...base, clusters: [{ name: 'x', topology: 'compact', machineNetwork: { cidr: '10.300.0.0/16' } }] }, 'clusters[0].machineNetwork.cidr', /not an IPv4 CIDR/],
  ['more clusters than networks', { ...base, clusters: [{ name: 'x', topology: 'single-node', count: 5, machineNetwork: { cidr: '10.0.0.0/24', clusterPrefix: 26 } }] }, 'clusters[0].count', /5 clusters need 5 \/26 networks, but 10\.0\.0\.0\/24 holds 4/],
  ['hosts that do not fit a cluster network', { ...base, clusters: [{ name: 'x', topology: 'multi-node', workers: 4, machineNetwork: { cidr: '10.0.0.0/24', clusterPrefix: 29 } }] }, 'clusters[0].machineNetwork.clusterPrefix', /a \/29 machine network holds 3 hosts, but each cluster .* needs 7/],
  ['shared range too small', { ...base, network: { machineNetworks: '192.168.0.0/24', slotPrefix: 26, clusterPrefix: 28 }, clusters: [{ name: 'x', topology: 'single-node', count: 17 }] }, 'network.machineNetworks', /holds 4 \/26 slots, but .* need 5/],
  ['two groups on one range', { ...base, clusters: [{ name: 'a', topology: 'compact', machineNetwork: { cidr: '10.1.0.0/16' } }, { name: 'b', topology: 'compact', machineNetwork: { cidr: '10.1.128.0/17' } }] }, 'clusters[1].machineNetwork.cidr', /overlaps clusters\[0\]\.machineNetwork\.cidr/],
  ['machine network inside the service network', { ...base, clusters: [{ name: 'a', topology: 'compact', machineNetwork: { cidr: '172.30.4.0/24' } }] }, 'network.serviceNetwork', /overlaps clusters\[0\]\.machineNetwork\.cidr/],
  ['pool network too small', { ...base, pools: [{ name: 'p', hosts: 10, machineNetwork: { cidr: '10.9.0.0/29' } }] }, 'pools[0].machineNetwork.cidr', /holds 3 addresses, but the pool needs 10 hosts/],
  ['pull secret from two places', { ...base, pullSecret: { file: '/x', env: 'PS' } }, 'pullSecret', /exactly one of file or env/],
  ['pull secret variable name', { ...base, pullSecret: { env: 'PULL-SECRET' } }, 'pullSecret.env', /environment variable name/],
  ['unknown auth', { ...base, hub: { auth: 'oauth' } }, 'hub.auth', /one of: none, local/],
  ['service URL not http', { ...base, hub: { serviceUrl: 'ftp://host' } }, 'hub.serviceUrl', /http:\/\/ or https:\/\/ URL/],
  ['unknown hub field', { ...base, hub: { kubeConfig: '/x' } }, 'hub.kubeConfig', /unknown field \(known fields: kubeconfig, context/],
  ['ssh key that is not one', { ...base, sshPublicKey: 'my key' }, 'sshPublicKey', /OpenSSH public key/],
  ['label key with a space', { ...base, clusters: [{ name: 'x', topology: 'compact', agentLabels: { 'bad key': 'v' } }] }, 'clusters[0].agentLabels', /invalid key "bad key"/],
  ['label value too long', { ...base, clusters: [{ name: 'x', topology: 'compact', infraEnvLabels: { k: 'v'.repeat(64) } }] }, 'clusters[0].infraEnvLabels.k', /must NOT have more than 63 characters/],
  ['version that is not one', { ...base, release: { openshiftVersion: 'latest' } }, 'release.openshiftVersion', /version such as 4\.20/],
  ['unknown ordering', { ...base, ordering: { mode: 'random' } }, 'ordering.mode', /one of: listed, shuffled/],
  ['service setting name', { ...base, serviceTuning: { extra: { 'HOST-MONITOR': '1' } } }, 'serviceTuning.extra', /invalid key "HOST-MONITOR"/],
  ['relative state folder', { ...base, runtime: { stateDir: 'state' } }, 'runtime.stateDir', /absolute path/],
  ['hardware requirements without sno', { ...base, serviceTuning: { hwValidatorRequirements: [{ version: 'default', master: {}, arbiter: {}, worker: {}, 'edge-worker': {} }] } }, 'serviceTuning.hwValidatorRequirements[0].sno', /is required/],
  ['validation id with spaces', { ...base, clusters: [{ name: 'x', topology: 'compact', ignoreValidations: { host: ['No Way'] } }] }, 'clusters[0].ignoreValidations.host[0]', /validation id/],
  ['clusters not a list', { ...base, clusters: { name: 'x' } }, 'clusters', /must be array/],
  ['a threshold on no known figure', { ...base, report: { thresholds: [{ metric: 'api.p95', max: 1 }] } }, 'report.thresholds[0].metric', /a figure of the report such as api\.p99/],
  ['a threshold with two limits', { ...base, report: { thresholds: [{ metric: 'api.p99', max: 1, min: 0 }] } }, 'report.thresholds[0]', /exactly one of max, min or maxPercentOverBase/],
  ['a threshold with no limit', { ...base, report: { thresholds: [{ metric: 'api.p99' }] } }, 'report.thresholds[0]', /exactly one of/],
  ['a route on a figure that has none', { ...base, report: { thresholds: [{ metric: 'service.cpu.peak', route: '/x', max: 1 }] } }, 'report.thresholds[0].route', /not per route/],
  ['a Prometheus server with nothing to ask', { ...base, report: { prometheus: { url: 'http://prom:9090' } } }, 'report.prometheus', /queries, a profile file, or both/],
  ['a profile query name with a dash', { ...base, report: { prometheus: { url: 'http://prom:9090', queries: [{ metricName: 'db-conns', query: 'up' }] } } }, 'report.prometheus.queries[0].metricName', /letters, digits and "_"/],
  ['a metrics URL that is not one', { ...base, report: { metrics: { url: 'localhost:8090/metrics' } } }, 'report.metrics.url', /http:\/\/ or https:\/\/ URL/],
  ['unknown image type', { ...base, clusters: [{ name: 'x', topology: 'compact', imageType: 'iso' }] }, 'clusters[0].imageType', /one of: full-iso, minimal-iso/],
  ['a pool-fed group with an ISO type of its own', { ...base, clusters: [{ name: 'x', topology: 'single-node', hostsFrom: 'p', imageType: 'full-iso' }], pools: [{ name: 'p', hosts: 1 }] }, 'clusters[0].imageType', /boot from pool "p"'s InfraEnv: set imageType on the pool/],
  ['unknown boot', { ...base, clusters: [{ name: 'x', topology: 'compact', boot: 'pxe' }] }, 'clusters[0].boot', /one of: agent, bmh/],
  ['a pool-fed group that boots otherwise than its pool', { ...base, clusters: [{ name: 'x', topology: 'single-node', hostsFrom: 'p', boot: 'bmh' }], pools: [{ name: 'p', hosts: 1 }] }, 'clusters[0].boot', /come from pool "p", which boots them as agent/],
  ['unknown download mode', { ...base, isoDownload: { mode: 'partial' } }, 'isoDownload.mode', /one of: none, head, full, range/],
  ['a range that is not one', { ...base, isoDownload: { mode: 'range', range: '0-100' } }, 'isoDownload.range', /byte range such as bytes=0-1048575/],
  ['no downloads in flight', { ...base, isoDownload: { concurrency: 0 } }, 'isoDownload.concurrency', /must be >= 1/],
  ['name resolving to a non-loopback address', { ...base, runtime: { clusterNamesResolveTo: '10.0.0.1' } }, 'runtime.clusterNamesResolveTo', /loopback address/],
];

for (const [what, input, path, message] of bad) {
  test(`refused: ${what} (${path || 'config'})`, () => {
    const problems = problemsOf(input);
    const hit = problems.find((p) => p.path === path);
    assert.ok(hit, `expected a problem at "${path}", got ${JSON.stringify(problems)}`);
    assert.match(hit!.message, message);
  });
}

test('every problem is reported, one line each', () => {
  const problems = problemsOf({ name: 'X', clusters: [{ name: 'a', topology: 'sno' }], hub: { auth: 'oauth' } });
  assert.equal(problems.map((p) => p.path).sort(), ['clusters[0].topology', 'hub.auth', 'name']);
  const err = new ConfigError(problems, 'swarm.config.ts');
  assert.is(err.message.split('\n').length, 1 + problems.length);
});

const work = mkdtempSync(join(tmpdir(), 'swarm-config-'));
function writeConfig(name: string, body: unknown): string {
  const file = join(work, `${name}.config.ts`);
  writeFileSync(file, `export default ${JSON.stringify(body, null, 2)};\n`);
  return file;
}

test('a bad config writes nothing', async () => {
  for (const [i, [, input]] of bad.entries()) {
    const out = join(work, `out-${i}`);
    const silenced = console.error;
    console.error = () => {};
    const code = await runSynth(['--config', writeConfig(`bad-${i}`, input), '--out', out]);
    console.error = silenced;
    assert.is(code, 1, bad[i]![0]);
    assert.not.ok(existsSync(out), `${bad[i]![0]}: ${out} was written`);
  }
});

test('npm run synth on a bad config: exit 1, a line per problem, no stack trace', () => {
  const file = writeConfig('cli', { name: 'cli', clusters: [{ name: 'a', topology: 'sno', count: 0 }] });
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'main.ts', '--config', file, '--out', join(work, 'cli-out')], { cwd: root, encoding: 'utf8' });
  assert.is(run.status, 1);
  const lines = run.stderr.trim().split('\n');
  assert.match(lines[0]!, /cli\.config\.ts: 2 problems/);
  assert.ok(lines.some((l) => /^ {2}clusters\[0\]\.topology: must be one of/.test(l)));
  assert.ok(lines.some((l) => /^ {2}clusters\[0\]\.count: must be >= 1/.test(l)));
  assert.not.match(run.stderr, /\n\s+at /);
  assert.not.ok(existsSync(join(work, 'cli-out')));
});

test('a config file that does not exist or does not load is a clear error', async () => {
  await loadConfigFile(join(work, 'absent.ts')).then(
    () => assert.unreachable(),
    (err) => assert.match(err.message, /no such file/));
  const broken = join(work, 'broken.config.ts');
  writeFileSync(broken, 'export default {{{;\n');
  await loadConfigFile(broken).then(
    () => assert.unreachable(),
    (err) => assert.match(err.message, /cannot load/));
});

test('a metrics profile file: kube-burner\'s YAML loads (its instant flag dropped), a bad entry names its field', () => {
  const good = join(work, 'profile.yaml');
  writeFileSync(good, '- query: sum(pg_stat_database_numbackends{datname="installer"})\n  metricName: dbConnections\n  instant: true\n- metricName: serviceMemory\n  query: container_memory_working_set_bytes\n  unit: bytes\n');
  assert.equal(loadProfileFile(good), [
    { metricName: 'dbConnections', query: 'sum(pg_stat_database_numbackends{datname="installer"})', unit: null },
    { metricName: 'serviceMemory', query: 'container_memory_working_set_bytes', unit: 'bytes' },
  ]);
  assert.ok(loadProfileFile(join(root, 'docs/metrics-profile.yaml')).some((q) => q.metricName === 'dbConnections'), 'the README\'s sample profile loads');
  const bad = join(work, 'bad-profile.yaml');
  writeFileSync(bad, '- metricName: ok\n  query: up\n- metricName: two words\n');
  try {
    loadProfileFile(bad);
    assert.unreachable('a bad profile was accepted');
  } catch (err) {
    assert.instance(err, ConfigError);
    assert.equal((err as ConfigError).problems.map((p) => p.path).sort(), ['[1].metricName', '[1].query']);
  }
});

test.run();
