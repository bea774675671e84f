// Which kubeconfig and context reach the hub: --kubeconfig, then the config's hub.kubeconfig,
// then $KUBECONFIG, then ~/.kube/config; --context, then hub.context, then the file's own
// current-context. Every way this can go wrong ends in a message that names the file.
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { UserError } from '../config/errors.ts';

export interface KubeConfigChoice {
  /** --kubeconfig */
  kubeconfig?: string | null;
  /** --context */
  context?: string | null;
}

export interface LoadedKubeConfig {
  kubeConfig: KubeConfig;
  /** Where it came from, for messages: a path (or several, from $KUBECONFIG). */
  source: string;
  context: string;
  /** The API server's URL. */
  server: string;
}

function pickFiles(flags: KubeConfigChoice, hub: KubeConfigChoice): { files: string[]; why: string } {
  if (flags.kubeconfig) return { files: [resolve(flags.kubeconfig)], why: '--kubeconfig' };
  if (hub.kubeconfig) return { files: [resolve(hub.kubeconfig)], why: 'hub.kubeconfig in the config' };
  const env = process.env.KUBECONFIG;
  if (env) return { files: env.split(delimiter).filter(Boolean).map((f) => resolve(f)), why: '$KUBECONFIG' };
  return { files: [join(homedir(), '.kube', 'config')], why: 'the default ~/.kube/config' };
}

/** Loads the hub's kubeconfig; `hub` is the config's `hub` section (kubeconfig, context). */
export function loadKubeConfig(flags: KubeConfigChoice = {}, hub: KubeConfigChoice = {}): LoadedKubeConfig {
  const { files, why } = pickFiles(flags, hub);
  const present = files.filter((f) => existsSync(f));
  const source = files.join(delimiter);
  if (!present.length) {
    throw new UserError(`no kubeconfig at ${source} (from ${why}): pass --kubeconfig, set hub.kubeconfig or $KUBECONFIG`);
  }
  const kubeConfig = new KubeConfig();
  try {
    if (present.length === 1) kubeConfig.loadFromFile(present[0]!);
    else {
      // Several files merge as kubectl merges them (the first to name a thing wins).
      const saved = process.env.KUBECONFIG;
      process.env.KUBECONFIG = present.join(delimiter);
      try { kubeConfig.loadFromDefault(); } finally { process.env.KUBECONFIG = saved; }
    }
  } catch (err) {
    throw new UserError(`cannot read kubeconfig ${source}: ${(err as Error).message.split('\n')[0]}`);
  }

  const context = flags.context ?? hub.context ?? kubeConfig.getCurrentContext();
  const known = kubeConfig.getContexts().map((c) => c.name);
  if (!context) throw new UserError(`kubeconfig ${source} has no current-context: pass --context (contexts: ${known.join(', ') || 'none'})`);
  if (!known.includes(context)) {
    throw new UserError(`kubeconfig ${source} has no context "${context}" (contexts: ${known.join(', ') || 'none'})`);
  }
  kubeConfig.setCurrentContext(context);
  const cluster = kubeConfig.getCurrentCluster();
  if (!cluster?.server) throw new UserError(`kubeconfig ${source}: context "${context}" names no cluster with a server`);
  return { kubeConfig, source, context, server: cluster.server };
}

/** For an already built KubeConfig (tests, the runner): the same summary loadKubeConfig gives. */
export function describeKubeConfig(kubeConfig: KubeConfig, source = '(in memory)'): LoadedKubeConfig {
  const cluster = kubeConfig.getCurrentCluster();
  if (!cluster?.server) throw new UserError(`kubeconfig ${source}: the current context names no cluster with a server`);
  return { kubeConfig, source, context: kubeConfig.getCurrentContext(), server: cluster.server };
}
