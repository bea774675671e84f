// The service half of the test hub, as far as it goes without assisted-service's image (npm test
// runs on machines without it; test/hub/service-check.ts does the rest): PostgreSQL, the refusal
// of a missing image, the service's environment as the operator would compose it. Runs a hub of
// its own (own dir and ports), so the shared hub's service, if one runs, is left alone.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { KubernetesObjectApi, PatchStrategy, type KubernetesObject } from '@kubernetes/client-node';
import { REPO_ROOT, connect, hub, runHubScript, type Hub } from './support/hub.ts';

const env = {
  ASSISTED_SWARM_HUB_DIR: '/tmp/assisted-swarm-hub-service-test',
  ASSISTED_SWARM_HUB_APISERVER_PORT: '16446',
  ASSISTED_SWARM_HUB_ETCD_PORT: '23793',
  ASSISTED_SWARM_HUB_ETCD_PEER_PORT: '23803',
  ASSISTED_SWARM_HUB_KCM_PORT: '10260',
  ASSISTED_SWARM_HUB_POSTGRES_PORT: '15434',
  ASSISTED_SWARM_SERVICE_IMAGE: 'assisted-swarm-test/no-such-service:1',
};
const dir = env.ASSISTED_SWARM_HUB_DIR;

/** psql over TCP on loopback as the service's database user; resolves to stdout or rejects. */
function psql(sql: string): Promise<string> {
  const password = readFileSync(join(dir, 'postgres/password'), 'utf8').trim();
  const args = ['-h', '127.0.0.1', '-p', env.ASSISTED_SWARM_HUB_POSTGRES_PORT, '-U', 'admin', '-d', 'installer', '-XAtc', sql];
  return new Promise((resolve, reject) =>
    execFile('psql', args, { env: { ...process.env, PGPASSWORD: password } }, (err, stdout, stderr) =>
      err ? reject(new Error(`psql: ${stderr || err.message}`)) : resolve(stdout.trim()),
    ),
  );
}

const envFile = join(dir, 'service-test.env');
/** The service's environment as service/lib.sh has config.mjs write it, with `more` settings. */
const compose = (more: Record<string, string> = {}) =>
  new Promise<Record<string, string>>((resolve, reject) =>
    execFile('node', [join(REPO_ROOT, 'test/hub/service/config.mjs')], {
      env: {
        ...process.env, HUB_SERVER: `https://127.0.0.1:${env.ASSISTED_SWARM_HUB_APISERVER_PORT}`, PKI: join(dir, 'pki'),
        ENV_FILE: envFile, SERVICE_URL: 'http://127.0.0.1:8090', IMAGE_SERVICE_URL: 'http://127.0.0.1:8888',
        SERVICE_AUTH: 'none', SERVICE_NAMESPACE: 'assisted-installer', RELEASE_IMAGES_LIST: 'quay.io/example/ocp-release:4.20.1-x86_64',
        DB_PORT: env.ASSISTED_SWARM_HUB_POSTGRES_PORT, DB_USER: 'admin', DB_NAME: 'installer', DB_PASSWORD_FILE: join(dir, 'postgres/password'),
        ...more,
      },
    }, (err, _out, stderr) => {
      if (err) return reject(new Error(`config.mjs: ${stderr || err.message}`));
      const lines = readFileSync(envFile, 'utf8').trim().split('\n');
      resolve(Object.fromEntries(lines.map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)])));
    }),
  );

let h: Hub;
test.before(async () => {
  await hub(); // if Docker needs starting, the shared hub starts (and owns) it
  await runHubScript('down', env); // leftovers of a crashed run
  h = await connect(env);
});
test.after(() => runHubScript('down', env).then(() => undefined));

test('--with-service without the image: fails naming it and the ways to provide it; the hub stays up', async () => {
  const failure = await runHubScript('up', env, ['--with-service']).then(() => '', (e: Error) => e.message);
  const image = env.ASSISTED_SWARM_SERVICE_IMAGE;
  assert.match(failure, `the assisted-service image '${image}' is not in the local Docker engine`);
  assert.match(failure, `docker pull ${image}`);
  assert.match(failure, 'docker load -i');
  assert.match(failure, 'ASSISTED_SWARM_SERVICE_IMAGE=');
  // The same through the environment instead of the flag.
  const viaEnv = await runHubScript('up', { ...env, ASSISTED_SWARM_HUB_WITH_SERVICE: '1' }).then(() => '', (e: Error) => e.message);
  assert.match(viaEnv, `the assisted-service image '${image}' is not in the local Docker engine`);

  const status = await runHubScript('status', env);
  assert.match(status, /kube-apiserver\s+answering/);
  assert.match(status, /kube-controller-manager\s+answering/);
  assert.match(status, /assisted-service\s+not running/);
  const namespaces = await KubernetesObjectApi.makeApiClient(h.kubeConfig).list('v1', 'Namespace');
  assert.ok(namespaces.items.some((n) => n.metadata?.name === 'default'));
});

