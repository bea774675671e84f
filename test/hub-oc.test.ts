// The `oc` placeholder of the test hub's assisted-service (test/hub/service/oc), run as a program
// with the command lines the service builds (internal/oc/release.go): templates split on single
// spaces, so an empty mirror flag leaves an empty argument, and --registry-config appended.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from './support/hub.ts';

const OC = join(REPO_ROOT, 'test/hub/service/oc');
const RELEASE = 'quay.io/openshift-release-dev/ocp-release:4.20.0-x86_64';

/** Runs the placeholder as the service does: the template's words, then --registry-config. */
function oc(template: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const args = [...template.split(' '), '--registry-config=/tmp/registry-config.json'];
  return new Promise((resolve) =>
    execFile(OC, args, (err, stdout, stderr) => resolve({ code: err ? Number(err.code) : 0, stdout, stderr })),
  );
}

test('adm release info --image-for=NAME answers a pullspec for NAME', async () => {
  const r = await oc(`adm release info --image-for=machine-config-operator --insecure=false  ${RELEASE}`);
  assert.is(r.code, 0, r.stderr);
  assert.is(r.stdout, 'quay.io/assisted-swarm/placeholder:machine-config-operator\n');
});

test('adm release info --image-for=okd-rpms fails: the release is not OKD', async () => {
  const r = await oc(`adm release info --image-for=okd-rpms --insecure=false  ${RELEASE}`);
  assert.ok(r.code !== 0, 'exit status 0');
  assert.is(r.stdout, '');
  assert.match(r.stderr, 'no okd-rpms image');
});

test('adm release info -o template answers the version in the image tag', async () => {
  const r = await oc(`adm release info -o template --template '{{.metadata.version}}' --insecure=true  ${RELEASE}`);
  assert.is(r.code, 0, r.stderr);
  assert.is(r.stdout, '4.20.0\n');
  const rc = await oc(`adm release info -o template --template '{{.metadata.version}}' --insecure=false  quay.io/x/ocp-release:4.21.0-rc.2-multi`);
  assert.is(rc.stdout, '4.21.0-rc.2\n');
});

test('adm release info -o template fails for an image whose tag has no version', async () => {
  const r = await oc(`adm release info -o template --template '{{.metadata.version}}' --insecure=false  quay.io/x/release@sha256:0123abcd`);
  assert.ok(r.code !== 0, 'exit status 0');
  assert.match(r.stderr, 'list it in RELEASE_IMAGES');
});

test('image info --output json answers amd64', async () => {
  const r = await oc(`image info --output json  ${RELEASE}`);
  assert.is(r.code, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout), { config: { architecture: 'amd64' } });
});

test('any other command fails, naming it', async () => {
  const r = await oc(`adm release extract --command=openshift-baremetal-install --to=/tmp/x --insecure=false  ${RELEASE}`);
  assert.ok(r.code !== 0, 'exit status 0');
  assert.match(r.stderr, 'unsupported command: oc adm release extract');
});

test.run();
