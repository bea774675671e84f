// Reading dist/: what plan, apply, the runner and diff work from.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { UserError } from '../config/errors.ts';
import { HUB_DIR, KUBERNETES_DIR, LAUNCH_DIR } from '../constructs/dirs.ts';
import { CONTAINER_ANNOTATION } from '../swarm/kubernetes.ts';
import type { ClusterHostsFileDoc, DryRunControllerDoc, FakeHostDoc, KubeObject, LaunchOrderDoc, LaunchPlans } from './types.ts';

function readYamlDir(dir: string): KubeObject[] {
  if (!existsSync(dir)) throw new UserError(`${dir} does not exist: run \`npm run synth\` first`);
  return readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort().flatMap((file) => {
    const docs = parseAllDocuments(readFileSync(join(dir, file), 'utf8'));
    return docs.map((doc) => {
      if (doc.errors.length) throw new UserError(`${join(dir, file)}: ${doc.errors[0]!.message}`);
      return doc.toJS() as KubeObject;
    }).filter(Boolean);
  });
}

/** Every hub object of dist/hub, in file order. */
export function readHubObjects(dist: string): KubeObject[] {
  return readYamlDir(join(dist, HUB_DIR));
}

/**
 * The pods of dist/kubernetes (a swarm whose hosts run on Kubernetes), by the launch-plan
 * container each runs (its annotation); empty when there are none.
 */
export function readWorkloads(dist: string): Map<string, KubeObject> {
  const dir = join(dist, KUBERNETES_DIR);
  if (!existsSync(dir)) return new Map();
  return new Map(readYamlDir(dir).filter((o) => o.kind === 'Pod').map((o) => [o.metadata.annotations?.[CONTAINER_ANNOTATION] ?? o.metadata.name, o]));
}

/** The launch plans of dist/launch. */
export function readLaunchPlans(dist: string): LaunchPlans {
  const docs = readYamlDir(join(dist, LAUNCH_DIR)) as unknown as (LaunchOrderDoc | ClusterHostsFileDoc | DryRunControllerDoc | FakeHostDoc)[];
  const order = docs.find((d): d is LaunchOrderDoc => d.kind === 'LaunchOrder');
  if (!order) throw new UserError(`${join(dist, LAUNCH_DIR)} has no LaunchOrder: run \`npm run synth\``);
  return {
    order,
    clusterHosts: docs.filter((d): d is ClusterHostsFileDoc => d.kind === 'ClusterHostsFile'),
    controllers: docs.filter((d): d is DryRunControllerDoc => d.kind === 'DryRunController'),
    fakeHosts: docs.filter((d): d is FakeHostDoc => d.kind === 'FakeHost'),
  };
}
