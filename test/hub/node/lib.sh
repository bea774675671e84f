# The test hub's node (up.sh --with-node): a real kubelet with a containerd of its own, and a
# kube-scheduler, so that pods of the hub really run on this machine. Sourced by ../lib.sh.
#
# Everything of the node lives in $HUB_DIR/node/ (containerd's config, root, state and socket,
# the kubelet's root dir, the pods' logs, the CNI config) apart from Docker's containerd, and
# listens on 127.0.0.1 only.

NODE_DIR=$HUB_DIR/node
# The node's name is its address. The kubelet refuses a loopback --node-ip ("nodeIP can't be
# loopback address", pkg/kubelet/kubelet_node_status.go), but takes a --hostname-override that
# is an IP as the node's InternalIP unchecked; so the node is named 127.0.0.1, its InternalIP is
# 127.0.0.1, and the API server reaches the kubelet there without looking any name up.
NODE_NAME=127.0.0.1
KUBELET_PORT=${ASSISTED_SWARM_HUB_KUBELET_PORT:-10250}
KUBELET_HEALTHZ_PORT=${ASSISTED_SWARM_HUB_KUBELET_HEALTHZ_PORT:-10248}
SCHEDULER_PORT=${ASSISTED_SWARM_HUB_SCHEDULER_PORT:-10259}
# The bridge network of pods without host networking: reachable from this machine, no route
# beyond it (no default route in the pods, no masquerading).
POD_CIDR=${ASSISTED_SWARM_HUB_POD_CIDR:-10.89.250.0/24}
# The kubelet's pod cap (maxPods): Kubernetes' default unless set. Set, a running kubelet with
# another cap is restarted with this one (its pods keep running); unset, a running kubelet keeps
# whatever cap it has. `npm run bench -- pods --max-pods N` sets it.
NODE_MAX_PODS=${ASSISTED_SWARM_HUB_NODE_MAX_PODS:-110}
SCHEDULER_BIN=$CACHE_DIR/kube-scheduler-$K8S_VERSION
KUBELET_BIN=$CACHE_DIR/kubelet-$K8S_VERSION
CONTAINERD_DIR=$NODE_DIR/containerd
CONTAINERD_SOCK=$CONTAINERD_DIR/containerd.sock
KUBELET_DIR=$NODE_DIR/kubelet
POD_LOGS_DIR=$NODE_DIR/pod-logs
CNI_DIR=$NODE_DIR/cni
# Per node (the kubelet port tells two hubs' nodes apart); a bridge's name has at most 15 bytes.
CNI_NETWORK=assisted-swarm-$KUBELET_PORT
CNI_BRIDGE=asw$KUBELET_PORT
# The pods' sandbox ("pause") image, made locally: registry.k8s.io is not reachable. A name on
# localhost: should anything ever try to pull it, the attempt stays on this machine.
PAUSE_IMAGE=localhost/assisted-swarm-hub/pause:1
# The kubelet sets these at start, as on every node (vm.overcommit_memory=1, kernel.panic=10,
# kernel.panic_on_oops=1, ...); up.sh records the values before, down.sh puts them back.
KUBELET_SYSCTLS=(vm.overcommit_memory vm.panic_on_oom kernel.panic kernel.panic_on_oops kernel.keys.root_maxkeys kernel.keys.root_maxbytes)

# node_ctr ARGS...: ctr against OUR containerd, in the namespace of the kubelet's containers.
node_ctr() { ctr --address "$CONTAINERD_SOCK" --connect-timeout 2s -n k8s.io "$@"; }
containerd_ok() { [[ -S $CONTAINERD_SOCK ]] && ctr --address "$CONTAINERD_SOCK" --timeout 2s version >/dev/null 2>&1; }
kubelet_ok() { curl -fsS --max-time 2 "http://127.0.0.1:$KUBELET_HEALTHZ_PORT/healthz" >/dev/null 2>&1; }
# Its serving certificate is self-signed (made at start), hence -k; /healthz needs no client cert.
scheduler_ok() { curl -fsSk --max-time 2 "https://127.0.0.1:$SCHEDULER_PORT/healthz" >/dev/null 2>&1; }
# The node's Ready condition: True, False or Unknown (empty if there is no node).
node_ready_status() {
  hub_curl "api/v1/nodes/$NODE_NAME" 2>/dev/null | grep -o '"type":"Ready","status":"[A-Za-z]*"' | grep -o '[A-Za-z]*"$' | tr -d '"'
}
node_ready() { [[ $(node_ready_status) == True ]]; }
# The node is on when up.sh started its kubelet or its containerd (they may not answer).
node_started() { pid_of kubelet >/dev/null || pid_of containerd >/dev/null; }

