// The pull secret is a reference in dist/: its value never lands there, whether it comes
// from a file or from an environment variable.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ANNOTATION } from '../lib/swarm/labels.ts';
import { PLACEHOLDER_BMC_CREDENTIALS } from '../lib/swarm/bare-metal.ts';
import { largeConfig, synthConfig } from './support/synth.ts';

const MARKER = 'SECRET-MARKER-7f3a9c';
const pullSecret = JSON.stringify({ auths: { 'quay.io': { auth: Buffer.from(`user:${MARKER}`).toString('base64'), email: MARKER } } });

function everyFile(dir: string): string {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => readFileSync(join(e.parentPath, e.name), 'utf8'))
    .join('\n');
}

function assertNoSecret(dist: string) {
  const text = everyFile(dist);
  assert.ok(text.length > 1000, 'dist/ was written');
  assert.not.ok(text.includes(MARKER), 'the marker leaked into dist/');
  assert.not.ok(text.includes(Buffer.from(`user:${MARKER}`).toString('base64')), 'the base64 auth leaked into dist/');
  assert.not.match(text, /"auths"|\.dockerconfigjson:/);
}

test('a pull secret from a file: dist/ names the file, never its content', () => {
  const file = join(mkdtempSync(join(tmpdir(), 'swarm-secret-')), 'pull-secret.json');
  writeFileSync(file, pullSecret);
  const { dist, hub } = synthConfig({ ...largeConfig(), pullSecret: { file } });
  assertNoSecret(dist);
  const secrets = hub.filter((d) => d.doc.kind === 'Secret' && d.doc.metadata.name === 'pull-secret').map((d) => d.doc);
  assert.ok(secrets.length > 10);
  for (const s of secrets) {
    assert.is(s.metadata.annotations[ANNOTATION.pullSecretFrom], `file:${file}`);
    assert.is(s.data, undefined);
    assert.is(s.stringData, undefined);
  }
});

test('a pull secret from an environment variable: dist/ names the variable only', () => {
  process.env.SWARM_TEST_PULL_SECRET = pullSecret;
  const { dist, hub } = synthConfig({ ...largeConfig(), pullSecret: { env: 'SWARM_TEST_PULL_SECRET' } });
  assertNoSecret(dist);
  const secret = hub.find((d) => d.doc.kind === 'Secret')!.doc;
  assert.is(secret.metadata.annotations[ANNOTATION.pullSecretFrom], 'env:SWARM_TEST_PULL_SECRET');
});

test('BMC Secrets of BareMetalHosts hold the visible placeholders and nothing else', () => {
  const { hub } = synthConfig(largeConfig());
  const bmc = hub.filter((d) => d.doc.kind === 'Secret' && d.doc.metadata.name !== 'pull-secret').map((d) => d.doc);
  assert.is(bmc.length, hub.filter((d) => d.doc.kind === 'BareMetalHost').length);
  for (const s of bmc) {
    assert.match(s.metadata.name, /-bmc$/);
    assert.match(s.metadata.annotations[ANNOTATION.bmcCredentials], /placeholder/);
    const values = Object.fromEntries(Object.entries<string>(s.data).map(([k, v]) => [k, Buffer.from(v, 'base64').toString()]));
    assert.equal(values, PLACEHOLDER_BMC_CREDENTIALS);
  }
});

test.run();
