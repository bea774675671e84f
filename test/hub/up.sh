#!/usr/bin/env bash
# Brings up the test hub: a Docker engine, etcd, and a kube-apiserver serving the assisted
# installer CRDs from lib/constructs/crds/. Idempotent: whatever already runs is kept, so the
# warm path (every `npm test`) only costs a few health checks and a no-op apply of the CRDs.
# Settings (dir, ports) are in lib.sh. Stop it with down.sh.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
started_at=$(date +%s%N)
mkdir -p "$(dirname "$HUB_DIR")"
take_lock
mkdir -p "$HUB_DIR"

SUDO=
[[ $(id -u) == 0 ]] || SUDO=sudo

# Installs Debian packages; updates the package lists only if the first attempt fails.
apt_install() {
  log "installing from Debian: $*"
  local out=$HUB_DIR/apt.log
  # Waits for the dpkg lock rather than failing when another apt-get runs at the same time.
  local apt=(env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 -y)
  $SUDO "${apt[@]}" install --no-install-recommends "$@" >"$out" 2>&1 ||
    { $SUDO "${apt[@]}" update >>"$out" 2>&1 && $SUDO "${apt[@]}" install --no-install-recommends "$@" >>"$out" 2>&1; } ||
    { tail -n 20 "$out" >&2; die "apt-get install $* failed (log: $out)"; }
}

