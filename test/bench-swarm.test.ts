// What the benchmarks read off the service and the kernel: the latency histogram of a Prometheus
// exposition summed over label sets, a run's share of it, interpolated quantiles; and the usage
// of real containers and real processes on this machine, with containers that start and stop
// between samples (a rate must never count a container's whole life in one interval).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { histogramDelta, quantile, readHistogram, requestCount } from '../lib/metrics/histogram.ts';
import { cpus } from 'node:os';
import { cgroupUsage, dockerUsage, processUsage, UsageSeries } from './bench/usage.ts';
import { hub, removeTestContainers, testLabels } from './support/hub.ts';
import { ensureTinyImage } from './support/images.ts';

const EXPOSITION = `# HELP http_request_duration_seconds Duration
# TYPE http_request_duration_seconds histogram
http_request_duration_seconds_bucket{code="200",handler="/a",method="GET",le="0.01"} 6
http_request_duration_seconds_bucket{code="200",handler="/a",method="GET",le="0.1"} 8
http_request_duration_seconds_bucket{code="200",handler="/a",method="GET",le="1"} 10
http_request_duration_seconds_bucket{code="200",handler="/a",method="GET",le="+Inf"} 10
http_request_duration_seconds_count{code="200",handler="/a",method="GET"} 10
http_request_duration_seconds_bucket{code="201",handler="/b",method="POST",le="0.01"} 0
http_request_duration_seconds_bucket{code="201",handler="/b",method="POST",le="0.1"} 2
http_request_duration_seconds_bucket{code="201",handler="/b",method="POST",le="1"} 8
http_request_duration_seconds_bucket{code="201",handler="/b",method="POST",le="+Inf"} 10
other_bucket{le="0.01"} 99
`;

test('the histogram is summed over every label set but le, and nothing else is read', () => {
  const h = readHistogram(EXPOSITION, 'http_request_duration_seconds');
  assert.equal([...h], [[0.01, 6], [0.1, 10], [1, 18], [Infinity, 20]]);
  assert.is(requestCount(h), 20);
});

test('quantiles interpolate inside the bucket, and a run is the difference of two reads', () => {
  const h = readHistogram(EXPOSITION, 'http_request_duration_seconds');
  // rank 10 of 20 falls in (0.01, 0.1], which holds ranks 7..10: its upper bound.
  assert.ok(Math.abs(quantile(h, 0.5)! - 0.1) < 1e-9);
  // rank 3: a half of the first bucket, from 0.
  assert.ok(Math.abs(quantile(h, 0.15)! - 0.005) < 1e-9);
  // rank 19.8 is in +Inf: the last finite bound.
  assert.is(quantile(h, 0.99), 1);
  const before = new Map([[0.01, 6], [0.1, 8], [1, 10], [Infinity, 10]]);
  const run = histogramDelta(h, before);
  assert.equal([...run], [[0.01, 0], [0.1, 2], [1, 8], [Infinity, 10]]);
  assert.is(quantile(histogramDelta(h, h), 0.5), null, 'no requests, no quantile');
});

test('usage of a real cgroup and of real processes', () => {
  const own = cgroupUsage(process.pid);
  assert.ok(own && own.memoryBytes > 0 && own.cpuSeconds > 0 && own.processes > 0, JSON.stringify(own));
  const node = processUsage('node');
  const mine = node.get(String(process.pid));
  assert.ok(mine && mine.memoryBytes > 10 * 2 ** 20 && mine.cpuSeconds > 0, JSON.stringify(mine));
  assert.ok(Math.abs(mine!.startedAt - (Date.now() - process.uptime() * 1000)) < 2000, 'start time from /proc');
  assert.is(processUsage('no-such-process-name').size, 0);
});

