// The ClusterImageSet every cluster of the swarm installs: one release, shared.
import { Construct } from 'constructs';
import { ClusterImageSet } from './imports/hive.openshift.io.ts';
import type { Swarm } from '../swarm/model.ts';
import { swarmMetadata } from './metadata.ts';

export class SwarmImageSet extends Construct {
  constructor(scope: Construct, id: string, swarm: Swarm) {
    super(scope, id);
    new ClusterImageSet(this, 'image-set', {
      metadata: swarmMetadata(swarm, { name: swarm.imageSetName }),
      spec: { releaseImage: swarm.config.release.releaseImage },
    });
  }
}
