// The pull secret as a reference: dist/ says where the value comes from, never the value.
// `apply` reads the file or variable named in the annotation and fills `.dockerconfigjson`.
import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import type { Swarm } from '../swarm/model.ts';
import { ANNOTATION } from '../swarm/labels.ts';
import { swarmMetadata } from './metadata.ts';

export const PULL_SECRET_NAME = 'pull-secret';

export function pullSecretSource(swarm: Swarm): string {
  const ref = swarm.config.pullSecret;
  return ref.env !== null ? `env:${ref.env}` : `file:${ref.file}`;
}

export class PullSecret extends Construct {
  constructor(scope: Construct, id: string, swarm: Swarm, namespace: string, labels: Record<string, string>) {
    super(scope, id);
    new ApiObject(this, 'secret', {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: swarmMetadata(swarm, {
        name: PULL_SECRET_NAME,
        namespace,
        labels,
        annotations: { [ANNOTATION.pullSecretFrom]: pullSecretSource(swarm) },
      }),
      type: 'kubernetes.io/dockerconfigjson',
    });
  }
}
