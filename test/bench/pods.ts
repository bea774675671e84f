// `npm run bench -- pods [--steps 50,110] [--window S] [--max-pods N] [--stall S] [--out FILE]`:
// what a Kubernetes node pays per pod of the swarm, on the test hub's node (a real kubelet and
// containerd on this machine, README "With a node"). Pods shaped like the swarm's fake hosts
// (host network, the swarm's labels, a Secret volume like the launch Secret and an emptyDir like
// the restarts folder, restartPolicy OnFailure, a 2 s grace period) run a tiny process that sleeps
// (busybox `sleep inf`, the tests' tiny image), so what is measured is the node's cost, not the
// agent's. They have no resource requests: the only bound is the kubelet's maxPods, which is
// what is asked. One namespace of the bench's own grows step by step (a step of 250 after one of
// 110 adds 140 pods); per step, once every pod is Running, a steady window of --window seconds
// (default 60) sampled every 5 s:
// - time for the step's new pods to go Running, and pods/s;
// - PSS per pod of the pod sandbox (its pause process) and of its containerd-shim-runc-v2 (one
//   per pod under CRI), and of the pod's own processes (its container's cgroup); their CPU;
// - the kubelet's and the node's containerd's CPU (cores), RSS and PSS (found by the hub's pid
//   files: Docker's containerd and the e2e hub's are not counted);
// - the kubelet's PLEG relist duration p50/p99 over the window (its /metrics), the machine's CPU,
//   and whether the node stayed Ready.
// A step that does not fit (more pods than maxPods, pods Pending, or no progress in --stall
// seconds, default 120) is said and ends the run. --max-pods N sets the node's maxPods
// (ASSISTED_SWARM_HUB_NODE_MAX_PODS: a running kubelet with another cap is restarted) for steps
// above 110. The namespace is deleted at the end and on Ctrl-C. Figures, not a test: a table on
// the terminal and, with --out, JSON.
import { request } from 'node:https';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { CoreV1Api, type V1Node, type V1Pod } from '@kubernetes/client-node';
import { histogramDelta, quantile, readHistogram, requestCount } from '../../lib/metrics/histogram.ts';
import { LABEL, swarmLabels } from '../../lib/swarm/labels.ts';
import { connect, deleteNamespace, uniqueNamespace, waitFor, type Hub, type HubNode } from '../support/hub.ts';
import { ensureTinyImage, loadIntoNode } from '../support/images.ts';
import { machineBetween, readMachine } from './machine.ts';
import { cgroupUsage, pidMembers, processMember, rss, UsageSeries, type Members } from './usage.ts';

export const usage = 'usage: npm run bench -- pods [--steps 50,110] [--window 60] [--max-pods N] [--stall 120] [--out FILE]';
const SWARM = 'podbench';
const SAMPLE_MS = 5000;
const POLL_MS = 1000;
/** Pod creations in flight. */
const CREATING = 10;
/** How long pods may stay unschedulable before the step is said not to fit. */
const UNSCHEDULABLE_SECONDS = 15;
const MiB = 2 ** 20;
const PLEG = 'kubelet_pleg_relist_duration_seconds';

interface Usage { cpuCores: number; peakCpuCores: number; rssMiB: number; pssMiB: number }
interface PerPod { pssMiB: number; millicores: number }
interface StepRow {
  pods: number;
  /** Pods of others on the node meanwhile (other tests'). */
  otherPods: number;
  maxPods: number;
  newPods: number;
  timeToRunningSeconds: number;
  podsPerSecond: number | null;
  windowSeconds: number;
  /** Per pod of the bench, over the window. */
  pause: PerPod;
  shim: PerPod;
  podProcesses: PerPod;
  /** pause + shim: the sandbox's share. */
  sandboxPssMiB: number;
  /** Pods whose pause, shim or process were found (should be every pod). */
  podsFound: number;
  kubelet: Usage;
  containerd: Usage;
  pleg: { relists: number; p50ms: number | null; p99ms: number | null };
  machineCpuPercent: number;
  /** Share of samples with the node Ready (1: always). */
  nodeReady: number;
  restarts: number;
}