test('rates are made member by member: a member seen late counts nothing, one started in the interval counts all, a restart is a new life', () => {
  const s = new UsageSeries();
  const m = (cpuSeconds: number, startedAt: number) => ({ cpuSeconds, memoryBytes: 100, startedAt });
  s.add(10_000, new Map([['a', m(100, 0)]]));
  // b ran long before 10 s but was missed then: nothing of it counts; c started at 11 s: all of it.
  s.add(12_000, new Map([['a', m(101, 0)], ['b', m(500, 1_000)], ['c', m(0.5, 11_000)]]));
  assert.equal(s.rates.at(-1), [12_000, 0.75]);
  // a restarted at 13 s (its counter starts over): what it used since; b gone.
  s.add(14_000, new Map([['a', m(0.2, 13_000)], ['c', m(1.5, 11_000)]]));
  assert.equal(s.rates.at(-1), [14_000, 0.6]);
  // Unreadable: the next interval starts afresh.
  s.add(16_000, null);
  s.add(18_000, new Map([['a', m(50, 13_000)]]));
  assert.is(s.rates.length, 2);
  assert.equal(s.peak, { cpuCores: 0.75, memoryBytes: 300 });
  assert.ok(Math.abs(s.mean.cpuCores - (1.5 + 1.2) / 4) < 1e-9);
});

test('real containers that start and stop between samples: every rate within the machine, none from a whole life', async () => {
  const { docker } = await hub();
  const image = await ensureTinyImage(docker);
  const mark = testLabels();
  const burn = async (name: string, seconds: number) => {
    // Busy for `seconds` of CPU time at most, then idle.
    const c = await docker.createContainer({ Image: image, Labels: mark,
      Cmd: ['sh', '-c', `end=$(( $(date +%s) + ${seconds} )); while [ $(date +%s) -lt $end ]; do :; done; exec sleep 3600`] });
    await c.start();
    return c;
  };
  try {
    const usage = dockerUsage(docker);
    const series = new UsageSeries();
    const early = await burn('early', 3);
    // Until it has burnt and sleeps (however busy the machine): its CPU stops growing.
    const earlyUsed = async () => (await usage.members([{ id: early.id }])).get(early.id)?.cpuSeconds ?? 0;
    for (let last = -1, now = await earlyUsed(), deadline = Date.now() + 120_000; now < 0.5 || now - last > 0.01; last = now, now = await earlyUsed()) {
      if (Date.now() > deadline) throw new Error('the early container did not burn and settle in two minutes');
      await new Promise((r) => setTimeout(r, 500));
    }
    // The first sample misses `early`, which has used its CPU seconds by now.
    series.add(Date.now(), await usage.members([]));
    await new Promise((r) => setTimeout(r, 1000));
    const intervalStart = Date.now();
    series.add(intervalStart, await usage.members([{ id: early.id }]));
    const late = await burn('late', 2);
    // However busy the machine, until it has used 0.3 CPU seconds (all of it after the last sample).
    const lateUsed = async () => (await usage.members([{ id: late.id }])).get(late.id)?.cpuSeconds ?? 0;
    for (const deadline = Date.now() + 60_000; (await lateUsed()) < 0.3;) {
      if (Date.now() > deadline) throw new Error('the late container got no CPU in a minute');
      await new Promise((r) => setTimeout(r, 100));
    }
    series.add(Date.now(), await usage.members([{ id: early.id }, { id: late.id }]));
    await early.remove({ force: true });
    await new Promise((r) => setTimeout(r, 1000));
    series.add(Date.now(), await usage.members([{ id: late.id }]));
    const machine = cpus().length;
    assert.is(series.rates.length, 3);
    assert.ok(series.rates[0]![1] < 0.2, `the container missed by the first sample adds ~nothing: ${series.rates[0]![1]}`);
    const [end, cores] = series.rates[1]!;
    assert.ok(cores * ((end - intervalStart) / 1000) >= 0.29, `the one started in the interval adds all it used: ${cores} cores over ${(end - intervalStart) / 1000} s`);
    for (const [, cores] of series.rates) assert.ok(cores >= 0 && cores <= machine + 0.1, `${cores} cores on a ${machine}-core machine`);
    assert.ok(series.peak.memoryBytes > 0);
  } finally {
    await removeTestContainers(docker, mark);
  }
});

test.run();
