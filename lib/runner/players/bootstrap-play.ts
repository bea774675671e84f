// The bootstrap installer's conversation with the service, which the runner plays for the
// bootstrap host of a multi-node cluster (docs/upstream-gaps.md, gap 3): what upstream's
// installer says in dry mode, in its order and at its pace (assisted-installer
// src/installer/installer.go, InstallNode and what it calls; the function named at each step).
// Its waits are answered as its dry fake Kubernetes client would answer them once fixed, except
// the wait for the other control-plane nodes: that one is answered through the service.
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { tar } from '../../engine/tar.ts';
import { ServiceError } from '../service-api.ts';
import type { InstallerApi, ServiceHost } from './installer-api.ts';

export interface BootstrapPace {
  /** generalWaitInterval: the installer checks what it waits for every 5 s. */
  checkMs: number;
  /** generalWaitTimeout: updateConfiguringStatus first looks at the cluster after 30 s. */
  configuringMs: number;
  /** The dry-installer shim's pause between two 5% steps of the image write (2 s). */
  writeStepMs: number;
  /** Before retry n+1 of a failed call: the installer's client backs off from 2 to 10 s. */
  retryMs(attempt: number): number;
}

export const UPSTREAM_PACE: BootstrapPace = {
  checkMs: 5_000,
  configuringMs: 30_000,
  writeStepMs: 2_000,
  retryMs: (attempt) => Math.min(2_000 * 2 ** attempt, 10_000),
};

export interface BootstrapPlay {
  api: InstallerApi;
  /** --control-plane-count of the installer's arguments. */
  controlPlaneCount: number;
  pace: BootstrapPace;
  /** Stops the play (the run ends): it rejects, and reports nothing more. */
  signal: AbortSignal;
  log(line: string): void;
}

/** Stages after which a control-plane host has rebooted: its installer reports Rebooting, then touches its marker. */
const REBOOTED = ['Rebooting', 'Configuring', 'Joined', 'Done'];

/** Plays the installer from its start to its fake reboot (the caller touches the marker); throws what failed it. */
export async function playBootstrapInstaller(play: BootstrapPlay): Promise<void> {
  const done = new AbortController();
  try {
    await installNode(play, AbortSignal.any([play.signal, done.signal]));
  } catch (err) {
    // RunInstaller: a failed installation is reported as the Failed stage, then the installer exits 1.
    if (!play.signal.aborted) await report(play, 'Failed', (err as Error).message);
    throw err;
  } finally {
    done.abort();
  }
}

async function installNode(play: BootstrapPlay, running: AbortSignal): Promise<void> {
  const { api } = play;
  await report(play, 'Starting installation', 'bootstrap');
  // startBootstrap: getFileFromService; dry mode skips everything else it does.
  await api.downloadClusterFile('bootstrap.ign');
  void watchConfiguring(play, running);
  // The bootstrap goes on as a master.
  await report(play, 'Installing', 'master');
  await api.downloadHostIgnition();
  await writeImageToDisk(play);
  await report(play, 'Waiting for control plane', 'Waiting for bootstrap node preparation');
  await waitForControlPlane(play);
  // waitForWorkers waits only for the agent-based installer's invoker; waitForMCAnnotationsConsistent
  // is answered at its first look (the fixed fake client's nodes carry consistent annotations).
  await uploadLogs(play);
  // finalize (dry): Rebooting, then the marker.
  await report(play, 'Rebooting', '');
}

/**
 * updateConfiguringStatus, started with the bootstrap: after 30 s it reads the cluster's hosts,
 * once (it keeps that list), and then only the machine-config server's logs, which dry mode
 * fakes as `<ip>.(Ignition)` lines its own matcher (common.SetConfiguringStatusForHosts) never
 * recognizes: so it never reports Configuring, and neither does this.
 */
async function watchConfiguring(play: BootstrapPlay, running: AbortSignal): Promise<void> {
  try {
    for (;;) {
      await sleep(play.pace.configuringMs, running);
      try {
        await play.api.cluster(true);
        return;
      } catch (err) {
        if (!(err instanceof ServiceError)) throw err;
        play.log(`hosts for the configuring check: ${err.message}`);
      }
    }
  } catch {
    // The installation ended first (or the run did): the installer's goroutine ends with it.
  }
}

/** writeImageToDisk: the stage, then dry-installer's progress lines, each 5% reported (coreos_logger). */
async function writeImageToDisk(play: BootstrapPlay): Promise<void> {
  await report(play, 'Writing image to disk', '');
  for (let percent = 5; percent <= 100; percent += 5) {
    await sleep(play.pace.writeStepMs, play.signal);
    await report(play, 'Writing image to disk', `${percent}%`);
  }
}

