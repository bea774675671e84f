// The swarm's patches (patches/*.yaml, lib/patches/): the shipped ones load and show in dist/;
// a bad file, a bad path or a missing target fails synth with the file and the operation named.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validateConfig } from '../lib/config/load.ts';
import { SERVICE_CONFIGMAP_ANNOTATION } from '../lib/constructs/service-tuning.ts';
import { hubPatches, loadPatches, patchVariables, PatchError } from '../lib/patches/load.ts';
import { synthWithPatches } from '../lib/patches/synth.ts';
import { expandSwarm } from '../lib/swarm/expand.ts';
import defaultConfig from '../swarm.config.ts';
import { readDocs, REPO_PATCHES, synthConfig } from './support/synth.ts';

const REPO = new URL('..', import.meta.url).pathname;
const swarm = expandSwarm(validateConfig(defaultConfig));
const vars = patchVariables(swarm);

/** A folder of patch files written by the test: name → YAML text. */
function patchDir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'patches-test-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

const TUNING_TARGET = `target:
  apiVersion: v1
  kind: ConfigMap
  namespace: \${serviceNamespace}
  name: \${swarm}-service-tuning
`;
const header = (stage = 'synth') => `what: a test patch\nwhy: the test needs it\nstage: ${stage}\n`;

function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected an error, none was thrown');
}

test('the shipped patches load, and the hub patch points the AgentServiceConfig at the tuning ConfigMap', () => {
  const patches = loadPatches(REPO_PATCHES, vars);
  assert.equal(patches.map((p) => [p.file.slice(REPO_PATCHES.length + 1), p.stage]), [
    ['agent-service-config.yaml', 'hub'],
    ['service-skip-mco-reboot.yaml', 'synth'],
    ['service-upgrade-agent.yaml', 'synth'],
    ['service-virtual-interfaces.yaml', 'synth'],
  ]);
  for (const p of patches) assert.ok(p.what.length > 10 && p.why.length > 20, `${p.file} says what and why`);
  const [asc] = hubPatches(patches);
  assert.equal(asc!.target, { apiVersion: 'agent-install.openshift.io/v1beta1', kind: 'AgentServiceConfig', name: 'agent' });
  assert.equal(asc!.mergePatch, { metadata: { annotations: { [SERVICE_CONFIGMAP_ANNOTATION]: 'demo-service-tuning' } } });
  assert.is(asc!.jsonPatch, null);
});

test('the synth-time patches show in dist/: the service settings fake hosts need', () => {
  const { hub } = synthConfig(defaultConfig);
  const tuning = hub.find((d) => d.doc.kind === 'ConfigMap' && d.doc.metadata.name === 'demo-service-tuning')!.doc;
  assert.is(tuning.metadata.namespace, 'assisted-installer');
  assert.is(tuning.data.ENABLE_VIRTUAL_INTERFACES, 'true');
  assert.is(tuning.data.ENABLE_SKIP_MCO_REBOOT, 'false');
  assert.is(tuning.data.ENABLE_UPGRADE_AGENT, 'false');
  const committed = readFileSync(join(REPO, 'dist/hub/swarm.k8s.yaml'), 'utf8');
  assert.ok(committed.includes('ENABLE_VIRTUAL_INTERFACES: "true"'), 'the committed dist/ has them too');
});

test('a merge patch applies at synth too: null removes, objects merge', () => {
  const dir = patchDir({
    'merge.yaml': `${header()}${TUNING_TARGET}mergePatch:\n  metadata:\n    labels:\n      team: perf\n  data:\n    LOG_LEVEL: debug\n    INSTALLER_IMAGE: null\n`,
  });
  const { hub } = synthConfig(defaultConfig, dir);
  const tuning = hub.find((d) => d.doc.kind === 'ConfigMap')!.doc;
  assert.is(tuning.data.LOG_LEVEL, 'debug');
  assert.is(tuning.data.INSTALLER_IMAGE, undefined);
  assert.is(tuning.metadata.labels.team, 'perf');
  assert.is(tuning.metadata.labels['assisted-swarm.io/swarm'], 'demo', 'the other labels stay');
});

test('a patch that replaces a value the config set is pointed out', () => {
  const config = validateConfig({ ...defaultConfig, serviceTuning: { extra: { ENABLE_UPGRADE_AGENT: 'true' } } });
  const dist = join(mkdtempSync(join(tmpdir(), 'patches-test-')), 'dist');
  const { overrides } = synthWithPatches(expandSwarm(config), dist, REPO_PATCHES);
  assert.equal(overrides, [`${REPO_PATCHES}/service-upgrade-agent.yaml jsonPatch[0] (add /data/ENABLE_UPGRADE_AGENT) replaces "true" with "false"`]);
});

