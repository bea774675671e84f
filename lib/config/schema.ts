// The JSON Schema of swarm.config.ts, written with TypeBox so that the schema and the
// TypeScript type are one thing. ajv checks a config against it at run time (lib/config/load.ts)
// and fills every `default`. Rule kept by a test: every optional field has a default
// (null where "unset" is meaningful), so a loaded config has no undefined fields.
import { Type, type TSchema, type Static } from '@sinclair/typebox';
import { THRESHOLD_METRIC_PATTERN } from './thresholds.ts';

/** An object that rejects unknown fields (a typo in a config must not pass silently). */
const Obj = <T extends Parameters<typeof Type.Object>[0]>(props: T, options: object = {}) =>
  Type.Object(props, { additionalProperties: false, ...options });

/** A string that must be one of `values` (one error line listing them, unlike anyOf). */
const OneOf = <const T extends readonly string[]>(values: T, options: object = {}) =>
  Type.Unsafe<T[number]>({ type: 'string', enum: [...values], ...options });

/** `schema` or null. */
const OrNull = <T extends TSchema>(schema: T) =>
  Type.Unsafe<Static<T> | null>({
    ...schema,
    type: [schema.type as string, 'null'],
    ...(schema.enum ? { enum: [...schema.enum, null] } : {}),
  });

const Opt = <T extends TSchema>(schema: T, fallback: unknown) =>
  Type.Optional(Type.Unsafe<Static<T>>({ ...schema, default: fallback }));

const DNS_LABEL = '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$';
const DNS_SUBDOMAIN = '^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$';
const CIDR4 = '^(\\d{1,3}\\.){3}\\d{1,3}/\\d{1,2}$';
const ENV_NAME = '^[A-Za-z_][A-Za-z0-9_]*$';

// `expect` words an error for people where a bare regular expression would not.
const DnsLabel = (maxLength: number) =>
  Type.String({ pattern: DNS_LABEL, maxLength, expect: 'a DNS label: lowercase letters, digits and "-"' });
const Cidr = (example: string) =>
  Type.String({ pattern: CIDR4, expect: `an IPv4 CIDR such as ${example}` });

/** Kubernetes labels: qualified keys, values of at most 63 characters. */
const Labels = Type.Unsafe<Record<string, string>>({
  type: 'object',
  propertyNames: { pattern: '^([a-z0-9]([-a-z0-9.]*[a-z0-9])?/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$', maxLength: 316, expect: 'label keys: an optional DNS prefix and "/", then letters, digits, "-", "_", "."' },
  additionalProperties: { type: 'string', pattern: '^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?$', maxLength: 63 },
});

export const TOPOLOGIES = ['single-node', 'compact', 'multi-node'] as const;
/** How fake hosts arrive: as plain agents (the runner approves, names and binds their Agents), or as
 *  BareMetalHosts (the service's BMH agent controller does, and the runner plays the Bare Metal Operator). */
export const BOOTS = ['agent', 'bmh'] as const;
export const ISO_DOWNLOAD_MODES = ['none', 'head', 'full', 'range'] as const;
/** The InfraEnv's discovery ISO (spec.imageType): the whole RHCOS ISO, or one that fetches its rootfs at boot. */
export const IMAGE_TYPES = ['full-iso', 'minimal-iso'] as const;

const HwRequirement = Obj({
  cpu_cores: Type.Integer({ minimum: 1 }),
  ram_mib: Type.Integer({ minimum: 1 }),
  disk_size_gb: Type.Integer({ minimum: 1 }),
  installation_disk_speed_threshold_ms: Type.Integer({ minimum: 0 }),
  network_latency_threshold_ms: Type.Optional(Type.Number({ minimum: 0 })),
  packet_loss_percentage: Type.Optional(Type.Number({ minimum: 0, maximum: 100 })),
});

const HwRequirementsEntry = Obj({
  version: Type.String({ minLength: 1 }),
  match_type: Type.Optional(OneOf(['', 'exact', 'min_version'])),
  master: HwRequirement,
  arbiter: HwRequirement,
  worker: HwRequirement,
  sno: HwRequirement,
  'edge-worker': HwRequirement,
});

