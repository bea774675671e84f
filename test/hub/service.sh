#!/usr/bin/env bash
# The test hub's assisted-service (started by `up.sh --with-service`; see service/lib.sh).
# Usage:
#   service.sh restart [--tls] [--with-image-service]
#                        re-reads its settings (the ConfigMap that the AgentServiceConfig `agent`
#                        annotation names, the ClusterImageSets) and starts a new container, as
#                        the operator's rollout would; starts PostgreSQL too if it is not up.
#                        Its normal settings: plain HTTP, no image service, ENABLE_METAL3=false.
#                        --tls (or ASSISTED_SWARM_HUB_SERVICE_TLS=1): HTTPS only, with the hub's
#                        service CA (service/pki/ca.crt; the env file names it).
#                        --with-image-service (or ASSISTED_SWARM_HUB_WITH_IMAGE_SERVICE=1):
#                        assisted-image-service beside it (started or kept) and the service's
#                        BMH agent controller on
#   service.sh stop      removes the service and image service containers and stops PostgreSQL; the hub stays up
set -euo pipefail
source "$(dirname "$0")/lib.sh"
help_if_asked "$@"
case ${1:-} in
  restart | stop) ;;
  *) die "usage: service.sh restart [--tls] [--with-image-service] | stop" ;;
esac
for arg in "${@:2}"; do
  case $arg in
    --tls) SERVICE_TLS=1 ;;
    --with-image-service) with_image_service=1 ;;
    *) die "unknown argument '$arg' (usage: service.sh restart [--tls] [--with-image-service] | stop)" ;;
  esac
done
apiserver_ok || die "the hub is not up (npm run hub:up)"
take_lock
if [[ $1 == restart ]]; then
  ensure_service restart
else
  stop_service
fi
write_env
