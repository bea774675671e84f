// The bootstrap installer player (lib/runner/players/bootstrap.ts, docs/upstream-gaps.md gap 3)
// against the service stand-in's REST API, which records every call: a compact cluster's three
// hosts are registered and approved as their agents and the runner would, the service starts
// the installation and picks the bootstrap; the podman shim's request lies in the bootstrap's
// folder; the player plays upstream's bootstrap installer, at a fast pace, while this test plays
// the two other masters' installers. What must hold: the stages in upstream's order, the
// downloads, the wait for the other control-plane hosts (each reported Joined once it rebooted),
// then the answer and the reboot marker.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { CustomObjectsApi } from '@kubernetes/client-node';
import { readLaunchPlans } from '../lib/dist/read.ts';
import type { FakeHostDoc } from '../lib/dist/types.ts';
import { readLocally, writeLocally } from '../lib/engine/docker-files.ts';
import { openEngines } from '../lib/engine/pool.ts';
import { desiredAgentSpec } from '../lib/runner/agents.ts';
import type { PlayerContext } from '../lib/runner/hooks.ts';
import { AGENT, mergePatch, type HubObject } from '../lib/runner/hub.ts';
import { loadRunPlan } from '../lib/runner/plan.ts';
import { bootstrapPlayer, PLAYED_WHY } from '../lib/runner/players/bootstrap.ts';
import { ANSWER_FILE, REQUEST_FILE } from '../lib/runner/players/bootstrap-request.ts';
import { Tracker } from '../lib/runner/tracker.ts';
import { waitFor } from './support/hub.ts';
import { CONTROLLER_IMAGE } from './stand-in/installer-view.ts';
import type { RecordedRequest } from './stand-in/service.ts';
import { testSwarm, type TestSwarm } from './stand-in/swarm.ts';

const FAST = { checkMs: 50, configuringMs: 100, writeStepMs: 0, retryMs: () => 10 };

let swarm: TestSwarm;
let hosts: FakeHostDoc[];
let infraEnvId: string;
let clusterId: string;
const stop = new AbortController();
test.before(async () => {
  swarm = await testSwarm({ prefix: 'boot', clusters: [{ name: 'compact', topology: 'compact' }] });
  hosts = readLaunchPlans(swarm.dist).fakeHosts;
  // The host folders, as the runner makes them before any host starts.
  for (const host of hosts) mkdirSync(dirname(host.spec.rebootMarkerPath), { recursive: true });
  const ie = hosts[0]!.spec.infraEnv;
  infraEnvId = await waitFor('the stand-in to know the InfraEnv', async () => swarm.standIn.infraEnvId(ie.namespace, ie.name));
  clusterId = await waitFor('the stand-in to know the cluster', async () => swarm.standIn.clusterId(ie.namespace, 'compact-1'));
  // The hosts' agents register and send their inventory; the runner approves them and sets their roles.
  for (const host of hosts) {
    assert.is((await call('POST', `/infra-envs/${infraEnvId}/hosts`, { host_id: host.spec.hostId })).status, 201);
    const inventory = JSON.stringify({ hostname: host.spec.hostname, interfaces: [{ mac_address: host.spec.macAddress, ipv4_addresses: [host.spec.ipv4] }] });
    await call('POST', `/infra-envs/${infraEnvId}/hosts/${host.spec.hostId}/instructions`, { step_id: 'inventory', step_type: 'inventory', exit_code: 0, output: inventory });
    await mergePatch(swarm.kubeConfig, AGENT, ie.namespace, host.spec.hostId, { spec: desiredAgentSpec(host) });
  }
});
test.after(async () => {
  stop.abort();
  await swarm?.cleanup();
});