/** Low requirements that fake hosts in containers meet on an ordinary machine. */
const lowHw = {
  cpu_cores: 1, ram_mib: 1024, disk_size_gb: 10,
  installation_disk_speed_threshold_ms: 10, network_latency_threshold_ms: 1000, packet_loss_percentage: 100,
};
export const DEFAULT_HW_REQUIREMENTS = [
  { version: 'default', master: lowHw, arbiter: lowHw, worker: lowHw, sno: lowHw, 'edge-worker': lowHw },
];

/** Pre-generated public key: the service needs a well-formed one, and a public key is no secret. */
export const PLACEHOLDER_SSH_KEY =
  'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIF2DMzKgsnJ8eWTSgnBBS5kiGJ6h5KLBqu6XanF7bEAk assisted-swarm-placeholder';

const MachineNetwork = Obj({
  /** The IPv4 range this group's clusters take their machine networks from, in order. */
  cidr: Cidr('10.10.0.0/16'),
  /** Prefix length of each cluster's machine network; null: network.clusterPrefix. */
  clusterPrefix: Opt(OrNull(Type.Integer({ minimum: 8, maximum: 30 })), null),
});

const IgnoredValidations = Obj({
  /** Host validation ids for the `ignored-host-validations` annotation. */
  host: Opt(Type.Array(Type.String({ pattern: '^[a-z0-9-]+$', expect: 'a validation id such as no-ip-collisions-in-network' }), { uniqueItems: true }), []),
  /** Cluster validation ids for the `ignored-cluster-validations` annotation. */
  cluster: Opt(Type.Array(Type.String({ pattern: '^[a-z0-9-]+$', expect: 'a validation id such as no-ip-collisions-in-network' }), { uniqueItems: true }), []),
});

export const ClusterGroupSchema = Obj({
  /** Group name; clusters are named `<name>-1`, `<name>-2`, … */
  name: DnsLabel(40),
  topology: OneOf(TOPOLOGIES),
  /** How many clusters of this shape. */
  count: Opt(Type.Integer({ minimum: 1, maximum: 100000 }), 1),
  /** Workers per cluster; only for `multi-node`. */
  workers: Opt(Type.Integer({ minimum: 0, maximum: 1000 }), 0),
  baseDomain: Opt(Type.String({ pattern: DNS_SUBDOMAIN, maxLength: 200, expect: 'a DNS domain such as swarm.example.com' }), 'swarm.example.com'),
  /** This group's own range; null: slots of network.machineNetworks, after the groups and pools before it. */
  machineNetwork: Opt(OrNull(MachineNetwork), null),
  infraEnvLabels: Opt(Labels, {}),
  agentLabels: Opt(Labels, {}),
  /** One NMStateConfig per host, selected by the InfraEnv. */
  staticNetworking: Opt(Type.Boolean(), false),
  ignoreValidations: Opt(IgnoredValidations, { host: [], cluster: [] }),
  /** `spec.holdInstallation` of the AgentClusterInstall. */
  holdInstallation: Opt(Type.Boolean(), false),
  /** Late binding: take this group's hosts from the named pool instead of an own InfraEnv. */
  hostsFrom: Opt(OrNull(DnsLabel(63)), null),
  /** How the hosts arrive (agent | bmh); null: agent, or for a group with hostsFrom, as its pool's hosts do. */
  boot: Opt(OrNull(OneOf(BOOTS)), null),
  /** The InfraEnv's ISO (full-iso | minimal-iso), what isoDownload fetches; null: the service's ISO_IMAGE_TYPE. */
  imageType: Opt(OrNull(OneOf(IMAGE_TYPES)), null),
});

export const PoolSchema = Obj({
  name: DnsLabel(40),
  /** Hosts that boot into this InfraEnv, with no cluster. */
  hosts: Type.Integer({ minimum: 1, maximum: 100000 }),
  /** The pool's own machine network (clusters that take its hosts use it as theirs);
   *  null: carved from network.machineNetworks. */
  machineNetwork: Opt(OrNull(Obj({ cidr: Cidr('10.10.0.0/16') })), null),
  infraEnvLabels: Opt(Labels, {}),
  agentLabels: Opt(Labels, {}),
  staticNetworking: Opt(Type.Boolean(), false),
  /** How the pool's hosts arrive: as plain agents, or as BareMetalHosts. */
  boot: Opt(OneOf(BOOTS), 'agent'),
  /** The InfraEnv's ISO (full-iso | minimal-iso), what isoDownload fetches; null: the service's ISO_IMAGE_TYPE. */
  imageType: Opt(OrNull(OneOf(IMAGE_TYPES)), null),
});