async function waitForControlPlane(play: BootstrapPlay): Promise<void> {
  await report(play, 'Waiting for control plane', 'Waiting for masters to join bootstrap control plane');
  // HasValidvSphereCredentials reads the cluster (its failure is only logged), then GetCluster (fatal).
  await play.api.cluster(false).catch((err) => {
    if (!(err instanceof ServiceError)) throw err;
    play.log(`cluster for the vSphere credentials check: ${err.message}`);
  });
  await play.api.cluster(false);
  // waitForMinMasterNodes: min(control planes - 1, 2) other masters ready (none when the count is below 1).
  const count = play.controlPlaneCount;
  await waitForNodes(play, 'master', count < 1 ? 0 : Math.min(count - 1, 2));
  // waitForMinArbiterNodes: the swarm plans no arbiters (lib/swarm/model.ts), so it ends at its first check.
  await waitForNodes(play, 'arbiter', 0);
  // waitForBootkube: /opt/openshift/.bootkube.done is there at its first check, 5 s on.
  await report(play, 'Waiting for bootkube', '');
  await sleep(play.pace.checkMs, play.signal);
  // waitForETCDBootstrap: `systemctl is-active progress.service` says inactive at once.
  await report(play, 'Waiting for bootkube', 'waiting for ETCD bootstrap to be complete');
  // waitForController: the fake client lists the controller's ready event at the first tick.
  await report(play, 'Waiting for controller', 'waiting for controller pod ready event');
  await sleep(play.pace.checkMs, play.signal);
  await logged(play, 'cluster logs progress', play.api.clusterLogsProgress('requested'));
}

/**
 * waitForNodes: every 5 s, until `min` other hosts of the role are ready nodes, each new one
 * reported Joined (updateReadyNodes, unless the service has it installed). The dry fake client
 * makes a host a ready node once its reboot marker exists, which its installer touches right
 * after reporting Rebooting: so this asks the service for the hosts' stages instead.
 */
async function waitForNodes(play: BootstrapPlay, role: string, min: number): Promise<void> {
  const ready = new Set<string>();
  for (;;) {
    await sleep(play.pace.checkMs, play.signal);
    if (min < 1) return;
    let hosts: ServiceHost[];
    try {
      hosts = (await play.api.cluster(true)).hosts ?? [];
    } catch (err) {
      if (!(err instanceof ServiceError)) throw err;
      play.log(`waiting for ${role} nodes: ${err.message}`);
      continue;
    }
    for (const h of hosts) {
      if (h.id === play.api.id.hostId || h.role !== role || h.status === 'disabled' || ready.has(h.id) || !rebooted(h)) continue;
      ready.add(h.id);
      if (h.status !== 'installed' && !['Joined', 'Done'].includes(h.progress?.current_stage ?? '')) {
        await report(play, 'Joined', '', { id: h.id, infraEnvId: h.infra_env_id });
      }
    }
    play.log(`${ready.size} of ${min} ${role} nodes ready`);
    if (ready.size >= min) return;
  }
}

function rebooted(h: ServiceHost): boolean {
  return h.status === 'installed' || REBOOTED.includes(h.progress?.current_stage ?? '');
}

/**
 * Before the reboot: HostLogProgressReport(requested), then UploadInstallationLogs runs the
 * agent's logs_sender (requested, collecting, the archive, completed). Nothing here fails the
 * installation. The archive holds what was played, in logs_sender's layout.
 */
async function uploadLogs(play: BootstrapPlay): Promise<void> {
  const { api } = play;
  await logged(play, 'host logs progress', api.hostLogsProgress('requested'));
  // logs_sender (SendLogs, uploadLogs):
  await logged(play, 'host logs progress', api.hostLogsProgress('requested'));
  await logged(play, 'host logs progress', api.hostLogsProgress('collecting'));
  const dir = `logs_host_${api.id.hostId}`;
  const text = 'The installer of this bootstrap host was played by assisted-swarm\'s runner (docs/upstream-gaps.md, gap 3).\n';
  const archive = await archiveOf([{ path: `${dir}/` }, { path: `${dir}/assisted-swarm-bootstrap.logs`, content: text }]);
  if (!(await logged(play, 'logs upload', api.uploadHostLogs(archive)))) return;
  await logged(play, 'host logs progress', api.hostLogsProgress('completed'));
}

/** UpdateHostInstallProgress: a refused or failed report is logged, never fatal. */
async function report(play: BootstrapPlay, stage: string, info: string, host?: { id: string; infraEnvId: string }): Promise<void> {
  await logged(play, `progress ${stage}${info ? ` (${info})` : ''}`, play.api.progress(stage, info, host));
}

/** Waits for a call whose failure the installer only logs; true if it succeeded. */
async function logged(play: BootstrapPlay, what: string, call: Promise<unknown>): Promise<boolean> {
  try {
    await call;
    return true;
  } catch (err) {
    if (!(err instanceof ServiceError)) throw err;
    play.log(`${what}: ${err.message}`);
    return false;
  }
}

async function archiveOf(entries: { path: string; content?: string }[]): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of tar(entries) as AsyncIterable<Buffer>) chunks.push(Buffer.from(chunk));
  return promisify(gzip)(Buffer.concat(chunks));
}

/** Resolves after `ms`, or rejects as soon as `signal` aborts. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
