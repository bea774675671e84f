// The pull secret's value never appears in what plan, apply and destroy print or save (text,
// JSON, Markdown, a saved plan, progress lines, errors), not even base64-encoded, while apply
// does put it on the hub and plan does notice when it changes.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PULL_SECRET_KEY } from '../lib/plan/pull-secret.ts';
import type { Plan } from '../lib/plan/types.ts';
import { fakePullSecret, PULL_SECRET_ENV, testSwarm, type CliResult } from './support/test-swarm.ts';

const swarm = await testSwarm('secret');
const first = fakePullSecret();
const second = fakePullSecret();
const b64 = (s: string) => Buffer.from(s).toString('base64');

/** Every form of both values that must never be printed. */
const forbidden = [first, second].flatMap((v) => [v.json, b64(v.json), v.token, b64(v.token)]);
let looked = 0;

function clean(text: string, where: string): void {
  looked++;
  for (const secret of forbidden) assert.not.ok(text.includes(secret), `${where} shows (a form of) the pull secret`);
}
function checked(r: CliResult, what: string, code = 0): CliResult {
  clean(r.stdout, `${what}: stdout`);
  clean(r.stderr, `${what}: stderr`);
  assert.is(r.code, code, `${what} exited ${r.code}:\n${r.stdout}\n${r.stderr}`);
  return r;
}
const secretRef = (n: number) => ({ apiVersion: 'v1', kind: 'Secret', name: 'pull-secret', namespace: `${swarm.name}-sno-${n}` });

test.after(() => swarm.cleanup());

test('plan (text, JSON, Markdown, saved) and apply never show the value; apply puts it on the hub', async () => {
  swarm.configure({ clusters: [{ name: 'sno', topology: 'single-node', count: 2 }] });
  const env = { [PULL_SECRET_ENV]: first.json };
  checked(await swarm.cli(['plan'], env), 'plan');
  checked(await swarm.cli(['plan', '--json'], env), 'plan --json');
  checked(await swarm.cli(['plan', '--markdown'], env), 'plan --markdown');
  checked(await swarm.cli(['plan', '--out', join(swarm.dir, 'plan.json')], env), 'plan --out');
  clean(readFileSync(join(swarm.dir, 'plan.json'), 'utf8'), 'the saved plan');
  checked(await swarm.cli(['apply', join(swarm.dir, 'plan.json'), '--yes', '--no-run'], env), 'apply FILE');
  const onHub = await swarm.client.get(secretRef(1));
  assert.is((onHub?.data as Record<string, string>)[PULL_SECRET_KEY], b64(first.json), 'apply filled .dockerconfigjson from the variable');
});

test('a changed value is planned as "pull secret value changed", without either value', async () => {
  const env = { [PULL_SECRET_ENV]: second.json };
  const text = checked(await swarm.cli(['plan'], env), 'plan').stdout;
  assert.match(text, `  [~] Secret ${swarm.name}-sno-1/pull-secret\n      # pull secret value changed\n      ~ data: (sensitive value changed)`);
  const plan = JSON.parse(checked(await swarm.cli(['plan', '--json'], env), 'plan --json').stdout) as Plan;
  assert.equal(plan.objects.map((c) => c.key).sort(), [1, 2].map((n) => `Secret ${swarm.name}-sno-${n}/pull-secret`));
  assert.equal(plan.objects[0]!.fields, [{ path: ['data'], op: 'change', sensitive: true }]);
  const markdown = checked(await swarm.cli(['plan', '--markdown'], env), 'plan --markdown').stdout;
  assert.match(markdown, 'pull secret value changed');
  checked(await swarm.cli(['apply', '--yes', '--no-run'], env), 'apply');
  assert.is(((await swarm.client.get(secretRef(2)))?.data as Record<string, string>)[PULL_SECRET_KEY], b64(second.json));
  assert.equal((JSON.parse(checked(await swarm.cli(['plan', '--json'], env), 'plan --json').stdout) as Plan).objects, []);
});

test('a value that is not valid is refused without quoting it', async () => {
  const broken = second.json.slice(0, -3); // cut JSON: a parse error would quote the text
  const plan = checked(await swarm.cli(['plan'], { [PULL_SECRET_ENV]: broken }), 'plan with a broken value');
  assert.match(plan.stdout, `pull secret from env:${PULL_SECRET_ENV} is not JSON`);
  checked(await swarm.cli(['apply', '--yes', '--no-run'], { [PULL_SECRET_ENV]: broken }), 'apply with a broken value', 1);
  const noAuths = checked(await swarm.cli(['apply', '--yes', '--no-run'], { [PULL_SECRET_ENV]: JSON.stringify({ notAuths: second.token }) }), 'apply without auths', 1);
  assert.match(noAuths.stderr, 'has no "auths" object');
  const unset = checked(await swarm.cli(['apply', '--yes', '--no-run'], { [PULL_SECRET_ENV]: '' }), 'apply with the variable unset', 1);
  assert.match(unset.stderr, `environment variable ${PULL_SECRET_ENV} is not set`);
  assert.is(((await swarm.client.get(secretRef(1)))?.data as Record<string, string>)[PULL_SECRET_KEY], b64(second.json), 'the value on the hub stays');
});

test('destroy never shows it either', async () => {
  checked(await swarm.cli(['destroy', '--yes'], { [PULL_SECRET_ENV]: second.json }), 'destroy');
  assert.ok(looked >= 20, `looked at ${looked} outputs`);
});

test.run();
