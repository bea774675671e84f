// The service's settings for a swarm, as a ConfigMap in the service's namespace. The
// AgentServiceConfig's `unsupported.agent-install.openshift.io/assisted-service-configmap`
// annotation names it, and the service then reads every key as an environment variable
// (that annotation is a hub patch: patches/).
import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import type { Swarm } from '../swarm/model.ts';
import { ANNOTATION } from '../swarm/labels.ts';
import { swarmMetadata } from './metadata.ts';

export const SERVICE_CONFIGMAP_ANNOTATION = 'unsupported.agent-install.openshift.io/assisted-service-configmap';

export function serviceTuningName(swarm: Swarm): string {
  return `${swarm.name}-service-tuning`;
}

/** The settings, by environment variable name. */
export function serviceSettings(swarm: Swarm): Record<string, string> {
  const { hub, images, serviceTuning: tuning } = swarm.config;
  const skipCert = tuning.skipCertVerification ?? (hub.tls.insecure || hub.serviceUrl.startsWith('http://'));
  return {
    AUTH_TYPE: tuning.authType ?? hub.auth,
    SKIP_CERT_VERIFICATION: String(skipCert),
    HW_VALIDATOR_REQUIREMENTS: JSON.stringify(tuning.hwValidatorRequirements),
    AGENT_DOCKER_IMAGE: images.agent,
    INSTALLER_IMAGE: images.installer,
    CONTROLLER_IMAGE: images.controller,
    ...tuning.extra,
  };
}

export class ServiceTuning extends Construct {
  constructor(scope: Construct, id: string, swarm: Swarm) {
    super(scope, id);
    const settings = serviceSettings(swarm);
    new ApiObject(this, 'config-map', {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: swarmMetadata(swarm, {
        name: serviceTuningName(swarm),
        namespace: swarm.config.hub.serviceNamespace,
        annotations: { [ANNOTATION.readBy]: `AgentServiceConfig agent, annotation ${SERVICE_CONFIGMAP_ANNOTATION}` },
      }),
      data: Object.fromEntries(Object.keys(settings).sort().map((k) => [k, settings[k]!])),
    });
  }
}
