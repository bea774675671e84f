// `npm run test:e2e`: the swarm against upstream's real assisted-service, agent, installer and
// controller, and assisted-image-service, from their images. For each auth mode (none, local):
// restart the service with the image service beside it and its BMH agent controller on, build the
// swarm image, synth test/e2e/e2e.config.ts, plan, apply and run until every cluster is installed
// (every host downloads its ISO in full; BMH hosts boot once BMAC gives them theirs), check the
// hub's final state and the report, plan again (nothing to do), destroy, and check that nothing is
// left: no container, no swarm object (BareMetalHosts and Secrets included), no hub patch, no
// ISO kept, the clusters and infra-envs gone from the service; nothing dialled a BMC. At the end
// the local hub's service is restarted with its normal settings (no image service, no BMAC).
// Not part of `npm test`: no registry here serves upstream's images (see README, "End to end").
// With --engine kubernetes the fake hosts and controllers run as pods (runtime.kubernetes): on
// the local e2e hub's own node (up.sh --with-node; the swarm image imported into its
// containerd), or on the cluster of --kubeconfig, which must pull images.swarm from a registry.
// With --faults one faulted run per auth mode (default local; test/e2e/faults.ts): apply SIGKILLed
// half-way and run again, a fake host's container crashed, the service, PostgreSQL and the hub's
// API server restarted while hosts install, destroy SIGKILLed half-way and run again; the same
// checks, and besides that nothing is there twice (hosts in the service's database, Agents,
// containers) and the report shows the restarts and the runner's failed requests. With --tls
// too, all of it over HTTPS: the service restarted must be verified again by everything. With
// --engine kubernetes the crash is a pod's (its process killed, the kubelet restarts it).
//
//   npm run test:e2e [-- --auth none|local|both] [--engine docker|kubernetes] [--tls] [--keep] [--example docs/examples] [--faults]
//     (--tls: the service over HTTPS only, with a CA the hub makes, AUTH_TYPE local unless --auth
//     says otherwise; hub.tls.caFile verifies it, and so do the agents, installers and controllers:
//     no setting that turns verification off anywhere; a swarm that trusts another CA fails at once)
//     (--example: the none run's report becomes docs/examples/e2e-report.{md,json,html}, with a
//     screenshot of its HTML, e2e-report.png, taken in headless Chromium)
//   npm run test:e2e -- --kubeconfig FILE --service-url URL   (any hub whose service runs already)
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import Docker from 'dockerode';
import { validateConfig } from '../../lib/config/load.ts';
import { readLaunchPlans } from '../../lib/dist/read.ts';
import { HubClient } from '../../lib/hub/client.ts';
import { loadKubeConfig } from '../../lib/hub/kubeconfig.ts';
import type { RunSummary } from '../../lib/report/summary.ts';
import type { RunRecord } from '../../lib/report/types.ts';
import { podName, podNamespace } from '../../lib/swarm/kubernetes.ts';
import { swarmSelector } from '../../lib/swarm/labels.ts';
import { screenshot } from '../support/chromium.ts';
import { REPO_ROOT, connect, readEnvFile } from '../support/hub.ts';
import { bmcSentinel } from '../support/bmc-sentinel.ts';
import { containerCommands, insecureIn, insecureInFolder, insecureSettings } from '../support/insecure-scan.ts';
import { Checks } from './checks.ts';
import { containersPerHost, duplicateAgents, FaultLog, faultedApply, interruptedDestroy, podsPerHost, type CrashTarget } from './faults.ts';
import { E2E_HUB_ENV, restartService, swarmCli } from './harness.ts';
import { deregisteredClusters, duplicateHosts, infraEnvsLeft } from './service-db.ts';

