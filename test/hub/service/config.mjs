// Prepares the hub for assisted-service and writes the service's environment as a Docker
// --env-file. Run by service/lib.sh at every (re)start of the service, with its settings in the
// environment (HUB_SERVER, PKI, ENV_FILE, SERVICE_URL, IMAGE_SERVICE_URL, SERVICE_AUTH,
// SERVICE_NAMESPACE, DB_PORT, DB_USER, DB_NAME, DB_PASSWORD_FILE, RELEASE_IMAGES_LIST,
// WITH_IMAGE_SERVICE, OS_IMAGE_URL, OS_IMAGE_VERSION; for HTTPS SERVICE_TLS=1, SERVICE_TLS_MOUNT
// and SERVICE_CA_MOUNT, where service/lib.sh mounts them).
//
// On the hub: the service's namespace, and an AgentServiceConfig `agent` (the operator's CR, so
// the swarm's hub patch has a target). Then it does what the operator does for the service's
// environment (agentserviceconfig_controller.go): the operator's settings first, then every
// key of the ConfigMap that the ASC annotation below names (it wins), then the database
// settings (explicit env in the operator's Deployment, so nothing overrides them).
import { readFileSync, writeFileSync } from 'node:fs';
import { hubApi } from '../hub-api.mjs';

const CONFIGMAP_ANNOTATION = 'unsupported.agent-install.openshift.io/assisted-service-configmap';
const e = process.env;
const api = hubApi(e.HUB_SERVER, e.PKI);
const ns = e.SERVICE_NAMESPACE;