/** A pod's processes on the node: its shim, its sandbox's pause, its containers' init processes. */
interface PodProcesses { shim: number; pause: number | null; containers: { id: string; pid: number }[] }

function read(path: string): string | null {
  try { return readFileSync(path, 'utf8'); } catch { return null; }
}

/** The last segment of a process's cgroup path: under containerd's CRI, its container's id. */
function cgroupLeaf(pid: number): string | null {
  const lines = read(`/proc/${pid}/cgroup`)?.trim().split('\n') ?? [];
  const path = (lines.find((l) => l.startsWith('0::')) ?? lines.find((l) => /^\d+:pids:/.test(l)) ?? lines[0])?.split(':')[2];
  return path?.split('/').filter(Boolean).at(-1) ?? null;
}

/** Children of every thread of a process (a Go shim reaps on any thread). */
function childrenOf(pid: number): number[] {
  const tasks = (() => { try { return readdirSync(`/proc/${pid}/task`); } catch { return []; } })();
  return tasks.flatMap((t) => (read(`/proc/${pid}/task/${t}/children`) ?? '').trim().split(/\s+/).filter(Boolean).map(Number));
}

/**
 * The processes of the pods whose containers have these ids: every containerd-shim-runc-v2 of
 * the node's containerd (its socket in the shim's command line) with a child in one of those
 * containers is a pod's; its sandbox's pause is the child in the cgroup named by the shim's -id.
 */
function podProcesses(containerdSocket: string, containerIds: Set<string>): PodProcesses[] {
  const out: PodProcesses[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || read(`/proc/${entry}/comm`)?.trim() !== 'containerd-shim') continue;
    const argv = (read(`/proc/${entry}/cmdline`) ?? '').split('\0');
    if (argv[argv.indexOf('-address') + 1] !== containerdSocket) continue;
    const sandbox = argv[argv.indexOf('-id') + 1];
    const children = childrenOf(Number(entry)).map((pid) => ({ pid, leaf: cgroupLeaf(pid) }));
    const containers = children.filter((c) => c.leaf && containerIds.has(c.leaf)).map((c) => ({ id: c.leaf!, pid: c.pid }));
    if (!containers.length) continue;
    out.push({ shim: Number(entry), pause: children.find((c) => c.leaf === sandbox)?.pid ?? null, containers });
  }
  return out;
}

/** Processes by pid as members of one subject. */
function members(pids: number[]): Members {
  const out: Members = new Map();
  for (const pid of pids) for (const [k, v] of pidMembers(pid) ?? []) out.set(k, v);
  return out;
}

/** Containers as members: each one's cgroup (CPU, PSS of its processes), found by its init process. */
function containerMembers(containers: { id: string; pid: number }[]): Members {
  const out: Members = new Map();
  for (const { id, pid } of containers) {
    const started = processMember(pid)?.startedAt;
    const u = started === undefined ? null : cgroupUsage(pid);
    if (u) out.set(id, { cpuSeconds: u.cpuSeconds, memoryBytes: u.memoryBytes, startedAt: started! });
  }
  return out;
}

/** A pid from one of the hub's pid files (kubelet, containerd), if that process is alive. */
function hubPid(hubDir: string, name: string): number {
  const pid = Number(read(join(hubDir, `${name}.pid`))?.trim());
  if (!pid || !read(`/proc/${pid}/comm`)?.startsWith(name.slice(0, 15))) throw new Error(`the hub's ${name} does not run (${hubDir}/${name}.pid)`);
  return pid;
}

/** The kubelet's /metrics, as the hub's admin (its client cert; the kubelet checks it against the hub's CA). */
function kubeletMetrics(hubDir: string, port: number): Promise<string> {
  const pki = (f: string) => readFileSync(join(hubDir, 'pki', f));
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/metrics', ca: pki('ca.crt'), cert: pki('admin.crt'), key: pki('admin.key'), timeout: 10_000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (body += d));
      res.on('end', () => (res.statusCode === 200 ? resolve(body) : reject(new Error(`the kubelet's /metrics answered ${res.statusCode}`))));
    });
    req.on('timeout', () => req.destroy(new Error('the kubelet\'s /metrics: no answer in 10 s')));
    req.on('error', reject);
    req.end();
  });
}