# The node's certificates from the hub's CA: the kubelet's client cert (user system:node:<name> in
# group system:nodes, as the Node authorizer expects), its serving cert for 127.0.0.1 (the API
# server checks it against the hub's CA), and the scheduler's client cert.
ensure_node_certs() {
  [[ -s $PKI/kubelet.crt ]] || leaf kubelet "/O=system:nodes/CN=system:node:$NODE_NAME" extendedKeyUsage=clientAuth
  [[ -s $PKI/kubelet-serving.crt ]] ||
    leaf kubelet-serving "/CN=$NODE_NAME" $'extendedKeyUsage=serverAuth\nsubjectAltName=IP:127.0.0.1'
  [[ -s $PKI/kube-scheduler.crt ]] || leaf kube-scheduler /CN=system:kube-scheduler extendedKeyUsage=clientAuth
}

# A port that answers for a process this hub did not start is another hub's (a second hub with a
# node on this machine needs ports of its own): taking it for ours would hang on a node that
# never becomes Ready, and its down.sh would take the other node's bridge. Checked before
# anything of the node starts.
not_ours() {
  die "$1 answers on 127.0.0.1:$2, but not the one this hub started ($HUB_DIR/$3.pid): another hub's? Give this hub ports of its own ($4)"
}
check_node_ports() {
  if scheduler_ok && ! pid_of kube-scheduler >/dev/null; then
    not_ours kube-scheduler "$SCHEDULER_PORT" kube-scheduler ASSISTED_SWARM_HUB_SCHEDULER_PORT
  fi
  if kubelet_ok && ! pid_of kubelet >/dev/null; then
    not_ours 'a kubelet' "$KUBELET_HEALTHZ_PORT" kubelet 'ASSISTED_SWARM_HUB_KUBELET_PORT, ASSISTED_SWARM_HUB_KUBELET_HEALTHZ_PORT, ASSISTED_SWARM_HUB_POD_CIDR'
  fi
}

ensure_scheduler() {
  scheduler_ok && return
  if ! pid_of kube-scheduler >/dev/null; then
    log "starting kube-scheduler on 127.0.0.1:$SCHEDULER_PORT"
    mkdir -p "$NODE_DIR"
    cat >"$NODE_DIR/kube-scheduler.yaml" <<EOF
apiVersion: kubescheduler.config.k8s.io/v1
kind: KubeSchedulerConfiguration
clientConnection:
  kubeconfig: $HUB_DIR/kube-scheduler.kubeconfig
leaderElection:
  leaderElect: false
enableProfiling: false
EOF
    start_daemon kube-scheduler "$SCHEDULER_BIN" --config="$NODE_DIR/kube-scheduler.yaml" \
      --bind-address=127.0.0.1 --secure-port="$SCHEDULER_PORT"
  fi
  wait_for kube-scheduler 60 scheduler_ok
}