test('PostgreSQL (started by --with-service before the image is needed) answers on loopback', async () => {
  assert.is(await psql('select current_database()'), 'installer');
  assert.is(await psql("select setting from pg_settings where name = 'listen_addresses'"), '127.0.0.1');
});

test("the service's environment: the operator's settings, the ConfigMap the ASC names over them, the database's over all", async () => {
  const api = KubernetesObjectApi.makeApiClient(h.kubeConfig);
  const apply = (o: object) =>
    api.patch(o as KubernetesObject, undefined, undefined, 'hub-service-test', true, PatchStrategy.ServerSideApply);
  await apply({ apiVersion: 'hive.openshift.io/v1', kind: 'ClusterImageSet', metadata: { name: 'test-4.19' }, spec: { releaseImage: 'quay.io/example/ocp-release:4.19.7-x86_64' } });
  const plain = await compose();
  assert.is(plain.AUTH_TYPE, 'none');
  assert.is(plain.DB_HOST, '127.0.0.1');
  const releases = JSON.parse(plain.RELEASE_IMAGES) as { url: string; version: string; openshift_version: string; default?: boolean }[];
  assert.equal(releases.map((r) => [r.url, r.version, r.openshift_version, !!r.default]), [
    ['quay.io/example/ocp-release:4.20.1-x86_64', '4.20.1', '4.20', true],
    ['quay.io/example/ocp-release:4.19.7-x86_64', '4.19.7', '4.19', false],
  ]);
  assert.equal(JSON.parse(plain.OS_IMAGES).map((o: { openshift_version: string }) => o.openshift_version), ['4.20', '4.19']);
  assert.equal(Object.keys(JSON.parse(plain.MUST_GATHER_IMAGES)), ['4.20-x86_64', '4.19-x86_64']);
  // It made the operator's CR, so a swarm's hub patch has something to annotate.
  const asc = await api.read({ apiVersion: 'agent-install.openshift.io/v1beta1', kind: 'AgentServiceConfig', metadata: { name: 'agent' } } as never);
  assert.ok(asc.metadata?.uid);

  await apply({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'tuning', namespace: 'assisted-installer' }, data: { AUTH_TYPE: 'local', LOG_LEVEL: 'debug', DB_HOST: '192.0.2.1' } });
  await apply({ apiVersion: 'agent-install.openshift.io/v1beta1', kind: 'AgentServiceConfig', metadata: { name: 'agent', annotations: { 'unsupported.agent-install.openshift.io/assisted-service-configmap': 'tuning' } } });
  const tuned = await compose();
  assert.is(tuned.AUTH_TYPE, 'local');
  assert.is(tuned.LOG_LEVEL, 'debug');
  assert.is(tuned.DB_HOST, '127.0.0.1', 'the ConfigMap overrode the database settings');
  assert.is(tuned.ENABLE_KUBE_API, 'true');
});

test('over HTTPS: the operator\'s TLS settings, the CA for the ignitions, no skipped verification', async () => {
  const tls = await compose({ SERVICE_URL: 'https://127.0.0.1:8090', SERVICE_TLS: '1', SERVICE_TLS_MOUNT: '/etc/assisted-tls-config', SERVICE_CA_MOUNT: '/etc/assisted-ingress-cert/ca.crt' });
  assert.is(tls.SERVICE_BASE_URL, 'https://127.0.0.1:8090');
  assert.is(tls.HTTPS_CERT_FILE, '/etc/assisted-tls-config/tls.crt');
  assert.is(tls.HTTPS_KEY_FILE, '/etc/assisted-tls-config/tls.key');
  assert.is(tls.SERVICE_CA_CERT_PATH, '/etc/assisted-ingress-cert/ca.crt');
  assert.is(tls.SKIP_CERT_VERIFICATION, 'false');
  const plain = await compose({ SERVICE_URL: 'http://127.0.0.1:8090' });
  assert.equal([plain.HTTPS_CERT_FILE, plain.SERVICE_CA_CERT_PATH, plain.SKIP_CERT_VERIFICATION], [undefined, undefined, 'true']);
});

test('down.sh stops PostgreSQL too', async () => {
  await runHubScript('down', env);
  const after = await new Promise<string>((resolve) =>
    execFile('pg_isready', ['-h', '127.0.0.1', '-p', env.ASSISTED_SWARM_HUB_POSTGRES_PORT], (err) => resolve(err ? 'refused' : 'answered')),
  );
  assert.is(after, 'refused');
});

test.run();
