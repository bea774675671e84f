#!/usr/bin/env bash
# Stops what up.sh started, by the pids it recorded, and removes the hub's data dir so the
# next up.sh starts clean. A dockerd that up.sh did not start (no dockerd.pid) is left alone.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
[[ -d $(dirname "$HUB_DIR") ]] || exit 0
take_lock

# stop NAME: SIGTERM, then SIGKILL if it has not exited in time (dockerd stops its containers first).
stop() {
  local pid
  if pid=$(pid_of "$1"); then
    log "stopping $1 (pid $pid)"
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 150); do alive "$pid" || return 0; sleep 0.2; done
    log "$1 (pid $pid) did not stop in 30s; killing it"
    kill -KILL "$pid" 2>/dev/null || true
  fi
}

# Reverse start order: the API server first, so it never runs without its etcd.
stop kube-apiserver
stop etcd
stop dockerd
rm -rf "$HUB_DIR"
log "down ($HUB_DIR removed)"
