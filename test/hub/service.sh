#!/usr/bin/env bash
# The test hub's assisted-service (started by `up.sh --with-service`; see service/lib.sh).
# Usage:
#   service.sh restart   re-reads its settings (the ConfigMap that the AgentServiceConfig `agent`
#                        annotation names, the ClusterImageSets) and starts a new container, as
#                        the operator's rollout would; starts PostgreSQL too if it is not up;
#                        its normal settings: no image service, ENABLE_METAL3=false
#   service.sh restart --with-image-service
#                        the same with assisted-image-service beside it (started or kept) and
#                        the service's BMH agent controller on (or ASSISTED_SWARM_HUB_WITH_IMAGE_SERVICE=1)
#   service.sh stop      removes the service and image service containers and stops PostgreSQL; the hub stays up
set -euo pipefail
source "$(dirname "$0")/lib.sh"
help_if_asked "$@"
case ${1:-} in
  restart | stop) ;;
  *) die "usage: service.sh restart [--with-image-service] | stop" ;;
esac
case ${2:-} in
  '') ;;
  --with-image-service) with_image_service=1 ;;
  *) die "unknown argument '$2' (usage: service.sh restart [--with-image-service] | stop)" ;;
esac
apiserver_ok || die "the hub is not up (npm run hub:up)"
take_lock
if [[ $1 == restart ]]; then
  ensure_service restart
else
  stop_service
fi
write_env
