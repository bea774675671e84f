#!/usr/bin/env bash
# Brings up the test hub: a Docker engine, etcd, a kube-apiserver serving the assisted
# installer CRDs from lib/constructs/crds/, and a kube-controller-manager that deletes namespaces
# and collects garbage as on a real hub. Idempotent: whatever already runs is kept, so the
# warm path (every `npm test`) only costs a few health checks and a no-op apply of the CRDs.
# With --with-node (or ASSISTED_SWARM_HUB_WITH_NODE=1) also a node where pods really run: a
# kube-scheduler, a containerd of its own and a kubelet (node/lib.sh); without it, a running node
# is kept as it is. With --with-service (or ASSISTED_SWARM_HUB_WITH_SERVICE=1) also PostgreSQL
# and assisted-service (service/lib.sh); --with-service-tls (or also ASSISTED_SWARM_HUB_SERVICE_TLS=1)
# serves the service over HTTPS only, with a CA of the hub's own (the env file then names it:
# ASSISTED_SWARM_HUB_SERVICE_CA); with --with-image-service (or
# ASSISTED_SWARM_HUB_WITH_IMAGE_SERVICE=1) the service and, beside it, assisted-image-service
# with an OS image the hub makes, the service running its BMH agent controller
# (image-service/lib.sh); --with-service alone takes a running image service away. Settings
# (dir, ports) are in lib.sh. Stop it with down.sh.
# Usage: up.sh [--with-node] [--with-service | --with-service-tls] [--with-image-service] [--help]
set -euo pipefail
source "$(dirname "$0")/lib.sh"
help_if_asked "$@"
with_service=${ASSISTED_SWARM_HUB_WITH_SERVICE:-0}
with_node=${ASSISTED_SWARM_HUB_WITH_NODE:-0}
for arg in "$@"; do
  case $arg in
    --with-service) with_service=1 ;;
    --with-service-tls) with_service=1 SERVICE_TLS=1 ;;
    --with-image-service) with_image_service=1 ;;
    --with-node) with_node=1 ;;
    *) die "unknown argument '$arg' (usage: up.sh [--with-node] [--with-service | --with-service-tls] [--with-image-service])" ;;
  esac
done
((with_image_service)) && with_service=1
started_at=$(date +%s%N)
mkdir -p "$(dirname "$HUB_DIR")"
take_lock
mkdir -p "$HUB_DIR"

