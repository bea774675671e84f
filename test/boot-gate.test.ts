// The boot gate of hosts that arrive as BareMetalHosts: a host waits for its image until the
// Bare Metal Operator's part attaches it, and the player learns when it runs or cannot boot.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { BootGate } from '../lib/runner/boot-gate.ts';

test('a waiting host gets the attached image; the player learns that it runs', async () => {
  const gate = new BootGate();
  const url = gate.imageUrl('bmh-0');
  assert.equal(gate.waiting(), ['bmh-0']);
  const booted = gate.boot('bmh-0', 'http://image/iso');
  assert.is(await url, 'http://image/iso');
  assert.equal(gate.waiting(), []);
  gate.running('bmh-0');
  await booted;
});

test('only hosts that wait for an image count as waiting (a plain agent that runs does not)', () => {
  const gate = new BootGate();
  gate.running('agent-0');
  gate.imageUrl('bmh-0');
  assert.equal(gate.waiting(), ['bmh-0']);
});

test('a host that cannot boot, and the run\'s end, end the waits with the reason', async () => {
  const gate = new BootGate();
  const failed = gate.boot('bmh-0', 'u');
  gate.failed('bmh-0', 'ISO download failed (HTTP 503)');
  await failed.then(() => assert.unreachable(), (e: Error) => assert.is(e.message, 'ISO download failed (HTTP 503)'));
  const waiting = gate.imageUrl('bmh-1');
  gate.end('the run ended');
  await waiting.then(() => assert.unreachable(), (e: Error) => assert.is(e.message, 'the run ended'));
  // A host already running stays so: boot() on it resolves at once.
  const gate2 = new BootGate();
  gate2.running('bmh-2');
  await gate2.boot('bmh-2', 'u');
});

test.run();