ensure_packages() {
  local missing=()
  command -v curl >/dev/null || missing+=(curl)
  command -v openssl >/dev/null || missing+=(openssl)
  command -v etcd >/dev/null || missing+=(etcd-server)
  command -v dockerd >/dev/null || missing+=(docker.io)
  # A statically linked busybox is the only file of the tests' tiny image (test/support/images.ts).
  dpkg-query -W -f='${Status}' busybox-static 2>/dev/null | grep -q 'ok installed' || missing+=(busybox-static)
  if ((${#missing[@]})); then apt_install "${missing[@]}"; fi
}

# start_daemon NAME CMD...: runs CMD in its own session (so it outlives this script and the
# test process that called it), detached from our stdio, logging to NAME.log; pid in NAME.pid.
# 9>&- : the daemon must not inherit the lock, or it would hold it for as long as it runs.
start_daemon() {
  local name=$1; shift
  rm -f "$HUB_DIR/$name.pid"
  setsid bash -c 'echo $$ >"$0.tmp" && mv "$0.tmp" "$0" && exec "$@"' "$HUB_DIR/$name.pid" "$@" \
    </dev/null >>"$HUB_DIR/$name.log" 2>&1 9>&- &
  until [[ -s $HUB_DIR/$name.pid ]]; do sleep 0.05; done
}

# wait_for NAME SECONDS CHECK: waits until CHECK succeeds; fails early if NAME's process died.
wait_for() {
  local name=$1 timeout=$2 check=$3 pid deadline
  pid=$(cat "$HUB_DIR/$name.pid" 2>/dev/null || true)
  deadline=$((SECONDS + timeout))
  until $check; do
    if [[ -n $pid ]] && ! alive "$pid"; then
      tail -n 30 "$HUB_DIR/$name.log" >&2 || true
      die "$name exited during start-up (log: $HUB_DIR/$name.log)"
    fi
    ((SECONDS < deadline)) || { tail -n 30 "$HUB_DIR/$name.log" >&2 || true; die "$name not ready after ${timeout}s"; }
    sleep 0.2
  done
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

# Builds kube-apiserver once from the wrapper module in test/hub/kube-apiserver through the Go
# module proxy; the binary is cached outside the repository and reused by every later run.
ensure_apiserver_binary() {
  [[ -x $APISERVER_BIN ]] && return
  command -v go >/dev/null || die "Go >= 1.24 is needed to build kube-apiserver $K8S_VERSION (no 'go' on PATH)"
  local v; v=$(go env GOVERSION)
  [[ $(printf '%s\n' go1.24 "$v" | sort -V | head -n1) == go1.24 ]] || die "Go >= 1.24 needed, found $v"
  mkdir -p "$CACHE_DIR"
  log "building kube-apiserver $K8S_VERSION with $v (cold: ~6 min on 2 cores; log: $CACHE_DIR/build.log)"
  local pkg=k8s.io/component-base/version tmp=$APISERVER_BIN.tmp.$$
  (cd "$HUB_LIB_DIR/kube-apiserver" &&
    GOTOOLCHAIN=local GOFLAGS=-mod=mod CGO_ENABLED=0 go build -trimpath -o "$tmp" \
      -ldflags "-s -w -X $pkg.gitVersion=$K8S_VERSION -X $pkg.gitMajor=1 -X $pkg.gitMinor=34 -X $pkg.gitTreeState=clean" .
  ) >"$CACHE_DIR/build.log" 2>&1 || { tail -n 30 "$CACHE_DIR/build.log" >&2; rm -f "$tmp"; die "kube-apiserver build failed"; }
  mv -f "$tmp" "$APISERVER_BIN"
}

# leaf NAME SUBJECT EXTENSIONS: a P-256 key and a certificate for it signed by the hub's CA.
leaf() {
  openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$PKI/$1.key" -subj "$2" 2>/dev/null |
    openssl x509 -req -CA "$PKI/ca.crt" -CAkey "$PKI/ca.key" -set_serial "0x$(openssl rand -hex 8)" -days 3650 \
      -out "$PKI/$1.crt" -extfile <(printf 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\n%s\n' "$3") 2>/dev/null
}

# A fresh CA per hub data dir: a serving cert for loopback, the service-account key pair, and
# an admin client cert in system:masters (full rights under RBAC).
ensure_certs() {
  [[ -s $PKI/admin.crt ]] && return
  rm -rf "$PKI" && mkdir -p "$PKI"
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 3650 -subj /CN=assisted-swarm-hub-ca \
    -addext keyUsage=critical,keyCertSign,cRLSign -keyout "$PKI/ca.key" -out "$PKI/ca.crt" 2>/dev/null
  leaf apiserver /CN=kube-apiserver $'extendedKeyUsage=serverAuth\nsubjectAltName=IP:127.0.0.1,DNS:localhost'
  leaf admin "/O=system:masters/CN=assisted-swarm-admin" extendedKeyUsage=clientAuth
  openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$PKI/sa.key" 2>/dev/null
  openssl pkey -in "$PKI/sa.key" -pubout -out "$PKI/sa.pub"
  chmod 600 "$PKI"/*.key
}

write_kubeconfig() {
  local b64='base64 -w0'
  cat >"$HUB_DIR/kubeconfig.tmp" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: assisted-swarm-hub
  cluster:
    server: https://127.0.0.1:$APISERVER_PORT
    certificate-authority-data: $($b64 "$PKI/ca.crt")
users:
- name: assisted-swarm-admin
  user:
    client-certificate-data: $($b64 "$PKI/admin.crt")
    client-key-data: $($b64 "$PKI/admin.key")
contexts:
- name: assisted-swarm-hub
  context: {cluster: assisted-swarm-hub, user: assisted-swarm-admin}
current-context: assisted-swarm-hub
EOF
  chmod 600 "$HUB_DIR/kubeconfig.tmp" && mv -f "$HUB_DIR/kubeconfig.tmp" "$HUB_DIR/kubeconfig"
  cat >"$HUB_DIR/env" <<EOF
# Written by test/hub/up.sh: KEY=value lines, no quoting (source with: set -a; . $HUB_DIR/env; set +a)
KUBECONFIG=$HUB_DIR/kubeconfig
DOCKER_HOST=unix://$DOCKER_SOCK
ASSISTED_SWARM_HUB_DIR=$HUB_DIR
ASSISTED_SWARM_HUB_SERVER=https://127.0.0.1:$APISERVER_PORT
EOF
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

ensure_apiserver() {
  apiserver_ok && return
  if ! pid_of kube-apiserver >/dev/null; then
    log "starting kube-apiserver on 127.0.0.1:$APISERVER_PORT"
    # endpoint-reconciler none: the "kubernetes" Service may not point at a loopback address.
    start_daemon kube-apiserver "$APISERVER_BIN" \
      --etcd-servers="http://127.0.0.1:$ETCD_PORT" \
      --bind-address=127.0.0.1 --advertise-address=127.0.0.1 --secure-port="$APISERVER_PORT" \
      --endpoint-reconciler-type=none \
      --tls-cert-file="$PKI/apiserver.crt" --tls-private-key-file="$PKI/apiserver.key" \
      --client-ca-file="$PKI/ca.crt" --authorization-mode=RBAC \
      --service-account-issuer=https://kubernetes.default.svc \
      --service-account-key-file="$PKI/sa.pub" --service-account-signing-key-file="$PKI/sa.key" \
      --service-cluster-ip-range=10.96.0.0/24 --profiling=false
  fi
  wait_for kube-apiserver 120 apiserver_ok
}

ensure_packages
ensure_docker
ensure_apiserver_binary
ensure_certs
write_kubeconfig
ensure_etcd
ensure_apiserver
node "$HUB_LIB_DIR/crds.mjs" "https://127.0.0.1:$APISERVER_PORT" "$PKI" "$REPO_ROOT/lib/constructs/crds"

ms=$(( ($(date +%s%N) - started_at) / 1000000 ))
echo "hub: up in ${ms} ms: kube-apiserver https://127.0.0.1:$APISERVER_PORT, docker unix://$DOCKER_SOCK"
echo "hub: kubeconfig $HUB_DIR/kubeconfig"
echo "hub: env file   $HUB_DIR/env"