/** The image-service load: every fake host fetches its ISO before it boots (lib/runner/iso-download.ts). */
const IsoDownload = Obj({
  /** none: no download; head: a HEAD request; full: the whole ISO; range: the bytes of `range`. */
  mode: Opt(OneOf(ISO_DOWNLOAD_MODES), 'none'),
  /** The Range header of mode range. */
  range: Opt(Type.String({ pattern: '^bytes=\\d+-\\d*$', expect: 'a byte range such as bytes=0-1048575' }), 'bytes=0-1048575'),
  /** Downloads in flight at most. */
  concurrency: Opt(Type.Integer({ minimum: 1, maximum: 1024 }), 8),
  /** Downloads started per second at most. */
  ratePerSecond: Opt(Type.Number({ exclusiveMinimum: 0, maximum: 1000 }), 10),
  /** A download not done in this many seconds is cut and counts as an error. */
  timeoutSeconds: Opt(Type.Number({ exclusiveMinimum: 0 }), 600),
  /** A download that receives nothing for this many seconds is cut and counts as an error. */
  idleSeconds: Opt(Type.Number({ exclusiveMinimum: 0 }), 30),
  /** Attempts after the first for a connection error, a cut or a 429/5xx answer (never for another 4xx). */
  retries: Opt(Type.Integer({ minimum: 0, maximum: 10 }), 2),
});

const Toleration = Obj({
  key: Opt(OrNull(Type.String({ minLength: 1 })), null),
  operator: Opt(OneOf(['Equal', 'Exists']), 'Equal'),
  value: Opt(OrNull(Type.String()), null),
  effect: Opt(OrNull(OneOf(['NoSchedule', 'PreferNoSchedule', 'NoExecute'])), null),
});

/** Fake hosts and controllers as pods on a Kubernetes cluster (lib/engine/kubernetes.ts). */
const KubernetesTarget = Obj({
  /** The cluster's kubeconfig and context; null: the hub's (hub.kubeconfig, $KUBECONFIG, …). */
  kubeconfig: Opt(OrNull(Type.String({ minLength: 1 })), null),
  context: Opt(OrNull(Type.String({ minLength: 1 })), null),
  /** Namespace of the pods (made if missing); null: `<hub.namespacePrefix>hosts`. */
  namespace: Opt(OrNull(DnsLabel(63)), null),
  nodeSelector: Opt(Labels, {}),
  tolerations: Opt(Type.Array(Toleration), []),
  /** A Secret (type kubernetes.io/dockerconfigjson) in the namespace, to pull images.swarm with. */
  imagePullSecret: Opt(OrNull(Type.String({ pattern: DNS_SUBDOMAIN, expect: 'a Secret name' })), null),
  /** What the scheduler reserves per pod; the limits are runtime.memoryMiB and runtime.cpus. */
  requests: Opt(Obj({
    memoryMiB: Opt(Type.Integer({ minimum: 1 }), 32),
    cpus: Opt(Type.Number({ exclusiveMinimum: 0, maximum: 64 }), 0.005),
  }), {}),
  /** Nodes on this machine, with no registry: `npm run images` imports the swarm image into this containerd (its socket path). */
  containerdSocket: Opt(OrNull(Type.String({ pattern: '^/', expect: 'an absolute path to a containerd socket' })), null),
});

const Tls = Obj({
  caFile: Opt(OrNull(Type.String({ minLength: 1 })), null),
  insecure: Opt(Type.Boolean(), false),
});

const HttpUrl = (example: string) => Type.String({ pattern: '^https?://[^\\s/]+(/.*)?$', expect: `an http:// or https:// URL such as ${example}` });

/** A query of a metrics profile, kube-burner's shape. */
export const ProfileQuerySchema = Obj({
  /** The name it is shown and stored under (and a threshold names: `profile.<metricName>.max`). */
  metricName: Type.String({ pattern: '^[A-Za-z_][A-Za-z0-9_]*$', expect: 'letters, digits and "_", not starting with a digit' }),
  /** PromQL, asked as an instant query at every sample. */
  query: Type.String({ minLength: 1 }),
  /** What the value is in ("cores", "bytes", "connections"). */
  unit: Opt(OrNull(Type.String({ minLength: 1 })), null),
});

