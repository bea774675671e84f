// The run's sampler against real HTTP servers: a service's /metrics whose Prometheus text
// changes between scrapes (routes that appear, go away and come back, a restart), that
// answers 500, hangs, or is not there; and a Prometheus API with a profile's queries. What it
// keeps: per-route requests and latency buckets per interval, 4xx/5xx, CPU cores only between
// consecutive scrapes of one process, RSS, and gaps with their reason.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Sampler } from '../lib/metrics/sampler.ts';
import type { SamplerSettings } from '../lib/metrics/sources.ts';
import { readService } from '../lib/metrics/service-reading.ts';
import { bucketQuantile } from '../lib/metrics/histogram.ts';

const BOUNDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const T0 = Date.UTC(2026, 0, 1);

/** A route's requests: per code, how many fell in each bucket (not cumulative), bucket i = BOUNDS[i], last = above 10 s. */
type Routes = Record<string, Record<string, number[]>>;

/** Prometheus text as promhttp writes it for the service: the latency histogram per handler/method/code, and the process collector. */
function exposition(o: { start: number; cpu: number; rss: number; routes: Routes; sql?: boolean }): string {
  const out = ['# HELP http_request_duration_seconds The latency of the HTTP requests.', '# TYPE http_request_duration_seconds histogram'];
  for (const [route, codes] of Object.entries(o.routes)) {
    const [method, handler] = route.split(' ');
    for (const [code, perBucket] of Object.entries(codes)) {
      const labels = `code="${code}",handler="${handler}",method="${method}",service="assisted-installer"`;
      let cum = 0;
      BOUNDS.forEach((b, i) => { cum += perBucket[i] ?? 0; out.push(`http_request_duration_seconds_bucket{${labels},le="${b}"} ${cum}`); });
      cum += perBucket[BOUNDS.length] ?? 0;
      out.push(`http_request_duration_seconds_bucket{${labels},le="+Inf"} ${cum}`, `http_request_duration_seconds_sum{${labels}} 1.5`, `http_request_duration_seconds_count{${labels}} ${cum}`);
    }
  }
  out.push('# TYPE process_cpu_seconds_total counter', `process_cpu_seconds_total ${o.cpu}`);
  out.push('# TYPE process_resident_memory_bytes gauge', `process_resident_memory_bytes ${o.rss}`);
  out.push('# TYPE process_start_time_seconds gauge', `process_start_time_seconds ${o.start}`);
  out.push('go_goroutines 42', 'service_assisted_installer_cluster_creations 3');
  if (o.sql) out.push('go_sql_open_connections{db_name="installer"} 7', 'go_sql_in_use_connections{db_name="installer"} 2', 'go_sql_idle_connections{db_name="installer"} 5', 'go_sql_wait_count_total{db_name="installer"} 11');
  return `${out.join('\n')}\n`;
}

/** A bucket array with `n` requests in bucket i. */
const at = (i: number, n: number) => Object.assign(Array(BOUNDS.length + 1).fill(0), { [i]: n }) as number[];

interface Fake { server: Server; url: string; answer: 'ok' | '500' | 'hang'; text: string; requests: number; inFlight: number; maxInFlight: number }

async function fakeService(): Promise<Fake> {
  const fake = { answer: 'ok', text: '', requests: 0, inFlight: 0, maxInFlight: 0 } as Fake;
  fake.server = createServer((req, res) => {
    fake.requests++;
    fake.maxInFlight = Math.max(fake.maxInFlight, ++fake.inFlight);
    res.on('close', () => fake.inFlight--);
    if (fake.answer === 'hang') return; // answered never: the scrape must give up
    if (fake.answer === '500') return void res.writeHead(500).end('boom');
    res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4' }).end(fake.text);
  });
  await new Promise<void>((r) => fake.server.listen(0, '127.0.0.1', r));
  fake.url = `http://127.0.0.1:${(fake.server.address() as AddressInfo).port}/metrics`;
  return fake;
}

async function close(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
}

function settings(o: Partial<SamplerSettings> & { url?: string }): SamplerSettings {
  return {
    intervalMs: 1000, timeoutMs: 1000, problems: [], prometheus: null,
    service: o.url ? { url: o.url, tls: { caFile: null, insecure: false } } : null,
    ...o,
  };
}

