// What apply's run leaves in its report besides the hosts: the thresholds checked at its end
// (a crossed one makes the exit code 2), and a metrics endpoint that is not there, which never
// fails the run but is said. Swarms of no hosts, so that the run itself is over at once; the
// service is the stand-in (test/stand-in), on the real test hub.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { exitCodeOf, executeRun } from '../lib/runner/run.ts';
import { closedPort } from './support/closed-port.ts';
import { testSwarm } from './stand-in/swarm.ts';

const quiet = { write: () => {} };

test('exit codes, the worse first: interrupted, not all installed, a threshold crossed, all well', () => {
  assert.is(exitCodeOf('interrupted', false, true), 130);
  assert.is(exitCodeOf('timeout', false, true), 1);
  assert.is(exitCodeOf('done', false, true), 1, 'a run that did not install is 1 even with a threshold crossed');
  assert.is(exitCodeOf('error', true, false), 1);
  assert.is(exitCodeOf('done', true, true), 2);
  assert.is(exitCodeOf('done', true, false), 0);
});

test('a threshold crossed at the end of the run: exit 2, and the report says which', async () => {
  const swarm = await testSwarm({ prefix: 'thr', report: { sampleSeconds: 1, thresholds: [
    { metric: 'clusters.failed', max: 0 },
    { metric: 'api.requests', min: 1, description: 'the service answered at least one request' },
    { metric: 'phase.installed.p99', maxPercentOverBase: 10 },
  ] } });
  try {
    const { out, ...result } = await swarm.run();
    assert.is(result.endReason, 'done', out);
    assert.is(result.exitCode, 2);
    assert.equal(result.summary.thresholds.map((t) => t.status), ['pass', 'crossed', 'needs a base']);
    assert.match(out, /runner: thresholds: 1 crossed: the service answered at least one request/);
    const md = readFileSync(join(result.reportDir, 'summary.md'), 'utf8');
    assert.match(md, /## Thresholds\n\n1 of 3 passed; \*\*1 crossed\*\*\./);
    const json = JSON.parse(readFileSync(join(result.reportDir, 'report.json'), 'utf8'));
    assert.is(json.summary.thresholds[1].value, 0);
    assert.ok(json.series.service.samples.length >= 1, 'the stand-in\'s /metrics was sampled');
  } finally {
    await swarm.cleanup();
  }
});

test('a metrics endpoint that is not there: the run ends as it would, and the report says there was no data', async () => {
  const port = await closedPort();
  const swarm = await testSwarm({ prefix: 'gap', report: { sampleSeconds: 1, metrics: { url: `http://127.0.0.1:${port}/metrics` } } });
  try {
    const result = await executeRun({ dist: swarm.dist, config: swarm.config, kubeConfig: swarm.kubeConfig, output: quiet });
    assert.equal([result.endReason, result.exitCode], ['done', 0]);
    const gaps = result.record.series!.service!.gaps;
    assert.is(gaps.length, 1);
    assert.match(gaps[0]!.reason, /ECONNREFUSED/);
    const md = readFileSync(join(result.reportDir, 'summary.md'), 'utf8');
    assert.match(md, new RegExp(`Sampled every 1 s from http://127\\.0\\.0\\.1:${port}/metrics: 0 samples over 0 s\\.\\n\\*\\*No data\\*\\* \\+0 s – \\+\\d+ s \\(\\d+ s; \\d+ failed scrapes?: connect ECONNREFUSED 127\\.0\\.0\\.1:${port}\\)\\.`));
  } finally {
    await swarm.cleanup();
  }
});

test.run();
