// A fake host that arrives as a BareMetalHost (`boot: 'bmh'`), as hosts do through ACM/ZTP: the
// BareMetalHost that the service's BMH agent controller (BMAC) selects by its InfraEnv label and
// matches to the host's Agent by MAC, and the BMC credentials Secret it names. BMAC then approves,
// names, places and binds the Agent and attaches the InfraEnv's ISO; no Bare Metal Operator runs,
// the runner plays its part (lib/runner/players/bare-metal.ts).
import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { BareMetalHost, BareMetalHostSpecAutomatedCleaningMode } from './imports/metal3.io.ts';
import type { FakeHost, ObjectRef, Swarm } from '../swarm/model.ts';
import {
  BMAC_ANNOTATION, bareMetalHostName, bmcAddress, bmcSecretName, INFRA_ENV_LABEL, METAL3_ANNOTATION, PAUSED_BY, PLACEHOLDER_BMC_CREDENTIALS,
} from '../swarm/bare-metal.ts';
import { ANNOTATION, LABEL } from '../swarm/labels.ts';
import { swarmMetadata } from './metadata.ts';

export interface SwarmBareMetalHostProps {
  /** The fake host: its name, MAC, role and InfraEnv. */
  readonly host: FakeHost;
  /** Labels of the host's owner (its cluster, or its pool), put on both objects. */
  readonly labels: Record<string, string>;
  /**
   * The ClusterDeployment BMAC binds the host's Agent to, for a pool host a cluster takes
   * (annotation bmac.agent-install.openshift.io/cluster-reference).
   * @default none: the host stays unbound, or its InfraEnv binds it
   */
  readonly bindTo?: ObjectRef;
}

const base64 = (text: string) => Buffer.from(text).toString('base64');

export class SwarmBareMetalHost extends Construct {
  constructor(scope: Construct, id: string, swarm: Swarm, props: SwarmBareMetalHostProps) {
    super(scope, id);
    const { host } = props;
    const namespace = host.infraEnv.namespace;
    const labels = { ...props.labels, [LABEL.host]: host.hostname };

    new ApiObject(this, 'bmc-secret', {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: swarmMetadata(swarm, {
        name: bmcSecretName(host),
        namespace,
        labels,
        annotations: { [ANNOTATION.bmcCredentials]: 'placeholder credentials: there is no BMC behind this host, nothing dials its address' },
      }),
      type: 'Opaque',
      data: { username: base64(PLACEHOLDER_BMC_CREDENTIALS.username), password: base64(PLACEHOLDER_BMC_CREDENTIALS.password) },
    });

    new BareMetalHost(this, 'bare-metal-host', {
      metadata: swarmMetadata(swarm, {
        name: bareMetalHostName(host),
        namespace,
        labels: { ...labels, [INFRA_ENV_LABEL]: host.infraEnv.name },
        annotations: {
          [BMAC_ANNOTATION.hostname]: host.hostname,
          ...(host.role !== 'auto-assign' ? { [BMAC_ANNOTATION.role]: host.role } : {}),
          ...(props.bindTo ? { [BMAC_ANNOTATION.clusterReference]: `${props.bindTo.namespace}/${props.bindTo.name}` } : {}),
          // As ZTP's BareMetalHosts: no inspection (the agent's inventory stands for it).
          [METAL3_ANNOTATION.inspect]: 'disabled',
          [METAL3_ANNOTATION.paused]: PAUSED_BY,
        },
      }),
      spec: {
        bootMacAddress: host.macAddress,
        online: true,
        // BMAC turns cleaning off when it is on (it needs Ironic's agent, which the non-converged flow lacks).
        automatedCleaningMode: BareMetalHostSpecAutomatedCleaningMode.DISABLED,
        bmc: { address: bmcAddress(host), credentialsName: bmcSecretName(host), disableCertificateVerification: true },
      },
    });
  }
}