const view = () => ({ hosts: { known: 1 }, clusters: { installing: 1 }, launched: 1, restarts: 0, patches: 2, apiErrors: { hub: 0, service: 0 } });

test('the service\'s text is read per route (METHOD handler, codes summed), with the process and database figures', () => {
  const r = readService(exposition({ start: 100, cpu: 3.5, rss: 2 ** 27, sql: true, routes: {
    'GET /v2/clusters/{cluster_id}': { 200: at(0, 4), 404: at(1, 1) },
    'POST /v2/infra-envs/{infra_env_id}/hosts': { 201: at(2, 2), 500: at(11, 1) },
  } }));
  assert.equal([...r.routes.keys()].sort(), ['GET /v2/clusters/{cluster_id}', 'POST /v2/infra-envs/{infra_env_id}/hosts']);
  const get = r.routes.get('GET /v2/clusters/{cluster_id}')!;
  assert.equal([get.buckets.get(0.005), get.buckets.get(0.01), get.buckets.get(Infinity)], [4, 5, 5]);
  assert.equal([get.status4xx, get.status5xx], [1, 0]);
  assert.is(r.routes.get('POST /v2/infra-envs/{infra_env_id}/hosts')!.status5xx, 1);
  assert.equal([r.processStart, r.cpuSeconds, r.rssBytes], [100, 3.5, 2 ** 27]);
  assert.equal(r.db, { open: 7, inUse: 2, idle: 5, waitCount: 11 });
  assert.is(readService(exposition({ start: 1, cpu: 1, rss: 1, routes: {} })).db, null, 'no go_sql_* metrics: the database is not exposed');
});

test('scrape after scrape: requests per interval by route, CPU cores between consecutive scrapes, a gap on a 500, routes that go and come back, a restart', async () => {
  const fake = await fakeService();
  let clock = T0;
  const sampler = new Sampler({ settings: settings({ url: fake.url }), view, now: () => clock });
  const A = 'GET /v2/clusters/{cluster_id}', B = 'POST /v2/infra-envs/{infra_env_id}/hosts';
  try {
    // 1: the baseline; requests before it are not the run's.
    fake.text = exposition({ start: 100, cpu: 10, rss: 100e6, routes: { [A]: { 200: at(0, 10) } } });
    await sampler.round();
    // 2, two seconds later: A +5 (one a 500, slow), B appears with 3 (one 404); 2 CPU seconds in 2 s.
    clock += 2000;
    fake.text = exposition({ start: 100, cpu: 12, rss: 120e6, routes: { [A]: { 200: at(0, 14), 500: at(7, 1) }, [B]: { 201: at(2, 2), 404: at(0, 1) } } });
    await sampler.round();
    // 3: the service answers 500: no data.
    clock += 2000;
    fake.answer = '500';
    await sampler.round();
    // 4: back; A +6 in the meantime; B went away (its series is gone).
    clock += 2000;
    fake.answer = 'ok';
    fake.text = exposition({ start: 100, cpu: 15, rss: 110e6, routes: { [A]: { 200: at(0, 20), 500: at(7, 1) } } });
    await sampler.round();
    // 5: B is back with 2 more than when last seen; A unchanged.
    clock += 2000;
    fake.text = exposition({ start: 100, cpu: 16, rss: 110e6, routes: { [A]: { 200: at(0, 20), 500: at(7, 1) }, [B]: { 201: at(2, 4), 404: at(0, 1) } } });
    await sampler.round();
    // 6: the service restarted: a new start time, counters from 0.
    clock += 2000;
    fake.text = exposition({ start: 200, cpu: 0.5, rss: 60e6, routes: { [A]: { 200: at(1, 3) } } });
    await sampler.round();
    // 7: B's series comes back below what it was: counted from 0 again.
    clock += 2000;
    fake.text = exposition({ start: 200, cpu: 1.5, rss: 61e6, routes: { [A]: { 200: at(1, 3) }, [B]: { 201: at(2, 1) } } });
    await sampler.round();
    const series = await sampler.stop();
    const s = series.service!;
    assert.equal(s.bucketBounds, BOUNDS);
    assert.is(s.samples.length, 7, 'one sample per answered scrape and a last one at the end');
    const [s1, s2, s4, s5, s6, s7] = s.samples;
    assert.equal(s1!.routes, {}, 'the baseline counts nothing');
    assert.equal([s1!.since, s1!.cpuCores, s1!.rssBytes], [null, null, 100e6]);

    assert.equal(Object.keys(s2!.routes).sort(), [A, B]);
    assert.equal([s2!.routes[A]!.requests, s2!.routes[A]!.status5xx, s2!.routes[A]!.status4xx], [5, 1, 0]);
    assert.equal(s2!.routes[A]!.buckets, [4, 4, 4, 4, 4, 4, 4, 5, 5, 5, 5, 5]);
    assert.equal([s2!.routes[B]!.requests, s2!.routes[B]!.status4xx], [3, 1], 'a route that appears counts from 0');
    assert.equal([s2!.since, s2!.cpuCores], [T0, 1]);

    assert.equal([s4!.at, s4!.since, s4!.cpuCores], [T0 + 6000, null, null], 'no rate across the failed scrape');
    assert.equal(Object.keys(s4!.routes), [A]);
    assert.is(s4!.routes[A]!.requests, 6, 'the requests made during the gap are still counted');
    assert.equal(s.gaps, [{ from: T0 + 2000, to: T0 + 6000, failures: 1, reason: 'answered 500 Internal Server Error' }]);

    assert.equal([s5!.since, s5!.cpuCores], [T0 + 6000, 0.5]);
    assert.equal(Object.keys(s5!.routes), [B]);
    assert.is(s5!.routes[B]!.requests, 2, 'a route back after a while counts from where it was last seen');

    assert.is(s6!.restarted, true);
    assert.equal([s6!.since, s6!.cpuCores, s6!.routes[A]!.requests], [null, null, 3], 'after a restart: no rate, and the new process\' counts');
    assert.equal([s7!.since, s7!.cpuCores, s7!.routes[B]!.requests], [T0 + 10_000, 0.5, 1]);
    assert.is(s.samples.at(-1)!.at, T0 + 12_000, 'the last sample is taken at stop');
    assert.equal(Object.keys(s.samples.at(-1)!.routes), []);
    assert.is(series.runner.length, 8);
    assert.equal(series.runner[0], { at: T0, ...view() });
  } finally {
    await close(fake.server);
  }
});