# containerd's own config: root, state, socket and runc's state under $CONTAINERD_DIR; the CRI
# plugin with the local pause image, the node's CNI config, and:
# - restrict_oom_score_adj: a sandbox's oom_score_adj is negative, which needs CAP_SYS_RESOURCE,
#   which processes here lack (runc then fails: "can't get final child's PID from pipe: EOF");
#   restricted, no container gets a lower score than containerd's own.
# - netns_mounts_under_state_dir: pods' network namespaces in our state dir, not /var/run/netns.
# - disable_apparmor: no profile is loaded into the kernel on hosts with AppArmor.
write_containerd_config() {
  mkdir -p "$CONTAINERD_DIR" "$CNI_DIR/net.d" "$CNI_DIR/ipam"
  cat >"$CONTAINERD_DIR/config.toml" <<EOF
# Written by test/hub/up.sh --with-node: the test hub's node's own containerd (not Docker's).
version = 2
root = "$CONTAINERD_DIR/root"
state = "$CONTAINERD_DIR/state"
disabled_plugins = ["io.containerd.snapshotter.v1.aufs", "io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.devmapper", "io.containerd.snapshotter.v1.zfs"]

[grpc]
  address = "$CONTAINERD_SOCK"
[ttrpc]
  address = "$CONTAINERD_SOCK.ttrpc"
[debug]
  address = ""
[metrics]
  address = ""

[plugins."io.containerd.internal.v1.opt"]
  path = "$CONTAINERD_DIR/opt"
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "$PAUSE_IMAGE"
  restrict_oom_score_adj = true
  netns_mounts_under_state_dir = true
  disable_apparmor = true
  stream_server_address = "127.0.0.1"
  stream_server_port = "0"
  enable_tls_streaming = false
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        SystemdCgroup = false
        Root = "$CONTAINERD_DIR/runc"
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/usr/lib/cni"
    conf_dir = "$CNI_DIR/net.d"
EOF
  cat >"$CNI_DIR/net.d/10-$CNI_NETWORK.conflist" <<EOF
{
  "cniVersion": "1.0.0",
  "name": "$CNI_NETWORK",
  "plugins": [
    {
      "type": "bridge",
      "bridge": "$CNI_BRIDGE",
      "isGateway": true,
      "isDefaultGateway": false,
      "ipMasq": false,
      "hairpinMode": true,
      "ipam": { "type": "host-local", "ranges": [[{ "subnet": "$POD_CIDR" }]], "dataDir": "$CNI_DIR/ipam" }
    }
  ]
}
EOF
}

# The pause image: a static busybox that sleeps for ever, imported into Docker once
# (docker import) and from there into our containerd (docker save | ctr import).
ensure_pause_image() {
  node_ctr images ls -q | grep -qxF "$PAUSE_IMAGE" && return
  if ! docker image inspect "$PAUSE_IMAGE" >/dev/null 2>&1; then
    log "making the pause image $PAUSE_IMAGE from /bin/busybox"
    local root; root=$(mktemp -d)
    mkdir -p "$root/bin" && cp /bin/busybox "$root/bin/busybox" && ln -s busybox "$root/bin/sleep"
    tar -C "$root" -c . | docker import -c 'ENTRYPOINT ["/bin/sleep", "inf"]' -c 'LABEL assisted-swarm.io/hub=pause' \
      - "$PAUSE_IMAGE" >/dev/null
    rm -rf "$root"
  fi
  docker save "$PAUSE_IMAGE" | node_ctr images import - >/dev/null || die "importing $PAUSE_IMAGE into the node's containerd failed"
}

ensure_containerd() {
  if ! containerd_ok; then
    if ! pid_of containerd >/dev/null; then
      log "starting the node's containerd (socket $CONTAINERD_SOCK)"
      write_containerd_config
      # Every image pull goes through a proxy at 127.0.0.1:1, which refuses: an image that is not
      # here fails at once, and no pull leaves this machine, not even a DNS lookup of a registry
      # (Go dials registries on loopback addresses directly, and they refuse just as well).
      # Images come from Docker instead: docker save | ctr import (README).
      start_daemon containerd env -u http_proxy -u https_proxy -u no_proxy -u all_proxy -u ALL_PROXY \
        HTTP_PROXY=http://127.0.0.1:1 HTTPS_PROXY=http://127.0.0.1:1 NO_PROXY= \
        containerd --config "$CONTAINERD_DIR/config.toml"
    fi
    wait_for containerd 60 containerd_ok
  fi
  ensure_pause_image
}

