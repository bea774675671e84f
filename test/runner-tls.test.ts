// The runner against a service over HTTPS (the stand-in, with a CA of the test's own and a
// serving certificate it signed for 127.0.0.1): hub.tls.caFile verifies it, the fake hosts get
// the CA from the ignition, each controller gets it too (CA_CERT_PATH, SKIP_CERT_VERIFICATION
// false), and nothing anywhere turns verification off. A service the runner can't reach stops
// the run before anything starts, saying what to fix: a CA of another CA, an http:// URL for an
// HTTPS service, nothing listening, a server that never answers.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer as createTcpServer, type AddressInfo, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UserError } from '../lib/config/errors.ts';
import { HUB_UNAVAILABLE_EXIT } from '../lib/hub/errors.ts';
import { executeRun } from '../lib/runner/run.ts';
import { checkServiceReach } from '../lib/runner/service-reach.ts';
import { CONTROLLER_CA_PATH } from '../lib/swarm/containers.ts';
import { LABEL, swarmLabels } from '../lib/swarm/labels.ts';
import { SWARM_KINDS } from '../lib/plan/kinds.ts';
import { swarmSelector } from '../lib/swarm/labels.ts';
import { insecureInContainers, insecureInFolder, insecureSettings } from './support/insecure-scan.ts';
import { fakePullSecret, PULL_SECRET_ENV, testSwarm as cliSwarm, type TestSwarm as CliSwarm } from './support/test-swarm.ts';
import { testCa } from './support/pki.ts';
import { swarmContainers, testSwarm, type TestSwarm } from './stand-in/swarm.ts';

const dir = mkdtempSync(join(tmpdir(), 'runner-tls-'));
const serviceCa = testCa(dir, 'service-ca');
const otherCa = testCa(dir, 'other-ca');
const swarms: TestSwarm[] = [];
const cliSwarms: CliSwarm[] = [];
const servers: Server[] = [];
test.after(async () => {
  for (const s of [...swarms, ...cliSwarms]) await s.cleanup();
  for (const s of servers) s.close();
  rmSync(dir, { recursive: true, force: true });
});

const quiet = { write: () => {} };
const failure = (p: Promise<unknown>) => p.then(() => null, (e: Error) => e);

test('over HTTPS with hub.tls.caFile: every cluster installs, the controllers verify with the CA, nothing is insecure', async () => {
  const swarm = await testSwarm({
    prefix: 'tls',
    clusters: [{ name: 'sno', topology: 'single-node' }, { name: 'compact', topology: 'compact' }],
    standIn: { tls: { key: serviceCa.key, cert: serviceCa.cert, ca: serviceCa.ca } },
  });
  swarms.push(swarm);
  assert.match(swarm.standIn.url, /^https:\/\//);
  const { out, ...result } = await swarm.run();
  assert.is(result.endReason, 'done', out);
  assert.equal(result.record.clusters.map((c) => c.outcome), ['installed', 'installed'], out);
  assert.is(result.exitCode, 0, out);

  const containers = await swarmContainers(swarm.docker, swarm.name);
  const controllers = containers.filter((c) => c.Labels[LABEL.component] === 'controller');
  assert.is(controllers.length, 2);
  for (const c of controllers) {
    const info = await swarm.docker.getContainer(c.Id).inspect();
    const env = Object.fromEntries((info.Config.Env ?? []).map((e) => [e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1)]));
    assert.equal([env.INVENTORY_URL, env.SKIP_CERT_VERIFICATION, env.CA_CERT_PATH], [swarm.standIn.url, 'false', CONTROLLER_CA_PATH], info.Name);
    // The CA is in the container where CA_CERT_PATH points (the stand-in controller refuses to run without it).
    assert.is(info.State.ExitCode, 0, `${info.Name} ended with ${info.State.ExitCode}`);
  }
  // The fake hosts' agents ran with the ignition's --cacert and --insecure=false.
  const host = containers.find((c) => c.Labels[LABEL.component] === 'fake-host')!;
  const hostInfo = await swarm.docker.getContainer(host.Id).inspect();
  assert.ok((hostInfo.Config.Cmd ?? []).includes('--insecure=false') && (hostInfo.Config.Cmd ?? []).includes('--cacert'), (hostInfo.Config.Cmd ?? []).join(' '));
  assert.equal(await insecureInContainers(swarm.docker, swarmLabels(swarm.name)), []);
  assert.equal(insecureInFolder(result.reportDir), []);
  // The service was sampled over HTTPS with the same CA.
  assert.equal(result.record.series?.service?.gaps, []);
});