test('a scrape that hangs gives up at the timeout, has no second one in flight beside it, and leaves a gap', async () => {
  const fake = await fakeService();
  let clock = T0;
  const sampler = new Sampler({ settings: settings({ url: fake.url, timeoutMs: 300 }), view, now: () => clock });
  try {
    fake.text = exposition({ start: 1, cpu: 1, rss: 1e6, routes: {} });
    await sampler.round();
    fake.answer = 'hang';
    clock += 1000;
    const first = sampler.round();
    clock += 1000;
    const second = sampler.round(); // while the first hangs
    await Promise.all([first, second]);
    assert.is(fake.maxInFlight, 1, 'one scrape in flight at a time');
    assert.is(fake.requests, 2, 'the round during the hanging scrape asked nothing');
    const series = await sampler.stop();
    assert.is(fake.requests, 2, 'stop does not wait for a source that failed last time');
    assert.equal(series.service!.gaps, [{ from: T0, to: T0 + 2000, failures: 1, reason: 'timed out after 0.3 s' }], 'a gap still open ends with the run');
    assert.is(series.runner.length, 4, 'the runner\'s own view is sampled whatever the service does');
  } finally {
    await close(fake.server);
  }
});

test('a metrics endpoint that is not there: the run goes on, the whole run is a gap', async () => {
  const fake = await fakeService();
  await close(fake.server); // nothing listens there any more
  let clock = T0;
  const sampler = new Sampler({ settings: settings({ url: fake.url }), view, now: () => clock });
  await sampler.round();
  clock += 5000;
  await sampler.round();
  const series = await sampler.stop();
  assert.equal(series.service!.samples, []);
  assert.is(series.service!.gaps.length, 1);
  assert.equal([series.service!.gaps[0]!.from, series.service!.gaps[0]!.to, series.service!.gaps[0]!.failures], [T0, T0 + 5000, 2]);
  assert.match(series.service!.gaps[0]!.reason, /ECONNREFUSED/);
});