# The kubelet's config: loopback only, client certs from the hub's CA, Webhook authorization
# (the API server's kubelet client is bound to system:kubelet-api-admin), cgroupfs with no QoS
# cgroups (cgroup v1 here), no iptables chains of its own, no image GC or evictions for a disk
# that others fill, no DNS servers for pods (their lookups would leave the machine).
write_kubelet_config() {
  mkdir -p "$KUBELET_DIR" "$POD_LOGS_DIR" "$NODE_DIR/volume-plugins"
  cat >"$NODE_DIR/kubelet.yaml" <<EOF
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
address: 127.0.0.1
port: $KUBELET_PORT
readOnlyPort: 0
healthzBindAddress: 127.0.0.1
healthzPort: $KUBELET_HEALTHZ_PORT
tlsCertFile: $PKI/kubelet-serving.crt
tlsPrivateKeyFile: $PKI/kubelet-serving.key
rotateCertificates: false
serverTLSBootstrap: false
authentication:
  anonymous: {enabled: false}
  webhook: {enabled: true}
  x509: {clientCAFile: $PKI/ca.crt}
authorization:
  mode: Webhook
containerRuntimeEndpoint: unix://$CONTAINERD_SOCK
cgroupDriver: cgroupfs
cgroupsPerQOS: false
enforceNodeAllocatable: []
failCgroupV1: false
failSwapOn: false
oomScoreAdj: 0
makeIPTablesUtilChains: false
podLogsDir: $POD_LOGS_DIR
volumePluginDir: $NODE_DIR/volume-plugins
resolvConf: ""
maxPods: $NODE_MAX_PODS
imageGCHighThresholdPercent: 100
imageGCLowThresholdPercent: 99
evictionHard: {memory.available: 100Mi, nodefs.available: "1%", imagefs.available: "1%", nodefs.inodesFree: "1%"}
EOF
}

# Records the kernel settings the kubelet changes, once per hub dir (down.sh puts them back).
record_sysctls() {
  [[ -s $NODE_DIR/sysctl.before ]] && return
  local k
  for k in "${KUBELET_SYSCTLS[@]}"; do echo "$k=$(sysctl -n "$k")"; done >"$NODE_DIR/sysctl.before.tmp"
  mv "$NODE_DIR/sysctl.before.tmp" "$NODE_DIR/sysctl.before"
}

ensure_kubelet() {
  if [[ -n ${ASSISTED_SWARM_HUB_NODE_MAX_PODS:-} ]] && pid_of kubelet >/dev/null &&
    ! grep -qxF "maxPods: $NODE_MAX_PODS" "$NODE_DIR/kubelet.yaml" 2>/dev/null; then
    log "restarting the kubelet with maxPods $NODE_MAX_PODS (ASSISTED_SWARM_HUB_NODE_MAX_PODS)"
    stop kubelet
  fi
  kubelet_ok && return
  if ! pid_of kubelet >/dev/null; then
    log "starting the kubelet: node $NODE_NAME, https://127.0.0.1:$KUBELET_PORT"
    write_kubelet_config
    record_sysctls
    start_daemon kubelet "$KUBELET_BIN" --config="$NODE_DIR/kubelet.yaml" --kubeconfig="$HUB_DIR/kubelet.kubeconfig" \
      --hostname-override="$NODE_NAME" --root-dir="$KUBELET_DIR" --cert-dir="$NODE_DIR/kubelet-pki" --v=1
  fi
  wait_for kubelet 60 kubelet_ok
}

# The API server's client of the kubelets (logs, exec, port-forward) may do what the kubelet's
# API offers: the bootstrap role system:kubelet-api-admin, as kubeadm binds it.
ensure_kubelet_api_rbac() {
  local name=assisted-swarm-hub:kubelet-api-admin
  hub_curl "apis/rbac.authorization.k8s.io/v1/clusterrolebindings/$name?fieldManager=assisted-swarm-hub&force=true" \
    -o /dev/null -X PATCH -H 'Content-Type: application/apply-patch+yaml' --data-binary "{
      \"apiVersion\": \"rbac.authorization.k8s.io/v1\", \"kind\": \"ClusterRoleBinding\", \"metadata\": {\"name\": \"$name\"},
      \"roleRef\": {\"apiGroup\": \"rbac.authorization.k8s.io\", \"kind\": \"ClusterRole\", \"name\": \"system:kubelet-api-admin\"},
      \"subjects\": [{\"apiGroup\": \"rbac.authorization.k8s.io\", \"kind\": \"User\", \"name\": \"kube-apiserver-kubelet-client\"}]}" ||
    die "could not bind system:kubelet-api-admin to the API server's kubelet client"
}

