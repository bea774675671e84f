// The service's CA for a cluster's controller: where its launch plan's CA_CERT_PATH points
// (set at synth when hub.tls.caFile is, lib/swarm/containers.ts), the certificate of
// hub.tls.caFile, read when the controller starts. The CA is public; nothing secret goes here.
import { readFileSync } from 'node:fs';
import type { SwarmConfig } from '../config/types.ts';
import type { FileToWrite } from '../engine/engine.ts';

export function controllerCaFiles(hub: SwarmConfig['hub'], env: Record<string, string>): FileToWrite[] {
  const path = env.CA_CERT_PATH;
  if (!path) return [];
  if (!hub.tls.caFile) throw new Error(`its launch plan has CA_CERT_PATH ${path} but hub.tls.caFile is not set: run \`npm run synth\` again`);
  try {
    return [{ path, content: readFileSync(hub.tls.caFile, 'utf8') }];
  } catch (e) {
    throw new Error(`hub.tls.caFile ${hub.tls.caFile}: ${(e as Error).message}`);
  }
}