test('a bad path fails synth, naming the file and the operation, and writes nothing', () => {
  const dir = patchDir({
    'bad-path.yaml': `${header()}${TUNING_TARGET}jsonPatch:\n  - op: add\n    path: /data/OK\n    value: "1"\n  - op: replace\n    path: /data/NOT_THERE\n    value: x\n`,
  });
  const dist = join(mkdtempSync(join(tmpdir(), 'patches-test-')), 'dist');
  const err = thrown(() => synthWithPatches(swarm, dist, dir));
  assert.instance(err, PatchError);
  assert.ok(err.message.includes(`${dir}/bad-path.yaml jsonPatch[1] (replace /data/NOT_THERE): cannot apply to ConfigMap assisted-installer/demo-service-tuning (v1): the path does not exist in the object`), err.message);
  assert.not.ok(existsSync(dist), 'dist/ was not written');
});

test('an add under a missing parent fails synth the same way', () => {
  const dir = patchDir({ 'parent.yaml': `${header()}${TUNING_TARGET}jsonPatch:\n  - op: add\n    path: /spec/x/y\n    value: 1\n` });
  const err = thrown(() => synthWithPatches(swarm, join(mkdtempSync(join(tmpdir(), 'p-')), 'dist'), dir));
  assert.match(err.message, /parent\.yaml jsonPatch\[0\] \(add \/spec\/x\/y\): cannot apply to .*: the parent of the path does not exist/);
});

test('a failed test operation fails synth', () => {
  const dir = patchDir({ 'test-op.yaml': `${header()}${TUNING_TARGET}jsonPatch:\n  - op: test\n    path: /data/AUTH_TYPE\n    value: local\n` });
  const err = thrown(() => synthWithPatches(swarm, join(mkdtempSync(join(tmpdir(), 'p-')), 'dist'), dir));
  assert.match(err.message, /test-op\.yaml jsonPatch\[0\] \(test \/data\/AUTH_TYPE\): .*the test failed/);
});

test('a missing target fails synth, naming the file and its operations', () => {
  const dir = patchDir({
    'no-target.yaml': `${header()}target:\n  apiVersion: v1\n  kind: ConfigMap\n  namespace: elsewhere\n  name: nobody\njsonPatch:\n  - op: add\n    path: /data/X\n    value: "1"\n`,
  });
  const dist = join(mkdtempSync(join(tmpdir(), 'patches-test-')), 'dist');
  const err = thrown(() => synthWithPatches(swarm, dist, dir));
  assert.instance(err, PatchError);
  assert.ok(err.message.includes(`${dir}/no-target.yaml target: this swarm synthesizes no ConfigMap elsewhere/nobody (v1), so jsonPatch[0] (add /data/X) cannot apply`), err.message);
  assert.not.ok(existsSync(dist));
});

test('a hub patch may not target an object the swarm synthesizes', () => {
  const dir = patchDir({ 'wrong-stage.yaml': `${header('hub')}${TUNING_TARGET}mergePatch:\n  data:\n    X: "1"\n` });
  const err = thrown(() => synthWithPatches(swarm, join(mkdtempSync(join(tmpdir(), 'p-')), 'dist'), dir));
  assert.match(err.message, /wrong-stage\.yaml target: ConfigMap assisted-installer\/demo-service-tuning \(v1\) is synthesized by the swarm: patch it with stage: synth/);
});

