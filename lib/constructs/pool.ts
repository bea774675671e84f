// A late-binding pool: an InfraEnv with no cluster. Its hosts register and wait; the runner
// binds those that the config gives to a cluster (Agent spec.clusterDeploymentName).
import { Construct } from 'constructs';
import type { Pool, Swarm } from '../swarm/model.ts';
import { SwarmInfraEnv } from './infra-env.ts';
import { LABEL } from '../swarm/labels.ts';
import { SwarmNamespace } from './namespace.ts';
import { PullSecret } from './pull-secret.ts';

export class SwarmPool extends Construct {
  constructor(scope: Construct, id: string, swarm: Swarm, pool: Pool) {
    super(scope, id);
    const labels = { [LABEL.pool]: pool.name };
    new SwarmNamespace(this, 'namespace', swarm, pool.namespace, labels);
    new PullSecret(this, 'pull-secret', swarm, pool.namespace, labels);
    new SwarmInfraEnv(this, 'infra-env', swarm, {
      ref: pool.infraEnv,
      clusterRef: null,
      labels,
      infraEnvLabels: pool.infraEnvLabels,
      agentLabels: pool.agentLabels,
      staticNetworking: pool.staticNetworking,
      imageType: pool.imageType,
      hosts: pool.hosts,
    });
  }
}
