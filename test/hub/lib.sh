# Settings and helpers shared by up.sh, down.sh, status.sh and service.sh (sourced, not run).
# Every setting can be overridden from the environment, e.g. to run a second hub beside the first.

HUB_DIR=${ASSISTED_SWARM_HUB_DIR:-/tmp/assisted-swarm-hub}
ETCD_PORT=${ASSISTED_SWARM_HUB_ETCD_PORT:-23790}
ETCD_PEER_PORT=${ASSISTED_SWARM_HUB_ETCD_PEER_PORT:-23800}
APISERVER_PORT=${ASSISTED_SWARM_HUB_APISERVER_PORT:-16443}
KCM_PORT=${ASSISTED_SWARM_HUB_KCM_PORT:-10257}
DOCKER_SOCK=/var/run/docker.sock # the default socket: up.sh starts dockerd without -H

K8S_VERSION=v1.34.4 # must match test/hub/kube/go.mod
CACHE_DIR=${XDG_CACHE_HOME:-$HOME/.cache}/assisted-swarm
APISERVER_BIN=$CACHE_DIR/kube-apiserver-$K8S_VERSION
KCM_BIN=$CACHE_DIR/kube-controller-manager-$K8S_VERSION
HUB_LIB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd "$HUB_LIB_DIR/../.." && pwd)
PKI=$HUB_DIR/pki
# Outside HUB_DIR on purpose: down.sh removes HUB_DIR while holding the lock.
# (Not $HUB_DIR.lock: a developer or a benchmark holds that one around a long run on a hub, for
# the run's whole length; the scripts it calls take this one for a moment.)
LOCK_FILE=$HUB_DIR.scripts.lock

# dockerd, iptables and friends live in sbin, which npm's PATH may lack.
PATH=$PATH:/usr/local/sbin:/usr/sbin:/sbin:/usr/local/go/bin

SUDO=
[[ $(id -u) == 0 ]] || SUDO=sudo

log() { echo "hub: $*" >&2; }

# help_if_asked ARGS...: with -h or --help, prints the calling script's header comment (its
# usage) and exits 0. Every script of the hub answers --help this way.
help_if_asked() {
  local arg
  for arg in "$@"; do
    if [[ $arg == --help || $arg == -h ]]; then
      sed -n '2,/^[^#]/{/^#/s/^# \{0,1\}//p}' "$0"
      exit 0
    fi
  done
}
die() { log "ERROR: $*"; exit 1; }

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

# stop NAME [SIGNAL]: SIGNAL (default TERM) to the process up.sh recorded for NAME, then SIGKILL
# if it has not exited in 30 s.
stop() {
  local pid
  if pid=$(pid_of "$1"); then
    log "stopping $1 (pid $pid)"
    kill -"${2:-TERM}" "$pid" 2>/dev/null || true
    for _ in $(seq 1 150); do alive "$pid" || return 0; sleep 0.2; done
    log "$1 (pid $pid) did not stop in 30s; killing it"
    kill -KILL "$pid" 2>/dev/null || true
  fi
}

docker_ok() { curl -fsS --max-time 2 --unix-socket "$DOCKER_SOCK" http://localhost/_ping >/dev/null 2>&1; }
etcd_ok() { curl -fsS --max-time 2 "http://127.0.0.1:$ETCD_PORT/health" 2>/dev/null | grep -q '"health":"true"'; }
apiserver_ok() {
  [[ -s $PKI/admin.crt ]] &&
    curl -fsS --max-time 2 --cacert "$PKI/ca.crt" --cert "$PKI/admin.crt" --key "$PKI/admin.key" \
      "https://127.0.0.1:$APISERVER_PORT/readyz" >/dev/null 2>&1
}
# hub_curl PATH CURL-ARGS...: the API server's PATH (no leading slash) as the hub's admin. A user
# agent other than curl's, or the server pretty-prints JSON and greps on it miss.
hub_curl() {
  local path=$1; shift
  curl -fsS --max-time 10 -A assisted-swarm-hub --cacert "$PKI/ca.crt" --cert "$PKI/admin.crt" --key "$PKI/admin.key" \
    "$@" "https://127.0.0.1:$APISERVER_PORT/$path"
}
# Its serving certificate is self-signed (made at start), hence -k; /healthz needs no client cert.
kcm_ok() { curl -fsSk --max-time 2 "https://127.0.0.1:$KCM_PORT/healthz" >/dev/null 2>&1; }

# The env file for tests and shells; it names the service's URL only while the service runs, and
# the node (its name, its containerd's socket) only while the node runs.
write_env() {
  cat >"$HUB_DIR/env" <<EOF
# Written by test/hub/up.sh and service.sh: KEY=value lines, no quoting (source with: set -a; . $HUB_DIR/env; set +a)
KUBECONFIG=$HUB_DIR/kubeconfig
DOCKER_HOST=unix://$DOCKER_SOCK
ASSISTED_SWARM_HUB_DIR=$HUB_DIR
ASSISTED_SWARM_HUB_SERVER=https://127.0.0.1:$APISERVER_PORT
EOF
  # The running container's URL (its label), whatever this script's own settings: up.sh without
  # --with-service keeps a service that serves HTTPS as it is. Over HTTPS, also the CA to trust.
  local url
  if service_running && url=$(running_service_url) && [[ -n $url ]]; then
    echo "ASSISTED_SWARM_HUB_SERVICE_URL=$url" >>"$HUB_DIR/env"
    [[ $url != https://* ]] || echo "ASSISTED_SWARM_HUB_SERVICE_CA=$SERVICE_CA" >>"$HUB_DIR/env"
  fi
  if image_service_running; then echo "ASSISTED_SWARM_HUB_IMAGE_SERVICE_URL=http://127.0.0.1:$IMAGE_SERVICE_PORT" >>"$HUB_DIR/env"; fi
  if node_started; then
    printf '%s\n' "ASSISTED_SWARM_HUB_NODE=$NODE_NAME" "ASSISTED_SWARM_HUB_CONTAINERD_SOCKET=$CONTAINERD_SOCK" >>"$HUB_DIR/env"
  fi
}

source "$HUB_LIB_DIR/service/lib.sh"
source "$HUB_LIB_DIR/image-service/lib.sh"
source "$HUB_LIB_DIR/node/lib.sh"