const { values: opts } = parseArgs({
  options: {
    auth: { type: 'string' },
    tls: { type: 'boolean', default: false },
    engine: { type: 'string', default: 'docker' },
    kubeconfig: { type: 'string' },
    'service-url': { type: 'string' },
    keep: { type: 'boolean', default: false },
    example: { type: 'string' },
    faults: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (opts.help) {
  console.log([
    'usage: npm run test:e2e [-- --auth none|local|both] [--engine docker|kubernetes] [--tls] [--keep] [--example DIR] [--faults]',
    '       npm run test:e2e -- --kubeconfig FILE --service-url URL   (any hub whose service runs already)',
    'The swarm against upstream\'s real service, agent, installer and controller (README, "End to end").',
    '--engine kubernetes: fake hosts and controllers as pods (runtime.kubernetes), on the e2e hub\'s own node.',
    '--tls: the service over HTTPS with a CA of the hub\'s (default --auth local); everything verifies it.',
    '--faults: one faulted run per auth mode (default --auth local): apply SIGKILLed half-way and run again, a fake',
    '  host\'s container crashed, the service, PostgreSQL and the hub\'s API server restarted while hosts install,',
    '  destroy SIGKILLed half-way and run again; the same checks, and nothing twice (hosts in the service\'s',
    '  database, Agents, containers), the restarts and failed requests in the report. With --tls: over HTTPS;',
    '  with --engine kubernetes a pod crashes, restarted by the kubelet.',
  ].join('\n'));
  process.exit(0);
}
const auth = opts.auth ?? (opts.tls || opts.faults ? 'local' : 'both');
const modes = auth === 'both' ? ['none', 'local'] : [auth];
const faulted = opts.faults!;
if (faulted && opts.kubeconfig) {
  // It restarts the local e2e hub's service, database and API server, and crashes a container on its Docker or node.
  console.error('--faults runs on the local e2e hub: not with --kubeconfig');
  process.exit(2);
}
if (opts.engine !== 'docker' && opts.engine !== 'kubernetes') {
  console.error(`--engine ${opts.engine}: docker or kubernetes`);
  process.exit(2);
}
const kubernetes = opts.engine === 'kubernetes';
// The config module reads it (runtime.kubernetes), here and in every CLI child.
if (kubernetes) process.env.E2E_ENGINE = 'kubernetes';
// The faulted run's thresholds (the service restarts on purpose).
if (faulted) process.env.E2E_FAULTS = '1';
const config = validateConfig((await import('./e2e.config.ts')).default);
const docker = new Docker();
const checks = new Checks();

// The images the suite needs; without them it says which and stops.
const needed = [config.images.agent, config.images.installer, config.images.controller];
const localHub = !opts.kubeconfig;
const serviceImage = process.env.ASSISTED_SWARM_SERVICE_IMAGE ?? 'quay.io/edge-infrastructure/assisted-service:latest';
const imageServiceImage = process.env.ASSISTED_SWARM_IMAGE_SERVICE_IMAGE ?? 'quay.io/edge-infrastructure/assisted-image-service:latest';
if (localHub) needed.push(serviceImage, imageServiceImage);
const missing: string[] = [];
for (const ref of needed) await docker.getImage(ref).inspect().catch(() => missing.push(ref));
if (missing.length) {
  console.error(`The end-to-end suite needs upstream's images, and these are not on the Docker engine:\n${missing.map((m) => `  ${m}`).join('\n')}\n` +
    'Provide each with `docker pull <image>` (where a registry serves it), `docker load -i <file>`, or build it by hand from its\n' +
    'public repository (README, "End to end"); or point the config (test/e2e/e2e.config.ts images) at images you have.');
  process.exit(2);
}

let kubeconfigPath = opts.kubeconfig ? resolve(opts.kubeconfig) : '';
let serviceUrl = opts['service-url'] ?? '';
/** The CA of the service's certificate (--tls): the hub's env file names it. */
let serviceCa = '';
let hubDir = '';
/** The e2e hub's node's containerd, where `npm run images` puts the swarm image (--engine kubernetes). */
let containerdSocket = '';
if (localHub) {
  const h = await connect(E2E_HUB_ENV, ['--with-service', ...(kubernetes ? ['--with-node'] : [])]);
  kubeconfigPath = h.kubeconfigPath;
  hubDir = h.dir;
  const hubEnv = readEnvFile(join(h.dir, 'env'));
  serviceUrl = hubEnv.ASSISTED_SWARM_HUB_SERVICE_URL!;
  containerdSocket = kubernetes ? hubEnv.ASSISTED_SWARM_HUB_CONTAINERD_SOCKET! : '';
}
if (!serviceUrl) throw new Error('--service-url is needed with --kubeconfig');
const hub = new HubClient(loadKubeConfig({ kubeconfig: kubeconfigPath }), {});

const ASC = { apiVersion: 'agent-install.openshift.io/v1beta1', kind: 'AgentServiceConfig', name: 'agent' };
const CONFIGMAP_ANNOTATION = 'unsupported.agent-install.openshift.io/assisted-service-configmap';
const SWARM_KINDS: [string, string][] = [
  ['v1', 'Namespace'], ['hive.openshift.io/v1', 'ClusterImageSet'], ['v1', 'ConfigMap'], ['v1', 'Secret'],
  ['hive.openshift.io/v1', 'ClusterDeployment'], ['extensions.hive.openshift.io/v1beta1', 'AgentClusterInstall'],
  ['agent-install.openshift.io/v1beta1', 'InfraEnv'], ['agent-install.openshift.io/v1beta1', 'NMStateConfig'],
  ['metal3.io/v1alpha1', 'BareMetalHost'],
];
// Listens where every fake host's BMC would be, for the whole suite: nothing may dial it.
const sentinel = await bmcSentinel();

async function runMode(auth: string): Promise<string | null> {
  const work = mkdtempSync(join(tmpdir(), `swarm-e2e-${auth}-`));
  const dist = join(work, 'dist');
  const at = `[${auth}${kubernetes ? ', pods' : ''}${opts.tls ? ', https' : ''}${faulted ? ', faults' : ''}]`;
  console.log(`\n══ e2e${faulted ? ' with faults' : ''}, AUTH_TYPE ${auth}, fake hosts as ${kubernetes ? 'pods' : 'containers'}${opts.tls ? ', the service over HTTPS' : ''}: ${work}`);
  const faults = faulted ? new FaultLog() : null;
  // The service must run with the swarm's auth mode before the InfraEnvs exist: it does not
  // rewrite their status URLs (with or without api_key) when it restarts with another one.
  if (localHub) {
    checks.ok(`${at} service restarted with AUTH_TYPE ${auth}${opts.tls ? ' over HTTPS' : ''}, the image service beside it`, (await restartService(auth, true, opts.tls)) === 0);
    const hubEnv = readEnvFile(join(hubDir, 'env'));
    serviceUrl = hubEnv.ASSISTED_SWARM_HUB_SERVICE_URL!;
    serviceCa = hubEnv.ASSISTED_SWARM_HUB_SERVICE_CA ?? '';
    if (opts.tls) checks.ok(`${at} the service serves HTTPS, its CA named by the hub`, serviceUrl.startsWith('https://') && existsSync(serviceCa), `${serviceUrl} ${serviceCa}`);
  }
  const env = {
    KUBECONFIG: kubeconfigPath, E2E_AUTH: auth, E2E_SERVICE_URL: serviceUrl, E2E_SERVICE_CA: serviceCa, E2E_STATE_DIR: join(work, 'state'),
    E2E_PULL_SECRET: process.env.E2E_PULL_SECRET ?? '{"auths":{"quay.io":{"auth":"ZTJlOmUyZQ=="}}}',
    E2E_ENGINE: opts.engine!, E2E_CONTAINERD_SOCKET: containerdSocket,
  };
  const cfg = ['--config', 'test/e2e/e2e.config.ts'];
  const images = await swarmCli(['images', ...cfg, '--pull', 'never'], env);
  checks.ok(`${at} swarm image built`, images.code === 0);
  if (kubernetes && containerdSocket) checks.ok(`${at} swarm image in the node's containerd`, /on containerd \S+: (imported|there already)/.test(images.out));
  checks.ok(`${at} synth`, (await swarmCli(['synth', ...cfg, '--out', dist], env)).code === 0);
  const objects = readdirSync(join(dist, 'hub')).length;
  // What the AgentServiceConfig's annotation was before the swarm's hub patch (another swarm's, on a shared hub).
  const ascBefore = await serviceConfigMapOf();
  const planned = await swarmCli(['plan', ...cfg, '--dist', dist, '--patches', 'patches', '--json'], env);
  const plan = JSON.parse(planned.out.slice(planned.out.indexOf('{')));
  checks.ok(`${at} plan on an empty hub: every object a create, the service's settings a hub patch`,
    plan.summary.update === 0 && plan.summary.delete === 0 && plan.summary.create > objects &&
    plan.hubPatches.some((p: any) => p.ref?.kind === 'AgentServiceConfig'), JSON.stringify(plan.summary));
  checks.ok(`${at} plan: every fake host a ${kubernetes ? 'pod' : 'container'} to start, nothing without an image`,
    plan.workloads?.kind === (kubernetes ? 'pods' : 'containers') && plan.summary.containers.start === readLaunchPlans(dist).fakeHosts.length &&
    !plan.warnings.some((w: string) => w.includes('npm run images')), `${JSON.stringify(plan.summary.containers)} ${plan.warnings.join(' | ')}`);

  if (opts.tls) await checkWrongCa(at, work, dist, env, cfg);
  const applyArgs = ['apply', ...cfg, '--dist', dist, '--patches', 'patches', '--yes'];
  const fakeHosts = readLaunchPlans(dist).fakeHosts;
  const applied = faults ? await faultedApply({
    hub, docker, swarm: config.name, service: { url: serviceUrl, tls: { caFile: serviceCa || null, insecure: false } }, applyArgs, env, log: faults, restartLimit: config.runtime.restartLimit,
    clusterHostIds: fakeHosts.filter((h) => h.spec.cluster).map((h) => h.spec.hostId),
    crash: crashTarget(fakeHosts.find((h) => !h.spec.cluster)?.spec.container.name),
  }) : await swarmCli(applyArgs, env);
  checks.ok(`${at} apply ran every cluster to installed (exit 0)`, applied.code === 0, `exit ${applied.code}`);
  if (faults) await checkFaulted(at, dist, faults, applied.out);

  await checkInstalled(at, dist);
  if (opts.tls) await checkVerified(at, dist);
  await checkBareMetalHosts(at, dist);
  const reportDir = /report in (\S+)/.exec(applied.out)?.[1];
  checks.ok(`${at} report written`, !!reportDir && existsSync(join(REPO_ROOT, reportDir, 'summary.md')));
  if (reportDir) checkReport(at, join(REPO_ROOT, reportDir), dist);

  const again = await swarmCli(['plan', ...cfg, '--dist', dist, '--patches', 'patches', '--json'], env);
  const after = JSON.parse(again.out.slice(again.out.indexOf('{')));
  checks.ok(`${at} plan after apply: no object or hub patch to change`,
    after.summary.create + after.summary.update + after.summary.delete + after.summary.hubPatches.patch === 0, JSON.stringify(after.summary));

  if (opts.keep) return reportDir ?? null;
  const clusterIds = await clusterIdsOf(dist);
  checks.ok(`${at} the service gave every cluster an id`, clusterIds.length === readLaunchPlans(dist).controllers.length, String(clusterIds.length));
  const infraEnvIds = await infraEnvIdsOf();
  const destroyArgs = ['destroy', ...cfg, '--patches', 'patches', '--yes'];
  const destroyed = faults ? await interruptedDestroy(destroyArgs, env, faults) : await swarmCli(destroyArgs, env);
  checks.ok(`${at} destroy${faults ? ', SIGKILLed half-way and run again,' : ''} (exit 0)`, destroyed.code === 0, `exit ${destroyed.code}`);
  await checkGone(at, clusterIds, infraEnvIds, ascBefore);
  checks.ok(`${at} no ISO kept: nothing of 1 MiB or more under the run's folder`, bigFiles(work).length === 0, bigFiles(work).join(' '));
  // The hosts' folders (reboot markers, cluster-hosts files) go with destroy, on the engine's machine.
  const hostFolders = join(work, 'state', config.name);
  // (Pods' folders are hostPath volumes on the nodes: the Kubernetes engine leaves them, and says so.)
  if (!kubernetes) checks.ok(`${at} no host folder left (${hostFolders})`, !existsSync(hostFolders), readdirSyncSafe(hostFolders).join(' '));
  checks.ok(`${at} nothing dialled a BMC address`, sentinel.connections() === 0, `${sentinel.connections()} connections: ${sentinel.dials().map((d) => `${d.at} ${d.from}`).join('; ')}`);
  faults?.print();
  rmSync(work, { recursive: true, force: true });
  return reportDir ?? null;
}

/** A swarm that trusts another CA: apply fails at once, naming hub.tls.caFile, having made nothing. */
async function checkWrongCa(at: string, work: string, dist: string, env: Record<string, string>, cfg: string[]) {
  const other = join(work, 'other-ca');
  mkdirSync(other);
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
    '-subj', '/CN=not the service CA', '-keyout', join(other, 'ca.key'), '-out', join(other, 'ca.crt')], { stdio: 'ignore' });
  const started = Date.now();
  const r = await swarmCli(['apply', ...cfg, '--dist', dist, '--patches', 'patches', '--yes', '--service-wait-seconds', '60'], { ...env, E2E_SERVICE_CA: join(other, 'ca.crt') });
  const seconds = (Date.now() - started) / 1000;
  checks.ok(`${at} a swarm trusting another CA: apply fails in seconds, naming hub.tls.caFile, before it changes anything`,
    r.code !== 0 && seconds < 30 && /hub\.tls\.caFile/.test(r.out) && !/created /.test(r.out), `exit ${r.code} after ${seconds.toFixed(1)} s`);
  const left = await hub.list('agent-install.openshift.io/v1beta1', 'InfraEnv', { labelSelector: swarmSelector(config.name) });
  checks.ok(`${at} ...and made nothing on the hub`, left.length === 0, `${left.length} InfraEnvs`);
}

/** Over HTTPS: nothing turns verification off, in the swarm's containers (commands, environment,
 *  processes: the agents, next_step_runner, installers, controllers) or in dist/. */
async function checkVerified(at: string, dist: string) {
  const containers = kubernetes ? [] : await containerCommands(docker, { 'assisted-swarm.io/swarm': config.name });
  const found = insecureIn(containers);
  checks.ok(`${at} no container, command or process of the swarm turns TLS verification off`, found.length === 0, found.slice(0, 5).join('; '));
  const inDist = insecureInFolder(dist);
  checks.ok(`${at} nothing in dist/ turns TLS verification off`, inDist.length === 0, inDist.slice(0, 5).join('; '));
  // The running agents were told to verify: their command lines (as the service's ignition gave
  // them, in the container's command or a running process) carry --insecure=false and a --cacert.
  const agents = containers.filter((c) => c.labels['assisted-swarm.io/component'] === 'fake-host' && c.processes.length);
  const verifies = (l: string) => /--insecure=false\b/.test(l) && /--cacert[= ]\S+/.test(l) && !insecureSettings(l).length;
  const verifying = agents.filter((c) => [c.command, ...c.processes].some(verifies)).length;
  if (!kubernetes) checks.ok(`${at} the running agents verify the service (--insecure=false --cacert)`, agents.length > 0 && verifying === agents.length, `${verifying} of ${agents.length}`);
}

/** Every AgentClusterInstall Completed, every Agent installed with its planned hostname and role. */
async function checkInstalled(at: string, dist: string) {
  const launch = readLaunchPlans(dist);
  for (const c of launch.controllers) {
    const aci: any = await hub.get({ apiVersion: 'extensions.hive.openshift.io/v1beta1', kind: 'AgentClusterInstall', namespace: c.spec.agentClusterInstall.namespace, name: c.spec.agentClusterInstall.name });
    const completed = aci?.status?.conditions?.find((x: any) => x.type === 'Completed');
    checks.ok(`${at} AgentClusterInstall ${c.spec.cluster} Completed`, completed?.status === 'True', `${completed?.reason} ${aci?.status?.debugInfo?.state}`);
  }
  const agents = new Map((await hub.list('agent-install.openshift.io/v1beta1', 'Agent', { labelSelector: swarmSelector(config.name) }))
    .map((a: any) => [a.metadata.name, a]));
  for (const h of launch.fakeHosts) {
    const agent: any = agents.get(h.spec.hostId);
    const state = agent?.status?.debugInfo?.state;
    if (!h.spec.cluster) {
      checks.ok(`${at} pool host ${h.spec.hostname} waits unbound`, state === 'known-unbound', state);
      continue;
    }
    checks.ok(`${at} Agent ${h.spec.hostname} installed as ${h.spec.role}`,
      state === 'installed' && agent.spec.hostname === h.spec.hostname && agent.status?.role === h.spec.role,
      `state ${state}, hostname ${agent?.spec?.hostname}, role ${agent?.status?.role}`);
  }
}

/** Each BareMetalHost provisioned from BMAC's image URL (its InfraEnv's ISO), detached once installed; its Agent matched by BMAC. */
async function checkBareMetalHosts(at: string, dist: string) {
  const bmhHosts = readLaunchPlans(dist).fakeHosts.filter((h) => h.spec.boot === 'bmh');
  checks.ok(`${at} the swarm has BMH hosts`, bmhHosts.length > 0, String(bmhHosts.length));
  for (const h of bmhHosts) {
    const ref = h.spec.bareMetalHost!;
    const bmh: any = await hub.get({ apiVersion: 'metal3.io/v1alpha1', kind: 'BareMetalHost', namespace: ref.namespace, name: ref.name });
    const infraEnv: any = await hub.get({ apiVersion: 'agent-install.openshift.io/v1beta1', kind: 'InfraEnv', namespace: h.spec.infraEnv.namespace, name: h.spec.infraEnv.name });
    const status = bmh?.status ?? {};
    checks.ok(`${at} BareMetalHost ${ref.name}: provisioned from its InfraEnv's ISO (BMAC's image URL), detached`,
      status.provisioning?.state === 'provisioned' && status.poweredOn === true && !!bmh.spec.image?.url
        && bmh.spec.image.url === infraEnv?.status?.isoDownloadURL && status.provisioning.image?.url === bmh.spec.image.url
        && status.operationalStatus === 'detached' && bmh.metadata.annotations?.['baremetalhost.metal3.io/detached'] !== undefined,
      `state ${status.provisioning?.state}, operationalStatus ${status.operationalStatus}, image ${bmh?.spec?.image ? 'set' : 'none'}`);
  }
  const agents: any[] = await hub.list('agent-install.openshift.io/v1beta1', 'Agent', { labelSelector: swarmSelector(config.name) });
  for (const h of bmhHosts) {
    const agent = agents.find((a) => a.metadata.name === h.spec.hostId);
    checks.ok(`${at} Agent ${h.spec.hostname} matched by BMAC to its BareMetalHost`, agent?.metadata?.labels?.['agent-install.openshift.io/bmh'] === h.spec.bareMetalHost!.name,
      JSON.stringify(agent?.metadata?.labels ?? {}));
  }
}

function readdirSyncSafe(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir) : [];
}

