// Imports in lib/ run one way, from cli/ down to config/ (lib/README.md): a folder never imports
// one above it. Read from the sources, so a new upward import fails here with its file and line.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve, dirname } from 'node:path';

const LIB = new URL('../lib/', import.meta.url).pathname;
const FLOORS = [...readFileSync(join(LIB, 'README.md'), 'utf8').matchAll(/^\| \d+ \| `([a-z-]+)\/` \|/gm)].map((m) => m[1]!);

function sources(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => join(e.parentPath, e.name));
}

const folderOf = (file: string) => relative(LIB, file).split('/')[0]!;

test('lib/README.md names every folder of lib/ as a floor', () => {
  const folders = readdirSync(LIB, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name).sort();
  assert.equal([...FLOORS].sort(), folders);
});

test('no folder of lib/ imports a folder above it', () => {
  const upward: string[] = [];
  for (const file of sources(LIB)) {
    const from = folderOf(file);
    readFileSync(file, 'utf8').split('\n').forEach((line, i) => {
      const spec = /^\s*(?:import|export)\b[^'"]*from\s+'(\.[^']+)'/.exec(line)?.[1] ?? /^\s*import\s+'(\.[^']+)'/.exec(line)?.[1];
      if (!spec) return;
      const to = folderOf(resolve(dirname(file), spec));
      if (FLOORS.indexOf(to) < FLOORS.indexOf(from)) upward.push(`${relative(LIB, file)}:${i + 1} (${from}/) imports ${to}/`);
    });
  }
  assert.equal(upward, []);
});

test.run();