ensure_packages() {
  local missing=()
  command -v curl >/dev/null || missing+=(curl)
  command -v openssl >/dev/null || missing+=(openssl)
  command -v etcd >/dev/null || missing+=(etcd-server)
  command -v dockerd >/dev/null || missing+=(docker.io)
  # A statically linked busybox is the only file of the tests' tiny image (test/support/images.ts).
  dpkg-query -W -f='${Status}' busybox-static 2>/dev/null | grep -q 'ok installed' || missing+=(busybox-static)
  if ((with_node)); then
    command -v containerd >/dev/null || missing+=(containerd)
    command -v runc >/dev/null || missing+=(runc)
    [[ -x /usr/lib/cni/bridge ]] || missing+=(containernetworking-plugins)
  fi
  if ((${#missing[@]})); then apt_install "${missing[@]}"; fi
}

ensure_docker() {
  docker_ok && return
  # Only start dockerd if the one we started earlier is not simply still starting.
  if ! pid_of dockerd >/dev/null; then
    log "starting dockerd (log: $HUB_DIR/dockerd.log)"
    start_daemon dockerd dockerd
  fi
  wait_for dockerd 90 docker_ok
}

# build_binary NAME PATH: builds NAME (kube-apiserver, kube-controller-manager, kube-scheduler,
# kubelet) once from the wrapper module in test/hub/kube through the Go module proxy; the binary
# is cached outside the repository and reused by every later run.
build_binary() {
  local name=$1 bin=$2
  [[ -x $bin ]] && return
  command -v go >/dev/null || die "Go >= 1.24 is needed to build $name $K8S_VERSION (no 'go' on PATH)"
  local v; v=$(go env GOVERSION)
  [[ $(printf '%s\n' go1.24 "$v" | sort -V | head -n1) == go1.24 ]] || die "Go >= 1.24 needed, found $v"
  mkdir -p "$CACHE_DIR"
  log "building $name $K8S_VERSION with $v (cold: ~5 min on 2 cores; log: $CACHE_DIR/build.log)"
  local pkg=k8s.io/component-base/version tmp=$bin.tmp.$$
  (cd "$HUB_LIB_DIR/kube" &&
    GOTOOLCHAIN=local GOFLAGS=-mod=mod CGO_ENABLED=0 nice -n 10 go build -trimpath -o "$tmp" \
      -ldflags "-s -w -X $pkg.gitVersion=$K8S_VERSION -X $pkg.gitMajor=1 -X $pkg.gitMinor=34 -X $pkg.gitTreeState=clean" \
      "k8s.io/kubernetes/cmd/$name"
  ) >"$CACHE_DIR/build.log" 2>&1 || { tail -n 30 "$CACHE_DIR/build.log" >&2; rm -f "$tmp"; die "$name build failed"; }
  mv -f "$tmp" "$bin"
}

# leaf NAME SUBJECT EXTENSIONS: a P-256 key and a certificate for it signed by the hub's CA.
leaf() {
  openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$PKI/$1.key" -subj "$2" 2>/dev/null |
    openssl x509 -req -CA "$PKI/ca.crt" -CAkey "$PKI/ca.key" -set_serial "0x$(openssl rand -hex 8)" -days 3650 \
      -out "$PKI/$1.crt" -extfile <(printf 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\n%s\n' "$3") 2>/dev/null
  chmod 600 "$PKI/$1.key"
}

# A fresh CA per hub data dir: a serving cert for loopback, the service-account key pair, an
# admin client cert in system:masters (full rights under RBAC), the controller-manager's
# client cert (its user has the bootstrap role system:kube-controller-manager), and the API
# server's client cert for kubelets (bound to system:kubelet-api-admin when a node runs).
ensure_certs() {
  if [[ ! -s $PKI/admin.crt ]]; then
    rm -rf "$PKI" && mkdir -p "$PKI"
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 3650 -subj /CN=assisted-swarm-hub-ca \
      -addext keyUsage=critical,keyCertSign,cRLSign -keyout "$PKI/ca.key" -out "$PKI/ca.crt" 2>/dev/null
    leaf apiserver /CN=kube-apiserver $'extendedKeyUsage=serverAuth\nsubjectAltName=IP:127.0.0.1,DNS:localhost'
    openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$PKI/sa.key" 2>/dev/null
    openssl pkey -in "$PKI/sa.key" -pubout -out "$PKI/sa.pub"
    chmod 600 "$PKI"/*.key
    leaf admin "/O=system:masters/CN=assisted-swarm-admin" extendedKeyUsage=clientAuth
  fi
  # Checked on its own: hub dirs made before the controller-manager joined the hub lack it.
  [[ -s $PKI/kube-controller-manager.crt ]] ||
    leaf kube-controller-manager /CN=system:kube-controller-manager extendedKeyUsage=clientAuth
  [[ -s $PKI/apiserver-kubelet-client.crt ]] ||
    leaf apiserver-kubelet-client /CN=kube-apiserver-kubelet-client extendedKeyUsage=clientAuth
}

# outdated NAME CMD...: NAME runs (started by up.sh) with a command line other than CMD, e.g. that
# of an older up.sh. --with-node restarts such an API server or controller-manager: the node
# needs their new flags. Without it, what runs is kept.
outdated() {
  local pid; pid=$(pid_of "$1") || return 1
  shift
  [[ $(tr '\0' '\n' <"/proc/$pid/cmdline") != "$(printf '%s\n' "$@")" ]]
}

# kubeconfig FILE USER: a kubeconfig (mode 600) for the client cert pki/USER.{crt,key}.
kubeconfig() {
  local b64='base64 -w0'
  cat >"$1.tmp" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: assisted-swarm-hub
  cluster:
    server: https://127.0.0.1:$APISERVER_PORT
    certificate-authority-data: $($b64 "$PKI/ca.crt")
users:
- name: $2
  user:
    client-certificate-data: $($b64 "$PKI/$2.crt")
    client-key-data: $($b64 "$PKI/$2.key")
contexts:
- name: assisted-swarm-hub
  context: {cluster: assisted-swarm-hub, user: $2}
current-context: assisted-swarm-hub
EOF
  chmod 600 "$1.tmp" && mv -f "$1.tmp" "$1"
}

ensure_etcd() {
  etcd_ok && return
  if ! pid_of etcd >/dev/null; then
    log "starting etcd on 127.0.0.1:$ETCD_PORT"
    local url=http://127.0.0.1
    start_daemon etcd etcd --name hub --data-dir "$HUB_DIR/etcd" --logger zap --log-level warn \
      --listen-client-urls "$url:$ETCD_PORT" --advertise-client-urls "$url:$ETCD_PORT" \
      --listen-peer-urls "$url:$ETCD_PEER_PORT" --initial-advertise-peer-urls "$url:$ETCD_PEER_PORT" \
      --initial-cluster "hub=$url:$ETCD_PEER_PORT"
  fi
  wait_for etcd 30 etcd_ok
}

# endpoint-reconciler none: the "kubernetes" Service may not point at a loopback address.
# For the node (harmless without one): the Node authorizer and NodeRestriction, as on a real
# cluster, so the kubelet's user system:node:<name> may do what a kubelet does to its own node
# and pods; the kubelet client cert (logs, exec) and the hub's CA to check the kubelet's serving
# cert, reached at the node's InternalIP only (never a name looked up); and no
# TaintNodesByCondition: it taints a new node not-ready, a taint only the nodelifecycle
# controller removes, which the hub does not run. A watch holds the API server's graceful
# shutdown for a minute (the kubelet, the scheduler, the service and tests all watch); 2 s here.
APISERVER_CMD=("$APISERVER_BIN"
  --etcd-servers="http://127.0.0.1:$ETCD_PORT"
  --bind-address=127.0.0.1 --advertise-address=127.0.0.1 --secure-port="$APISERVER_PORT"
  --endpoint-reconciler-type=none
  --tls-cert-file="$PKI/apiserver.crt" --tls-private-key-file="$PKI/apiserver.key"
  --client-ca-file="$PKI/ca.crt" --authorization-mode=Node,RBAC
  --enable-admission-plugins=NodeRestriction --disable-admission-plugins=TaintNodesByCondition
  --kubelet-client-certificate="$PKI/apiserver-kubelet-client.crt" --kubelet-client-key="$PKI/apiserver-kubelet-client.key"
  --kubelet-certificate-authority="$PKI/ca.crt" --kubelet-preferred-address-types=InternalIP
  --service-account-issuer=https://kubernetes.default.svc
  --service-account-key-file="$PKI/sa.pub" --service-account-signing-key-file="$PKI/sa.key"
  --service-cluster-ip-range=10.96.0.0/24 --profiling=false --shutdown-watch-termination-grace-period=2s)

ensure_apiserver() {
  if ((with_node)) && outdated kube-apiserver "${APISERVER_CMD[@]}"; then
    log "restarting kube-apiserver: it runs with an older up.sh's flags, the node needs these"
    # Its watchers first (started again below): its graceful shutdown waits for their watches.
    stop kubelet
    stop kube-scheduler
    stop kube-controller-manager
    stop kube-apiserver
  fi
  apiserver_ok && return
  if ! pid_of kube-apiserver >/dev/null; then
    log "starting kube-apiserver on 127.0.0.1:$APISERVER_PORT"
    start_daemon kube-apiserver "${APISERVER_CMD[@]}"
  fi
  wait_for kube-apiserver 120 apiserver_ok
}

# Only the controllers a hub of custom resources and its one node need:
# - namespace: empties and removes a deleted namespace;
# - garbagecollector: deletes objects whose ownerReferences' owners are gone;
# - serviceaccount-token: token Secrets (cheap);
# - serviceaccount: the "default" ServiceAccount of every namespace, without which the API server
#   admits no pod there;
# - root-ca-cert-publisher: the ConfigMap kube-root-ca.crt of every namespace, which every pod's
#   service-account volume mounts (without it, pods stay ContainerCreating).
# Not nodelifecycle: no taints, no evictions when the node stops answering (a test hub's node is
# stopped with the hub). Each runs as a service account of its own, as on a real hub (RBAC
# bootstrap roles).
KCM_CMD=("$KCM_BIN"
  --kubeconfig="$HUB_DIR/kube-controller-manager.kubeconfig"
  --bind-address=127.0.0.1 --secure-port="$KCM_PORT"
  --controllers=namespace,garbagecollector,serviceaccount-token,serviceaccount,root-ca-cert-publisher
  --use-service-account-credentials=true
  --service-account-private-key-file="$PKI/sa.key" --root-ca-file="$PKI/ca.crt"
  --leader-elect=false --profiling=false)

ensure_kcm() {
  if ((with_node)) && outdated kube-controller-manager "${KCM_CMD[@]}"; then
    log "restarting kube-controller-manager: it runs with an older up.sh's controllers, the node needs these"
    stop kube-controller-manager
  fi
  kcm_ok && return
  if ! pid_of kube-controller-manager >/dev/null; then
    log "starting kube-controller-manager on 127.0.0.1:$KCM_PORT"
    start_daemon kube-controller-manager "${KCM_CMD[@]}"
  fi
  wait_for kube-controller-manager 60 kcm_ok
}

ensure_packages
ensure_docker
build_binary kube-apiserver "$APISERVER_BIN"
build_binary kube-controller-manager "$KCM_BIN"
if ((with_node)); then
  build_binary kube-scheduler "$SCHEDULER_BIN"
  build_binary kubelet "$KUBELET_BIN"
fi
ensure_certs
kubeconfig "$HUB_DIR/kubeconfig" admin
kubeconfig "$HUB_DIR/kube-controller-manager.kubeconfig" kube-controller-manager
if ((with_node)); then
  ensure_node_certs
  kubeconfig "$HUB_DIR/kube-scheduler.kubeconfig" kube-scheduler
  kubeconfig "$HUB_DIR/kubelet.kubeconfig" kubelet
fi
ensure_etcd
ensure_apiserver
ensure_kcm
node "$HUB_LIB_DIR/crds.mjs" "https://127.0.0.1:$APISERVER_PORT" "$PKI" "$REPO_ROOT/lib/constructs/crds"
# The plain hub is complete here: should the node or the service fail to start, the hub stays up
# as it is.
write_env
if ((with_node)); then
  ensure_node
  write_env
fi
if ((with_service)); then
  ensure_service
  write_env
fi

ms=$(( ($(date +%s%N) - started_at) / 1000000 ))
echo "hub: up in ${ms} ms: kube-apiserver https://127.0.0.1:$APISERVER_PORT, docker unix://$DOCKER_SOCK"
if node_started; then echo "hub: node $NODE_NAME (Ready: $(node_ready_status)), containerd unix://$CONTAINERD_SOCK"; fi
if service_running; then echo "hub: assisted-service $(running_service_url)"; fi
if image_service_running; then echo "hub: assisted-image-service http://127.0.0.1:$IMAGE_SERVICE_PORT (the service's ENABLE_METAL3 is on)"; fi
echo "hub: kubeconfig $HUB_DIR/kubeconfig"
echo "hub: env file   $HUB_DIR/env"
