// What `npm run bench -- swarm` reads off the service and the kernel: the latency histogram of
// a Prometheus exposition summed over label sets, a run's share of it, interpolated quantiles;
// and the usage of a real cgroup and of real processes on this machine.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { histogramDelta, quantile, readHistogram, requestCount } from '../lib/metrics/histogram.ts';
import { cgroupUsage, PeakTracker, processUsage } from './bench/swarm/usage.ts';

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

test('usage of a real cgroup and of real processes; peaks of CPU rate and memory', () => {
  const own = cgroupUsage(process.pid);
  assert.ok(own && own.memoryBytes > 0 && own.cpuSeconds > 0, JSON.stringify(own));
  const node = processUsage('node');
  assert.ok(node.memoryBytes > 10 * 2 ** 20 && node.cpuSeconds > 0, JSON.stringify(node));
  assert.equal(processUsage('no-such-process-name'), { cpuSeconds: 0, memoryBytes: 0 });
  const p = new PeakTracker();
  p.add(0, { cpuSeconds: 10, memoryBytes: 100 });
  p.add(2000, { cpuSeconds: 13, memoryBytes: 300 });
  p.add(4000, { cpuSeconds: 14, memoryBytes: 200 });
  assert.equal(p.peak, { cpuCores: 1.5, memoryBytes: 300 });
});

test.run();
