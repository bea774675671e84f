// Provenance against the real test hub: a plan records the commit, branch and dirty flag of
// the git work tree it is made in (here a repository made by the test around a test swarm's
// config and dist/), and `apply FILE` refuses a saved plan whose config changed afterwards,
// even when dist/ did not, and carries it out once the config is back as it was.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleGit } from 'simple-git';
import type { Plan } from '../lib/plan/types.ts';
import { REPO_ROOT } from './support/hub.ts';
import { fakePullSecret, PULL_SECRET_ENV, testSwarm, type CliResult } from './support/test-swarm.ts';

const swarm = await testSwarm('prov');
const git = simpleGit({ baseDir: swarm.dir });
const saved = mkdtempSync(join(tmpdir(), 'swarm-prov-plan-'));
const planFile = join(saved, 'plan.json');
const env = { [PULL_SECRET_ENV]: fakePullSecret().json };

/** The CLI with the test repository as the working directory (where provenance is read), as `npm run` would have it there. */
function cli(args: string[]): Promise<CliResult> {
  const child = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), join(REPO_ROOT, 'lib/cli/main.ts'), ...args, '--config', swarm.configPath, '--dist', swarm.dist], {
    cwd: swarm.dir,
    env: { ...process.env, DOCKER_HOST: process.env.DOCKER_HOST ?? 'unix:///var/run/docker.sock', NO_COLOR: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => { stdout += d; });
  child.stderr.on('data', (d) => { stderr += d; });
  return new Promise((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
}

async function plan(...extra: string[]): Promise<Plan> {
  const r = await cli(['plan', '--json', ...extra]);
  assert.is(r.code, 0, `plan exited ${r.code}: ${r.stderr}`);
  return JSON.parse(r.stdout) as Plan;
}

const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');
const appendToConfig = (line: string) => writeFileSync(swarm.configPath, `${readFileSync(swarm.configPath, 'utf8')}${line}\n`);

let commit = '';

test.before(async () => {
  swarm.configure({ clusters: [{ name: 'sno', topology: 'single-node' }] });
  await git.init(['--initial-branch=main']);
  await git.addConfig('user.name', 'test').addConfig('user.email', 'test@example.invalid').addConfig('commit.gpgsign', 'false');
  await git.add('.').commit('the swarm');
  commit = (await git.revparse(['HEAD'])).trim();
});

test.after(async () => {
  rmSync(saved, { recursive: true, force: true });
  await swarm.cleanup();
});

test('a plan records the commit, the branch and whether the work tree is dirty', async () => {
  assert.equal((await plan()).provenance, { commit, branch: 'main', dirty: false });
  appendToConfig('// reviewed');
  const dirty = await plan('--out', planFile);
  assert.equal(dirty.provenance, { commit, branch: 'main', dirty: true });
  // So does the saved plan, with the config's hash among what it was made from.
  const fromFile = JSON.parse(readFileSync(planFile, 'utf8')) as Plan;
  assert.equal(fromFile.provenance, dirty.provenance);
  assert.is(fromFile.fingerprints.config, sha256(swarm.configPath));
  const text = await cli(['plan']);
  assert.match(text.stdout, `git ${commit.slice(0, 12)} on main, uncommitted changes`);
});

test('apply of a saved plan refuses once the config changed, though dist/ did not; goes once it is back', async () => {
  const planned = readFileSync(swarm.configPath, 'utf8');
  appendToConfig('// changed after the plan');
  const refused = await cli(['apply', planFile, '--yes', '--no-run']);
  assert.is(refused.code, 1, refused.stdout + refused.stderr);
  assert.match(refused.stderr, 'error: the saved plan is out of date: what it was made from changed since');
  assert.match(refused.stderr, `  the config ${swarm.configPath} changed since the plan was made (or is another file): synthesize and plan again`);
  assert.not.match(refused.stderr, 'dist/ changed');
  assert.not.match(refused.stdout, 'Apply complete');
  assert.is(await swarm.client.get({ apiVersion: 'v1', kind: 'Namespace', name: `${swarm.name}-sno-1` }), null, 'nothing was applied');

  writeFileSync(swarm.configPath, planned);
  const applied = await cli(['apply', planFile, '--yes', '--no-run']);
  assert.is(applied.code, 0, applied.stdout + applied.stderr);
  assert.match(applied.stdout, 'Apply complete');
  assert.ok(await swarm.client.get({ apiVersion: 'v1', kind: 'Namespace', name: `${swarm.name}-sno-1` }), 'the plan was carried out');
});

test.run();