/** Files of 1 MiB or more under `dir`: an ISO the runner kept would be one. */
function bigFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && statSync(join(e.parentPath, e.name)).size >= 1024 * 1024)
    .map((e) => join(e.parentPath, e.name));
}

function checkReport(at: string, dir: string, dist: string) {
  const json = readFileSync(join(dir, 'report.json'), 'utf8');
  const record = JSON.parse(json) as Pick<RunRecord, 'hosts' | 'clusters'> & { summary: RunSummary };
  checks.ok(`${at} report: every cluster installed`, record.clusters.every((c) => c.outcome === 'installed'),
    record.clusters.map((c) => `${c.name}:${c.outcome}`).join(' '));
  checks.ok(`${at} report: ended done`, record.summary.endReason === 'done', String(record.summary.endReason));
  // The bootstrap host of each multi-control-plane cluster had its installer played (docs/upstream-gaps.md, gap 3).
  const played = record.hosts.filter((h) => h.played).map((h) => h.cluster).sort();
  checks.ok(`${at} report: the bootstrap hosts of bmh-multi-1, compact-1 and multi-1 are listed as played`, played.join() === 'bmh-multi-1,compact-1,multi-1', played.join());
  const summary = readFileSync(join(dir, 'summary.md'), 'utf8');
  checks.ok(`${at} report holds no token`, !/eyJ[\w-]+\.[\w-]+\./.test(summary + json));
  // The service's side, sampled from its /metrics during the run.
  const service = record.summary.service;
  // With faults the service was down on purpose: that shows as restarts or time without data.
  checks.ok(`${at} report: the service's requests per route, CPU and memory, ${faulted ? 'its restarts or time without data' : 'no time without data'}`,
    !!service && service.all.requests > 0 && service.routes.length > 0 && (service.cpu.peak ?? 0) > 0 && (service.memory.peak ?? 0) > 0 &&
      (faulted ? service.restarts + service.gaps.length > 0 : service.gaps.length === 0),
    JSON.stringify(service && { requests: service.all.requests, routes: service.routes.length, cpu: service.cpu, memory: service.memory, gaps: service.gaps }));
  checks.ok(`${at} report: summary.md has the service section`, /^## The service$/m.test(summary) && /^\| `[A-Z]+ \/[^`]+` \| /m.test(summary));
  const html = existsSync(join(dir, 'report.html')) ? readFileSync(join(dir, 'report.html'), 'utf8') : '';
  // The faulted run's report is a re-run's: its hosts, all adopted, have no container start in it,
  // so no phase histograms (4 of the 12 charts).
  checks.ok(`${at} report: report.html with its charts`, (html.match(/<figure class="chart"/g)?.length ?? 0) >= (faulted ? 8 : 12), `${html.match(/<figure class="chart"/g)?.length ?? 0} charts`);
  checks.ok(`${at} report: the thresholds of the config checked, none crossed`,
    record.summary.thresholds.length > 0 && record.summary.thresholds.every((t) => t.status !== 'crossed'),
    record.summary.thresholds.map((t) => `${t.text}: ${t.status}`).join('; '));
  // The image-service load: every host fetched its ISO in full before it booted.
  const hosts = readLaunchPlans(dist).fakeHosts;
  const downloads = (JSON.parse(json) as { downloads: RunRecord['downloads'] }).downloads;
  const sizes = new Set(downloads.map((d) => d.bytes));
  // The faulted run's report is the second apply's: hosts that booted under the first are not in it.
  checks.ok(`${at} report: every host ${faulted ? 'that booted under this apply ' : ''}downloaded its ISO in full, once, with no error`,
    (faulted ? downloads.length <= hosts.length && new Set(downloads.map((d) => d.hostname)).size === downloads.length : downloads.length === hosts.length) && downloads.every((d) => d.error === null && d.mode === 'full' && d.status === 200) && (faulted && !downloads.length || sizes.size === 1 && [...sizes][0]! > 1024 * 1024),
    `${downloads.length} downloads of ${hosts.length} hosts, sizes ${[...sizes].join(',')}, errors ${downloads.filter((d) => d.error).map((d) => d.error).join(',')}`);
  checks.ok(`${at} report: BMH hosts downloaded from their BareMetalHost, the others from their InfraEnv`,
    downloads.every((d) => (hosts.find((h) => h.spec.hostname === d.hostname)?.spec.boot === 'bmh') === (d.source === 'bare-metal-host')));
  const bmhHosts = new Set(hosts.filter((h) => h.spec.boot === 'bmh').map((h) => h.spec.hostname));
  const patched = record.hosts.filter((h) => bmhHosts.has(h.hostname) && h.patches > 0).map((h) => h.hostname);
  checks.ok(`${at} report: the runner patched no BMH host's Agent (BMAC does)`, patched.length === 0, patched.join(' '));
  if (downloads.length) checks.ok(`${at} report: the ISO downloads in summary.md`, summary.includes(`${downloads.length} downloads (mode full): ${downloads.length} succeeded, 0 failed`));
}

/** The spare pool host's container, or with --engine kubernetes its pod on the e2e hub's node. */
function crashTarget(container: string | undefined): CrashTarget | null {
  if (!container) return null;
  return kubernetes ? { engine: 'kubernetes', namespace: podNamespace(config), pod: podName(container), containerdSocket } : { engine: 'docker', container };
}

/**
 * After the faulted apply: every fault happened; nothing twice (hosts in the service's database,
 * Agents on the hub, containers on the engine); the report shows the second apply adopting the
 * first's containers, the crashed container's restart, the service's restarts and the runner's
 * failed requests.
 */
async function checkFaulted(at: string, dist: string, faults: FaultLog, out: string) {
  const did = (fault: string, done: RegExp) => faults.events.some((e) => e.fault === fault && done.test(e.detail));
  checks.ok(`${at} faults: apply SIGKILLed half-way and run again`, did('apply SIGKILL', /killed with/));
  checks.ok(`${at} faults: a fake host's container crashed and restarted within the restart cap`, did('container crash', /restarted by the engine/));
  checks.ok(`${at} faults: the service restarted, ready and leading again`, did('service restart', /ready and leading/));
  checks.ok(`${at} faults: PostgreSQL restarted`, did('PostgreSQL restart', /started again/));
  checks.ok(`${at} faults: the hub's kube-apiserver restarted`, did('kube-apiserver restart', /started again/));
  const failed = faults.events.filter((e) => e.fault === 'fault failed');
  checks.ok(`${at} faults: each one waited out`, failed.length === 0, failed.map((e) => e.detail).join('; '));

  const hosts = readLaunchPlans(dist).fakeHosts;
  const perHost = kubernetes ? await podsPerHost(hub, config.name, podNamespace(config)) : await containersPerHost(docker, config.name);
  const wrong = hosts.filter((h) => perHost.get(h.spec.hostname)?.length !== 1).map((h) => `${h.spec.hostname}: ${perHost.get(h.spec.hostname)?.length ?? 0}`);
  const strangers = [...perHost.keys()].filter((k) => !hosts.some((h) => h.spec.hostname === k));
  checks.ok(`${at} one ${kubernetes ? 'pod' : 'container'} per fake host, none twice`, wrong.length === 0 && strangers.length === 0, [...wrong, ...strangers].join(' '));
  const agents = await duplicateAgents(hub, config.name);
  checks.ok(`${at} no Agent twice (by host id or hostname)`, agents.length === 0, agents.join('; '));
  const infraEnvIds = await infraEnvIdsOf();
  const db = await duplicateHosts(E2E_HUB_ENV, infraEnvIds);
  checks.ok(`${at} the service's database: every host once (by id, hostname, MAC per infra-env)`,
    db.rows === hosts.length && db.twice.length === 0, `${db.rows} host rows for ${hosts.length} hosts; ${db.twice.join('; ')}`);

  const reportDir = /report in (\S+)/.exec(out)?.[1];
  if (!reportDir) return;
  const record = JSON.parse(readFileSync(join(REPO_ROOT, reportDir, 'report.json'), 'utf8')) as { summary: RunSummary };
  const s = record.summary;
  checks.ok(`${at} report: the second apply adopted the first's containers`, s.hosts.adopted > 0, `${s.hosts.adopted} adopted`);
  checks.ok(`${at} report: the crashed container's restart counted`, s.hosts.restarts >= 1, `${s.hosts.restarts} restarts`);
  // The runner's watches fail while the API server restarts, and count.
  checks.ok(`${at} report: the runner's failed requests to the hub counted`, (s.runner?.apiErrors.hub ?? 0) > 0, JSON.stringify(s.runner));
  console.log(`${at} report of the faulted apply: service restarts ${s.service?.restarts}, time without data ` +
    `${JSON.stringify(s.service?.gaps ?? [])}, container restarts ${s.hosts.restarts}, adopted ${s.hosts.adopted}, ` +
    `runner's failed requests ${JSON.stringify(s.runner?.apiErrors ?? null)}, thresholds ${s.thresholds.map((t) => `${t.text}: ${t.status}`).join('; ')}`);
}

/** The service's ids of the swarm's InfraEnvs (their eventsURL's infra_env_id). */
async function infraEnvIdsOf(): Promise<string[]> {
  const infraEnvs: any[] = await hub.list('agent-install.openshift.io/v1beta1', 'InfraEnv', { labelSelector: swarmSelector(config.name) });
  return infraEnvs.map((ie) => /infra_env_id=([0-9a-f-]{36})/.exec(ie.status?.debugInfo?.eventsURL ?? '')?.[1]).filter((id): id is string => !!id);
}

async function clusterIdsOf(dist: string): Promise<string[]> {
  const ids: string[] = [];
  for (const c of readLaunchPlans(dist).controllers) {
    const aci: any = await hub.get({ apiVersion: 'extensions.hive.openshift.io/v1beta1', kind: 'AgentClusterInstall', namespace: c.spec.agentClusterInstall.namespace, name: c.spec.agentClusterInstall.name });
    const id = /cluster_id=([0-9a-f-]{36})/.exec(aci?.status?.debugInfo?.eventsURL ?? '')?.[1];
    if (id) ids.push(id);
  }
  return ids;
}

/** The ConfigMap the AgentServiceConfig's annotation names for the service; null without one. */
async function serviceConfigMapOf(): Promise<string | null> {
  const asc: any = await hub.get(ASC);
  return asc?.metadata?.annotations?.[CONFIGMAP_ANNOTATION] ?? null;
}

/** No container (or pod, launch Secret, file ConfigMap), no swarm object, no hub patch left; the clusters and infra-envs deregistered in the service. */
async function checkGone(at: string, clusterIds: string[], infraEnvIds: string[], ascBefore: string | null) {
  const containers = await docker.listContainers({ all: true, filters: { label: [`assisted-swarm.io/swarm=${config.name}`] } });
  checks.ok(`${at} no container of the swarm left`, containers.length === 0, containers.map((c) => c.Names[0]).join(' '));
  if (kubernetes) {
    // The pods go with their grace period; what the engine made for them goes at once.
    const pods = await waitForNone(() => hub.list('v1', 'Pod', { labelSelector: swarmSelector(config.name) }));
    checks.ok(`${at} no pod of the swarm left`, pods.length === 0, pods.map((p) => p.metadata.name).join(' '));
  }
  for (const [apiVersion, kind] of SWARM_KINDS) {
    // The pods' namespace (--engine kubernetes) goes once its pods have.
    const left = await waitForNone(() => hub.list(apiVersion, kind, { labelSelector: swarmSelector(config.name) }));
    checks.ok(`${at} no ${kind} of the swarm left`, left.length === 0, left.map((o) => o.metadata.name).join(' '));
  }
  const ascAfter = await serviceConfigMapOf();
  checks.ok(`${at} the AgentServiceConfig annotation is as it was before apply (${ascBefore ?? 'none'})`, ascAfter === ascBefore, `${ascAfter}`);
  if (localHub) {
    const deleted = await deregisteredClusters(E2E_HUB_ENV, clusterIds);
    checks.ok(`${at} every cluster deregistered in the service`, deleted.length === clusterIds.length, `${deleted.length}/${clusterIds.length}`);
    const left = await infraEnvsLeft(E2E_HUB_ENV, infraEnvIds);
    checks.ok(`${at} no infra-env (discovery image) left in the service`, infraEnvIds.length > 0 && left.length === 0, `${left.length} of ${infraEnvIds.length} left`);
  }
}

/** What `list` finds, once it finds nothing or after 60 s. */
async function waitForNone<T>(list: () => Promise<T[]>): Promise<T[]> {
  for (let i = 0; i < 120; i++) {
    const found = await list();
    if (!found.length) return found;
    await new Promise((r) => setTimeout(r, 500));
  }
  return list();
}

const reports: Record<string, string | null> = {};
for (const auth of modes) reports[auth] = await runMode(auth);
await sentinel.close();
// As the hub was: the service's normal settings (AUTH_TYPE none, no image service, ENABLE_METAL3=false).
if (localHub && !opts.keep) checks.ok('service restarted with its normal settings', (await restartService('none')) === 0);

if (opts.example && reports.none) {
  const target = resolve(opts.example);
  mkdirSync(target, { recursive: true });
  cpSync(join(REPO_ROOT, reports.none, 'summary.md'), join(target, 'e2e-report.md'));
  cpSync(join(REPO_ROOT, reports.none, 'report.json'), join(target, 'e2e-report.json'));
  cpSync(join(REPO_ROOT, reports.none, 'report.html'), join(target, 'e2e-report.html'));
  await screenshot(join(target, 'e2e-report.html'), join(target, 'e2e-report.png'));
  console.log(`example report copied to ${target} (e2e-report.md, .json, .html, and a screenshot: e2e-report.png)`);
}
process.exitCode = checks.summary() ? 0 : 1;
