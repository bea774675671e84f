# Settings and helpers shared by up.sh, down.sh and status.sh (sourced, not run).
# Every setting can be overridden from the environment, e.g. to run a second hub beside the first.

HUB_DIR=${ASSISTED_SWARM_HUB_DIR:-/tmp/assisted-swarm-hub}
ETCD_PORT=${ASSISTED_SWARM_HUB_ETCD_PORT:-23790}
ETCD_PEER_PORT=${ASSISTED_SWARM_HUB_ETCD_PEER_PORT:-23800}
APISERVER_PORT=${ASSISTED_SWARM_HUB_APISERVER_PORT:-16443}
DOCKER_SOCK=/var/run/docker.sock # the default socket: up.sh starts dockerd without -H

K8S_VERSION=v1.34.4 # must match test/hub/kube-apiserver/go.mod
CACHE_DIR=${XDG_CACHE_HOME:-$HOME/.cache}/assisted-swarm
APISERVER_BIN=$CACHE_DIR/kube-apiserver-$K8S_VERSION
HUB_LIB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd "$HUB_LIB_DIR/../.." && pwd)
PKI=$HUB_DIR/pki
# Outside HUB_DIR on purpose: down.sh removes HUB_DIR while holding the lock.
LOCK_FILE=$HUB_DIR.lock

# dockerd, iptables and friends live in sbin, which npm's PATH may lack.
PATH=$PATH:/usr/local/sbin:/usr/sbin:/sbin:/usr/local/go/bin

log() { echo "hub: $*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# Serialises up/down: tests run in parallel processes and each calls up.sh.
take_lock() { exec 9>"$LOCK_FILE"; flock 9; }

# alive PID: the process exists and is not a zombie (an unreaped zombie still passes kill -0).
alive() { local st; st=$(cat "/proc/$1/stat" 2>/dev/null) && [[ ${st##*) } != Z* ]]; }

# pid_of NAME: prints the pid recorded in $HUB_DIR/NAME.pid if that process is alive and is
# still NAME (checked on argv[0], so a recycled pid is not mistaken for ours).
pid_of() {
  local f=$HUB_DIR/$1.pid pid argv0
  [[ -s $f ]] || return 1
  pid=$(<"$f")
  alive "$pid" || return 1
  argv0=$(tr '\0' '\n' <"/proc/$pid/cmdline" | head -n1)
  [[ $(basename -- "$argv0") == "$1"* ]] || return 1
  echo "$pid"
}

docker_ok() { curl -fsS --max-time 2 --unix-socket "$DOCKER_SOCK" http://localhost/_ping >/dev/null 2>&1; }
etcd_ok() { curl -fsS --max-time 2 "http://127.0.0.1:$ETCD_PORT/health" 2>/dev/null | grep -q '"health":"true"'; }
apiserver_ok() {
  [[ -s $PKI/admin.crt ]] &&
    curl -fsS --max-time 2 --cacert "$PKI/ca.crt" --cert "$PKI/admin.crt" --key "$PKI/admin.key" \
      "https://127.0.0.1:$APISERVER_PORT/readyz" >/dev/null 2>&1
}
