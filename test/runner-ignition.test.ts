// How the runner learns to start an agent: from a real-shaped discovery ignition (the
// service's agent.service unit), for AUTH_TYPE none and local, downloaded from the service's
// REST API (the stand-in) over HTTP and HTTPS, with the infra-env token only under local.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { CustomObjectsApi } from '@kubernetes/client-node';
import { agentLaunchFrom, splitCommandLine, STDOUT_LOGGING } from '../lib/runner/ignition.ts';
import { fetchAgentLaunch, infraEnvIdentity } from '../lib/runner/discovery.ts';
import { INFRA_ENV, type HubObject } from '../lib/runner/hub.ts';
import { validateConfig } from '../lib/config/load.ts';
import { hub, uniqueNamespace, waitFor } from './support/hub.ts';
import { discoveryIgnition, HOST_CA_CERT_PATH } from './stand-in/ignition.ts';
import { ServiceStandIn } from './stand-in/service.ts';

const { kubeConfig } = await hub();
const api = kubeConfig.makeApiClient(CustomObjectsApi);
const dir = mkdtempSync(join(tmpdir(), 'ignition-test-'));
const selectorValue = `ign-${randomBytes(3).toString('hex')}`;
const ns = await uniqueNamespace('ignition', kubeConfig);
const image = 'quay.io/edge-infrastructure/assisted-installer-agent:latest';

test.after(async () => {
  await ns.cleanup().catch(() => undefined);
  rmSync(dir, { recursive: true, force: true });
});

