// A namespace of the swarm's own: one per cluster and per pool.
import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import type { Swarm } from '../swarm/model.ts';
import { swarmMetadata } from './metadata.ts';

export class SwarmNamespace extends Construct {
  constructor(scope: Construct, id: string, swarm: Swarm, name: string, labels: Record<string, string>) {
    super(scope, id);
    new ApiObject(this, 'namespace', {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: swarmMetadata(swarm, { name, labels }),
    });
  }
}