test('bad patch files are refused at load, every problem with its file', () => {
  const dir = patchDir({
    'a-unknown-field.yaml': `${header()}${TUNING_TARGET}jsonPatch:\n  - op: add\n    path: /data/X\n    value: "1"\nextra: 1\n`,
    'b-bad-op.yaml': `${header()}${TUNING_TARGET}jsonPatch:\n  - op: upsert\n    path: /data/X\n`,
    'c-no-value.yaml': `${header()}${TUNING_TARGET}jsonPatch:\n  - op: add\n    path: /data/X\n`,
    'd-bad-pointer.yaml': `${header()}${TUNING_TARGET}jsonPatch:\n  - op: remove\n    path: data/X\n`,
    'e-both.yaml': `${header()}${TUNING_TARGET}jsonPatch:\n  - op: remove\n    path: /data/X\nmergePatch:\n  data: {}\n`,
    'f-variable.yaml': `${header()}${TUNING_TARGET.replace('${swarm}', '${swarmName}')}jsonPatch:\n  - op: remove\n    path: /data/X\n`,
    'g-two-docs.yaml': `${header()}${TUNING_TARGET}jsonPatch:\n  - op: remove\n    path: /data/X\n---\n${header()}`,
    'h-no-why.yaml': `what: x\nstage: synth\n${TUNING_TARGET}jsonPatch:\n  - op: remove\n    path: /data/X\n`,
    'i-secret.yaml': `${header('hub')}target:\n  apiVersion: v1\n  kind: Secret\n  namespace: x\n  name: y\nmergePatch:\n  data: {}\n`,
    'j-move.yaml': `${header()}${TUNING_TARGET}jsonPatch:\n  - op: move\n    path: /data/X\n`,
    'README.md': 'not a patch',
  });
  const err = thrown(() => loadPatches(dir, vars));
  assert.instance(err, PatchError);
  const expected = [
    `${dir}/a-unknown-field.yaml: unknown field "extra"`,
    `${dir}/b-bad-op.yaml jsonPatch[0].op: must be one of: add, remove, replace, move, copy, test`,
    `${dir}/c-no-value.yaml jsonPatch[0] (add /data/X): "add" needs a value`,
    `${dir}/d-bad-pointer.yaml jsonPatch[0].path: must be a JSON pointer such as /data/KEY`,
    `${dir}/e-both.yaml: give exactly one of jsonPatch (RFC 6902 operations) and mergePatch (RFC 7386)`,
    `${dir}/f-variable.yaml: unknown variable \${swarmName} (known: \${swarm}, \${serviceNamespace})`,
    `${dir}/g-two-docs.yaml: holds 2 YAML documents; a patch file holds exactly one patch`,
    `${dir}/h-no-why.yaml: must have required property 'why'`,
    `${dir}/i-secret.yaml target: the swarm does not patch Secrets`,
    `${dir}/j-move.yaml jsonPatch[0] (move /data/X): "move" needs from`,
  ];
  for (const line of expected) assert.ok(err.message.includes(line), `missing: ${line}\nin:\n${err.message}`);
  assert.not.ok(err.message.includes('README'), 'only *.yaml files are patches');
});

test('variables fill targets and values; $${ writes a literal ${', () => {
  const dir = patchDir({ 'v.yaml': `${header('hub')}target:\n  apiVersion: apps/v1\n  kind: Deployment\n  namespace: \${serviceNamespace}\n  name: x\njsonPatch:\n  - op: add\n    path: /metadata/annotations/note\n    value: "\${swarm} and $\${swarm}"\n` });
  const [p] = loadPatches(dir, vars);
  assert.is(p!.target.namespace, 'assisted-installer');
  assert.equal(p!.jsonPatch, [{ op: 'add', path: '/metadata/annotations/note', value: 'demo and ${swarm}' }]);
});

test('a hub patch that scales a deployment down loads as a typed hub patch', () => {
  const dir = patchDir({
    'scale-down.yaml': `# Hub patch: scale a controller down while the swarm runs.\nwhat: Scales deployment x to 0.\nwhy: It fights the swarm.\nstage: hub\ntarget:\n  apiVersion: apps/v1\n  kind: Deployment\n  namespace: ns\n  name: x\njsonPatch:\n  - op: replace\n    path: /spec/replicas\n    value: 0\n`,
  });
  const hub = hubPatches(loadPatches(dir, vars));
  assert.is(hub.length, 1);
  assert.equal(hub[0]!.target, { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'ns', name: 'x' });
  assert.equal(hub[0]!.jsonPatch, [{ op: 'replace', path: '/spec/replicas', value: 0 }]);
  // A hub patch whose target the swarm does not synthesize passes synth untouched.
  const dist = join(mkdtempSync(join(tmpdir(), 'patches-test-')), 'dist');
  synthWithPatches(swarm, dist, dir);
  assert.ok(readDocs(join(dist, 'hub')).length > 10);
});

test('npm run synth with a bad patch exits 1, names the file and the operation, and leaves dist/ as it was', () => {
  const dir = patchDir({ 'bad.yaml': `${header()}${TUNING_TARGET}jsonPatch:\n  - op: remove\n    path: /data/NOPE\n` });
  const out = join(mkdtempSync(join(tmpdir(), 'patches-test-')), 'dist');
  mkdirSync(join(out, 'hub'), { recursive: true });
  writeFileSync(join(out, 'hub', 'keep.yaml'), 'kept: true\n');
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(REPO, 'main.ts'), '--patches', dir, '--out', out], { cwd: REPO, encoding: 'utf8' });
  assert.is(r.status, 1, r.stdout + r.stderr);
  assert.match(r.stderr, new RegExp(`error: ${dir}: 1 problem\\n  ${dir}/bad\\.yaml jsonPatch\\[0\\] \\(remove /data/NOPE\\): cannot apply`));
  assert.is(readFileSync(join(out, 'hub', 'keep.yaml'), 'utf8'), 'kept: true\n');
});

test.run();