await api.apply(`/api/v1/namespaces/${ns}`, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
const pvc = (size) => ({ accessModes: ['ReadWriteOnce'], resources: { requests: { storage: size } } });
const asc = await api.apply('/apis/agent-install.openshift.io/v1beta1/agentserviceconfigs/agent', {
  apiVersion: 'agent-install.openshift.io/v1beta1',
  kind: 'AgentServiceConfig',
  metadata: { name: 'agent' },
  spec: { databaseStorage: pvc('10Gi'), filesystemStorage: pvc('10Gi') },
});

// Release images: the default swarm's (or RELEASE_IMAGES_LIST) and every ClusterImageSet on the
// hub, each with the version in its tag. Listing them saves the service from asking `oc`.
const cis = await api.request('GET', '/apis/hive.openshift.io/v1/clusterimagesets');
const urls = [...new Set([...e.RELEASE_IMAGES_LIST.split(/[\s,]+/), ...cis.items.map((c) => c.spec.releaseImage)])]
  .filter(Boolean);
const releases = urls.map((url) => {
  const m = /:(\d+)\.(\d+)\.(\d+[^/:@]*?)(?:-(?:x86_64|aarch64|arm64|ppc64le|s390x|multi))?$/.exec(url);
  if (!m) throw new Error(`release image ${url}: no version in its tag (x.y.z...); give the service releases with tags`);
  return { url, version: `${m[1]}.${m[2]}.${m[3]}`, minor: `${m[1]}.${m[2]}` };
});
const byVersion = (a, b) => a.version.localeCompare(b.version, 'en', { numeric: true });
const newest = releases.toSorted(byVersion).at(-1);
const minors = [...new Set(releases.map((r) => r.minor))];

// The fake hosts are x86_64 containers, so x86_64 is the only architecture listed.
const RELEASE_IMAGES = releases.map((r) => ({
  openshift_version: r.minor,
  cpu_architecture: 'x86_64',
  cpu_architectures: ['x86_64'],
  url: r.url,
  version: r.version,
  ...(r === newest && { default: true }),
}));
// With the image service: its OS image (the hub's, image-service/make-os-image.mjs) for every x.y,
// the same list for both. Without: rendered into InfraEnv boot artifact URLs, never fetched.
const withImageService = e.WITH_IMAGE_SERVICE === '1';
const OS_IMAGES = minors.map((minor) => ({
  openshift_version: minor,
  cpu_architecture: 'x86_64',
  url: withImageService ? e.OS_IMAGE_URL : `${e.IMAGE_SERVICE_URL}/placeholder/rhcos-${minor}-x86_64.iso`,
  version: withImageService ? e.OS_IMAGE_VERSION : `${minor.replace('.', '')}.0.0`,
}));
const MUST_GATHER_IMAGES = Object.fromEntries(
  minors.map((minor) => [`${minor}-x86_64`, { ocp: 'quay.io/assisted-swarm/placeholder:must-gather' }]),
);
const low = { cpu_cores: 1, ram_mib: 1024, disk_size_gb: 10, installation_disk_speed_threshold_ms: 10, network_latency_threshold_ms: 1000, packet_loss_percentage: 100 };
const HW_VALIDATOR_REQUIREMENTS = [
  { version: 'default', master: low, arbiter: low, worker: low, sno: low, 'edge-worker': low },
];

const operator = {
  AUTH_TYPE: e.SERVICE_AUTH,
  DEPLOY_TARGET: 'onprem', // not k8s: that one only works inside a pod
  STORAGE: 'filesystem',
  ENABLE_KUBE_API: 'true',
  NAMESPACE: ns,
  SERVICE_BASE_URL: e.SERVICE_URL,
  IMAGE_SERVICE_BASE_URL: e.IMAGE_SERVICE_URL,
  OS_IMAGES: JSON.stringify(OS_IMAGES),
  RELEASE_IMAGES: JSON.stringify(RELEASE_IMAGES),
  MUST_GATHER_IMAGES: JSON.stringify(MUST_GATHER_IMAGES),
  PUBLIC_CONTAINER_REGISTRIES: 'quay.io,registry.ci.openshift.org',
  HW_VALIDATOR_REQUIREMENTS: JSON.stringify(HW_VALIDATOR_REQUIREMENTS),
  ISO_IMAGE_TYPE: 'minimal-iso',
  SKIP_CERT_VERIFICATION: 'true',
  DUMMY_IGNITION: 'true', // no openshift-install to extract from a release
  // Its BMH agent controller needs both (cmd/main.go); no converged flow: no Ironic, no BMO.
  ...(withImageService
    ? { ENABLE_METAL3: 'true', ENABLE_IMAGE_SERVICE: 'true', ALLOW_CONVERGED_FLOW: 'false' }
    : { ENABLE_METAL3: 'false' }), // no BareMetalHost controllers
  ENABLE_OKD_SUPPORT: 'false', // would ask oc for okd-rpms at every ignition
  ENABLE_DATA_COLLECTION: 'false', // offline
  ENABLE_SKIP_MCO_REBOOT: 'false', // the dry installer then needs no machine-config server
  ENABLE_UPGRADE_AGENT: 'false',
  ENABLE_VIRTUAL_INTERFACES: 'true', // dry agents report their forced MAC and IP on lo
  LOG_LEVEL: 'info',
  ...(e.SERVICE_TLS === '1' ? tls() : {}),
};

// HTTPS as the operator sets it up on OpenShift (agentserviceconfig_controller.go): the service
// listens with TLS on its --port when HTTPS_CERT_FILE and HTTPS_KEY_FILE are set (SERVE_HTTPS is
// read but decides nothing: servers.New); SERVICE_CA_CERT_PATH puts the CA into every discovery
// ignition (the agent's --cacert, which it hands on to next_step_runner, the installer and
// logs_sender); SKIP_CERT_VERIFICATION=false renders --insecure=false.
function tls() {
  return {
    SERVE_HTTPS: 'True',
    HTTPS_CERT_FILE: `${e.SERVICE_TLS_MOUNT}/tls.crt`,
    HTTPS_KEY_FILE: `${e.SERVICE_TLS_MOUNT}/tls.key`,
    SERVICE_CA_CERT_PATH: e.SERVICE_CA_MOUNT,
    SKIP_CERT_VERIFICATION: 'false',
  };
}

let user = {};
const userConfig = asc.metadata.annotations?.[CONFIGMAP_ANNOTATION];
if (userConfig) {
  try {
    user = (await api.request('GET', `/api/v1/namespaces/${ns}/configmaps/${userConfig}`)).data ?? {};
    console.error(`hub: service settings from ConfigMap ${ns}/${userConfig}: ${Object.keys(user).sort().join(' ')}`);
  } catch (err) {
    if (err.status !== 404) throw err;
    // The operator would not roll out either; the service starts without it and says so.
    console.error(`hub: WARNING: AgentServiceConfig agent names ConfigMap ${ns}/${userConfig}, which does not exist`);
  }
}
api.close();

const database = {
  DB_HOST: '127.0.0.1',
  DB_PORT: e.DB_PORT,
  DB_USER: e.DB_USER,
  DB_NAME: e.DB_NAME,
  DB_PASS: readFileSync(e.DB_PASSWORD_FILE, 'utf8').trim(),
};
const env = { ...operator, ...user, ...database };
const lines = Object.entries(env).map(([k, v]) => {
  // An env file has one line per variable; values with newlines cannot be passed this way.
  if (/[\r\n]/.test(v)) throw new Error(`service setting ${k} has a line break; the test hub cannot pass it`);
  return `${k}=${v}`;
});
writeFileSync(e.ENV_FILE, lines.join('\n') + '\n', { mode: 0o600 });
