#!/usr/bin/env bash
# Stops what up.sh started, by the pids it recorded (the service container by its name), and
# removes the hub's data dir so the next up.sh starts clean. A dockerd that up.sh did not start
# (no dockerd.pid) is left alone. The node's pods' containers are killed and removed in its own
# containerd (the kubelet leaves them behind), and what the node left outside the hub dir goes.
# Usage: down.sh [--help]
set -euo pipefail
source "$(dirname "$0")/lib.sh"
help_if_asked "$@"
[[ -d $(dirname "$HUB_DIR") ]] || exit 0
take_lock

# Reverse start order: the service before its database, the kubelet before its containerd, the
# API server before its etcd.
stop_service
stop_node
stop kube-controller-manager
stop kube-apiserver
stop etcd
stop dockerd
# --one-file-system: should anything still be mounted in the hub dir, it is not emptied.
rm -rf --one-file-system "$HUB_DIR"
log "down ($HUB_DIR removed)"