test('a CA of another CA stops the run at once, naming hub.tls.caFile and what it must be; nothing is started', async () => {
  const swarm = await testSwarm({
    prefix: 'tlsbad',
    clusters: [{ name: 'sno', topology: 'single-node' }],
    standIn: { tls: { key: serviceCa.key, cert: serviceCa.cert, ca: serviceCa.ca } },
    tls: { caFile: otherCa.caFile },
  });
  swarms.push(swarm);
  const err = await failure(executeRun({ dist: swarm.dist, config: swarm.config, kubeConfig: swarm.kubeConfig, output: quiet }));
  assert.instance(err, UserError);
  assert.match(err!.message, `the service at ${swarm.standIn.url} (hub.serviceUrl) failed the TLS handshake`);
  assert.match(err!.message, `hub.tls.caFile (${otherCa.caFile}) must be the CA that signed the service's certificate`);
  assert.is((err as UserError).exitCode, 1, 'a wrong CA does not fix itself: not the exit code of a service that is away');
  assert.is((await swarmContainers(swarm.docker, swarm.name)).length, 0, 'no container was started');
  assert.not.ok(existsSync(join(swarm.dir, 'state')), 'no host folder was made');
  assert.is(swarm.standIn.calls.ignitions, 0, 'no ignition was fetched');
});

test('apply with a CA of another CA stops before it changes anything, and says what hub.tls.caFile must be', async () => {
  const s = await cliSwarm('tlsapply');
  cliSwarms.push(s);
  s.configure({ hub: { serviceUrl: swarms[0]!.standIn.url, tls: { caFile: otherCa.caFile } }, clusters: [{ name: 'sno', topology: 'single-node' }] });
  const r = await s.cli(['apply', '--yes'], { [PULL_SECRET_ENV]: fakePullSecret().json });
  assert.is(r.code, 1, `${r.stdout}\n${r.stderr}`);
  assert.match(r.stderr, `hub.tls.caFile (${otherCa.caFile}) must be the CA that signed the service's certificate`);
  assert.match(r.stderr, 'nothing was changed');
  const lists = await Promise.all(SWARM_KINDS.map((k) => s.client.list(k.apiVersion, k.kind, { labelSelector: swarmSelector(s.name) })));
  assert.equal(lists.flat().map((o) => o.metadata.name), [], 'no object was made');
});

test('the scan finds what turns verification off, and not what verifies', () => {
  assert.equal(insecureSettings('agent --url https://x --insecure=false --cacert /c; logs_sender -insecure=false; SKIP_CERT_VERIFICATION=False'), []);
  assert.equal(insecureSettings('installer --insecure --url x; next_step_runner --insecure=true; logs_sender -insecure=true; SKIP_CERT_VERIFICATION=true; {"insecure":true}'),
    ['--insecure', '--insecure=true', '-insecure=true', 'SKIP_CERT_VERIFICATION=true', '"insecure":true']);
});

test('an http:// URL for a service that serves HTTPS is named, with the https:// URL to use', async () => {
  const swarm = swarms[0]!;
  const plain = swarm.standIn.url.replace('https://', 'http://');
  const err = await failure(checkServiceReach({ serviceUrl: plain, tls: { caFile: null, insecure: false } }, { waitMs: 0 }));
  assert.instance(err, UserError);
  assert.match(err!.message, `the service at ${plain} (hub.serviceUrl) serves HTTPS, and hub.serviceUrl says http://: make it ${swarm.standIn.url}`);
});

test('nothing listening: waited for, then named with what to check (exit 3)', async () => {
  const s = createTcpServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const url = `https://127.0.0.1:${(s.address() as AddressInfo).port}`;
  await new Promise((r) => s.close(r));
  const lines: string[] = [];
  const err = await failure(checkServiceReach({ serviceUrl: url, tls: { caFile: serviceCa.caFile, insecure: false } }, { waitMs: 1500, log: (l) => lines.push(l) }));
  assert.instance(err, UserError);
  assert.is((err as UserError).exitCode, HUB_UNAVAILABLE_EXIT);
  assert.match(err!.message, `the service at ${url} (hub.serviceUrl) refused the connection [ECONNREFUSED]: nothing listens there: is assisted-service running`);
  assert.match(err!.message, /\(kept failing for 2 s\)$/);
  assert.match(lines.join('\n'), 'waiting for it');
});

test('a server that takes the connection and never answers is a timeout', async () => {
  const silent = createTcpServer(() => {});
  await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
  servers.push(silent);
  const url = `https://127.0.0.1:${(silent.address() as AddressInfo).port}`;
  const err = await failure(checkServiceReach({ serviceUrl: url, tls: { caFile: serviceCa.caFile, insecure: false } }, { waitMs: 0, attemptTimeoutMs: 500 }));
  assert.instance(err, UserError);
  assert.is((err as UserError).exitCode, HUB_UNAVAILABLE_EXIT);
  assert.match(err!.message, `the service at ${url} (hub.serviceUrl) did not answer in time [ETIMEDOUT]: is it reachable from here`);
});

test.run();
