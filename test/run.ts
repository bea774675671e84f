// `npm test`: brings the test hub up with its node (a real kube-apiserver with etcd and the CRDs,
// a Docker engine, and a kubelet with a containerd of its own and a kube-scheduler, so pods really
// run; test/hub/up.sh --with-node, idempotent), then runs every test file as a process of its
// own, so that one crashing file can't hide the others' results. Ends with `N passed, N failed`.
// Usage: npm test [-- <path filter>...]
import { spawn, spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const filters = process.argv.slice(2);
if (filters.some((a) => a === '--help' || a === '-h')) {
  console.log('usage: npm test [-- <path filter>...]\n  runs every test/**/*.test.ts (or those whose path contains a filter), each in a process of its own,\n  against the test hub it brings up first with its node (test/hub/up.sh --with-node); ends with "N passed, N failed"');
  process.exit(0);
}

function testFiles(dir: string): string[] {
  return readdirSync(dir).sort().flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'e2e' ? [] : testFiles(path);
    return name.endsWith('.test.ts') ? [path] : [];
  });
}

interface FileResult { file: string; passed: number; failed: number; skipped: number; seconds: number }

function runFile(file: string): Promise<FileResult> {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', file], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => { out += d; process.stdout.write(d); });
    child.stderr.on('data', (d) => { out += d; process.stderr.write(d); });
    child.on('close', (code) => {
      const count = (label: string) => Number(out.match(new RegExp(`${label}:\\s+(\\d+)`))?.[1] ?? NaN);
      const total = count('Total'), passed = count('Passed'), skipped = count('Skipped');
      const seconds = (Date.now() - started) / 1000;
      // No summary (a crash before or during the run) counts as one failure of the file.
      if (Number.isNaN(total)) return resolve({ file, passed: 0, failed: 1, skipped: 0, seconds });
      const failed = total - passed - skipped + (code !== 0 && total === passed + skipped ? 1 : 0);
      resolve({ file, passed, failed, skipped, seconds });
    });
  });
}

const files = testFiles(join(root, 'test')).filter((f) => !filters.length || filters.some((p) => f.includes(p)));
const hub = spawnSync('bash', [join(root, 'test/hub/up.sh'), '--with-node'], { cwd: root, stdio: 'inherit' });
if (hub.status !== 0) console.error('test hub did not come up: the tests that need it will fail');

const results: FileResult[] = [];
for (const file of files) {
  console.log(`\n── ${relative(root, file)}`);
  results.push(await runFile(file));
}
console.log('\n── summary');
for (const r of results) {
  const mark = r.failed ? 'FAIL' : 'ok  ';
  console.log(`${mark} ${relative(root, r.file)}  ${r.passed} passed, ${r.failed} failed${r.skipped ? `, ${r.skipped} skipped` : ''}  (${r.seconds.toFixed(1)} s)`);
}
const sum = (k: 'passed' | 'failed' | 'skipped') => results.reduce((n, r) => n + r[k], 0);
if (sum('skipped')) console.log(`${sum('skipped')} skipped (not counted as passed)`);
console.log(`${sum('passed')} passed, ${sum('failed')} failed`);
process.exitCode = sum('failed') || !results.length ? 1 : 0;
