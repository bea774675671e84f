// A hub that is not there gets a clear message from every command: which hub (server, context,
// kubeconfig), what failed (refused, a name that does not resolve, TLS, a timeout) and what to
// check, with a non-zero exit. Each failure is real: a port on loopback where nothing listens,
// a TLS server of another CA, a server that never answers, and a name looked up in a network
// namespace of the test's own with no way out (nothing leaves this machine).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer as createHttpsServer } from 'node:https';
import { createServer as createTcpServer, type AddressInfo, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HubClient } from '../lib/hub/client.ts';
import { HubUnavailableError } from '../lib/hub/errors.ts';
import { loadKubeConfig } from '../lib/hub/kubeconfig.ts';
import { hub, REPO_ROOT } from './support/hub.ts';
import { testSwarm } from './support/test-swarm.ts';

const h = await hub();
const dir = mkdtempSync(join(tmpdir(), 'hub-unreachable-'));
const servers: Server[] = [];
test.after(() => servers.forEach((s) => s.close()));

/** The test hub's kubeconfig with another server address. */
function kubeconfigAt(server: string, name: string): string {
  const path = join(dir, `${name}.kubeconfig`);
  writeFileSync(path, readFileSync(h.kubeconfigPath, 'utf8').replace(/server: \S+/, `server: ${server}`));
  return path;
}

/** A port on loopback where nothing listens (taken, then closed). */
async function closedPort(): Promise<number> {
  const s = createTcpServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as AddressInfo;
  await new Promise((r) => s.close(r));
  return port;
}

const swarm = await testSwarm('unreach');
swarm.configure({ pools: [{ name: 'spare', hosts: 1 }] });
test.after(() => swarm.cleanup());

/** The CLI as a user runs it (asynchronously: the TLS server of this test must go on answering). */
function cli(args: string[], kubeconfig: string, wrap: string[] = []): Promise<{ code: number | null; stderr: string }> {
  const argv = ['--import', 'tsx', join(REPO_ROOT, 'lib/cli/main.ts'), ...args, '--config', swarm.configPath, '--dist', swarm.dist, '--kubeconfig', kubeconfig];
  const child = spawn(wrap.length ? wrap[0]! : process.execPath, wrap.length ? [...wrap.slice(1), process.execPath, ...argv] : argv, {
    cwd: REPO_ROOT, env: { ...process.env, PULL_SECRET: '{"auths":{}}' }, stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d) => { stderr += d; });
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stderr })));
}

test('refused: plan, destroy and status name the hub, the context, the kubeconfig, the cause and what to check', async () => {
  const server = `https://127.0.0.1:${await closedPort()}`;
  const kubeconfig = kubeconfigAt(server, 'refused');
  for (const args of [['plan', '--hub-retry-seconds', '1'], ['destroy', '--yes', '--hub-retry-seconds', '1'], ['status']]) {
    const r = await cli(args, kubeconfig);
    assert.is(r.code, 3, `${args[0]}: exit ${r.code}\n${r.stderr}`);
    const last = r.stderr.trim().split('\n').at(-1)!;
    assert.match(last, `error: the hub ${server} (context "`);
    assert.match(last, `of ${kubeconfig})`);
    assert.match(last, /refused the connection \(for \d+ s\) \[ECONNREFUSED\]: nothing listens there/);
    assert.match(last, /are the kubeconfig \(--kubeconfig, hub\.kubeconfig, \$KUBECONFIG\) and context/);
  }
});

test('TLS: a server whose certificate another CA signed is a TLS failure, and says which CA to give', async () => {
  // A key and a self-signed certificate of our own: not the hub's CA.
  const key = join(dir, 'other.key'), cert = join(dir, 'other.crt');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '1', '-subj', '/CN=other',
    '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', key, '-out', cert], { stdio: 'ignore' });
  const other = createHttpsServer({ key: readFileSync(key), cert: readFileSync(cert) }, (_req, res) => res.end('{}'));
  await new Promise<void>((r) => other.listen(0, '127.0.0.1', r));
  servers.push(other as unknown as Server);
  const kubeconfig = kubeconfigAt(`https://127.0.0.1:${(other.address() as AddressInfo).port}`, 'tls');
  const r = await cli(['plan', '--hub-retry-seconds', '1'], kubeconfig);
  assert.is(r.code, 1, r.stderr);
  assert.match(r.stderr, /failed the TLS handshake .*\[(SELF_SIGNED_CERT_IN_CHAIN|DEPTH_ZERO_SELF_SIGNED_CERT|UNABLE_TO_VERIFY_LEAF_SIGNATURE)\]: the kubeconfig's certificate-authority\(-data\) must be the CA that signed the server's certificate/);
});

test('timeout: a server that takes the connection and never answers', async () => {
  const silent = createTcpServer(() => {});
  await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
  servers.push(silent);
  const hubConfig = loadKubeConfig({ kubeconfig: kubeconfigAt(`https://127.0.0.1:${(silent.address() as AddressInfo).port}`, 'silent') });
  const client = new HubClient(hubConfig, { requestTimeoutSeconds: 1, retry: { retryForMs: 1500, baseDelayMs: 100, maxDelayMs: 200 }, log: () => {} });
  const err = await client.ping().then(() => null, (e: Error) => e);
  assert.instance(err, HubUnavailableError);
  assert.match(err!.message, /did not answer in time \(for \d+ s\) \[ETIMEDOUT\]: is it reachable from here/);
});

test('unresolvable: a host name that does not resolve (looked up where nothing can leave: a network namespace of the test\'s own)', async () => {
  const kubeconfig = kubeconfigAt('https://hub.assisted-swarm.invalid:6443', 'unresolvable');
  const r = await cli(['plan', '--hub-retry-seconds', '1'], kubeconfig, ['unshare', '--net']);
  assert.ok(r.code !== 0, r.stderr);
  assert.match(r.stderr, /error: the hub https:\/\/hub\.assisted-swarm\.invalid:6443 .* has a host name that does not resolve .*\[(ENOTFOUND|EAI_AGAIN)\]: check the server address in the kubeconfig, and DNS/);
});

test.run();
