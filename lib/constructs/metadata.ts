// Object metadata with the swarm's labels merged in, so no construct forgets them.
import type { Swarm } from '../swarm/model.ts';
import { swarmLabels } from '../swarm/labels.ts';

export interface MetadataProps {
  name: string;
  namespace?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

export function swarmMetadata(swarm: Swarm, props: MetadataProps) {
  const annotations = props.annotations && Object.keys(props.annotations).length ? props.annotations : undefined;
  return {
    name: props.name,
    ...(props.namespace ? { namespace: props.namespace } : {}),
    labels: { ...props.labels, ...swarmLabels(swarm.name) },
    ...(annotations ? { annotations } : {}),
  };
}