# Scheduler, containerd, kubelet; returns when the node is Ready.
ensure_node() {
  [[ $(id -u) == 0 ]] || die "the node (containerd, kubelet) runs as root: run up.sh --with-node as root"
  check_node_ports
  ensure_kubelet_api_rbac
  ensure_scheduler
  ensure_containerd
  ensure_kubelet
  if ! node_ready; then
    log "waiting for node $NODE_NAME to be Ready"
    wait_for kubelet 120 node_ready
  fi
}

# Kills and removes every container of our containerd (the kubelet leaves its pods' containers
# behind when it stops), and unmounts the network namespaces of their sandboxes.
remove_node_containers() {
  containerd_ok || return 0
  local ids id spec netns=()
  ids=$(node_ctr containers ls -q) || return 0
  [[ -n $ids ]] || return 0
  log "removing the node's $(wc -w <<<"$ids") containers"
  for id in $ids; do
    # A sandbox's network namespace, as its spec names it (pods without host networking only).
    spec=$(node_ctr containers info "$id" 2>/dev/null || true)
    if [[ $spec =~ \"path\":\ *\"($CONTAINERD_DIR/[^\"]*/netns/[^\"]*)\" ]]; then netns+=("${BASH_REMATCH[1]}"); fi
    node_ctr tasks kill -s SIGKILL "$id" >/dev/null 2>&1 || true
  done
  for id in $ids; do
    for _ in $(seq 1 50); do
      if node_ctr tasks delete "$id" >/dev/null 2>&1 || ! node_ctr tasks ls -q | grep -qxF "$id"; then break; fi
      sleep 0.1
    done
    node_ctr containers delete "$id" >/dev/null 2>&1 || log "could not remove container $id"
    # CNI's cache of a sandbox's loopback result (libcni's, outside any dir of ours).
    rm -f "/var/lib/cni/results/cni-loopback-$id-lo"
  done
  for id in "${netns[@]}"; do
    umount "$id" 2>/dev/null || true
    rm -f "$id"
  done
}

# Unmounts whatever is still mounted under the node's dir (the kubelet's own bind mount of its
# root dir, pods' tmpfs volumes, network namespaces), deepest first.
unmount_node_dir() {
  local m
  findmnt -rn -o TARGET | awk -v p="$NODE_DIR/" 'index($0, p) == 1' | sort -r | while read -r m; do
    umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || log "could not unmount $m"
  done
  # The root dir itself (the kubelet bind-mounts it onto itself).
  while findmnt -rn -o TARGET | grep -qxF "$KUBELET_DIR"; do umount "$KUBELET_DIR" 2>/dev/null || umount -l "$KUBELET_DIR" || break; done
}

# stop_node: kubelet, scheduler, the pods' containers, containerd; then what the node left on
# the machine outside the hub dir: its bridge, CNI's result cache and the kubelet's log links,
# and the kernel settings the kubelet changed.
stop_node() {
  stop kubelet
  stop kube-scheduler
  remove_node_containers
  stop containerd
  [[ -d $NODE_DIR ]] || return 0
  unmount_node_dir
  ip link delete "$CNI_BRIDGE" 2>/dev/null || true
  rm -f /var/lib/cni/results/"$CNI_NETWORK"-* 2>/dev/null || true
  local link
  for link in /var/log/containers/*.log; do
    if [[ -L $link && $(readlink "$link") == "$POD_LOGS_DIR"/* ]]; then rm -f "$link"; fi
  done
  if [[ -s $NODE_DIR/sysctl.before ]]; then
    local kv
    while read -r kv; do sysctl -q -w "$kv" >/dev/null 2>&1 || log "could not put back $kv"; done <"$NODE_DIR/sysctl.before"
    rm -f "$NODE_DIR/sysctl.before"
  fi
}