const ready = (n: V1Node) => n.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'True';
const maxPodsOf = (n: V1Node) => Number(n.status?.allocatable?.pods ?? 0);
const running = (p: V1Pod) => p.status?.phase === 'Running' && !!p.status.containerStatuses?.every((c) => c.state?.running);
const restartsOf = (pods: V1Pod[]) => pods.reduce((n, p) => n + (p.status?.containerStatuses ?? []).reduce((m, c) => m + c.restartCount, 0), 0);
const containerIdOf = (p: V1Pod) => p.status?.containerStatuses?.[0]?.containerID?.replace(/^\w+:\/\//, '');

/** The bench's pod number i, shaped like a fake host's pod. */
function fakeHostPod(i: number, node: string, image: string): V1Pod {
  const name = `fake-host-${String(i).padStart(4, '0')}`;
  return {
    metadata: { name, labels: { ...swarmLabels(SWARM), [LABEL.component]: 'fake-host', [LABEL.pool]: 'bench', [LABEL.host]: name } },
    spec: {
      hostNetwork: true,
      dnsPolicy: 'Default',
      restartPolicy: 'OnFailure',
      automountServiceAccountToken: false,
      enableServiceLinks: false,
      terminationGracePeriodSeconds: 2,
      nodeSelector: { 'kubernetes.io/hostname': node },
      containers: [{
        name: 'main', image, imagePullPolicy: 'IfNotPresent', command: ['sleep', 'inf'],
        volumeMounts: [{ name: 'launch', mountPath: '/launch', readOnly: true }, { name: 'restarts', mountPath: '/restarts' }],
      }],
      volumes: [{ name: 'launch', secret: { secretName: 'launch' } }, { name: 'restarts', emptyDir: {} }],
    },
  };
}

/** Runs `work` over items, `n` at a time. */
async function pool<T>(items: T[], n: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, async () => {
    while (next < items.length) await work(items[next++]!);
  }));
}

class DoesNotFit extends Error {}

const f = (v: number | null | undefined, d = 1) => (v === null || v === undefined || Number.isNaN(v) ? '–' : v.toFixed(d));
const use = (u: Usage) => `${f(u.cpuCores, 3)} / ${f(u.rssMiB, 0)} / ${f(u.pssMiB, 0)}`;

function table(rows: StepRow[]): string {
  const head = [
    'pods', 'others', 'to Running (s)', 'pods/s', 'pause PSS/pod (MiB)', 'shim PSS/pod (MiB)', 'sandbox PSS/pod (MiB)', 'pod\'s process PSS/pod (MiB)',
    'shim mCPU/pod', 'kubelet cores / RSS / PSS (MiB)', 'containerd cores / RSS / PSS (MiB)', 'PLEG relist p50 / p99 (ms)', 'machine CPU', 'node Ready', 'restarts',
  ];
  const lines = [`| ${head.join(' | ')} |`, `|${head.map(() => ' ---: ').join('|')}|`];
  for (const r of rows) {
    lines.push(`| ${[
      r.pods, r.otherPods, f(r.timeToRunningSeconds), f(r.podsPerSecond), f(r.pause.pssMiB, 2), f(r.shim.pssMiB, 2), f(r.sandboxPssMiB, 2), f(r.podProcesses.pssMiB, 2),
      f(r.shim.millicores, 2), use(r.kubelet), use(r.containerd), `${f(r.pleg.p50ms)} / ${f(r.pleg.p99ms)}`, `${f(r.machineCpuPercent, 0)} %`,
      `${f(r.nodeReady * 100, 0)} %`, r.restarts,
    ].join(' | ')} |`);
  }
  return lines.join('\n');
}