/** A REST call as the agents and installers make it (AUTH_TYPE=none). */
function call(method: string, path: string, body: unknown) {
  return fetch(`${swarm.standIn.url}/api/assisted-install/v2${path}`, { method, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
}

async function agents(): Promise<HubObject[]> {
  const list = await swarm.kubeConfig.makeApiClient(CustomObjectsApi).listClusterCustomObject({
    group: AGENT.group, version: AGENT.version, plural: AGENT.plural, labelSelector: `assisted-swarm.io/swarm=${swarm.name}`,
  }) as { items: HubObject[] };
  return list.items;
}

const NO_DOWNLOADS = { mode: 'none' as const, range: 'bytes=0-1048575', concurrency: 1, ratePerSecond: 1 };

/** What the runner gives its players (run.ts), with the host folders on this machine's disk. */
function playerContext(played: string[], lines: string[]): PlayerContext {
  return {
    markPlayed: (hostname, what) => played.push(`${hostname}: ${what}`),
    note: () => undefined,
    service: async () => ({ url: swarm.standIn.url, infraEnvId, token: null, tls: { caFile: null, insecure: false } }),
    boot: () => Promise.reject(new Error('no host boots here')),
    kubeConfig: swarm.kubeConfig,
    hostFiles: (hostname) => {
      const dir = dirname(hosts.find((h) => h.spec.hostname === hostname)!.spec.rebootMarkerPath);
      return {
        dir,
        read: (name) => readLocally(join(dir, name)),
        write: (files) => writeLocally({ image: '', dirs: [], files: files.map((f) => ({ path: join(dir, f.name), content: f.content })) }),
      };
    },
    engine: openEngines([]),
    hosts,
    signal: stop.signal,
    log: (line) => lines.push(line),
  };
}

/** The installer's arguments as the agent builds them from the service's install step (the shim writes them one per line). */
function request(host: FakeHostDoc, id: string, cluster = clusterId): string {
  const args = ['--role', 'bootstrap', '--infra-env-id', infraEnvId, '--cluster-id', cluster, '--host-id', host.spec.hostId, '--boot-device', '/dev/sda',
    '--url', swarm.standIn.url, '--controller-image', CONTROLLER_IMAGE, '--agent-image', 'quay.io/edge-infrastructure/assisted-installer-agent:latest',
    '--control-plane-count', '3', '--insecure'];
  return `id ${id}\n${args.map((a) => `arg ${a}\n`).join('')}`;
}

const stagesOf = (hostId: string, from = 0) => swarm.standIn.requests.slice(from)
  .filter((r) => r.method === 'PUT' && r.path.endsWith(`/hosts/${hostId}/progress`))
  .map((r) => { const b = r.body as { current_stage: string; progress_info: string }; return b.progress_info ? `${b.current_stage} (${b.progress_info})` : b.current_stage; });
const indexOf = (what: (r: RecordedRequest) => boolean) => swarm.standIn.requests.findIndex(what);
const progressCall = (hostId: string, stage: string) => (r: RecordedRequest) => r.path.endsWith(`/hosts/${hostId}/progress`) && (r.body as { current_stage?: string })?.current_stage === stage;

test('the bootstrap installer, played: upstream\'s stages in order, its downloads, the wait for the other masters, then the answer and the marker', async () => {
  const all = await waitFor('the installation to start, with a bootstrap', async () => {
    const list = await agents();
    return list.length === 3 && list.every((a) => a.status?.debugInfo?.state === 'installing') && list.some((a) => a.status?.bootstrap) ? list : undefined;
  });
  const bootAgent = all.find((a) => a.status?.bootstrap)!;
  const boot = hosts.find((h) => h.spec.hostId === bootAgent.metadata.name)!;
  const others = hosts.filter((h) => h !== boot);
  const dir = dirname(boot.spec.rebootMarkerPath);
  const from = swarm.standIn.requests.length;

  // The podman shim's hand-over, then the Agent change the runner passes on.
  writeFileSync(join(dir, REQUEST_FILE), request(boot, '101.7'));
  const tracker = new Tracker(loadRunPlan(swarm.dist, swarm.name), { launchRate: 1, concurrency: 1, restartLimit: 0, timeoutMinutes: 1, engines: [], isoDownload: NO_DOWNLOADS });
  const played: string[] = [], lines: string[] = [];
  const ctx = playerContext(played, lines);
  bootstrapPlayer({ pace: FAST, lookMs: 20 }).onAgent!(ctx, boot, tracker.host(boot.spec.hostname)!, bootAgent);

  // It waits for the other masters, asking the service.
  const waitingAt = await waitFor('the bootstrap to wait for the masters', async () => {
    const at = indexOf(progressCall(boot.spec.hostId, 'Waiting for control plane'));
    const polls = swarm.standIn.requests.slice(at).filter((r) => r.method === 'GET' && r.path === `/clusters/${clusterId}` && r.query['exclude-hosts'] === 'false');
    return at >= 0 && polls.length >= 2 ? at : undefined;
  });
  assert.ok(waitingAt > from);
  assert.not.ok(existsSync(boot.spec.rebootMarkerPath) || existsSync(join(dir, ANSWER_FILE)), 'no reboot before the masters');

  // The other masters' installers, one after the other: each is Joined once it has rebooted.
  for (const [i, master] of others.entries()) {
    for (const stage of ['Starting installation', 'Installing', 'Writing image to disk', 'Rebooting']) {
      assert.is((await call('PUT', `/infra-envs/${infraEnvId}/hosts/${master.spec.hostId}/progress`, { current_stage: stage, progress_info: '' })).status, 200);
    }
    await waitFor(`${master.spec.hostname} reported Joined`, async () => (indexOf(progressCall(master.spec.hostId, 'Joined')) >= 0 ? true : undefined));
    if (i === 0) assert.not.ok(existsSync(boot.spec.rebootMarkerPath), 'one master is not enough: min(3 - 1, 2) = 2');
  }

  const answer = await waitFor('the answer to the shim', async () => (await readLocally(join(dir, ANSWER_FILE))) ?? undefined);
  assert.is(answer, 'id 101.7\nexit 0\nmessage assisted-swarm: the bootstrap installer was played by the runner\n', lines.join('\n'));
  assert.ok(existsSync(boot.spec.rebootMarkerPath), 'the reboot marker, as the dry installer\'s finalize touches it');
  assert.equal(played, [`${boot.spec.hostname}: ${PLAYED_WHY}`]);

  // Upstream's stages, in order (src/installer/installer.go InstallNode).
  const writing = Array.from({ length: 20 }, (_, i) => `Writing image to disk (${(i + 1) * 5}%)`);
  assert.equal(stagesOf(boot.spec.hostId, from), [
    'Starting installation (bootstrap)', 'Installing (master)', 'Writing image to disk', ...writing,
    'Waiting for control plane (Waiting for bootstrap node preparation)',
    'Waiting for control plane (Waiting for masters to join bootstrap control plane)',
    'Waiting for bootkube', 'Waiting for bootkube (waiting for ETCD bootstrap to be complete)',
    'Waiting for controller (waiting for controller pod ready event)', 'Rebooting',
  ]);
  // The downloads, where the installer makes them.
  const bootstrapIgn = indexOf((r) => r.path === `/clusters/${clusterId}/downloads/files` && r.query.file_name === 'bootstrap.ign');
  const hostIgn = indexOf((r) => r.path === `/infra-env/${infraEnvId}/hosts/${boot.spec.hostId}/downloads/ignition`);
  assert.ok(indexOf(progressCall(boot.spec.hostId, 'Starting installation')) < bootstrapIgn && bootstrapIgn < indexOf(progressCall(boot.spec.hostId, 'Installing')));
  assert.ok(indexOf(progressCall(boot.spec.hostId, 'Installing')) < hostIgn && hostIgn < indexOf(progressCall(boot.spec.hostId, 'Writing image to disk')));
  // Each other master Joined after its own Rebooting, both before the bootstrap goes on.
  const bootkube = indexOf(progressCall(boot.spec.hostId, 'Waiting for bootkube'));
  for (const master of others) {
    const joined = indexOf(progressCall(master.spec.hostId, 'Joined'));
    assert.ok(indexOf(progressCall(master.spec.hostId, 'Rebooting')) < joined && joined < bootkube, master.spec.hostname);
  }
  // The logs before the reboot: the installer's and logs_sender's progress, and the archive.
  const rebooting = indexOf(progressCall(boot.spec.hostId, 'Rebooting'));
  const logs = swarm.standIn.requests.slice(bootkube, rebooting).filter((r) => r.path.includes('logs'));
  assert.equal(logs.map((r) => `${r.method} ${r.path.replace(clusterId, 'C').replace(infraEnvId, 'I').replace(boot.spec.hostId, 'H')} ${JSON.stringify(r.body)}`), [
    'PUT /clusters/C/logs-progress {"logs_state":"requested"}',
    'PUT /infra-envs/I/hosts/H/logs-progress {"logs_state":"requested"}',
    'PUT /infra-envs/I/hosts/H/logs-progress {"logs_state":"requested"}',
    'PUT /infra-envs/I/hosts/H/logs-progress {"logs_state":"collecting"}',
    'POST /clusters/C/logs {"files":["upfile=logs.tar.gz"]}',
    'PUT /infra-envs/I/hosts/H/logs-progress {"logs_state":"completed"}',
  ]);
  assert.equal(swarm.standIn.requests[indexOf((r) => r.method === 'POST' && r.path === `/clusters/${clusterId}/logs`)]!.query,
    { logs_type: 'host', infra_env_id: infraEnvId, host_id: boot.spec.hostId });
  rmSync(join(dir, REQUEST_FILE)); // the shim takes it away with the answer
});

test('a bootstrap installer that fails: the Failed stage, the shim answered with exit 1, no reboot', async () => {
  // Another host's folder, with a request for a cluster the service does not know: bootstrap.ign is not found.
  const host = hosts[1]!;
  const dir = dirname(host.spec.rebootMarkerPath);
  for (const leftover of [host.spec.rebootMarkerPath, join(dir, ANSWER_FILE)]) rmSync(leftover, { force: true });
  writeFileSync(join(dir, REQUEST_FILE), request(host, '202.9', '00000000-0000-4000-8000-000000000000'));
  const agent = (await agents()).find((a) => a.metadata.name === host.spec.hostId)!;
  const asBootstrap: HubObject = { ...agent, status: { ...agent.status, bootstrap: true, debugInfo: { state: 'installing' }, progress: {} } };
  const from = swarm.standIn.requests.length;
  const tracker = new Tracker(loadRunPlan(swarm.dist, swarm.name), { launchRate: 1, concurrency: 1, restartLimit: 0, timeoutMinutes: 1, engines: [], isoDownload: NO_DOWNLOADS });
  const played: string[] = [], lines: string[] = [];
  bootstrapPlayer({ pace: FAST, lookMs: 20 }).onAgent!(playerContext(played, lines), host, tracker.host(host.spec.hostname)!, asBootstrap);

  const text = await waitFor('the answer to the shim', async () => (await readLocally(join(dir, ANSWER_FILE))) ?? undefined);
  assert.match(text, /^id 202\.9\nexit 1\nmessage assisted-swarm: the played bootstrap installer failed: .*bootstrap\.ign.* 404/);
  assert.not.ok(existsSync(host.spec.rebootMarkerPath), 'no reboot marker');
  // 404 is retried as the installer's client does (10 times), then the installation is Failed.
  const fetches = swarm.standIn.requests.slice(from).filter((r) => r.query.file_name === 'bootstrap.ign');
  assert.is(fetches.length, 11);
  assert.equal(stagesOf(host.spec.hostId, from).at(-1)?.replace(/ \(.*/s, ''), 'Failed');
  assert.equal(stagesOf(host.spec.hostId, from)[0], 'Starting installation (bootstrap)');
  assert.equal(played, [`${host.spec.hostname}: ${PLAYED_WHY}`]);
});

test.run();