/** A figure of the run and a limit on it (kube-burner's alerting shape): exactly one of max, min, maxPercentOverBase. */
const ThresholdSchema = Obj({
  /** Which figure: lib/config/thresholds.ts lists them with their units. */
  metric: Type.String({ pattern: THRESHOLD_METRIC_PATTERN, expect: 'a figure of the report such as api.p99, api.5xx, service.memory.peak or phase.installed.p99 (README, "Thresholds")' }),
  /** For api.*: one route (`METHOD /handler`, or `/handler` for every method), or `*` for each route on its own; null: all requests together. */
  route: Opt(OrNull(Type.String({ minLength: 1 })), null),
  /** Crossed when the figure is above it. */
  max: Opt(OrNull(Type.Number()), null),
  /** Crossed when the figure is below it. */
  min: Opt(OrNull(Type.Number()), null),
  /** Crossed when the figure is more than this many percent above the base run's (compare, or apply --base). */
  maxPercentOverBase: Opt(OrNull(Type.Number({ minimum: 0 })), null),
  /** Said with it in reports. */
  description: Opt(OrNull(Type.String({ minLength: 1 })), null),
});

export const SwarmConfigSchema = Obj({
  /** The swarm's name: labels every object and container it makes. */
  name: DnsLabel(30),
  hub: Opt(Obj({
    /** Path of the kubeconfig; null: $KUBECONFIG, then ~/.kube/config. */
    kubeconfig: Opt(OrNull(Type.String({ minLength: 1 })), null),
    context: Opt(OrNull(Type.String({ minLength: 1 })), null),
    /** Prefix of every namespace the swarm makes; null: `<name>-`. */
    namespacePrefix: Opt(OrNull(Type.String({ pattern: '^[a-z0-9]([-a-z0-9]*)?$', maxLength: 20, expect: 'lowercase letters, digits and "-"' })), null),
    /** The service's REST base URL, as agents reach it. */
    serviceUrl: Opt(Type.String({ pattern: '^https?://[^\\s/]+(/.*)?$', expect: 'an http:// or https:// URL' }), 'http://127.0.0.1:8090'),
    /** Namespace where the service (and its tuning ConfigMap) lives. */
    serviceNamespace: Opt(DnsLabel(63), 'multicluster-engine'),
    auth: Opt(OneOf(['none', 'local']), 'none'),
    tls: Opt(Obj({
      caFile: Opt(OrNull(Type.String({ minLength: 1 })), null),
      insecure: Opt(Type.Boolean(), false),
    }), {}),
  }), {}),
  release: Opt(Obj({
    openshiftVersion: Opt(Type.String({ pattern: '^\\d+\\.\\d+(\\.\\d+)?$', expect: 'a version such as 4.20 or 4.20.1' }), '4.20'),
    releaseImage: Opt(Type.String({ minLength: 1 }), 'quay.io/openshift-release-dev/ocp-release:4.20.0-x86_64'),
  }), {}),
  /** Where the pull secret comes from at apply time: a file path or an environment variable. */
  pullSecret: Opt(Obj({
    file: Opt(OrNull(Type.String({ minLength: 1 })), null),
    env: Opt(OrNull(Type.String({ pattern: ENV_NAME, expect: 'an environment variable name' })), null),
  }), { env: 'PULL_SECRET' }),
  sshPublicKey: Opt(Type.String({ pattern: '^(ssh-(rsa|ed25519|dss)|ecdsa-sha2-nistp(256|384|521)) [A-Za-z0-9+/]+=*( .*)?$', expect: 'an OpenSSH public key line ("ssh-ed25519 AAAA… comment")' }), PLACEHOLDER_SSH_KEY),
  images: Opt(Obj({
    agent: Opt(Type.String({ minLength: 1 }), 'quay.io/edge-infrastructure/assisted-installer-agent:latest'),
    installer: Opt(Type.String({ minLength: 1 }), 'quay.io/edge-infrastructure/assisted-installer:latest'),
    controller: Opt(Type.String({ minLength: 1 }), 'quay.io/edge-infrastructure/assisted-installer-controller:latest'),
    /** Repository of the image fake hosts run (built by `npm run images`), tagged with a hash of
     *  its recipe (lib/images/recipe.ts); a reference with a tag is used as is; a registry in it
     *  makes `npm run images` push. null: `assisted-swarm/agent`. */
    swarm: Opt(OrNull(Type.String({ minLength: 1 })), null),
  }), {}),
  /** Addresses. Groups and pools without a machine network of their own take slots of
   *  `slotPrefix` from `machineNetworks`, in config order, and grow inside them (lib/config/addresses.ts). */
  network: Opt(Obj({
    machineNetworks: Opt(Cidr('10.0.0.0/9'), '10.0.0.0/9'),
    /** Size of a slot: each group or pool without its own network takes one (or as many as it needs). */
    slotPrefix: Opt(Type.Integer({ minimum: 8, maximum: 30 }), 16),
    clusterPrefix: Opt(Type.Integer({ minimum: 8, maximum: 30 }), 26),
    clusterNetwork: Opt(Obj({
      cidr: Cidr('10.128.0.0/14'),
      hostPrefix: Type.Integer({ minimum: 8, maximum: 30 }),
    }), { cidr: '10.128.0.0/14', hostPrefix: 23 }),
    serviceNetwork: Opt(Cidr('172.30.0.0/16'), '172.30.0.0/16'),
  }), {}),
  clusters: Opt(Type.Array(ClusterGroupSchema), []),
  pools: Opt(Type.Array(PoolSchema), []),
  isoDownload: Opt(IsoDownload, {}),
  /** Order in which clusters and pools are launched. */
  ordering: Opt(Obj({
    mode: Opt(OneOf(['listed', 'shuffled']), 'listed'),
    seed: Opt(Type.Integer({ minimum: 0 }), 0),
  }), {}),
  /** Settings for the service, synthesized into a ConfigMap the AgentServiceConfig points at. */
  serviceTuning: Opt(Obj({
    /** AUTH_TYPE; null: the same as hub.auth. */
    authType: Opt(OrNull(OneOf(['none', 'local'])), null),
    /** SKIP_CERT_VERIFICATION; null: true for an http:// service or hub.tls.insecure. */
    skipCertVerification: Opt(OrNull(Type.Boolean()), null),
    hwValidatorRequirements: Opt(Type.Array(HwRequirementsEntry, { minItems: 1 }), DEFAULT_HW_REQUIREMENTS),
    /** Any other service setting, by its environment variable name. */
    extra: Opt(Type.Unsafe<Record<string, string>>({
      type: 'object', propertyNames: { pattern: ENV_NAME, expect: 'environment variable names' }, additionalProperties: { type: 'string' },
    }), {}),
  }), {}),
  /** How fake hosts run on the container engines. */
  runtime: Opt(Obj({
    /** Host folder for reboot markers and cluster-hosts files, mounted into the containers. */
    stateDir: Opt(Type.String({ pattern: '^/', expect: 'an absolute path' }), '/var/lib/assisted-swarm'),
    /** Address every cluster's api/api-int/apps names resolve to inside the containers (loopback). */
    clusterNamesResolveTo: Opt(Type.String({ pattern: '^127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}$', expect: 'a loopback address such as 127.0.0.1' }), '127.0.0.1'),
    /** Memory limit per fake host, in MiB. */
    memoryMiB: Opt(Type.Integer({ minimum: 16 }), 512),
    /**
     * The Go runtime of every fake host's and controller's processes (upstream's agent,
     * next_step_runner, installer and controller are Go): GOMAXPROCS, GOGC, GOMEMLIMIT. One
     * processor and a tighter collector cut a fake host's CPU by a quarter and its memory by a
     * tenth (README, "Density"); null leaves Go's own default.
     */
    go: Opt(Obj({
      maxProcs: Opt(OrNull(Type.Integer({ minimum: 1, maximum: 256 })), 1),
      gcPercent: Opt(OrNull(Type.Integer({ minimum: -1, maximum: 10000, expect: 'a GOGC percentage (-1: off)' })), 50),
      memoryLimitMiB: Opt(OrNull(Type.Integer({ minimum: 1 })), null),
    }), {}),
    /** More environment for every fake host's processes (the agent's, next_step_runner's, the installer's), after runtime.go's. */
    hostEnv: Opt(Type.Unsafe<Record<string, string>>({
      type: 'object', propertyNames: { pattern: ENV_NAME, expect: 'environment variable names' }, additionalProperties: { type: 'string' },
    }), {}),
    /** CPU limit per fake host, in cores. */
    cpus: Opt(Type.Number({ exclusiveMinimum: 0, maximum: 64 }), 0.5),
    /** Container engines as DOCKER_HOST values; clusters are spread across them (a cluster's
     *  hosts share files, so they share an engine). Empty: $DOCKER_HOST, else the local socket. */
    engines: Opt(Type.Array(Type.String({ pattern: '^(unix:///|tcp://|ssh://)\\S+$', expect: 'a DOCKER_HOST such as unix:///var/run/docker.sock, tcp://host:2375 or ssh://user@host' })), []),
    /** What one live fake host takes, in MiB, for plan's warning before a run that will not fit (the density benchmark measures it). */
    hostMemoryEstimateMiB: Opt(Type.Integer({ minimum: 1 }), 24),
    /** Run fake hosts and controllers as pods on this Kubernetes cluster instead of Docker engines. */
    kubernetes: Opt(OrNull(KubernetesTarget), null),
    /** Fake hosts started per second at most, so that a thousand agents do not register in the same second. */
    launchRate: Opt(Type.Number({ exclusiveMinimum: 0, maximum: 1000 }), 10),
    /** Container starts in flight at most. */
    concurrency: Opt(Type.Integer({ minimum: 1, maximum: 256 }), 8),
    /** Restarts of a container that dies (exits non-zero) before its host is reported failed. */
    restartLimit: Opt(Type.Integer({ minimum: 0, maximum: 100 }), 3),
    /** Minutes to wait for every cluster to be installed or failed. */
    timeoutMinutes: Opt(Type.Number({ exclusiveMinimum: 0 }), 180),
    /** Minutes the run goes on once every cluster is done: the hosts keep running and are watched (a soak); the report covers it. */
    soakMinutes: Opt(Type.Number({ minimum: 0 }), 0),
    /** Where run reports go: `<reportsDir>/<swarm>-<time>/`. */
    reportsDir: Opt(Type.String({ minLength: 1 }), 'reports'),
    /** Seconds between progress lines when the output is not a terminal. */
    progressSeconds: Opt(Type.Number({ exclusiveMinimum: 0 }), 30),
  }), {}),
  /** What the run report samples during apply, and the limits a run is checked against. */
  report: Opt(Obj({
    /** Seconds between samples of the service's /metrics, the Prometheus queries and the runner's own view. */
    sampleSeconds: Opt(Type.Number({ minimum: 0.1, maximum: 3600 }), 5),
    /** Seconds a scrape may take; a slower one is a gap in the data, never a slower run. */
    scrapeTimeoutSeconds: Opt(Type.Number({ minimum: 0.1, maximum: 600 }), 5),
    /** The service's Prometheus endpoint; null: not sampled. */
    metrics: Opt(OrNull(Obj({
      /** null: `<hub.serviceUrl>/metrics`. */
      url: Opt(OrNull(HttpUrl('http://127.0.0.1:8090/metrics')), null),
      /** null: hub.tls. */
      tls: Opt(OrNull(Tls), null),
    })), {}),
    /** A Prometheus server to ask a metrics profile of (a hub whose service runs in a pod); null: none. */
    prometheus: Opt(OrNull(Obj({
      /** Base URL (`<url>/api/v1/query` is asked), e.g. the thanos-querier route of an OpenShift hub. */
      url: HttpUrl('https://thanos-querier.example.com'),
      /** Environment variable holding a bearer token (the token itself never goes in a config). */
      tokenEnv: Opt(OrNull(Type.String({ pattern: ENV_NAME, expect: 'an environment variable name' })), null),
      tls: Opt(Tls, {}),
      /** The profile's queries. */
      queries: Opt(Type.Array(ProfileQuerySchema), []),
      /** A metrics profile file (YAML or JSON list of { metricName, query, unit? }) whose queries are added. */
      profile: Opt(OrNull(Type.String({ minLength: 1 })), null),
    })), null),
    /** Limits the run is checked against at the end of apply and by `report compare`. */
    thresholds: Opt(Type.Array(ThresholdSchema), []),
  }), {}),
});

/** What a user writes in swarm.config.ts. */
export type SwarmConfigInput = Static<typeof SwarmConfigSchema>;
export type ClusterGroupInput = Static<typeof ClusterGroupSchema>;
export type PoolInput = Static<typeof PoolSchema>;
export type ThresholdInput = Static<typeof ThresholdSchema>;
