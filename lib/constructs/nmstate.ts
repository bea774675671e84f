// Static networking: one NMStateConfig per host, giving its NIC (by MAC) the planned address.
// The InfraEnv selects them by label; the service turns them into the hosts' network config.
import { Construct } from 'constructs';
import { NmStateConfig } from './imports/agent-install.openshift.io.ts';
import type { FakeHost, ObjectRef, Swarm } from '../swarm/model.ts';
import { LABEL } from '../swarm/labels.ts';
import { swarmMetadata } from './metadata.ts';

export const NIC = 'eth0';

export function nmstateSelector(infraEnv: ObjectRef): Record<string, string> {
  return { [LABEL.nmstateFor]: infraEnv.name };
}

export class HostNetworkConfig extends Construct {
  constructor(scope: Construct, id: string, swarm: Swarm, host: FakeHost, labels: Record<string, string>) {
    super(scope, id);
    new NmStateConfig(this, 'nmstate', {
      metadata: swarmMetadata(swarm, {
        name: host.hostname,
        namespace: host.infraEnv.namespace,
        labels: { ...labels, ...nmstateSelector(host.infraEnv) },
      }),
      spec: {
        config: {
          interfaces: [{
            name: NIC,
            type: 'ethernet',
            state: 'up',
            'mac-address': host.macAddress,
            ipv4: { enabled: true, dhcp: false, address: [{ ip: host.ip, 'prefix-length': host.prefixLength }] },
            ipv6: { enabled: false },
          }],
          'dns-resolver': { config: { server: [host.gateway] } },
          routes: { config: [{ destination: '0.0.0.0/0', 'next-hop-address': host.gateway, 'next-hop-interface': NIC }] },
        },
        interfaces: [{ name: NIC, macAddress: host.macAddress }],
      },
    });
  }
}
