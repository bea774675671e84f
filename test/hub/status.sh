#!/usr/bin/env bash
# Says what of the test hub is running. Exit status 0 only if everything answers; the node
# (up.sh --with-node), PostgreSQL and assisted-service (up.sh --with-service) and
# assisted-image-service (--with-image-service) count only if they were started.
# Usage: status.sh [--help]
set -uo pipefail
source "$(dirname "$0")/lib.sh"
help_if_asked "$@"
rc=0

# line NAME CHECK WHAT: one status line; the pid column shows whether up.sh started it.
line() {
  local pid state
  pid=$(pid_of "$1") && pid="pid $pid" || pid="not started by up.sh"
  if $2; then state=answering; else state="NOT answering"; rc=1; fi
  printf '%-24s %-14s %-24s %s\n' "$1" "$state" "($pid)" "$3"
}

echo "hub dir: $HUB_DIR"
line dockerd docker_ok "unix://$DOCKER_SOCK"
line etcd etcd_ok "http://127.0.0.1:$ETCD_PORT"
line kube-apiserver apiserver_ok "https://127.0.0.1:$APISERVER_PORT"
line kube-controller-manager kcm_ok "https://127.0.0.1:$KCM_PORT/healthz"
if node_started; then
  line kube-scheduler scheduler_ok "https://127.0.0.1:$SCHEDULER_PORT/healthz"
  line containerd containerd_ok "unix://$CONTAINERD_SOCK"
  line kubelet kubelet_ok "https://127.0.0.1:$KUBELET_PORT (healthz http://127.0.0.1:$KUBELET_HEALTHZ_PORT)"
  ready=$(node_ready_status)
  [[ $ready == True ]] || rc=1
  printf '%-24s %-14s %-24s %s\n' "node $NODE_NAME" "Ready: ${ready:-no node}" "" "pods' logs: $POD_LOGS_DIR"
else
  echo "node                     not running (npm run hub:up -- --with-node)"
fi
if pid_of postgres >/dev/null || postgres_ok; then
  line postgres postgres_ok "127.0.0.1:$PG_PORT, database $PG_DB, user $PG_USER"
else
  echo "postgres                 not running (npm run hub:up -- --with-service)"
fi
if docker container inspect "$SERVICE_CONTAINER" >/dev/null 2>&1; then
  if service_ok; then state=ready; else state="NOT ready"; rc=1; fi
  printf '%-24s %-14s %-24s %s\n' assisted-service "$state" "(container)" "$(running_service_url)/ready"
  docker inspect -f '  container {{.Name}}: {{.State.Status}} since {{.State.StartedAt}}, image {{.Config.Image}}' "$SERVICE_CONTAINER"
  echo "  base image: $SERVICE_IMAGE; AUTH_TYPE $(grep -Po '^AUTH_TYPE=\K.*' "$SERVICE_DIR/env" 2>/dev/null)"
  echo "  logs: docker logs $SERVICE_CONTAINER"
else
  echo "assisted-service         not running (npm run hub:up -- --with-service)"
fi
if docker container inspect "$IMAGE_SERVICE_CONTAINER" >/dev/null 2>&1; then
  if image_service_ok; then state=ready; else state="NOT ready"; rc=1; fi
  printf '%-24s %-14s %-24s %s\n' assisted-image-service "$state" "(container)" "http://127.0.0.1:$IMAGE_SERVICE_PORT/health"
  echo "  logs: docker logs $IMAGE_SERVICE_CONTAINER"
else
  echo "assisted-image-service   not running (npm run hub:up -- --with-image-service)"
fi
for bin in "$APISERVER_BIN" "$KCM_BIN" "$SCHEDULER_BIN" "$KUBELET_BIN"; do
  [[ -x $bin ]] && echo "binary: $bin" || echo "binary: not built yet ($bin)"
done
if apiserver_ok; then
  # A user agent other than curl's, or the server pretty-prints and the grep below misses.
  crds=$(curl -fsS -A assisted-swarm-status --cacert "$PKI/ca.crt" --cert "$PKI/admin.crt" --key "$PKI/admin.key" \
    "https://127.0.0.1:$APISERVER_PORT/apis/apiextensions.k8s.io/v1/customresourcedefinitions" |
    grep -o '"type":"Established","status":"True"' | wc -l)
  echo "CRDs Established: $crds"
  echo "kubeconfig: $HUB_DIR/kubeconfig"
  echo "env file: $HUB_DIR/env"
fi
exit $rc
