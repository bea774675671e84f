// Where the swarm image goes and with which credentials: the registry a reference names, and
// the credentials the Docker config holds for it (auths, a credential helper run as the Docker
// client runs it), and how pull and push progress is printed.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validateConfig } from '../lib/config/load.ts';
import { layerProgress } from '../lib/images/progress.ts';
import { hasTagOrDigest, swarmImageRecipe } from '../lib/images/recipe.ts';
import { registryAuth, registryOf, splitTag } from '../lib/images/registry.ts';

test('the registry a reference names, if any', () => {
  assert.is(registryOf('assisted-swarm/agent:abc'), null);
  assert.is(registryOf('agent'), null);
  assert.is(registryOf('quay.io/team/swarm:abc'), 'quay.io');
  assert.is(registryOf('localhost/swarm'), 'localhost');
  assert.is(registryOf('127.0.0.1:5000/swarm:1'), '127.0.0.1:5000');
  assert.equal(splitTag('127.0.0.1:5000/swarm'), { repository: '127.0.0.1:5000/swarm', tag: 'latest' });
  assert.equal(splitTag('127.0.0.1:5000/swarm:abc'), { repository: '127.0.0.1:5000/swarm', tag: 'abc' });
});

test('the swarm image reference: the configured repository with the recipe hash, or the configured tag as is', () => {
  const images = (swarm: string | null) => validateConfig({ name: 'r', images: { swarm } }).images;
  const hash = swarmImageRecipe(images(null)).hash.slice(0, 16);
  assert.is(swarmImageRecipe(images(null)).ref, `assisted-swarm/agent:${hash}`);
  assert.is(swarmImageRecipe(images('quay.io/team/swarm')).ref, `quay.io/team/swarm:${hash}`);
  assert.is(swarmImageRecipe(images('quay.io/team/swarm:pinned')).ref, 'quay.io/team/swarm:pinned');
  assert.ok(hasTagOrDigest('localhost:5000/swarm@sha256:abcd'));
  assert.not.ok(hasTagOrDigest('localhost:5000/swarm'));
  const other = validateConfig({ name: 'r', images: { installer: 'example.com/installer:2' } }).images;
  assert.is.not(swarmImageRecipe(other).ref, `assisted-swarm/agent:${hash}`, 'another input reference, another tag');
});

function dockerConfig(config: object, files: Record<string, string> = {}): NodeJS.ProcessEnv {
  const dir = mkdtempSync(join(tmpdir(), 'docker-config-'));
  writeFileSync(join(dir, 'config.json'), JSON.stringify(config));
  for (const [name, text] of Object.entries(files)) {
    writeFileSync(join(dir, name), text);
    chmodSync(join(dir, name), 0o755);
  }
  return { ...process.env, DOCKER_CONFIG: dir, PATH: `${dir}:${process.env.PATH}` };
}

test('credentials from the Docker config\'s auths, as docker login writes them', () => {
  const env = dockerConfig({
    auths: {
      'registry.example.com:5000': { auth: Buffer.from('robot:s3cr:et').toString('base64') },
      'https://index.docker.io/v1/': { auth: Buffer.from('hubuser:hubpass').toString('base64') },
      'tokens.example.com': { identitytoken: 'tok' },
    },
  });
  assert.equal(registryAuth('registry.example.com:5000', env), { username: 'robot', password: 's3cr:et', serveraddress: 'registry.example.com:5000' });
  assert.equal(registryAuth('docker.io', env), { username: 'hubuser', password: 'hubpass', serveraddress: 'https://index.docker.io/v1/' });
  assert.equal(registryAuth('tokens.example.com', env), { identitytoken: 'tok', serveraddress: 'tokens.example.com' });
  assert.is(registryAuth('other.example.com', env), null);
  assert.is(registryAuth('quay.io', { ...process.env, DOCKER_CONFIG: mkdtempSync(join(tmpdir(), 'empty-')) }), null, 'no config: anonymous');
});

test('credentials from a credential helper, run as the Docker client runs it', () => {
  // A real helper program: reads the server on stdin, answers JSON, "not found" for others.
  const helper = '#!/bin/sh\nread server\ncase $server in quay.io) echo \'{"ServerURL":"quay.io","Username":"helper-user","Secret":"helper-secret"}\' ;; *) echo "credentials not found in native keychain"; exit 1 ;; esac\n';
  const env = dockerConfig({ auths: { 'quay.io': {} }, credHelpers: { 'quay.io': 'swarmtest' }, credsStore: 'swarmtest' }, { 'docker-credential-swarmtest': helper });
  assert.equal(registryAuth('quay.io', env), { username: 'helper-user', password: 'helper-secret', serveraddress: 'quay.io' });
  assert.is(registryAuth('elsewhere.example.com', env), null, 'the credsStore has none for it');
  const broken = dockerConfig({ credsStore: 'absent-helper' });
  assert.throws(() => registryAuth('quay.io', broken), /docker-credential-absent-helper cannot run/);
});

test('pull and push progress: a line per layer status, and per quarter of a transfer', () => {
  const lines: string[] = [];
  const on = layerProgress((l) => lines.push(l));
  on({ status: 'Pulling from edge-infrastructure/assisted-installer-agent', id: 'latest' });
  on({ status: 'Pulling fs layer', id: 'aaa' });
  for (const current of [1, 10, 30, 49, 50, 99, 100]) on({ status: 'Downloading', id: 'aaa', progressDetail: { current, total: 100 } });
  on({ status: 'Download complete', id: 'aaa' });
  on({ status: 'Digest: sha256:0123' });
  assert.equal(lines, [
    'latest: Pulling from edge-infrastructure/assisted-installer-agent',
    'aaa: Pulling fs layer',
    'aaa: Downloading 0%',
    'aaa: Downloading 25%',
    'aaa: Downloading 50%',
    'aaa: Downloading 75%',
    'aaa: Downloading 100%',
    'aaa: Download complete',
    'Digest: sha256:0123',
  ]);
});

test.run();