/** A loopback certificate and its CA (one self-signed certificate for 127.0.0.1). */
function selfSigned(): { key: string; cert: string; ca: string; caFile: string } {
  const key = join(dir, 'key.pem'), cert = join(dir, 'cert.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', key, '-out', cert,
    '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
  return { key: readFileSync(key, 'utf8'), cert: readFileSync(cert, 'utf8'), ca: readFileSync(cert, 'utf8'), caFile: cert };
}

function hubConfig(serviceUrl: string, auth: 'none' | 'local', tls: { caFile?: string; insecure?: boolean } = {}) {
  return validateConfig({ name: 'ign', hub: { serviceUrl, auth, tls } }).hub;
}

/** An InfraEnv on the hub, once the stand-in has processed it. */
async function processedInfraEnv(name: string): Promise<HubObject> {
  await api.createNamespacedCustomObject({
    group: INFRA_ENV.group, version: INFRA_ENV.version, plural: INFRA_ENV.plural, namespace: ns.name,
    body: { apiVersion: 'agent-install.openshift.io/v1beta1', kind: 'InfraEnv', metadata: { name, labels: { 'ignition-test': selectorValue } }, spec: { pullSecretRef: { name: 'pull-secret' } } },
  });
  return waitFor(`InfraEnv ${name} processed`, async () => {
    const ie = (await api.getNamespacedCustomObject({ group: INFRA_ENV.group, version: INFRA_ENV.version, plural: INFRA_ENV.plural, namespace: ns.name, name })) as HubObject;
    return ie.status?.debugInfo?.eventsURL ? ie : undefined;
  });
}

test('none: the agent command line is ExecStart plus stdout logging, and there is no token', async () => {
  const launch = await agentLaunchFrom(discoveryIgnition({ serviceBaseUrl: 'http://10.0.0.1:8090', infraEnvId: 'ie-1', agentImage: image, skipCertVerification: true, token: null, caCert: null }));
  assert.equal(launch.command, ['/usr/local/bin/agent', '--url', 'http://10.0.0.1:8090', '--infra-env-id', 'ie-1', '--agent-version', image, '--insecure=true', ...STDOUT_LOGGING]);
  assert.is(launch.token, null);
  assert.is(launch.caCert, null);
  assert.is(launch.env.PULL_SECRET_TOKEN, undefined);
  assert.is(launch.env.HTTP_PROXY, '');
  assert.equal([launch.serviceUrl, launch.infraEnvId], ['http://10.0.0.1:8090', 'ie-1']);
});

test('local: the token comes from Environment=PULL_SECRET_TOKEN, and --cacert with its file from the ignition', async () => {
  const pem = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
  const launch = await agentLaunchFrom(discoveryIgnition({ serviceBaseUrl: 'https://svc:8090', infraEnvId: 'ie-2', agentImage: image, skipCertVerification: false, token: 'tok.en.jwt', caCert: pem }));
  assert.equal(launch.command, ['/usr/local/bin/agent', '--url', 'https://svc:8090', '--infra-env-id', 'ie-2', '--agent-version', image, '--insecure=false', '--cacert', HOST_CA_CERT_PATH, ...STDOUT_LOGGING]);
  assert.is(launch.token, 'tok.en.jwt');
  assert.is(launch.env.PULL_SECRET_TOKEN, 'tok.en.jwt');
  assert.equal(launch.caCert, { path: HOST_CA_CERT_PATH, content: pem });
});

test('an ignition without the unit or the flags is refused with a reason', async () => {
  const err = (p: Promise<unknown>) => p.then(() => '', (e: Error) => e.message);
  assert.match(await err(agentLaunchFrom({ ignition: { version: '3.1.0' } })), /no agent.service unit/);
  assert.match(await err(agentLaunchFrom({ systemd: { units: [{ name: 'agent.service', contents: '[Service]\nExecStart=/usr/local/bin/agent --infra-env-id x\n' }] } })), /lacks --url, --agent-version/);
  assert.equal(splitCommandLine(`a "b c" 'd e' f\\ g`), ['a', 'b c', 'd e', 'f g']);
});

test('none: the ignition is downloaded with no credentials', async () => {
  const standIn = await new ServiceStandIn({ kubeConfig, auth: 'none', labelSelector: `ignition-test=${selectorValue}` }).start();
  try {
    const ie = await processedInfraEnv('plain');
    const { id, apiKey } = infraEnvIdentity(ie);
    assert.is(apiKey, null);
    assert.is(id, standIn.infraEnvId(ns.name, 'plain'));
    const launch = await fetchAgentLaunch(hubConfig(standIn.url, 'none'), ie);
    assert.equal(launch.command.slice(0, 5), ['/usr/local/bin/agent', '--url', standIn.url, '--infra-env-id', id]);
    assert.is(launch.token, null);
    assert.is(standIn.calls.ignitions, 1);
  } finally {
    await standIn.stop();
  }
});

test('local: the ignition needs the infra-env token; the agent gets it as PULL_SECRET_TOKEN', async () => {
  const standIn = await new ServiceStandIn({ kubeConfig, auth: 'local', labelSelector: `ignition-test=${selectorValue}` }).start();
  try {
    const ie = await processedInfraEnv('local');
    const { apiKey } = infraEnvIdentity(ie);
    assert.ok(apiKey);
    const launch = await fetchAgentLaunch(hubConfig(standIn.url, 'local'), ie);
    assert.is(launch.token, apiKey);
    // Configured as `none`, the runner sends no token: the service says 401, and the message says why.
    const refused = await fetchAgentLaunch(hubConfig(standIn.url, 'none'), ie).then(() => '', (e: Error) => e.message);
    assert.match(refused, /401/);
    assert.match(refused, /AUTH_TYPE=local/);
    assert.not.match(refused, new RegExp(apiKey));
    assert.is(standIn.calls.unauthorized, 1);
  } finally {
    await standIn.stop();
  }
});

test('HTTPS: verified with the configured CA, refused without it, accepted when insecure', async () => {
  const tls = selfSigned();
  const standIn = await new ServiceStandIn({ kubeConfig, auth: 'none', labelSelector: `ignition-test=${selectorValue}`, tls }).start();
  try {
    assert.match(standIn.url, /^https:/);
    const ie = await processedInfraEnv('tls');
    const launch = await fetchAgentLaunch(hubConfig(standIn.url, 'none', { caFile: tls.caFile }), ie);
    assert.ok(launch.command.includes('--insecure=false'));
    assert.equal(launch.caCert, { path: HOST_CA_CERT_PATH, content: tls.ca });
    const unverified = await fetchAgentLaunch(hubConfig(standIn.url, 'none'), ie).then(() => '', (e: Error) => e.message);
    assert.match(unverified, /certificate/i);
    assert.match(unverified, /hub\.tls\.caFile/);
    const insecure = await fetchAgentLaunch(hubConfig(standIn.url, 'none', { insecure: true }), ie);
    assert.equal(insecure.command, launch.command);
  } finally {
    await standIn.stop();
  }
});

test.run();