test('an answer without the service\'s metrics (a wrong URL) is no data', async () => {
  const fake = await fakeService();
  try {
    fake.text = '<html>login</html>';
    const sampler = new Sampler({ settings: settings({ url: fake.url }), view });
    await sampler.round();
    const series = await sampler.stop();
    assert.equal(series.service!.samples, []);
    assert.match(series.service!.gaps[0]!.reason, /no http_request_duration_seconds/);
  } finally {
    await close(fake.server);
  }
});

test('started, it samples on its own every interval until stopped', async () => {
  const fake = await fakeService();
  fake.text = exposition({ start: 1, cpu: 1, rss: 1e6, routes: { 'GET /a': { 200: at(0, 1) } } });
  const sampler = new Sampler({ settings: settings({ url: fake.url, intervalMs: 20 }), view }).start();
  try {
    for (let i = 0; i < 500 && fake.requests < 4; i++) await new Promise((r) => setTimeout(r, 10));
  } finally {
    const series = await sampler.stop();
    await close(fake.server);
    assert.ok(series.service!.samples.length >= 4, `${series.service!.samples.length} samples`);
    const times = series.service!.samples.map((s) => s.at);
    assert.equal(times, [...times].sort((a, b) => a - b));
    assert.ok(series.runner.length >= 4);
  }
});

test('a Prometheus server\'s profile queries: a value per series, a refused query said once, the server away a gap', async () => {
  let up = true;
  const asked: string[] = [];
  const server = createServer((req, res) => {
    const query = new URL(req.url!, 'http://x').searchParams.get('query')!;
    asked.push(`${req.headers.authorization ?? ''} ${query}`);
    if (!up) return void res.writeHead(503).end('unavailable');
    if (query === 'broken(') return void res.writeHead(400, { 'Content-Type': 'application/json' }).end(JSON.stringify({ status: 'error', errorType: 'bad_data', error: 'parse error at char 8' }));
    const result = query === 'pg_connections'
      ? [{ metric: { __name__: 'x', datname: 'installer' }, value: [1, '12'] }, { metric: { datname: 'postgres' }, value: [1, '1'] }]
      : [{ metric: {}, value: [1, '0.25'] }];
    res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ status: 'success', data: { resultType: 'vector', result } }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  let clock = T0;
  const queries = [
    { metricName: 'dbConnections', query: 'pg_connections', unit: 'connections' },
    { metricName: 'serviceCpu', query: 'rate(cpu[1m])', unit: 'cores' },
    { metricName: 'bad', query: 'broken(', unit: null },
  ];
  const sampler = new Sampler({ settings: settings({ prometheus: { server: { url, tls: { caFile: null, insecure: false }, token: 'sesame' }, queries } }), view, now: () => clock });
  try {
    await sampler.round();
    clock += 1000;
    up = false;
    await sampler.round();
    clock += 1000;
    up = true;
    await sampler.round();
    const p = (await sampler.stop()).prometheus!;
    assert.equal(p.samples[0], { at: T0, values: { dbConnections: { 'datname=installer': 12, 'datname=postgres': 1 }, serviceCpu: { '': 0.25 } } });
    assert.equal(p.errors, { bad: 'parse error at char 8' });
    assert.equal(p.gaps, [{ from: T0, to: T0 + 2000, failures: 1, reason: 'answered 503 Service Unavailable' }]);
    assert.is(p.samples.length, 3);
    assert.ok(asked.every((a) => a.startsWith('Bearer sesame ')), 'the token goes with every query');
  } finally {
    await close(server);
  }
});

test('quantiles from cumulative buckets interpolate inside the bucket', () => {
  assert.is(bucketQuantile([0.1, 1, Infinity], [0, 10, 10], 0.5), 0.55);
  assert.is(bucketQuantile([0.1, 1, Infinity], [0, 0, 0], 0.5), null);
  assert.is(bucketQuantile([0.1, 1, Infinity], [0, 0, 4], 0.99), 1, 'above the last bound: that bound');
});

test.run();