export async function run(args: string[]) {
  const { values } = parseArgs({
    args,
    options: {
      steps: { type: 'string', default: '50,110' }, window: { type: 'string', default: '60' }, 'max-pods': { type: 'string' },
      stall: { type: 'string', default: '120' }, out: { type: 'string' },
    },
  });
  const steps = values.steps!.split(',').filter(Boolean).map(Number);
  const window = Number(values.window);
  const stall = Number(values.stall);
  const wantMaxPods = values['max-pods'] ? Number(values['max-pods']) : undefined;
  if (steps.some((n, i) => !Number.isInteger(n) || n < 0 || (i > 0 && n <= steps[i - 1]!)) || !(window > 0) || !(stall > 0) || (wantMaxPods !== undefined && !(wantMaxPods > 0))) {
    console.error(`${usage}\n(--steps: growing whole numbers; --window, --stall, --max-pods: positive numbers)`);
    process.exit(2);
  }

  const h: Hub = await connect(wantMaxPods ? { ASSISTED_SWARM_HUB_NODE_MAX_PODS: String(wantMaxPods) } : {}, ['--with-node']);
  if (!h.node) throw new Error(`up.sh --with-node wrote no ASSISTED_SWARM_HUB_NODE into ${h.dir}/env`);
  const node: HubNode = h.node;
  const core = h.kubeConfig.makeApiClient(CoreV1Api);
  const readNode = () => core.readNode({ name: node.name });
  if (wantMaxPods) {
    // A restarted kubelet reports its new cap with its next node status.
    await waitFor(`node ${node.name} with maxPods ${wantMaxPods}`, async () => (maxPodsOf(await readNode()) === wantMaxPods ? true : undefined), async () => (await readNode()).status?.allocatable, 90);
  }
  const kubeletPort = (await readNode()).status?.daemonEndpoints?.kubeletEndpoint?.Port ?? 10250;
  const image = await ensureTinyImage(h.docker);
  await loadIntoNode(h.docker, image, node.containerdSocket);

  const ns = await uniqueNamespace('bench-pods', h.kubeConfig);
  /** The shims of the bench's pods seen so far: the end waits until the kubelet has stopped them. */
  const shims = new Set<number>();
  let cleaning: Promise<void> | undefined;
  const cleanup = () => (cleaning ??= (async () => {
    console.log(`bench pods: deleting namespace ${ns.name}`);
    // At once (grace 0): the kubelet stops the containers afterwards; 500 pods' 2 s grace periods
    // would outlast deleteNamespace's wait.
    await core.deleteCollectionNamespacedPod({ namespace: ns.name, gracePeriodSeconds: 0 }).catch(() => undefined);
    await deleteNamespace(h.kubeConfig, ns.name);
    const began = Date.now();
    const left = () => [...shims].filter((pid) => read(`/proc/${pid}/comm`)?.trim() === 'containerd-shim').length;
    await waitFor(`the kubelet stopping the bench's ${shims.size} pods`, async () => (left() ? undefined : true), async () => `${left()} shims left`, 300);
    if (shims.size) console.log(`bench pods: the kubelet stopped the ${shims.size} pods in ${((Date.now() - began) / 1000).toFixed(0)} s`);
  })().catch((e) => console.error(`bench pods: deleting namespace ${ns.name} failed: ${(e as Error).message}`)));
  const interrupted = async () => {
    console.log('\nbench pods: interrupted');
    process.once('SIGINT', () => process.exit(130));
    await cleanup();
    process.exit(130);
  };
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);

  const result: { machine: string; node: string; image: string; steps: StepRow[]; stoppedAt: { pods: number; reason: string } | null } = {
    machine: `${readFileSync('/proc/cpuinfo', 'utf8').match(/^processor/gm)!.length} cores, ${(Number(/MemTotal:\s+(\d+)/.exec(readFileSync('/proc/meminfo', 'utf8'))![1]) / 2 ** 20).toFixed(1)} GiB`,
    node: node.name, image, steps: [], stoppedAt: null,
  };
  const save = () => { if (values.out) writeFileSync(values.out, `${JSON.stringify(result, null, 2)}\n`); };

  try {
    // Pods need the namespace's default ServiceAccount (the controller-manager makes it).
    await waitFor('the default ServiceAccount', () => core.readNamespacedServiceAccount({ namespace: ns.name, name: 'default' }).then(() => true, () => undefined));
    await core.createNamespacedSecret({ namespace: ns.name, body: { metadata: { name: 'launch', labels: swarmLabels(SWARM) }, stringData: { command: 'sleep inf' } } });
    const ours = async () => (await core.listNamespacedPod({ namespace: ns.name })).items;
    const others = async () => (await core.listPodForAllNamespaces({ fieldSelector: `spec.nodeName=${node.name}` })).items
      .filter((p) => p.metadata?.namespace !== ns.name && p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed').length;

    let created = 0;
    for (const n of steps) {
      const maxPods = maxPodsOf(await readNode());
      const otherPods = await others();
      if (n + otherPods > maxPods) {
        throw new DoesNotFit(`${n} pods do not fit: the node takes ${maxPods} (maxPods)${otherPods ? ` and ${otherPods} pods of others run there` : ''}; `
          + `--max-pods ${n + otherPods + 10} raises it (ASSISTED_SWARM_HUB_NODE_MAX_PODS)`);
      }
      console.log(`\nbench pods: ${n} pods (${n - created} new), then a ${window} s window`);
      const began = Date.now();
      const fresh = Array.from({ length: n - created }, (_, i) => created + i);
      await pool(fresh, CREATING, async (i) => { await core.createNamespacedPod({ namespace: ns.name, body: fakeHostPod(i, node.name, image) }); });
      created = n;

      // Until every pod is Running; a pod the scheduler cannot place, or no progress, ends the run.
      let pods: V1Pod[] = [];
      let lastProgress = Date.now();
      let best = 0;
      const unschedulableSince = new Map<string, number>();
      for (;;) {
        pods = await ours();
        const up = pods.filter(running).length;
        if (up === n) break;
        if (up > best) [best, lastProgress] = [up, Date.now()];
        for (const p of pods) {
          const c = p.status?.conditions?.find((x) => x.type === 'PodScheduled');
          if (c?.status === 'False' && c.reason === 'Unschedulable') {
            const since = unschedulableSince.get(p.metadata!.name!) ?? Date.now();
            unschedulableSince.set(p.metadata!.name!, since);
            if (Date.now() - since > UNSCHEDULABLE_SECONDS * 1000) throw new DoesNotFit(`${n} pods do not fit: ${n - up} stay Pending (${c.message})`);
          }
        }
        if (Date.now() - lastProgress > stall * 1000) {
          const waiting: Record<string, number> = {};
          for (const p of pods.filter((x) => !running(x))) {
            const why = p.status?.containerStatuses?.[0]?.state?.waiting?.reason ?? p.status?.phase ?? 'unknown';
            waiting[why] = (waiting[why] ?? 0) + 1;
          }
          throw new DoesNotFit(`${n} pods do not fit: ${up} Running, none more in ${stall} s (${Object.entries(waiting).map(([k, v]) => `${v} ${k}`).join(', ')})`);
        }
        await new Promise((r) => setTimeout(r, POLL_MS));
      }
      const timeToRunningSeconds = (Date.now() - began) / 1000;
      console.log(`bench pods: ${n} pods Running (${fresh.length} in ${timeToRunningSeconds.toFixed(1)} s)`);

      // The steady window.
      const ids = new Set(pods.map(containerIdOf).filter((id): id is string => !!id));
      const found = podProcesses(node.containerdSocket, ids);
      for (const p of found) shims.add(p.shim);
      const kubeletPid = hubPid(h.dir, 'kubelet');
      const containerdPid = hubPid(h.dir, 'containerd');
      const series = { pause: new UsageSeries(), shim: new UsageSeries(), pod: new UsageSeries(), kubelet: new UsageSeries(), containerd: new UsageSeries() };
      const rssSum = { kubelet: 0, containerd: 0 };
      let samples = 0;
      let readySamples = 0;
      const sample = (at: number) => {
        series.pause.add(at, members(found.flatMap((p) => (p.pause ? [p.pause] : []))));
        series.shim.add(at, members(found.map((p) => p.shim)));
        series.pod.add(at, containerMembers(found.flatMap((p) => p.containers)));
        series.kubelet.add(at, pidMembers(kubeletPid));
        series.containerd.add(at, pidMembers(containerdPid));
        rssSum.kubelet += rss(kubeletPid);
        rssSum.containerd += rss(containerdPid);
        samples++;
      };
      const metricsBefore = await kubeletMetrics(h.dir, kubeletPort).catch(() => '');
      const first = readMachine();
      const end = first.at + window * 1000;
      for (;;) {
        const at = Date.now();
        sample(at);
        if (await readNode().then(ready, () => false)) readySamples++;
        if (at >= end) break;
        await new Promise((r) => setTimeout(r, Math.max(0, Math.min(SAMPLE_MS - (Date.now() - at), end - Date.now()))));
      }
      const last = readMachine();
      const machine = machineBetween(first, last);
      const metricsAfter = await kubeletMetrics(h.dir, kubeletPort).catch(() => '');
      const pleg = metricsBefore && metricsAfter ? histogramDelta(readHistogram(metricsAfter, PLEG), readHistogram(metricsBefore, PLEG)) : new Map<number, number>();
      const q = (v: number) => { const s = quantile(pleg, v); return s === null ? null : s * 1000; };

      const count = Math.max(n, 1);
      const perPod = (s: UsageSeries): PerPod => ({ pssMiB: s.mean.memoryBytes / MiB / count, millicores: (s.mean.cpuCores * 1000) / count });
      const daemon = (s: UsageSeries, rssTotal: number): Usage => ({
        cpuCores: s.mean.cpuCores, peakCpuCores: s.peak.cpuCores, rssMiB: rssTotal / samples / MiB, pssMiB: s.mean.memoryBytes / MiB,
      });
      const row: StepRow = {
        pods: n, otherPods, maxPods, newPods: fresh.length, timeToRunningSeconds, podsPerSecond: fresh.length ? fresh.length / timeToRunningSeconds : null,
        windowSeconds: (last.at - first.at) / 1000,
        pause: perPod(series.pause), shim: perPod(series.shim), podProcesses: perPod(series.pod),
        sandboxPssMiB: (series.pause.mean.memoryBytes + series.shim.mean.memoryBytes) / MiB / count,
        podsFound: found.filter((p) => p.pause).length,
        kubelet: daemon(series.kubelet, rssSum.kubelet), containerd: daemon(series.containerd, rssSum.containerd),
        pleg: { relists: requestCount(pleg), p50ms: q(0.5), p99ms: q(0.99) },
        machineCpuPercent: machine.busy * 100,
        nodeReady: samples ? readySamples / samples : 0,
        restarts: restartsOf(await ours()),
      };
      if (row.podsFound !== n) console.log(`bench pods: found the sandbox processes of ${row.podsFound} of ${n} pods`);
      result.steps.push(row);
      save();
      console.log(`\n${table(result.steps)}\n`);
    }
  } catch (e) {
    if (!(e instanceof DoesNotFit)) throw e;
    result.stoppedAt = { pods: Number(/^(\d+)/.exec(e.message)?.[1] ?? 0), reason: e.message };
    console.log(`bench pods: ${e.message}; stopping`);
  } finally {
    save();
    await cleanup();
    process.removeListener('SIGINT', interrupted);
    process.removeListener('SIGTERM', interrupted);
  }
  console.log(`\n${table(result.steps)}\n`);
  console.log(`Per pod: PSS over the window's samples ÷ pods; "sandbox" = pause + containerd-shim. kubelet and containerd: mean cores over the window, mean RSS and PSS (MiB).`);
  if (result.stoppedAt) console.log(`stopped at ${result.stoppedAt.pods} pods: ${result.stoppedAt.reason}`);
  else console.log(`the node held ${result.steps.at(-1)?.pods ?? 0} pods`);
}
