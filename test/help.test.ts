// Every command answers --help: each npm script prints its usage and exits 0, doing nothing else
// (no hub started, no file written).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const ROOT = new URL('..', import.meta.url).pathname;
const scripts = Object.keys(JSON.parse(readFileSync(`${ROOT}package.json`, 'utf8')).scripts as Record<string, string>);

test('every npm script answers --help with its usage, exit 0', () => {
  const before = spawnSync('git', ['status', '--porcelain'], { cwd: ROOT, encoding: 'utf8' }).stdout;
  for (const script of scripts.filter((s) => s !== 'typecheck')) {
    const r = spawnSync('npm', ['run', '-s', script, '--', '--help'], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
    assert.is(r.status, 0, `npm run ${script} -- --help: exit ${r.status}\n${r.stdout}${r.stderr}`);
    assert.match(r.stdout, /usage|Usage|Options:|Run:/, `npm run ${script} -- --help printed no usage:\n${r.stdout}`);
  }
  assert.is(spawnSync('git', ['status', '--porcelain'], { cwd: ROOT, encoding: 'utf8' }).stdout, before, 'a --help changed files');
});

test('every benchmark answers npm run bench -- <name> --help with its usage, exit 0, running nothing', async () => {
  const { BENCHES } = await import('./bench/benches.ts');
  const before = spawnSync('git', ['status', '--porcelain'], { cwd: ROOT, encoding: 'utf8' }).stdout;
  for (const name of Object.keys(BENCHES)) {
    const r = spawnSync('npm', ['run', '-s', 'bench', '--', name, '--help'], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
    assert.is(r.status, 0, `npm run bench -- ${name} --help: exit ${r.status}\n${r.stdout}${r.stderr}`);
    assert.ok(r.stdout.startsWith(`usage: npm run bench -- ${name}`), `npm run bench -- ${name} --help printed:\n${r.stdout}${r.stderr}`);
  }
  assert.is(spawnSync('git', ['status', '--porcelain'], { cwd: ROOT, encoding: 'utf8' }).stdout, before, 'a --help changed files');
});

test.run();
