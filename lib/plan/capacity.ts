// Plan's warning before a run that will not fit: the fake hosts against what the engines offer.
// Memory: hosts × runtime.hostMemoryEstimateMiB (what a live fake host takes, from the density
// benchmark) against the engines' memory (a Docker host's, a Kubernetes cluster's allocatable).
// On Kubernetes also what the scheduler counts: every pod's requests against the allocatable
// CPU and memory, and the pods against the nodes' pod cap; what does not fit stays Pending.
import type { SwarmConfig } from '../config/types.ts';
import type { LaunchPlans } from '../dist/types.ts';
import type { ContainerEngine } from '../engine/engine.ts';

const GiB = 2 ** 30;
const MiB = 2 ** 20;
const gib = (bytes: number) => `${(bytes / GiB).toFixed(1)} GiB`;

export async function capacityWarnings(engines: ContainerEngine, config: SwarmConfig, launch: LaunchPlans): Promise<string[]> {
  const hosts = launch.fakeHosts.length;
  if (!hosts) return [];
  const capacity = await engines.capacity();
  if (!capacity) return [];
  const { runtime } = config;
  const warnings: string[] = [];
  const estimate = hosts * runtime.hostMemoryEstimateMiB * MiB;
  if (estimate > capacity.memoryBytes) {
    warnings.push(`${hosts} fake hosts take about ${gib(estimate)} (runtime.hostMemoryEstimateMiB: ${runtime.hostMemoryEstimateMiB} MiB each), ` +
      `more than the ${gib(capacity.memoryBytes)} that ${engines.name} offers: the run will not fit; add engines or nodes, or run fewer hosts`);
  }
  const k8s = runtime.kubernetes;
  if (!k8s) return warnings;
  // The limits cap the requests (lib/constructs/workloads.ts).
  const pods = hosts + launch.controllers.length;
  const memory = pods * Math.min(k8s.requests.memoryMiB, runtime.memoryMiB) * MiB;
  const cpus = pods * Math.min(k8s.requests.cpus, runtime.cpus);
  const over: string[] = [];
  if (memory > capacity.memoryBytes) over.push(`memory requests ${gib(memory)} > allocatable ${gib(capacity.memoryBytes)}`);
  if (cpus > capacity.cpus) over.push(`CPU requests ${cpus.toFixed(2)} > allocatable ${capacity.cpus}`);
  if (capacity.pods !== undefined && pods > capacity.pods) over.push(`${pods} pods > the nodes' cap of ${capacity.pods}`);
  if (over.length) {
    warnings.push(`${pods} pods (fake hosts and controllers) do not fit the nodes of ${engines.name}: ${over.join('; ')}; ` +
      'the scheduler leaves the rest Pending (runtime.kubernetes.requests, nodeSelector, or more nodes)');
  }
  return warnings;
}
